"""Consent-lapse reminders: who is told, when, and only once per consent and threshold."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consent.models import Consent
from consent.tasks import LAPSED, LAPSING, dedupe_key, due_reminders, remind_lapsing
from notifications.models import Kind, Notification
from notifications.tasks import fan_out

TODAY = timezone.localdate()


def _expire(consent: Consent, days: int) -> None:
    Consent.objects.filter(pk=consent.pk).update(expires_on=TODAY + datetime.timedelta(days=days))


def _run_reminders(captured) -> int:
    """Run the job, then the fan-out jobs it deferred (as a worker would)."""
    with captured(execute=True):
        asked = remind_lapsing(timestamp=int(time.time()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args FROM procrastinate_jobs WHERE task_name = 'notifications.fan_out'"
        )
        for (args,) in cursor.fetchall():
            fan_out(**json.loads(args))
        cursor.execute("DELETE FROM procrastinate_jobs")
    return asked


@pytest.fixture
def consent(world) -> Consent:
    """A sharing consent in force for the resident with the active course (team A)."""
    return Consent.objects.create(
        resident=world.resident_in_course,
        kind="sharing",
        facility=world.facility_a1,
        direction="both",
        form="written",
        given_by="resident",
        given_on=TODAY - datetime.timedelta(days=300),
        expires_on=TODAY + datetime.timedelta(days=65),
        recorded_by=world.team_nurse,
    )


def test_thresholds(consent):
    _expire(consent, 31)
    assert due_reminders(TODAY) == []
    _expire(consent, 30)
    assert [(c.pk, t) for c, t in due_reminders(TODAY)] == [(consent.pk, LAPSING)]
    _expire(consent, 1)
    assert [(c.pk, t) for c, t in due_reminders(TODAY)] == [(consent.pk, LAPSING)]
    _expire(consent, 0)  # lapses ON expires_on
    assert [(c.pk, t) for c, t in due_reminders(TODAY)] == [(consent.pk, LAPSED)]
    _expire(consent, -6)  # a missed night is caught up for a week
    assert [(c.pk, t) for c, t in due_reminders(TODAY)] == [(consent.pk, LAPSED)]
    _expire(consent, -7)
    assert due_reminders(TODAY) == []


def test_withdrawn_consents_and_refusals_have_no_reminder(consent):
    _expire(consent, 5)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    assert due_reminders(TODAY) == []
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=None, kind="refusal")
    assert due_reminders(TODAY) == []


def test_team_contacts_are_told_once_per_threshold(
    world, consent, django_capture_on_commit_callbacks
):
    _expire(consent, 10)
    assert _run_reminders(django_capture_on_commit_callbacks) == 1
    assert _run_reminders(django_capture_on_commit_callbacks) == 1  # asked again, ...
    rows = Notification.objects.filter(dedupe_key=dedupe_key(consent.pk, LAPSING))
    # ... written once, to the course's team contact only (not the doctor, not housing staff)
    assert list(rows.values_list("recipient_id", "kind", "url")) == [
        (
            world.team_nurse.pk,
            Kind.CONSENT_LAPSING,
            reverse("consent:ledger", args=[world.resident_in_course.pk]),
        )
    ]
    _expire(consent, 0)
    _run_reminders(django_capture_on_commit_callbacks)
    lapsed = Notification.objects.get(dedupe_key=dedupe_key(consent.pk, LAPSED))
    assert (lapsed.recipient_id, lapsed.kind) == (world.team_nurse.pk, Kind.CONSENT_LAPSED)
    # the stored notification holds no name of the resident
    for n in Notification.objects.all():
        assert world.resident_in_course.first_name not in f"{n.url} {n.dedupe_key} {n}"


def test_the_doctor_is_told_when_the_course_names_no_contact(
    world, consent, django_capture_on_commit_callbacks
):
    world.course.team_contacts.clear()
    _expire(consent, 10)
    _run_reminders(django_capture_on_commit_callbacks)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [
        world.team_doctor.pk
    ]


def test_no_reminder_without_an_active_course(world, consent, django_capture_on_commit_callbacks):
    from courses.models import Course

    Course.objects.filter(pk=world.course.pk).update(
        status="ended", ended_on=TODAY, end_reason="completed"
    )
    _expire(consent, 10)
    assert _run_reminders(django_capture_on_commit_callbacks) == 0
    assert not Notification.objects.exists()
