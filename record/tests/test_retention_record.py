"""Retention covers the course record: a resident's entries and every version are deleted with
the rest of the record 10 years after the last entry, never during an active course or a legal
hold, and a recent entry (or a recent version of an old entry) keeps the record."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses import services as course_services
from record.models import Entry, EntryVersion
from record.tests.samples import correct_entry, make_entry
from residents.models import Resident
from residents.retention import SOURCES, due_for_deletion, last_entries, resident_set_legal_hold
from residents.tests.test_retention import age_everything

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _end_course(w):
    course_services.course_end(
        user=w.team_doctor,
        course=w.course,
        version=w.course.version,
        ended_on=TODAY,
        end_reason="completed",
        transition="gp",
        end_summary="Afsluttet",
    )


def age_course(w):
    """Move the (just ended) course and its referral back beyond the retention limit."""
    from courses.models import Course, Referral

    delta = datetime.timedelta(days=365 * 11 + 5)
    course = Course.objects.get(pk=w.course.pk)
    Course.objects.filter(pk=course.pk).update(
        started_on=course.started_on - delta, ended_on=course.ended_on - delta
    )
    referral = Referral.objects.get(pk=course.referral_id)
    Referral.objects.filter(pk=referral.pk).update(
        received_on=referral.received_on - delta, decided_at=referral.decided_at - delta
    )


def _record_of(resident) -> tuple[int, int]:
    return (
        Entry.objects.filter(resident=resident).count(),
        EntryVersion.objects.filter(entry__resident=resident).count(),
    )


def test_the_record_is_a_source_and_versions_go_first():
    models = [s.model for s in SOURCES]
    assert models.index("record.EntryVersion") < models.index("record.Entry")
    assert models.index("record.Entry") < models.index("courses.Course")


def test_the_latest_entry_date_counts(world):
    w = world
    age_everything(11)
    old = last_entries()[w.resident_in_course.pk]
    assert old < TODAY - datetime.timedelta(days=3650)
    Entry.objects.filter(pk=w.visit_note.pk).update(occurred_on=TODAY - datetime.timedelta(days=3))
    assert last_entries()[w.resident_in_course.pk] == TODAY - datetime.timedelta(days=3)


def test_entries_and_versions_are_erased_after_ten_years(world):
    w = world
    resident = w.resident_in_course
    assert _record_of(resident) == (4, 5)  # the crisis plan has two versions
    _end_course(w)
    age_everything(11)
    assert resident.pk in due_for_deletion(TODAY)
    call_command("apply_retention")
    assert _record_of(resident) == (0, 0)
    erased = Resident.objects.get(pk=resident.pk)
    assert erased.anonymised_at is not None and erased.first_name == "Anonymiseret"


def test_an_active_course_keeps_the_record(world):
    w = world
    age_everything(11)
    assert w.resident_in_course.pk not in due_for_deletion(TODAY)
    call_command("apply_retention")
    assert _record_of(w.resident_in_course) == (4, 5)


def test_a_legal_hold_keeps_the_record(world):
    w = world
    _end_course(w)
    age_everything(11)
    resident_set_legal_hold(
        user=w.team_leader, resident=w.resident_in_course, on=True, reason="Klagesag"
    )
    assert w.resident_in_course.pk not in due_for_deletion(TODAY)
    call_command("apply_retention")
    assert _record_of(w.resident_in_course) == (4, 5)
    assert Resident.objects.get(pk=w.resident_in_course.pk).anonymised_at is None


def test_a_recent_entry_keeps_the_record(world):
    w = world
    age_everything(11)
    make_entry(w.team_nurse, w.resident_in_course, "visit", note="Kort samtale i dag.")
    _end_course(w)
    # the course's own dates are recent too; age only the course to isolate the entry
    age_course(w)
    assert w.resident_in_course.pk not in due_for_deletion(TODAY)
    call_command("apply_retention")
    assert _record_of(w.resident_in_course) == (5, 6)


def test_a_recent_correction_of_an_old_entry_keeps_the_record(world):
    w = world
    age_everything(11)
    old = Entry.objects.get(pk=w.visit_note.pk)
    correct_entry(w.team_nurse, old, note="Rettet i dag.", occurred_on=old.occurred_on.isoformat())
    Entry.objects.filter(pk=old.pk).update(
        recorded_at=old.recorded_at, updated_at=old.updated_at
    )  # the entry row itself stays old; only the new version is dated today
    _end_course(w)
    age_course(w)
    assert EntryVersion.objects.filter(entry=old, number=2).exists()
    assert w.resident_in_course.pk not in due_for_deletion(TODAY)


def test_without_the_recent_entry_the_record_is_due(world):
    """The control for the two tests above: the same steps without a recent entry."""
    w = world
    age_everything(11)
    _end_course(w)
    age_course(w)
    assert w.resident_in_course.pk in due_for_deletion(TODAY)
