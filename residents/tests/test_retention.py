"""Retention: 10 years after the last entry, never on legal hold, never an active course."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from courses import services as course_services
from courses.models import Course, Referral
from residents.models import Resident, ResidentIdentifier
from residents.retention import due_for_deletion, resident_set_legal_hold

TODAY = timezone.localdate()


def age_everything(years_ago: int):
    """Move every dated entry back in time (the test data is created today)."""
    from django.apps import apps

    from residents.retention import SOURCES

    delta = datetime.timedelta(days=365 * years_ago + years_ago // 4 + 2)
    for source in SOURCES:
        model = apps.get_model(source.model)
        for field in source.date_fields:
            if "__" in field:  # a related model's date: aged below with that model
                continue
            for obj in model.objects.exclude(**{f"{field}__isnull": True}):
                model.objects.filter(pk=obj.pk).update(**{field: getattr(obj, field) - delta})
    from board.models import Meeting

    for meeting in Meeting.objects.all():
        Meeting.objects.filter(pk=meeting.pk).update(held_on=meeting.held_on - delta)
    for resident in Resident.objects.all():
        Resident.objects.filter(pk=resident.pk).update(created_at=resident.created_at - delta)


def test_nothing_due_within_ten_years(world):
    age_everything(9)
    assert due_for_deletion(TODAY) == []


def test_due_after_ten_years_except_active_course_and_hold(world):
    w = world
    age_everything(11)
    due = set(due_for_deletion(TODAY))
    assert w.resident_in_course.pk not in due  # active course: never
    assert {w.resident_plain.pk, w.resident_concern.pk, w.resident_pending.pk} <= due
    resident_set_legal_hold(
        user=w.team_leader, resident=w.resident_plain, on=True, reason="Klagesag"
    )
    assert w.resident_plain.pk not in due_for_deletion(TODAY)


def test_a_recent_entry_keeps_the_record(world):
    w = world
    age_everything(11)
    course_services.concern_close(user=w.team_nurse, concern=w.concern_open, note="Vurderet nu")
    assert w.resident_concern.pk not in due_for_deletion(TODAY)


def test_command_erases_and_keeps_audit(world):
    w = world
    course_services.course_end(
        user=w.team_doctor,
        course=w.course,
        version=1,
        ended_on=TODAY,
        end_reason="completed",
        transition="gp",
        end_summary="Afsluttet",
    )
    audit_rows = AuditEvent.objects.filter(resident=w.resident_in_course).count()
    age_everything(11)
    resident_set_legal_hold(
        user=w.team_leader, resident=w.resident_plain, on=True, reason="Klagesag"
    )
    call_command("apply_retention", "--dry-run")
    assert Course.objects.filter(resident=w.resident_in_course).exists()
    call_command("apply_retention")
    resident = Resident.objects.get(pk=w.resident_in_course.pk)
    assert resident.first_name == "Anonymiseret" and resident.anonymised_at
    assert not Course.objects.filter(resident=resident).exists()
    assert not Referral.objects.filter(resident=resident).exists()
    assert not ResidentIdentifier.objects.filter(resident=resident).exists()
    assert AuditEvent.objects.filter(resident=resident).count() == audit_rows + 1
    # on hold: untouched
    held = Resident.objects.get(pk=w.resident_plain.pk)
    assert held.anonymised_at is None and held.identifiers.exists()
