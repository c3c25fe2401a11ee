"""Every read of the course record, scoped to what the user may see.

Team staff see their team's entries (and, under emergency access, that resident's). Housing
staff see, for residents living at their facility now, the entries their facility recorded
and the team's entries of a consent category an active written consent to that facility names
(less any refusal). Everyone else sees nothing. Decided in the query, on every request.

The read rule of the record's policy: ``record.access`` wraps ``entries_visible_to`` and holds
every write rule; views and services ask ``record.access``.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from consent.rules import shares_q
from organisation.access import principal_for
from residents.models import Residence

from .kinds import Kind
from .models import Entry, Sector


def _current_facility() -> Subquery:
    return Subquery(
        Residence.objects.filter(resident=OuterRef("resident_id"), moved_out__isnull=True)
        .order_by("-moved_in")
        .values("facility_id")[:1]
    )


def _shared_with_current_facility() -> Q:
    """True where the entry's category is shared with the resident's current facility."""
    return ~Q(category="") & shares_q(OuterRef("category"), facility="current_facility")


def entries_visible_to(user) -> QuerySet[Entry]:
    principal = principal_for(user)
    condition = Q()
    qs = Entry.objects.all()
    if principal.team_ids:
        condition |= Q(team_id__in=principal.team_ids)
    if principal.emergency_resident_ids:
        condition |= Q(resident_id__in=principal.emergency_resident_ids)
    if principal.facility_ids:
        qs = qs.annotate(current_facility=_current_facility())
        at_my_facility = Q(current_facility__in=principal.facility_ids)
        own = Q(sector=Sector.FACILITY, facility_id=F("current_facility"))
        condition |= at_my_facility & (own | _shared_with_current_facility())
    if not condition:
        return Entry.objects.none()
    return qs.filter(condition)


def entries_for_resident(user, resident) -> QuerySet[Entry]:
    return (
        entries_visible_to(user)
        .filter(resident=resident)
        .select_related("recorded_by", "updated_by")
    )


# --- Derived facts -------------------------------------------------------------------------


def is_overdue_q(today: datetime.date | None = None) -> Q:
    """Entries whose review date has passed and that no later entry of the kind replaced."""
    today = today or timezone.localdate()
    newer = Entry.objects.filter(
        resident=OuterRef("resident_id"),
        kind=OuterRef("kind"),
        occurred_on__gt=OuterRef("occurred_on"),
    )
    return Q(review_on__lt=today) & ~Q(Exists(newer))


def latest_q() -> Q:
    """The newest entry of its kind for the resident (ties broken by id)."""
    newer = Entry.objects.filter(resident=OuterRef("resident_id"), kind=OuterRef("kind")).filter(
        Q(occurred_on__gt=OuterRef("occurred_on"))
        | Q(occurred_on=OuterRef("occurred_on"), id__gt=OuterRef("id"))
    )
    return ~Q(Exists(newer))


def current_medication(entries: QuerySet[Entry], today: datetime.date | None = None):
    today = today or timezone.localdate()
    return entries.filter(kind=Kind.MEDICATION).filter(
        Q(occurred_until__isnull=True) | Q(occurred_until__gt=today)
    )


def readmission_ids(resident_ids, days: int = 30) -> set[int]:
    """Admissions that began within ``days`` of an earlier admission's discharge."""
    admissions = (
        Entry.objects.filter(resident_id__in=resident_ids, kind=Kind.ADMISSION)
        .order_by("resident_id", "occurred_on", "id")
        .values_list("id", "resident_id", "occurred_on", "occurred_until")
    )
    result: set[int] = set()
    last_discharge: dict[int, datetime.date] = {}
    for pk, resident_id, start, end in admissions:
        previous = last_discharge.get(resident_id)
        if previous is not None and (start - previous).days <= days and start >= previous:
            result.add(pk)
        if end is not None:
            last_discharge[resident_id] = max(end, previous or end)
    return result


def facility_events_since(facility, since: datetime.date) -> QuerySet[Entry]:
    """Entries about residents living at ``facility`` now that began or ended after ``since``
    and that the facility's staff may read (the rule of ``entries_visible_to`` for housing
    staff): what the facility recorded itself, and the team's entries whose category an active
    sharing consent to the facility covers. For the board meeting's agenda, which both sectors
    see."""
    qs = Entry.objects.annotate(current_facility=_current_facility()).filter(
        current_facility=facility.pk
    )
    own = Q(sector=Sector.FACILITY, facility_id=F("current_facility"))
    recent = Q(occurred_on__gt=since) | Q(occurred_until__gt=since)
    return qs.filter(own | _shared_with_current_facility()).filter(recent)
