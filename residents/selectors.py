"""Every read of residents starts here, already scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from audit.denials import resident_not_found
from lib.cpr import normalise
from organisation.access import principal_for

from .models import Residence, Resident, ResidentIdentifier


def _team_q(team_ids) -> Q:
    from courses.models import Concern, Course, Referral, ReferralStatus

    # a held referral (made by a team that could not see the resident) and one never
    # confirmed give the team nothing
    referrals = Referral.objects.filter(team_id__in=team_ids).exclude(
        status__in=(ReferralStatus.HELD, ReferralStatus.NOT_CONFIRMED)
    )
    return (
        Q(pk__in=Course.objects.filter(team_id__in=team_ids).values("resident_id"))
        | Q(pk__in=referrals.values("resident_id"))
        | Q(pk__in=Concern.objects.filter(team_id__in=team_ids).values("resident_id"))
    )


def living_at(facility_ids) -> QuerySet:
    """``resident_id`` of everyone living at these facilities now (for ``__in`` lookups): a
    resident who moves out drops out on the next request."""
    return Residence.objects.filter(facility_id__in=facility_ids, moved_out__isnull=True).values(
        "resident_id"
    )


def team_residents_of(team_ids) -> QuerySet[Resident]:
    if not team_ids:
        return Resident.objects.none()
    return Resident.objects.filter(_team_q(team_ids))


def team_residents(user) -> QuerySet[Resident]:
    """Residents with a course, referral or concern in one of the user's teams."""
    return team_residents_of(principal_for(user).team_ids)


def is_team_resident(user, resident) -> bool:
    return team_residents(user).filter(pk=resident.pk).exists()


def residents_visible_to(user) -> QuerySet[Resident]:
    """The only starting point for lists, searches, counts and exports of residents.

    Team staff: residents with a course, referral or concern in their own team, and the one
    resident of an active emergency access. Housing staff: residents living at their own
    facility now. Everyone else (ward staff, region admins, anonymous): nobody.
    """
    principal = principal_for(user)
    condition = Q()
    granted = False
    if principal.team_ids:
        condition |= _team_q(principal.team_ids)
        granted = True
    if principal.emergency_resident_ids:
        condition |= Q(pk__in=principal.emergency_resident_ids)
        granted = True
    if principal.facility_ids:
        condition |= Q(pk__in=living_at(principal.facility_ids))
        granted = True
    if not granted:
        return Resident.objects.none()
    return Resident.objects.filter(condition)


def resident_by_identifier(value: str) -> Resident | None:
    """The resident who holds or held this number, unscoped. Only for code that then decides
    access itself through a policy (registration, referral, emergency access); its answer must
    never reach a user who may not see the resident."""
    identifier = ResidentIdentifier.objects.select_related("resident").filter(value=value).first()
    return identifier.resident if identifier is not None else None


def current_residence(resident) -> Residence | None:
    """The open residence (uses the prefetched ``current_residences`` when there)."""
    prefetched = getattr(resident, "current_residences", None)
    if prefetched is not None:
        return next(iter(prefetched), None)
    return (
        Residence.objects.select_related("facility")
        .filter(resident=resident, moved_out__isnull=True)
        .first()
    )


def with_current_details(queryset: QuerySet[Resident]) -> QuerySet[Resident]:
    """Attach the current identifier and residence in a constant number of queries."""
    return queryset.prefetch_related(
        Prefetch(
            "identifiers",
            queryset=ResidentIdentifier.objects.filter(valid_to__isnull=True),
            to_attr="current_identifiers",
        ),
        Prefetch(
            "residences",
            queryset=Residence.objects.filter(moved_out__isnull=True).select_related("facility"),
            to_attr="current_residences",
        ),
    )


def get_resident_for_user(user, pk: int) -> Resident:
    """The gatekeeper: 404 unless the user may see this resident."""
    resident = with_current_details(residents_visible_to(user)).filter(pk=pk).first()
    if resident is None:
        raise resident_not_found(pk)  # a plain 404; the denied audit row names the resident
    return resident


SEARCH_LIMIT = 50


def resident_search(user, query: str) -> tuple[list[Resident], bool]:
    """Search by CPR/replacement number (exact, any number the resident has held) or by name.

    Returns at most SEARCH_LIMIT residents and whether there were more.
    """
    visible = residents_visible_to(user)
    text = (query or "").strip()
    number = normalise(text)
    if len(number) == 10 and number[:6].isdigit():
        visible = visible.filter(identifiers__value=number)
    else:
        for token in text.split()[:5]:
            visible = visible.filter(Q(first_name__icontains=token) | Q(last_name__icontains=token))
    rows = list(with_current_details(visible.distinct())[: SEARCH_LIMIT + 1])
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def facility_residents(user, facility) -> QuerySet[Resident]:
    """Residents living at ``facility`` now, among those the user may see."""
    return with_current_details(
        residents_visible_to(user).filter(
            residences__facility=facility, residences__moved_out__isnull=True
        )
    )
