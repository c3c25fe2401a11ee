"""Helpers for the early-warning tests: residents in team A's courses, record entries dated
relative to today (written directly, so no job is queued), and the recompute the worker would
run."""

from __future__ import annotations

import datetime

from django.utils import timezone

from earlywarning import services
from record.kinds import CATEGORY
from record.models import Entry
from tests import factories as f


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def new_course(world, *, started_days_ago: int = 200, team=None, facility=None, name=None):
    """A resident living at the facility in an active course of the team (team A at A1)."""
    facility = facility or world.facility_a1
    extra = {}
    if name:
        extra = dict(zip(("first_name", "last_name"), name.split(" ", 1), strict=True))
    resident = f.ResidentFactory(facility=facility, **extra)
    return f.CourseFactory(
        referral__resident=resident,
        referral__facility=facility,
        referral__received_on=days_ago(started_days_ago),
        responsible_doctor=world.team_doctor,
        team_contacts=[world.team_nurse],
    )


def add_entry(
    world, course, kind: str, ago: int, *, subtype: str = "", recorded_at=None, team=None
) -> Entry:
    now = recorded_at or timezone.now()
    return Entry.objects.create(
        resident=course.resident,
        course=course,
        team=team or course.team,
        facility=course.facility,
        kind=kind,
        category=CATEGORY[kind] or "",
        sector="team",
        occurred_on=days_ago(ago),
        subtype=subtype,
        data={},
        recorded_by=world.team_nurse,
        recorded_at=now,
        updated_by=world.team_nurse,
        updated_at=now,
    )


def contact(world, course, ago: int = 1):
    """A recent visit, so the no-contact rule stays quiet."""
    return add_entry(world, course, "visit", ago)


def recompute(team, *, today: datetime.date | None = None):
    """What the worker does after an entry, a threshold change and each night: the job's body
    (``tasks.recompute_team`` runs ``compute.recompute_team``), called here in its place."""
    return services.recompute_team(team_id=team.pk, today=today)
