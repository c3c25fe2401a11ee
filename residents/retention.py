"""Retention: patient records are kept at least 10 years after the last entry (RULES.md),
longer while a legal hold is set. Past that, the resident's records are deleted and the
resident row is kept as an anonymous stub (audit rows still point at it).

Every app that stores dated entries about a resident registers them in ``SOURCES`` (model,
path to the resident id, the date fields): the last entry is the latest of all of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import Action, Purpose
from audit.services import record
from courses.models import Course, CourseStatus

if TYPE_CHECKING:
    from organisation.access import User

    from .models import Resident

RETENTION_YEARS = 10


@dataclass(frozen=True)
class Source:
    model: str  # "app_label.ModelName"
    resident_field: str
    date_fields: tuple[str, ...]


# Dated entries, and the order in which a resident's rows are deleted (children first).
SOURCES: list[Source] = [
    Source("record.EntryVersion", "entry__resident_id", ("created_at",)),
    Source("record.Entry", "resident_id", ("occurred_on", "occurred_until", "recorded_at")),
    Source("board.BoardEntryChange", "entry__resident_id", ("changed_at",)),
    Source("board.AgendaItem", "resident_id", ("meeting__held_on",)),
    Source("board.Action", "resident_id", ("due_on", "done_at")),
    Source("board.Question", "resident_id", ("asked_at", "answered_at")),
    Source("board.BoardEntry", "resident_id", ("placed_on", "ended_on")),
    Source("courses.Course", "resident_id", ("started_on", "ended_on")),
    Source("courses.Referral", "resident_id", ("received_on", "decided_at")),
    Source("courses.Concern", "resident_id", ("raised_at", "assessed_at")),
    Source("consent.ConsentScope", "consent__resident_id", ()),
    Source("consent.Consent", "resident_id", ("given_on", "withdrawn_at")),
    Source("emergency.EmergencyAccess", "resident_id", ("started_at",)),
    Source("residents.Move", "resident_id", ("moved_in", "decided_at")),
    Source("residents.ResidentIdentifier", "resident_id", ("valid_from",)),
    Source("residents.Residence", "resident_id", ("moved_in", "moved_out")),
]


def _as_date(value: datetime.date | None) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def last_entries() -> dict[int, datetime.date]:
    """Resident id -> date of the latest entry, over all sources (one query per field)."""
    latest: dict[int, datetime.date] = {}
    for source in SOURCES:
        model = apps.get_model(source.model)
        for field in source.date_fields:
            rows = model.objects.values(source.resident_field).annotate(last=Max(field))
            for row in rows:
                day = _as_date(row["last"])
                rid = row[source.resident_field]
                if day is not None and (rid not in latest or day > latest[rid]):
                    latest[rid] = day
    return latest


def retention_limit(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - RETENTION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - RETENTION_YEARS, day=28)


def due_for_deletion(today: datetime.date) -> list[int]:
    """Residents whose last entry is more than 10 years before ``today``, not on legal hold,
    not already anonymised and with no active course."""
    from .models import Resident

    limit = retention_limit(today)
    latest = last_entries()
    active = set(
        Course.objects.filter(status=CourseStatus.ACTIVE).values_list("resident_id", flat=True)
    )
    candidates = Resident.objects.filter(legal_hold=False, anonymised_at__isnull=True).values_list(
        "pk", "created_at"
    )
    due = []
    for pk, created_at in candidates:
        last = max(filter(None, [latest.get(pk), timezone.localdate(created_at)]))
        if last < limit and pk not in active:
            due.append(pk)
    return sorted(due)


@transaction.atomic
def resident_erase(*, resident_id: int, today: datetime.date) -> None:
    """Delete the resident's records and keep an anonymous stub. Re-checks the rule under a
    row lock, so a legal hold set meanwhile wins."""
    from .models import Resident

    resident = Resident.objects.select_for_update().get(pk=resident_id)
    if resident.legal_hold or resident.anonymised_at is not None:
        return
    if resident_id not in due_for_deletion(today):
        return
    for source in SOURCES:
        model = apps.get_model(source.model)
        model.objects.filter(**{source.resident_field: resident_id}).delete()
    resident.first_name = "Anonymiseret"
    resident.last_name = f"beboer {resident.pk}"
    resident.birth_date = resident.birth_date.replace(month=1, day=1)
    resident.anonymised_at = timezone.now()
    resident.save(update_fields=["first_name", "last_name", "birth_date", "anonymised_at"])
    record(
        user=None,
        action=Action.UPDATE,
        resident=resident,
        obj=resident,
        purpose=Purpose.ADMINISTRATION,
        detail={"retention": "erased"},
    )


@transaction.atomic
def resident_set_legal_hold(*, user: User, resident: Resident, on: bool, reason: str) -> None:
    from .models import Resident

    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    resident.legal_hold = on
    resident.legal_hold_reason = reason if on else ""
    resident.save(update_fields=["legal_hold", "legal_hold_reason"])
    record(
        user=user,
        action=Action.UPDATE,
        resident=resident,
        obj=resident,
        purpose=Purpose.ADMINISTRATION,
        detail={"legal_hold": on},
    )
