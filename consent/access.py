"""The consent policy: who may see, record and withdraw consents (shared/RULES.md, "Who may
write what"). Views and services ask this module; none of them re-derives the rule.

See
    The resident's team (course, referral or concern in the user's team) and an active
    emergency access (read-only) see the whole ledger. Housing staff see the consents of
    residents living at their facility now, except those that name another facility.

Who is "the resident's team" for writing
    A team that acts for the resident NOW: the resident's active course is in the team
    (``residents.access`` ACT, team side), or the team is assessing them (a referral pending
    visitation, which still needs the consent to treatment recorded, or an open concern).
    A team that only had the resident once (an ended course, a decided referral, a closed
    concern) keeps reading the ledger but records and withdraws nothing.

Record
    Consent to share the team's information is recorded by the team that holds it: the
    resident's team records every kind (treatment, sharing in any direction, relatives,
    refusals), naming a facility its team serves. Housing staff where the resident lives now
    record only what the facility shares: a sharing consent from the facility to the team,
    naming their own facility. Emergency access records nothing.

Withdraw (must be as easy as giving)
    The resident's team (acting now) may record the withdrawal of any consent of its resident. Housing staff
    may record the withdrawal of a sharing consent that names their facility, in either
    direction (a resident who tells the staff at home "I no longer want this shared" must not
    have to wait for the team): withdrawing a sharing consent only ever reduces sharing. They
    may not withdraw a refusal (that would widen sharing) nor a consent to treatment or to
    involving relatives (the team's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from courses.models import Concern, ConcernStatus, Course, CourseStatus, Referral, ReferralStatus
from organisation.access import FACILITY_ACT, can_facility, found, principal_for, require
from organisation.models import Facility
from residents.models import Residence, Resident
from residents.selectors import is_team_resident, residents_visible_to, team_residents

from .models import Consent, ConsentKind, Direction

if TYPE_CHECKING:
    from organisation.access import AnyUser

VIEW = "view"
WITHDRAW = "withdraw"
ACTIONS = (VIEW, WITHDRAW)

# What housing staff may record: what the facility shares with the team.
FACILITY_KINDS = (ConsentKind.SHARING,)
FACILITY_DIRECTIONS = (Direction.FACILITY_TO_TEAM,)


def current_facility_id(resident: Resident) -> int | None:
    """The facility the resident lives at now (uses prefetched ``current_residences``)."""
    current = getattr(resident, "current_residences", None)
    if current is not None:
        return current[0].facility_id if current else None
    row = Residence.objects.filter(resident=resident, moved_out__isnull=True).first()
    return row.facility_id if row else None


def _is_team_resident(user: AnyUser, resident: Resident) -> bool:
    """Reading: the resident has (or had) a course, referral or concern in the user's team."""
    return is_team_resident(user, resident)


def team_acts_for(user: AnyUser, resident: Resident) -> bool:
    """Writing: one of the user's teams acts for the resident now (module docstring): it has
    the resident's active course, a referral pending visitation or an open concern."""
    team_ids = principal_for(user).team_ids
    if not team_ids:
        return False
    mine = {"resident_id": resident.pk, "team_id__in": team_ids}
    return (
        Course.objects.filter(status=CourseStatus.ACTIVE, **mine).exists()
        or Referral.objects.filter(status=ReferralStatus.PENDING, **mine).exists()
        or Concern.objects.filter(status=ConcernStatus.OPEN, **mine).exists()
    )


# --- see ------------------------------------------------------------------------------------


def visible(user: AnyUser) -> QuerySet[Consent]:
    """The consents this user may see."""
    principal = principal_for(user)
    condition = Q()
    if principal.team_ids or principal.emergency_resident_ids:
        condition |= Q(resident__in=team_residents(user))
        condition |= Q(resident_id__in=principal.emergency_resident_ids)
    if principal.facility_ids:
        condition |= Q(resident__in=residents_visible_to(user)) & (
            Q(facility__isnull=True) | Q(facility_id__in=principal.facility_ids)
        )
    if not condition:
        return Consent.objects.none()
    return Consent.objects.filter(condition)


