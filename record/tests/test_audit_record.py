"""The audit rows each course-record page writes: one row per read or write of the resident's
record, with the purpose the reader's role implies, and never the content of an entry."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from record.models import Entry
from record.tests.samples import MARKERS, post_data

pytestmark = pytest.mark.django_db

FIELDS = ("action", "object_type", "object_version", "purpose", "outcome", "detail")


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _rows_after(before: int) -> list[tuple]:
    return list(AuditEvent.objects.filter(pk__gt=before).order_by("id").values_list(*FIELDS))


def _correction(entry, **overrides) -> dict:
    return {
        **post_data(entry.kind, **overrides),
        "version": str(entry.version),
        "correction_reason": "Rettet efter samtale",
    }


# (persona, method, URL name, args, POST data, expected rows as FIELDS, status)
CASES = [
    (
        "team_nurse",
        "get",
        "record:overview",
        lambda w: [w.resident_in_course.pk],
        None,
        [("view", "resident", None, "treatment", "allowed", {"page": "record"})],
        200,
    ),
    (
        "housing_staff",
        "get",
        "record:overview",
        lambda w: [w.resident_in_course.pk],
        None,
        [("view", "resident", None, "sharing", "allowed", {"page": "record"})],
        200,
    ),
    (
        "team_doctor",
        "get",
        "record:detail",
        lambda w: [w.crisis_plan.pk],
        None,
        [("view", "entry", 2, "treatment", "allowed", {})],
        200,
    ),
    (
        "housing_staff",
        "get",
        "record:detail",
        lambda w: [w.facility_admission.pk],
        None,
        [("view", "entry", 1, "sharing", "allowed", {})],
        200,
    ),
    (
        "team_nurse",
        "get",
        "record:version",
        lambda w: [w.crisis_plan.pk, 1],
        None,
        [("view", "entry", 2, "treatment", "allowed", {"version": 1})],
        200,
    ),
    (
        "team_mentor",
        "get",
        "record:print",
        lambda w: [w.crisis_plan.pk],
        None,
        [("export", "entry", 2, "treatment", "allowed", {"print": "crisis_plan"})],
        200,
    ),
    # the empty form names the resident only, like the other create pages: no row
    (
        "team_nurse",
        "get",
        "record:create",
        lambda w: [w.resident_in_course.pk, "visit"],
        None,
        [],
        200,
    ),
    (
        "team_nurse",
        "post",
        "record:create",
        lambda w: [w.resident_in_course.pk, "visit"],
        lambda w: post_data("visit"),
        [("create", "entry", 1, "treatment", "allowed", {"kind": "visit"})],
        302,
    ),
    (
        "housing_staff",
        "post",
        "record:create",
        lambda w: [w.resident_in_course.pk, "crisis"],
        lambda w: post_data("crisis"),
        [("create", "entry", 1, "sharing", "allowed", {"kind": "crisis"})],
        302,
    ),
    # invalid input: the form again, nothing saved, no row
    (
        "team_nurse",
        "post",
        "record:create",
        lambda w: [w.resident_in_course.pk, "visit"],
        lambda w: {},
        [],
        200,
    ),
    (
        "team_nurse",
        "post",
        "record:correct",
        lambda w: [w.visit_note.pk],
        lambda w: _correction(w.visit_note, note="Rettet notat efter samtalen."),
        [
            (
                "update",
                "entry",
                2,
                "treatment",
                "allowed",
                {"kind": "visit", "fields": ["note"], "version": 2},
            )
        ],
        302,
    ),
    (
        "housing_staff",
        "post",
        "record:correct",
        lambda w: [w.facility_admission.pk],
        lambda w: _correction(w.facility_admission, ward="Psykiatrisk sengeafsnit P2"),
        [
            (
                "update",
                "entry",
                2,
                "sharing",
                "allowed",
                {"kind": "admission", "fields": ["note", "ward"], "version": 2},
            )
        ],
        302,
    ),
    # the correction form shows the saved entry, also when re-shown with errors: a read
    (
        "team_nurse",
        "post",
        "record:correct",
        lambda w: [w.visit_note.pk],
        lambda w: {},
        [("view", "entry", 1, "treatment", "allowed", {})],
        200,
    ),
    # denials are logged by the middleware, without the resident or the object
    (
        "housing_staff",
        "get",
        "record:detail",
        lambda w: [w.visit_note.pk],
        None,
        [("view", "", None, "sharing", "denied", "*")],
        404,
    ),
    (
        "team_mentor",
        "get",
        "record:correct",
        lambda w: [w.medication.pk],
        None,
        [("view", "", None, "treatment", "denied", "*")],
        403,
    ),
]


def _ids(case):
    return f"{case[0]}-{case[1]}-{case[2]}"


@pytest.mark.parametrize(
    ("persona", "method", "name", "args", "data", "expected", "status"), CASES, ids=map(_ids, CASES)
)
def test_record_page_audit_rows(world, client, persona, method, name, args, data, expected, status):
    user = getattr(world, persona)
    client.force_login(user)
    before = _last_id()
    url = reverse(name, args=args(world))
    response = client.post(url, data(world)) if method == "post" else client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    rows = _rows_after(before)
    assert [r[:5] for r in rows] == [e[:5] for e in expected]
    for row, want in zip(rows, expected, strict=True):
        if want[5] != "*":
            assert row[5] == want[5]
    for event in AuditEvent.objects.filter(pk__gt=before):
        assert event.user == user and event.request_id
        if event.outcome == "allowed":
            assert event.resident_id == world.resident_in_course.pk
            assert event.object_id
        else:
            assert event.resident_id is None and event.detail["url_name"] == name


def test_denied_row_names_the_url_and_status(world, client):
    client.force_login(world.housing_staff)
    before = _last_id()
    client.get(reverse("record:detail", args=[world.visit_note.pk]))
    row = AuditEvent.objects.get(pk__gt=before)
    assert row.detail == {
        "url_name": "record:detail",
        "kwargs": {"pk": str(world.visit_note.pk)},
        "method": "GET",
        "status": 404,
    }


def test_created_row_points_at_the_new_entry_and_holds_no_text(world, client):
    client.force_login(world.team_nurse)
    before = _last_id()
    url = reverse("record:create", args=[world.resident_in_course.pk, "visit"])
    client.post(url, post_data("visit"))
    entry = Entry.objects.filter(kind="visit").latest("id")
    row = AuditEvent.objects.get(pk__gt=before)
    assert row.object_id == str(entry.pk)
    assert MARKERS["visit"] not in str(row.detail)


def test_every_correction_row_carries_the_new_version(world, client):
    client.force_login(world.team_doctor)
    entry = world.crisis_plan
    for number, phase in ((3, "red"), (4, "green")):
        before = _last_id()
        url = reverse("record:correct", args=[entry.pk])
        response = client.post(url, _correction(entry, subtype=phase))
        assert response.status_code == 302
        entry.refresh_from_db()
        row = AuditEvent.objects.get(pk__gt=before)
        assert (row.action, row.object_version, row.detail["version"]) == ("update", number, number)
        assert "subtype" in row.detail["fields"]


def test_the_correction_form_records_the_read(world, client):
    client.force_login(world.team_nurse)
    before = _last_id()
    response = client.get(reverse("record:correct", args=[world.visit_note.pk]))
    assert response.status_code == 200
    rows = _rows_after(before)
    assert [r[:4] for r in rows] == [("view", "entry", 1, "treatment")]
