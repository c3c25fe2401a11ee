"""Stored markup in every free-text field renders escaped on every page that shows it."""

import re
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from consent.services import consent_record, consent_withdraw
from courses import services
from emergency.models import EmergencyAccess
from residents.models import Resident

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW_MARKERS = ("<script>alert(", "<img src=x")
ROOT = Path(__file__).resolve().parents[1]


def _fill_everything(w):
    today = timezone.localdate()
    Resident.objects.filter(pk=w.resident_in_course.pk).update(
        first_name=PAYLOAD, last_name=PAYLOAD
    )
    w.facility_a1.name = PAYLOAD
    w.facility_a1.save()
    w.team_a.name = PAYLOAD
    w.team_a.save()
    for user in (w.team_nurse, w.team_doctor, w.housing_staff):
        user.first_name = PAYLOAD
        user.save()
    services.concern_close(user=w.team_nurse, concern=w.concern_open, note=PAYLOAD)
    referral = services.referral_create(
        user=w.team_nurse,
        resident=w.resident_concern,
        team=w.team_a,
        facility=w.facility_a1,
        source="gp",
        referrer_name=PAYLOAD,
        received_on=today,
        reason=PAYLOAD,
        criteria=["complex"],
        criteria_other=PAYLOAD,
        consent_informed_on=today,
        consent_form="oral",
        consent_given_by="resident",
    )
    services.referral_reject(user=w.team_doctor, referral=referral, reason=PAYLOAD)
    # consents are written while the team acts for the resident (before the course ends)
    consent = consent_record(
        user=w.team_nurse,
        resident=w.resident_in_course,
        kind="relatives",
        form="oral",
        given_by="resident",
        given_on=today,
        relatives=PAYLOAD,
        purpose=PAYLOAD,
    )
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial, note=PAYLOAD)
    services.course_end(
        user=w.team_doctor,
        course=w.course,
        version=1,
        ended_on=today,
        end_reason="completed",
        transition="gp",
        end_summary=PAYLOAD,
    )
    EmergencyAccess.objects.filter(pk=w.emergency_past.pk).update(reason_text=PAYLOAD)
    return referral, consent


def test_markup_is_escaped_everywhere(world, client):
    w = world
    referral, _consent = _fill_everything(w)
    pages = {
        "team_nurse": [
            reverse("home"),
            reverse("residents:detail", args=[w.resident_in_course.pk]),
            reverse("residents:detail", args=[w.resident_concern.pk]),
            reverse("courses:course_detail", args=[w.course.pk]),
            reverse("courses:referral_detail", args=[referral.pk]),
            reverse("courses:referral_detail", args=[w.course.referral.pk]),
            reverse("courses:concern_detail", args=[w.concern_open.pk]),
            reverse("courses:visitation_queue"),
            reverse("consent:ledger", args=[w.resident_in_course.pk]),
            reverse("organisation:facility_list"),
            reverse("organisation:facility_detail", args=[w.facility_a1.pk]),
        ],
        "team_leader": [
            reverse("audit:resident_log", args=[w.resident_in_course.pk]),
            reverse("emergency:review", args=[w.emergency_past.pk]),
            reverse("emergency:queue"),
        ],
        "housing_staff": [
            reverse("home"),
            reverse("residents:detail", args=[w.resident_in_course.pk]),
            reverse("courses:concern_detail", args=[w.concern_open.pk]),
            reverse("consent:ledger", args=[w.resident_in_course.pk]),
        ],
        "ward_staff": [reverse("courses:ward_lookup")],
    }
    checked = 0
    for persona, urls in pages.items():
        client.force_login(getattr(w, persona))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            body = response.content.decode()
            for marker in RAW_MARKERS:
                assert marker not in body, (persona, url, marker)
            checked += "&lt;script&gt;alert(" in body
    assert checked >= 15  # the payload really was shown (escaped) on most pages
    # search results, posted
    client.force_login(w.team_nurse)
    body = client.post(reverse("residents:search"), {"q": "script"}).content.decode()
    assert "&lt;script&gt;" in body and "<script>alert(" not in body


def test_no_unescaping_in_our_code():
    """No mark_safe, |safe or autoescape off anywhere in our own code and templates."""
    pattern = re.compile(r"mark_safe|\|\s*safe\b|autoescape\s+off|format_html\(")
    offenders = []
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt"} or not path.is_file():
            continue
        parts = set(path.relative_to(ROOT).parts)
        if parts & {".venv", "vendor", "node_modules", "var"} or path.name == Path(__file__).name:
            continue
        if pattern.search(path.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
