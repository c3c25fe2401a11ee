"""Each write view writes exactly the expected audit rows (reads: courses/tests/test_views.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent

TODAY = timezone.localdate().isoformat()


def _rows_after(before):
    return list(
        AuditEvent.objects.filter(pk__gt=before).order_by("id").values_list("action", "object_type")
    )


CASES = [
    (
        "housing_staff",
        "courses:concern_create",
        lambda w: [w.resident_plain.pk],
        lambda w: {"description": "Uro om natten"},
        [("create", "concern")],
    ),
    (
        "team_nurse",
        "courses:concern_close",
        lambda w: [w.concern_open.pk],
        lambda w: {"reason": "Vurderet; ikke behov nu"},
        [("transition", "concern")],
    ),
    (
        "team_doctor",
        "courses:referral_decide",
        lambda w: [w.referral_pending.pk],
        lambda w: {"decision": "reject", "reason": "Uden for målgruppen"},
        [("transition", "referral")],
    ),
    (
        "team_nurse",
        "courses:referral_withdraw",
        lambda w: [w.referral_pending.pk],
        lambda w: {"reason": "Fejlhenvist"},
        [("transition", "referral")],
    ),
    (
        "team_doctor",
        "courses:course_end",
        lambda w: [w.course.pk],
        lambda w: {
            "version": "1",
            "ended_on": TODAY,
            "end_reason": "completed",
            "transition": "gp",
            "end_summary": "Afsluttet",
        },
        [("transition", "course")],
    ),
    (
        "team_nurse",
        "courses:course_contacts",
        lambda w: [w.course.pk],
        lambda w: {
            "version": "1",
            "team_contacts": [str(w.team_nurse.pk)],
            "responsible_doctor": str(w.team_doctor.pk),
        },
        [("update", "course")],
    ),
    (
        "team_nurse",
        "consent:create",
        lambda w: [w.resident_in_course.pk],
        lambda w: {
            "kind": "relatives",
            "relatives": "Mor",
            "form": "oral",
            "given_by": "resident",
            "given_on": TODAY,
        },
        [("create", "consent")],
    ),
    (
        "housing_staff",
        "consent:withdraw",
        lambda w: [w.consent_partial.pk],
        lambda w: {"note": ""},
        [("transition", "consent")],
    ),
]


@pytest.mark.parametrize(
    ("persona", "name", "args", "data", "expected"), CASES, ids=[c[1] for c in CASES]
)
def test_write_view_audit_rows(world, client, persona, name, args, data, expected):
    client.force_login(getattr(world, persona))
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(reverse(name, args=args(world)), data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _rows_after(before) == expected
    row = AuditEvent.objects.get(pk__gt=before)
    assert row.user == getattr(world, persona) and row.request_id and row.outcome == "allowed"