def may_list_expiring(user: AnyUser) -> bool:
    """The "Samtykker der udløber" page (consents of the team's residents that lapse soon): team
    staff."""
    return principal_for(user).is_team_staff


def limited_by_consent(user: AnyUser, resident: Resident) -> bool:
    """Does the user see the team's information about this resident only as far as a consent
    shares it? Everyone but the resident's team and an emergency access (who see all of it);
    ``consent.selectors.shared_categories`` says which kinds are shared."""
    if resident.pk in principal_for(user).emergency_resident_ids:
        return False
    return not _is_team_resident(user, resident)


def get_for_user(user: AnyUser, pk: int, *, action: str = VIEW) -> Consent:
    """404 unless the user may see the consent; 403 if they may see it but not do ``action``."""
    consent = found(
        visible(user)
        .select_related("resident", "facility")
        .prefetch_related("scopes")
        .filter(pk=pk)
        .first()
    )
    if action != VIEW and not can(user, action, consent):
        raise PermissionDenied
    return consent


def can(user: AnyUser, action: str, consent: Consent) -> bool:
    """For templates and menus: may the user do ``action`` to this consent?"""
    if action == VIEW:
        return visible(user).filter(pk=consent.pk).exists()
    if action == WITHDRAW:
        if team_acts_for(user, consent.resident):
            return True
        principal = principal_for(user)
        return (
            consent.kind == ConsentKind.SHARING
            and consent.facility_id in principal.facility_ids
            and current_facility_id(consent.resident) in principal.facility_ids
        )
    raise ValueError(f"unknown consent action {action!r}")


# --- record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recordable:
    """What this user may record about one resident (the form offers exactly this)."""

    kinds: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    # facilities the form offers for sharing and refusals (the one the resident lives at now)
    facility_ids: frozenset[int] = frozenset()
    by_team: bool = False

    def __bool__(self) -> bool:
        return bool(self.kinds)

    @property
    def first_facility_id(self) -> int | None:
        """The facility the form preselects (the one the resident lives at), or None."""
        return min(self.facility_ids, default=None)


NOTHING = Recordable()


def recordable(user: AnyUser, resident: Resident) -> Recordable:
    """The team that acts for the resident now: everything. Housing staff where the resident
    lives now: sharing from the facility to the team. Anyone else (emergency access included):
    nothing."""
    principal = principal_for(user)
    facility_id = current_facility_id(resident)
    if principal.team_ids and team_acts_for(user, resident):
        offered: frozenset[int] = frozenset()
        if facility_id is not None:
            facility = Facility.objects.filter(pk=facility_id).first()
            if facility is not None and can_facility(principal, FACILITY_ACT, facility):
                offered = frozenset({facility_id})
        return Recordable(
            kinds=tuple(ConsentKind.values),
            directions=tuple(Direction.values),
            facility_ids=offered,
            by_team=True,
        )
    if facility_id is not None and facility_id in principal.facility_ids:
        return Recordable(
            kinds=FACILITY_KINDS,
            directions=FACILITY_DIRECTIONS,
            facility_ids=frozenset({facility_id}),
        )
    return NOTHING


def may_record(user: AnyUser, resident: Resident) -> bool:
    """May the user record anything at all about this resident (the ledger's button)?"""
    return bool(recordable(user, resident))


def check_record(
    user: AnyUser,
    resident: Resident,
    *,
    kind: str,
    direction: str = "",
    facility: Facility | None = None,
) -> None:
    """Raise unless the user may record this consent: Http404 when they may not see the
    resident, PermissionDenied when they may see but not record it. A blank direction or
    facility is left to the service's validation (it asks the user to choose one)."""
    require(residents_visible_to(user).filter(pk=resident.pk).exists())
    allowed = recordable(user, resident)
    if kind not in allowed.kinds:
        raise PermissionDenied
    if kind != ConsentKind.SHARING:
        return
    if direction and direction not in allowed.directions:
        raise PermissionDenied
    if facility is None:
        return
    if allowed.by_team:
        # any facility the team serves (the form offers the one the resident lives at)
        if not can_facility(user, FACILITY_ACT, facility):
            raise PermissionDenied
    elif facility.pk not in allowed.facility_ids:
        raise PermissionDenied
