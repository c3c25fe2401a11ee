"""The consent rule, once: which kinds of the team's information may a facility's housing staff
see about a resident on a given day?

A kind (category) is visible when an active sharing consent to that facility names it, in a
direction that lets the facility read the team's information (team -> facility, or both), and
no active refusal names it, whether the refusal is for that facility or for every facility (no
facility). A refusal always wins. "Active" is the same for consents and refusals: given on or
before the day, not withdrawn, not lapsed (a consent lapses ON its ``expires_on``).

Two forms of the one rule, side by side, and consent/tests/test_rules_property.py proves that
they agree on random ledgers:

- ``visible_categories(rows, facility_id, day)``: in memory, for ledger rows already loaded
  (``load_ledgers`` loads them for any number of residents in one query);
- ``shares_q(category, facility=..., resident=..., day=...)``: the same rule as a ``Q`` of
  ``Exists`` subqueries, for list queries that filter or annotate in SQL.

Who the viewer is (team staff see everything, housing staff only at the facility the resident
lives at now) is not decided here but in ``consent.selectors.shared_categories`` and the
callers' querysets; this module only answers for a facility.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import Combinable
from django.utils import timezone

from .models import TO_FACILITY, ConsentKind, ConsentScope

# --- when a consent or refusal is in force -------------------------------------------------


def in_force(
    given_on: datetime.date,
    expires_on: datetime.date | None,
    withdrawn_at: datetime.datetime | None,
    day: datetime.date,
) -> bool:
    """Given on or before ``day``, not withdrawn, not lapsed (it lapses ON ``expires_on``)."""
    if withdrawn_at is not None or given_on > day:
        return False
    return expires_on is None or day < expires_on


def active_q(day: datetime.date | None = None, prefix: str = "") -> Q:
    """``in_force`` in SQL: consents in force on ``day`` (default today)."""
    day = day or timezone.localdate()
    return Q(**{f"{prefix}withdrawn_at__isnull": True, f"{prefix}given_on__lte": day}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gt": day})
    )


# --- the in-memory form ----------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    """One category of one consent or refusal (one ``ConsentScope`` with its consent)."""

    kind: str
    facility_id: int | None
    direction: str
    category: str
    given_on: datetime.date
    expires_on: datetime.date | None
    withdrawn_at: datetime.datetime | None


def grants(row: LedgerRow, facility_id: int | None, day: datetime.date) -> bool:
    return (
        row.kind == ConsentKind.SHARING
        and row.direction in TO_FACILITY
        and facility_id is not None
        and row.facility_id == facility_id
        and in_force(row.given_on, row.expires_on, row.withdrawn_at, day)
    )


def forbids(row: LedgerRow, facility_id: int | None, day: datetime.date) -> bool:
    return (
        row.kind == ConsentKind.REFUSAL
        and (row.facility_id is None or row.facility_id == facility_id)
        and in_force(row.given_on, row.expires_on, row.withdrawn_at, day)
    )


def visible_categories(
    rows: Iterable[LedgerRow], facility_id: int | None, day: datetime.date | None = None
) -> frozenset[str]:
    """The categories ``facility_id``'s housing staff may see, given one resident's ledger."""
    day = day or timezone.localdate()
    rows = list(rows)
    granted = {r.category for r in rows if grants(r, facility_id, day)}
    refused = {r.category for r in rows if forbids(r, facility_id, day)}
    return frozenset(granted - refused)


_LEDGER_FIELDS = (
    "consent__resident_id",
    "consent__kind",
    "consent__facility_id",
    "consent__direction",
    "category",
    "consent__given_on",
    "consent__expires_on",
    "consent__withdrawn_at",
)


def load_ledgers(resident_ids: Iterable[int]) -> dict[int, list[LedgerRow]]:
    """resident id -> the sharing and refusal rows of their ledger. One query for any number.

    Only withdrawn rows are left out in SQL (they never count); dates are judged by the rule.
    """
    resident_ids = set(resident_ids)
    ledgers: dict[int, list[LedgerRow]] = {rid: [] for rid in resident_ids}
    if not resident_ids:
        return ledgers
    rows = (
        ConsentScope.objects.filter(
            consent__resident_id__in=resident_ids,
            consent__kind__in=(ConsentKind.SHARING, ConsentKind.REFUSAL),
            consent__withdrawn_at__isnull=True,
        )
        .order_by()
        .values_list(*_LEDGER_FIELDS)
    )
    for resident_id, *rest in rows:
        ledgers[resident_id].append(LedgerRow(*rest))
    return ledgers


# --- the SQL form ----------------------------------------------------------------------------


# An outer query's column by name, or a value: an id or an expression.
_Column = str | int | Combinable


def _ref(value: _Column) -> Any:  # int | Combinable, as the plugin's lookups take either one
    """A string names a column of the outer query; anything else (an int, an expression) is
    used as it is."""
    return OuterRef(value) if isinstance(value, str) else value


def shares_q(
    category: str | Combinable,
    *,
    facility: _Column | None = "facility_id",
    resident: _Column = "resident_id",
    day: datetime.date | None = None,
) -> Q:
    """``visible_categories`` in SQL: true on the outer rows whose facility may see
    ``category`` about their resident on ``day`` (default today).

    ``category`` is a category code or an expression (``OuterRef("category")``); ``facility``
    and ``resident`` name the outer query's columns (or are an id or an expression).
    """
    if facility is None:  # no facility sees anything (and "= NULL" would mean IS NULL)
        return Q(pk__in=[])
    scopes = ConsentScope.objects.filter(
        consent__resident_id=_ref(resident), category=category
    ).filter(active_q(day, prefix="consent__"))
    facility_ref = _ref(facility)
    granted = scopes.filter(
        consent__kind=ConsentKind.SHARING,
        consent__direction__in=TO_FACILITY,
        consent__facility_id=facility_ref,
    )
    refused = scopes.filter(consent__kind=ConsentKind.REFUSAL).filter(
        Q(consent__facility__isnull=True) | Q(consent__facility_id=facility_ref)
    )
    return Q(Exists(granted)) & ~Q(Exists(refused))
