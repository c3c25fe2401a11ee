"""The record's one policy (record/access.py) over real, valid form posts: a deactivated
membership grants nothing, services ask the policy themselves and write one audit row, an
ended course is read-only, and emergency access is read-only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from courses.models import CourseStatus
from organisation.models import Profession, Role
from record import access, services
from record.forms import FORMS
from record.kinds import Kind
from record.models import Entry
from tests import factories as f

from .samples import MARKER_FIELD, correct_entry, make_entry, new_resident_in_course, post_data

pytestmark = pytest.mark.django_db

WANT = "Rettelse der ikke må gemmes"


def create_url(resident, kind):
    return reverse("record:create", args=[resident.pk, kind])


def correct_url(entry):
    return reverse("record:correct", args=[entry.pk])


def correction(entry, text=WANT):
    return post_data(
        entry.kind,
        **{MARKER_FIELD[entry.kind]: text},
        version=str(entry.version),
        correction_reason="Forsøg",
    )


def _snapshot(entry):
    entry.refresh_from_db()
    return entry.version, entry.data, entry.versions.count()


def _valid(kind, **overrides):
    """The sample is a VALID form: a refusal below is the policy, not the form."""
    form = FORMS[kind](post_data(kind, **overrides))
    assert form.is_valid(), form.errors.as_json()


def _valid_correction(entry):
    form = FORMS[entry.kind](correction(entry), correcting=True)
    assert form.is_valid(), form.errors.as_json()


# --- 1. a deactivated membership grants nothing ----------------------------------------------


@pytest.fixture
def former_doctor(world):
    """An active recovery mentor in team A who was once a doctor in team A (that membership is
    deactivated)."""
    user = f.MembershipFactory(
        role=Role.TEAM_STAFF, profession=Profession.RECOVERY_MENTOR, team=world.team_a
    ).user
    f.MembershipFactory(
        user=user,
        role=Role.TEAM_STAFF,
        profession=Profession.DOCTOR,
        team=world.team_a,
        is_active=False,
    )
    return user


def test_inactive_doctor_membership_may_not_write_a_medication_entry(client, world, former_doctor):
    resident = world.resident_in_course
    _valid(Kind.MEDICATION)
    before = Entry.objects.filter(resident=resident, kind=Kind.MEDICATION).count()
    client.force_login(former_doctor)
    url = create_url(resident, Kind.MEDICATION)
    assert client.get(url).status_code == 403
    assert client.post(url, post_data(Kind.MEDICATION)).status_code == 403
    assert Entry.objects.filter(resident=resident, kind=Kind.MEDICATION).count() == before
    # as a mentor the user still writes what any team member writes
    assert client.post(create_url(resident, Kind.VISIT), post_data(Kind.VISIT)).status_code == 302
    # and the journal offers no medication entry
    html = client.get(reverse("record:overview", args=[resident.pk])).content.decode()
    assert f'href="{url}"' not in html


def test_inactive_doctor_membership_may_not_correct_a_medication_entry(
    client, world, former_doctor
):
    medication = world.medication
    _valid_correction(medication)
    before = _snapshot(medication)
    client.force_login(former_doctor)
    detail = client.get(reverse("record:detail", args=[medication.pk]))
    assert detail.status_code == 200  # reads it as a team member ...
    assert correct_url(medication) not in detail.content.decode()  # ... offered no correction
    assert client.get(correct_url(medication)).status_code == 403
    assert client.post(correct_url(medication), correction(medication)).status_code == 403
    assert _snapshot(medication) == before


def test_policy_reads_professions_from_the_principal_only(world, former_doctor):
    writable = access.writable(former_doctor, world.resident_in_course)
    assert Kind.VISIT in writable.kinds and Kind.MEDICATION not in writable.kinds
    assert not access.can(former_doctor, access.CORRECT, world.medication)
    assert access.can(world.team_doctor, access.CORRECT, world.medication)


def test_no_module_of_the_record_reads_memberships():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "Membership" in path.read_text()
    ]
    assert offenders == []


# --- 2. the services ask the policy themselves ----------------------------------------------


def _split(kind, **overrides):
    form = FORMS[kind](post_data(kind, **overrides))
    assert form.is_valid()
    return form.split()


def test_entry_create_refuses_a_direct_call_by_an_unauthorised_user(world):
    resident = world.resident_in_course
    before = AuditEvent.objects.count()
    for user, kind in [
        (world.team_mentor, Kind.MEDICATION),  # sees the resident, profession may not
        (world.housing_staff, Kind.VISIT),  # sees the resident, sector may not
        (world.other_team_nurse, Kind.VISIT),  # does not see the resident
        (world.ward_staff, Kind.CRISIS),
    ]:
        columns, data = _split(kind)
        with pytest.raises(PermissionDenied):
            services.entry_create(
                user=user, resident=resident, kind=kind, columns=columns, data=data
            )
    assert AuditEvent.objects.count() == before


def test_entry_correct_refuses_a_direct_call_by_an_unauthorised_user(world):
    medication = world.medication
    columns, data = _split(Kind.MEDICATION, reason=WANT)
    before = _snapshot(medication)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):  # sees it, may not correct it
        services.entry_correct(
            user=world.team_mentor,
            entry=medication,
            version=medication.version,
            columns=columns,
            data=data,
            reason="Forsøg",
        )
    for outsider in (world.other_team_nurse, world.housing_staff, world.region_admin):
        with pytest.raises(Http404):  # does not see it
            services.entry_correct(
                user=outsider,
                entry=medication,
                version=medication.version,
                columns=columns,
                data=data,
                reason="Forsøg",
            )
    assert _snapshot(medication) == before
    assert AuditEvent.objects.count() == audit_before


def test_each_write_service_writes_exactly_one_audit_row(world):
    resident = new_resident_in_course(world)
    before = AuditEvent.objects.count()
    entry = make_entry(world.team_nurse, resident, Kind.VISIT)
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [(r.action, r.object_type, r.object_id) for r in rows] == [
        (Action.CREATE, "entry", str(entry.pk))
    ]
    before = AuditEvent.objects.count()
    correct_entry(world.team_nurse, entry, fields={"note": "Rettet note"})
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [(r.action, r.object_type, r.object_id) for r in rows] == [
        (Action.UPDATE, "entry", str(entry.pk))
    ]


# --- 4. the object of an ended course ---------------------------------------------------------


def _end_course(world, course=None):
    from courses.services import course_end

    course = course or world.course
    course.refresh_from_db()
    return course_end(
        user=world.team_doctor,
        course=course,
        version=course.version,
        ended_on=timezone.localdate(),
        end_reason="completed",
        transition="gp",
        end_summary="Afsluttet efter planen.",
    )


def test_after_the_course_ends_the_team_reads_but_writes_nothing(client, world):
    resident = world.resident_in_course
    _end_course(world)
    visit_note = world.visit_note
    _valid(Kind.VISIT)
    _valid_correction(visit_note)
    count = Entry.objects.filter(resident=resident).count()
    before = _snapshot(visit_note)
    client.force_login(world.team_nurse)
    # reads the record as before
    assert client.get(reverse("record:overview", args=[resident.pk])).status_code == 200
    detail = client.get(reverse("record:detail", args=[visit_note.pk]))
    assert detail.status_code == 200
    assert correct_url(visit_note) not in detail.content.decode()
    # no new entry, no correction of an old one
    assert client.post(create_url(resident, Kind.VISIT), post_data(Kind.VISIT)).status_code == 403
    assert client.post(correct_url(visit_note), correction(visit_note)).status_code == 403
    assert Entry.objects.filter(resident=resident).count() == count
    assert _snapshot(visit_note) == before
    # nor housing staff of the facility, for their own event
    admission = world.facility_admission
    client.force_login(world.housing_staff)
    assert client.post(create_url(resident, Kind.CRISIS), post_data(Kind.CRISIS)).status_code == 403
    admission_before = _snapshot(admission)
    assert client.post(correct_url(admission), correction(admission)).status_code == 403
    assert _snapshot(admission) == admission_before
    assert Entry.objects.filter(resident=resident).count() == count


def test_after_the_course_ends_the_journal_offers_no_writing(client, world):
    resident = world.resident_in_course
    _end_course(world)
    client.force_login(world.team_doctor)
    html = client.get(reverse("record:overview", args=[resident.pk])).content.decode()
    assert 'id="new-h"' not in html
    for kind in Kind.values:
        assert f'href="{create_url(resident, kind)}"' not in html


def test_a_new_course_of_the_team_reopens_the_living_plans_not_old_entries(client, world):
    """The crisis plan is one living document per resident: under the team's new course it is
    corrected again. The old course's visit note stays as it was."""
    resident = world.resident_in_course
    _end_course(world)
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=world.facility_a1,
        referral__received_on=timezone.localdate() - datetime.timedelta(days=1),
        responsible_doctor=world.team_doctor,
        started_on=timezone.localdate(),
    )
    assert resident.courses.filter(status=CourseStatus.ACTIVE).count() == 1
    client.force_login(world.team_nurse)
    plan = world.crisis_plan
    response = client.post(correct_url(plan), correction(plan, "Ny rød fase-tekst"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.data[MARKER_FIELD[Kind.CRISIS_PLAN]] == "Ny rød fase-tekst"
    note = world.visit_note
    before = _snapshot(note)
    assert client.post(correct_url(note), correction(note)).status_code == 403
    assert _snapshot(note) == before
    # new entries go under the new course
    assert client.post(create_url(resident, Kind.VISIT), post_data(Kind.VISIT)).status_code == 302


# --- 5. emergency access is read-only for the record -----------------------------------------


def _open_emergency(client, world):
    from emergency.tests.test_emergency import open_access

    client.force_login(world.other_team_nurse)
    response = open_access(client, world)
    assert response.status_code == 302


def test_emergency_access_reads_but_may_not_write_an_entry(client, world):
    resident = world.resident_in_course
    _valid(Kind.VISIT)
    count = Entry.objects.filter(resident=resident).count()
    _open_emergency(client, world)
    assert client.get(reverse("record:overview", args=[resident.pk])).status_code == 200
    assert client.get(reverse("record:detail", args=[world.visit_note.pk])).status_code == 200
    for kind in (Kind.VISIT, Kind.CRISIS, Kind.MEDICATION):
        assert client.post(create_url(resident, kind), post_data(kind)).status_code == 403
    assert Entry.objects.filter(resident=resident).count() == count


def test_emergency_access_may_not_correct_an_entry(client, world):
    _open_emergency(client, world)
    for entry in (world.visit_note, world.medication, world.crisis_plan):
        _valid_correction(entry)
        before = _snapshot(entry)
        detail = client.get(reverse("record:detail", args=[entry.pk])).content.decode()
        assert correct_url(entry) not in detail
        assert client.post(correct_url(entry), correction(entry)).status_code == 403
        assert _snapshot(entry) == before
