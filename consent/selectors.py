"""Reads of the consent ledger, and what of the team's information a user may see.

The consent rule itself lives in ``consent.rules`` (its in-memory and SQL forms side by side);
who may see, record and withdraw consents in ``consent.access``. This module applies them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import QuerySet
from django.utils import timezone

from organisation.access import principal_for
from residents.selectors import is_team_resident, team_residents

from . import access
from .models import ALL_CATEGORIES, Consent
from .rules import active_q, load_ledgers, visible_categories

if TYPE_CHECKING:
    from organisation.access import AnyUser
    from residents.models import Resident

__all__ = [
    "EXPIRY_NOTICE_DAYS",
    "active_q",
    "consents_for_resident",
    "expiring_consents",
    "shared_categories",
    "shared_categories_bulk",
]

EXPIRY_NOTICE_DAYS = 30


class SharedRow(Protocol):
    """A row about a resident at a facility (a board entry, an agenda item)."""

    @property
    def pk(self) -> Any: ...
    @property
    def resident_id(self) -> int: ...
    @property
    def facility_id(self) -> int | None: ...


def shared_categories(user: AnyUser, resident: Resident) -> frozenset[str]:
    """The kinds of the team's information this user may see about this resident.

    Team staff (and emergency access): everything. Housing staff at the resident's current
    facility: what the consent rule (``consent.rules``) grants that facility. Everyone else:
    nothing. Read on every request, never cached, so a withdrawal, expiry or refusal takes
    effect on the next request.
    """
    principal = principal_for(user)
    if is_team_resident(user, resident) or resident.pk in principal.emergency_resident_ids:
        return ALL_CATEGORIES
    facility_id = access.current_facility_id(resident)
    if facility_id is None or facility_id not in principal.facility_ids:
        return frozenset()
    return visible_categories(load_ledgers([resident.pk])[resident.pk], facility_id)


def shared_categories_bulk(
    rows: Iterable[SharedRow], day: datetime.date | None = None
) -> dict[int, frozenset[str]]:
    """For rows with ``pk``, ``resident_id`` and ``facility_id`` (board entries, agenda items):
    row pk -> the categories that facility may see about that resident (the consent rule's
    in-memory form). One query for any number of rows. The caller has already checked that the
    viewer is housing staff at that facility."""
    rows = list(rows)
    if not rows:
        return {}
    day = day or timezone.localdate()
    ledgers = load_ledgers(r.resident_id for r in rows)
    return {
        row.pk: visible_categories(ledgers[row.resident_id], row.facility_id, day) for row in rows
    }


def consents_for_resident(user: AnyUser, resident: Resident) -> list[Consent]:
    return list(
        access.visible(user)
        .filter(resident=resident)
        .select_related("facility", "recorded_by", "withdrawn_by")
        .prefetch_related("scopes")
        .order_by("-given_on", "-id")
    )


def expiring_consents(user: AnyUser, *, days: int = EXPIRY_NOTICE_DAYS) -> QuerySet[Consent]:
    """Active consents of the team's residents that lapse within ``days``."""
    today = timezone.localdate()
    return (
        Consent.objects.filter(resident__in=team_residents(user))
        .filter(active_q(today))
        .filter(expires_on__lte=today + datetime.timedelta(days=days))
        .select_related("resident", "facility")
        .prefetch_related("scopes")
        .order_by("expires_on", "id")
    )
