"""Reads of the consent ledger, and the one place that decides what housing staff may see."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from organisation.access import principal_for, require
from residents.models import Residence

from .models import ALL_CATEGORIES, TO_FACILITY, Consent, ConsentKind, ConsentScope

EXPIRY_NOTICE_DAYS = 30


def active_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """Consents in force on ``today``: given, not withdrawn, not lapsed."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}withdrawn_at__isnull": True, f"{prefix}given_on__lte": today}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gt": today})
    )


def _current_facility_id(resident) -> int | None:
    current = getattr(resident, "current_residences", None)
    if current is not None:
        return current[0].facility_id if current else None
    row = Residence.objects.filter(resident=resident, moved_out__isnull=True).first()
    return row.facility_id if row else None


def shared_categories(user, resident) -> frozenset[str]:
    """The kinds of the team's information this user may see about this resident.

    Team staff (and emergency access): everything. Housing staff at the resident's current
    facility: what an active written consent to that facility names, less any active refusal.
    Everyone else: nothing. Read on every request, never cached, so a withdrawal, expiry or
    refusal takes effect on the next request.
    """
    from residents.selectors import is_team_resident

    principal = principal_for(user)
    if is_team_resident(user, resident) or resident.pk in principal.emergency_resident_ids:
        return ALL_CATEGORIES
    facility_id = _current_facility_id(resident)
    if facility_id is None or facility_id not in principal.facility_ids:
        return frozenset()
    scopes = ConsentScope.objects.filter(consent__resident=resident).filter(
        active_q(prefix="consent__")
    )
    granted = set(
        scopes.filter(
            consent__kind=ConsentKind.SHARING,
            consent__facility_id=facility_id,
            consent__direction__in=TO_FACILITY,
        ).values_list("category", flat=True)
    )
    refused = set(
        scopes.filter(consent__kind=ConsentKind.REFUSAL)
        .filter(Q(consent__facility__isnull=True) | Q(consent__facility_id=facility_id))
        .values_list("category", flat=True)
    )
    return frozenset(granted - refused)


def shared_categories_bulk(rows) -> dict[int, frozenset[str]]:
    """For rows with ``resident_id`` and ``facility_id`` (board entries, agenda items): row pk
    -> the categories that facility may see about that resident. Two queries for any number.
    The caller has already checked that the viewer is housing staff at that facility."""
    rows = list(rows)
    if not rows:
        return {}
    resident_ids = {r.resident_id for r in rows}
    scopes = (
        ConsentScope.objects.filter(consent__resident_id__in=resident_ids)
        .filter(active_q(prefix="consent__"))
        .values_list(
            "consent__resident_id",
            "consent__kind",
            "consent__facility_id",
            "consent__direction",
            "category",
        )
    )
    granted: dict[tuple[int, int], set[str]] = {}
    refused: dict[int, list[tuple[int | None, str]]] = {}
    for resident_id, kind, facility_id, direction, category in scopes:
        if kind == ConsentKind.SHARING and direction in TO_FACILITY:
            granted.setdefault((resident_id, facility_id), set()).add(category)
        elif kind == ConsentKind.REFUSAL:
            refused.setdefault(resident_id, []).append((facility_id, category))
    result = {}
    for row in rows:
        cats = set(granted.get((row.resident_id, row.facility_id), set()))
        for facility_id, category in refused.get(row.resident_id, []):
            if facility_id is None or facility_id == row.facility_id:
                cats.discard(category)
        result[row.pk] = frozenset(cats)
    return result


def sharing_exists(category: str, facility_ref: str = "facility_id") -> Exists:
    """For list queries (the board): an Exists() that is true where an active consent lets the
    resident's facility see ``category`` and no active refusal forbids it.

    ``facility_ref`` names the outer query's facility column; the outer rows need ``resident``.
    """
    scopes = ConsentScope.objects.filter(
        consent__resident=OuterRef("resident_id"), category=category
    )
    granted = scopes.filter(active_q(prefix="consent__")).filter(
        consent__kind=ConsentKind.SHARING,
        consent__facility_id=OuterRef(facility_ref),
        consent__direction__in=TO_FACILITY,
    )
    return Exists(granted)


def refusal_exists(category: str, facility_ref: str = "facility_id") -> Exists:
    scopes = ConsentScope.objects.filter(
        consent__resident=OuterRef("resident_id"), category=category
    )
    return Exists(
        scopes.filter(active_q(prefix="consent__"))
        .filter(consent__kind=ConsentKind.REFUSAL)
        .filter(Q(consent__facility__isnull=True) | Q(consent__facility_id=OuterRef(facility_ref)))
    )


def consents_visible_to(user) -> QuerySet[Consent]:
    """Team staff: consents of their team's residents. Housing staff: consents of residents
    living at their facility, except sharing with other facilities."""
    from residents.selectors import residents_visible_to

    principal = principal_for(user)
    visible = residents_visible_to(user)
    condition = Q()
    if principal.team_ids or principal.emergency_resident_ids:
        from residents.selectors import team_residents

        condition |= Q(resident__in=team_residents(user))
        condition |= Q(resident_id__in=principal.emergency_resident_ids)
    if principal.facility_ids:
        condition |= Q(resident__in=visible) & (
            Q(facility__isnull=True) | Q(facility_id__in=principal.facility_ids)
        )
    if not condition:
        return Consent.objects.none()
    return Consent.objects.filter(condition)


def consents_for_resident(user, resident) -> list[Consent]:
    return list(
        consents_visible_to(user)
        .filter(resident=resident)
        .select_related("facility", "recorded_by", "withdrawn_by")
        .prefetch_related("scopes")
        .order_by("-given_on", "-id")
    )


def get_consent_for_user(user, pk: int) -> Consent:
    consent = (
        consents_visible_to(user)
        .select_related("resident", "facility")
        .prefetch_related("scopes")
        .filter(pk=pk)
        .first()
    )
    require(consent is not None)
    return consent


def expiring_consents(user, *, days: int = EXPIRY_NOTICE_DAYS) -> QuerySet[Consent]:
    """Active consents of the team's residents that lapse within ``days``."""
    from residents.selectors import team_residents

    today = timezone.localdate()
    return (
        Consent.objects.filter(resident__in=team_residents(user))
        .filter(active_q(today))
        .filter(expires_on__lte=today + datetime.timedelta(days=days))
        .select_related("resident", "facility")
        .prefetch_related("scopes")
        .order_by("expires_on", "id")
    )
