"""Who a user is in the organisation: the one place that reads memberships for access.

``principal_for(user)`` is computed once per request (cached on the user object, which lives
for one request), so a membership removed or a user deactivated takes effect on the next
request. Only confirmed, active memberships count: a proposal grants nothing until the leader
of its team or facility confirms it.

This module is also the policy of facilities, teams and memberships (who may grant, confirm,
change and end a membership), and the only place outside ``organisation.services``,
``organisation.admin`` and the models that queries ``Membership``; other apps ask the
principal or the member look-ups here (``team_members``, ``facility_members``,
``users_in_regions``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from audit.denials import resident_forbidden, resident_not_found
from organisation.hooks import emergency_resident_ids
from organisation.models import (
    FACILITY_ROLES,
    RESIDENT_DATA_ROLES,
    TEAM_ROLES,
    Facility,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Profession,
    Region,
    Role,
    Team,
    Ward,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import UserManager, _AnyUser, _User
    from django.http import HttpRequest

    # The configured user model (accounts.User) as django-stubs resolves it, for annotations
    # only (nothing is imported from accounts): ``User`` signed in, ``AnyUser`` as
    # ``request.user`` is typed (signed in or anonymous).
    User: TypeAlias = _User
    AnyUser: TypeAlias = _AnyUser

    class AuthenticatedHttpRequest(HttpRequest):
        """A request that ``accounts.middleware.LoginRequiredMiddleware`` let through to a
        view: its user is signed in."""

        user: User


_T = TypeVar("_T")

# Professions that may make clinical decisions (visitation, ending a course).
CLINICAL_DECIDERS = frozenset({Profession.DOCTOR, Profession.NURSE, Profession.LEADER})
# Health professionals who may open a resident outside their team in an emergency.
EMERGENCY_PROFESSIONS = frozenset({Profession.DOCTOR, Profession.NURSE})


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    team_ids: frozenset[int] = frozenset()
    leader_team_ids: frozenset[int] = frozenset()
    decider_team_ids: frozenset[int] = frozenset()
    facility_ids: frozenset[int] = frozenset()
    leader_facility_ids: frozenset[int] = frozenset()
    ward_ids: frozenset[int] = frozenset()
    admin_region_ids: frozenset[int] = frozenset()
    # health professionals in a team (doctor, nurse) who may use emergency access
    emergency_team_ids: frozenset[int] = frozenset()
    # residents opened through an active emergency access (at most one)
    emergency_resident_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = field(default_factory=frozenset)
    labels: tuple[str, ...] = ()
    # (team id, profession) for every active team membership: the record's writers per kind
    team_professions: frozenset[tuple[int, str]] = frozenset()

    @property
    def is_team_staff(self) -> bool:
        return bool(self.team_ids)

    @property
    def is_facility_staff(self) -> bool:
        return bool(self.facility_ids)

    @property
    def is_ward_staff(self) -> bool:
        return bool(self.ward_ids)

    @property
    def is_region_admin(self) -> bool:
        return bool(self.admin_region_ids)

    @property
    def is_leader(self) -> bool:
        """Leads a team or a facility (and so grants its memberships)."""
        return bool(self.leader_team_ids or self.leader_facility_ids)

    def professions_in(self, team_id: int | None) -> frozenset[str]:
        """The user's professions in one team (active memberships only)."""
        return frozenset(p for t, p in self.team_professions if t == team_id)

    @property
    def organisation_label(self) -> str:
        return "; ".join(self.labels)

    @property
    def role_label(self) -> str:
        return ",".join(sorted(self.roles))


ANONYMOUS = Principal(user_id=None)


def principal_for(user: AnyUser | None) -> Principal:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_principal_cache", None)
    if isinstance(cached, Principal):
        return cached
    memberships = Membership.objects.filter(
        user=user, is_active=True, status=MembershipStatus.CONFIRMED
    ).select_related("team", "facility", "ward", "region")
    teams, leader_teams, decider_teams, emergency_teams = set(), set(), set(), set()
    facilities, leader_facilities, wards, regions = set(), set(), set(), set()
    roles, labels, team_professions = set(), [], set()
    for m in memberships:
        roles.add(m.role)
        labels.append(str(m.scope))
        # the check constraint gives each role its scope; the ``is not None`` tell the type checker
        if m.role in (Role.TEAM_STAFF, Role.TEAM_LEADER) and m.team_id is not None:
            teams.add(m.team_id)
            team_professions.add((m.team_id, m.profession))
            if m.role == Role.TEAM_LEADER:
                leader_teams.add(m.team_id)
            if m.role == Role.TEAM_LEADER or m.profession in CLINICAL_DECIDERS:
                decider_teams.add(m.team_id)
            if m.profession in EMERGENCY_PROFESSIONS:
                emergency_teams.add(m.team_id)
        elif m.role in (Role.FACILITY_STAFF, Role.FACILITY_LEADER) and m.facility_id is not None:
            facilities.add(m.facility_id)
            if m.role == Role.FACILITY_LEADER:
                leader_facilities.add(m.facility_id)
        elif m.role == Role.WARD_STAFF and m.ward_id is not None:
            wards.add(m.ward_id)
        elif m.role == Role.REGION_ADMIN and m.region_id is not None:
            regions.add(m.region_id)
    emergency_residents: set[int] = set()
    if emergency_teams:  # the emergency app's answer (a layer above; see organisation.hooks)
        emergency_residents = set(emergency_resident_ids(user))
    principal = Principal(
        user_id=user.pk,
        team_ids=frozenset(teams),
        leader_team_ids=frozenset(leader_teams),
        decider_team_ids=frozenset(decider_teams),
        facility_ids=frozenset(facilities),
        leader_facility_ids=frozenset(leader_facilities),
        ward_ids=frozenset(wards),
        admin_region_ids=frozenset(regions),
        emergency_team_ids=frozenset(emergency_teams),
        emergency_resident_ids=frozenset(emergency_residents),
        roles=frozenset(roles),
        labels=tuple(labels),
        team_professions=frozenset(team_professions),
    )
    vars(user)["_principal_cache"] = principal  # the user object lives for one request
    return principal


def require(condition: bool) -> None:
    """Deny as not found: existence must not leak to those who may not see it."""
    if not condition:
        raise Http404


def found(obj: _T | None) -> _T:
    """``obj``, or Http404 when it is None: ``require(obj is not None)`` in a form the type
    checker follows."""
    if obj is None:
        raise Http404
    return obj


def check_object(
    user: AnyUser,
    action: str,
    obj: _T,
    *,
    can: Callable[[AnyUser, str, _T], bool],
    view: str = "view",
    resident_id: int | None = None,
) -> None:
    """The answer of a policy's ``get_for_user`` for an object already in hand (services, and
    pages that loaded it otherwise): Http404 unless ``can(user, view, obj)`` (existence must not
    leak), PermissionDenied unless ``can(user, action, obj)``. ``resident_id`` names the
    resident the object concerns for the denied audit row only (``audit.denials``); the user's
    answer is the same with or without it."""
    if not can(user, view, obj):
        raise resident_not_found(resident_id)
    if action != view and not can(user, action, obj):
        raise resident_forbidden(resident_id)


# --- Facility and team policies ---------------------------------------------------------------
# The one place that says who may do what with a facility or a team. Other apps ask these
# instead of comparing ids from the principal themselves.

FACILITY_VIEW = "view"  # see the facility page (its team, its own staff, its region's admin)
FACILITY_ACT = "act"  # work with its residents: the serving team's staff or its own staff
FACILITY_STAFF = "staff"  # its own housing staff (facility side of a shared object)
FACILITY_LEAD = "lead"  # its own leader (signs agreements, grants access)
TEAM_MEMBER = "member"
TEAM_DECIDE = "decide"  # visitate, end courses
TEAM_LEAD = "lead"


def can_facility(user_or_principal: AnyUser | Principal, action: str, facility: Facility) -> bool:
    """May this user do ``action`` with ``facility`` (a Facility or anything with ``pk`` and
    ``team_id``)?"""
    p = _as_principal(user_or_principal)
    served_by_own_team = facility.team_id is not None and facility.team_id in p.team_ids
    if action == FACILITY_VIEW:
        return (
            served_by_own_team
            or facility.pk in p.facility_ids
            or getattr(facility, "region_id", None) in p.admin_region_ids
        )
    if action == FACILITY_ACT:
        return served_by_own_team or facility.pk in p.facility_ids
    if action == FACILITY_STAFF:
        return facility.pk in p.facility_ids
    if action == FACILITY_LEAD:
        return facility.pk in p.leader_facility_ids
    raise ValueError(f"unknown facility action {action!r}")


def can_team(user_or_principal: AnyUser | Principal, action: str, team_id: int | None) -> bool:
    p = _as_principal(user_or_principal)
    if action == TEAM_MEMBER:
        return team_id in p.team_ids
    if action == TEAM_DECIDE:
        return team_id in p.decider_team_ids
    if action == TEAM_LEAD:
        return team_id in p.leader_team_ids
    raise ValueError(f"unknown team action {action!r}")


# --- Page-level questions (the menu and the pages' gatekeepers ask these) ---------------------


def may_list_facilities(user: AnyUser) -> bool:
    """The facility list ("Botilbud"): team staff, housing staff and region administrators."""
    p = principal_for(user)
    return p.is_team_staff or p.is_facility_staff or p.is_region_admin


def may_manage_staff(user: AnyUser) -> bool:
    """The "Medarbejdere og adgang" page: leaders of a team or a facility (they grant its
    memberships)."""
    return principal_for(user).is_leader


def may_administer(user: AnyUser) -> bool:
    """The administration (Django admin, limited to their region): region administrators."""
    return principal_for(user).is_region_admin


def _as_principal(user_or_principal: AnyUser | Principal) -> Principal:
    if isinstance(user_or_principal, Principal):
        return user_or_principal
    return principal_for(user_or_principal)


# --- Membership policy ------------------------------------------------------------------------
# Nobody grants themselves a role. A membership that opens resident data (team or facility
# staff and leaders) is granted by the leader of that team or facility, or proposed by a
# region administrator of its region (or a superuser) and then confirmed by that leader. Ward
# memberships (look-up only) are granted by a region administrator of the ward's region;
# region-administrator memberships only by a superuser. A superuser may grant or confirm a
# team's or facility's memberships directly only while it has no leader (to appoint the
# first one). Leaders and region administrators may end memberships of their unit or
# region; a pending proposal is rejected (by its leader, its region's administrators or
# whoever proposed it).

MEMBERSHIP_VIEW = "view"
MEMBERSHIP_CONFIRM = "confirm"
MEMBERSHIP_REJECT = "reject"
MEMBERSHIP_CHANGE = "change"  # role, profession, activation
MEMBERSHIP_END = "end"


def _in_force() -> Q:
    return Q(is_active=True, status=MembershipStatus.CONFIRMED)


def _active_user(user: AnyUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _is_superuser(user: AnyUser | None) -> bool:
    return user is not None and _active_user(user) and bool(user.is_superuser)


def _region_q(region_ids: Iterable[int] | QuerySet[Any, Any], prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}team__region__in": region_ids})
        | Q(**{f"{prefix}facility__region__in": region_ids})
        | Q(**{f"{prefix}ward__region__in": region_ids})
        | Q(**{f"{prefix}region__in": region_ids})
    )


def scope_matches(
    role: str,
    *,
    team: Team | None = None,
    facility: Facility | None = None,
    ward: Ward | None = None,
    region: Region | None = None,
) -> bool:
    """The role names exactly its kind of scope (the model's check constraint, in Python)."""
    given = {"team": team, "facility": facility, "ward": ward, "region": region}
    wanted = (
        "team"
        if role in TEAM_ROLES
        else "facility"
        if role in FACILITY_ROLES
        else "ward"
        if role == Role.WARD_STAFF
        else "region"
        if role == Role.REGION_ADMIN
        else None
    )
    return wanted is not None and all((v is not None) == (k == wanted) for k, v in given.items())


def region_id_of(
    *,
    team: Team | None = None,
    facility: Facility | None = None,
    ward: Ward | None = None,
    region: Region | None = None,
) -> int | None:
    if region is not None:
        return region.pk
    scope = team or facility or ward
    return scope.region_id if scope is not None else None


def unit_has_leader(*, team: Team | None = None, facility: Facility | None = None) -> bool:
    """Has this team or facility an active leader with a confirmed membership?"""
    if team is not None:
        found = Membership.objects.filter(_in_force(), team=team, role=Role.TEAM_LEADER)
    elif facility is not None:
        found = Membership.objects.filter(_in_force(), facility=facility, role=Role.FACILITY_LEADER)
    else:
        return False
    return found.filter(user__is_active=True).exists()


def can_grant_membership(
    user: AnyUser,
    *,
    for_user: User | None,
    role: str,
    team: Team | None = None,
    facility: Facility | None = None,
    ward: Ward | None = None,
    region: Region | None = None,
) -> bool:
    """May ``user`` give ``for_user`` this role so that it is in force at once?"""
    if not _active_user(user) or for_user is None or for_user.pk == user.pk:
        return False
    if not scope_matches(role, team=team, facility=facility, ward=ward, region=region):
        return False
    p = principal_for(user)
    # scope_matches has checked that the role's own scope is given (``is not None``)
    if role in TEAM_ROLES and team is not None:
        return team.pk in p.leader_team_ids or (
            _is_superuser(user) and not unit_has_leader(team=team)
        )
    if role in FACILITY_ROLES and facility is not None:
        return facility.pk in p.leader_facility_ids or (
            _is_superuser(user) and not unit_has_leader(facility=facility)
        )
    if role == Role.WARD_STAFF and ward is not None:
        return _is_superuser(user) or ward.region_id in p.admin_region_ids
    if role == Role.REGION_ADMIN:
        return _is_superuser(user)
    return False


def can_propose_membership(
    user: AnyUser,
    *,
    for_user: User | None,
    role: str,
    team: Team | None = None,
    facility: Facility | None = None,
) -> bool:
    """May ``user`` propose a team or facility membership for its leader to confirm?"""
    if not _active_user(user) or for_user is None or for_user.pk == user.pk:
        return False
    if role not in RESIDENT_DATA_ROLES or not scope_matches(role, team=team, facility=facility):
        return False
    region_id = region_id_of(team=team, facility=facility)
    return _is_superuser(user) or region_id in principal_for(user).admin_region_ids


def memberships_visible(user: AnyUser) -> QuerySet[Membership]:
    """Memberships a user may see, with their history: a leader those of the team or facility
    they lead, a region administrator those of their region, a superuser all."""
    if not _active_user(user):
        return Membership.objects.none()
    if _is_superuser(user):
        return Membership.objects.all()
    p = principal_for(user)
    condition = Q(pk__in=[])
    if p.leader_team_ids:
        condition |= Q(team_id__in=p.leader_team_ids)
    if p.leader_facility_ids:
        condition |= Q(facility_id__in=p.leader_facility_ids)
    if p.admin_region_ids:
        condition |= _region_q(p.admin_region_ids)
    return Membership.objects.filter(condition)


def _sees_membership(user: AnyUser, p: Principal, m: Membership) -> bool:
    return (
        _is_superuser(user)
        or (m.team_id is not None and m.team_id in p.leader_team_ids)
        or (m.facility_id is not None and m.facility_id in p.leader_facility_ids)
        or m.region_id_of_scope in p.admin_region_ids
    )


def _may_grant_as(user: AnyUser, m: Membership, role: str | None = None) -> bool:
    return can_grant_membership(
        user,
        for_user=m.user,
        role=role or m.role,
        team=m.team,
        facility=m.facility,
        ward=m.ward,
        region=m.region,
    )


def can_membership(user: AnyUser, action: str, m: Membership) -> bool:
    """May ``user`` do ``action`` (view, confirm, reject, change, end) to this membership?"""
    if not _active_user(user):
        return False
    p = principal_for(user)
    if not _sees_membership(user, p, m):
        return False
    own = m.user_id == user.pk
    pending = m.status == MembershipStatus.PENDING
    confirmed = m.status == MembershipStatus.CONFIRMED
    if action == MEMBERSHIP_VIEW:
        return True
    if action == MEMBERSHIP_CONFIRM:
        return pending and not own and _may_grant_as(user, m)
    if action == MEMBERSHIP_REJECT:
        return pending and (
            (not own and _may_grant_as(user, m))
            or m.proposed_by_id == user.pk
            or _is_superuser(user)
            or m.region_id_of_scope in p.admin_region_ids
        )
    if action == MEMBERSHIP_CHANGE:
        return confirmed and not own and _may_grant_as(user, m)
    if action == MEMBERSHIP_END:
        if not (confirmed and m.is_active) or own:
            return False
        if _may_grant_as(user, m):
            return True
        # region administrators may end (never grant) the memberships of their region
        return m.role != Role.REGION_ADMIN and m.region_id_of_scope in p.admin_region_ids
    raise ValueError(f"unknown membership action {action!r}")


def get_membership_for_user(user: AnyUser, pk: int, *, action: str = MEMBERSHIP_VIEW) -> Membership:
    """404 when the user may not see the membership, 403 when they may see but not do it."""
    m = (
        memberships_visible(user)
        .select_related("user", "team", "facility", "ward", "region")
        .filter(pk=pk)
        .first()
    )
    m = found(m)
    if not can_membership(user, action, m):
        raise PermissionDenied
    return m


def teams_led_by(user: AnyUser) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=principal_for(user).leader_team_ids)


def teams_of(user: AnyUser) -> QuerySet[Team]:
    """The teams the user is a member of (active, confirmed memberships)."""
    return Team.objects.filter(pk__in=principal_for(user).team_ids)


def facilities_led_by(user: AnyUser) -> QuerySet[Facility]:
    return Facility.objects.filter(pk__in=principal_for(user).leader_facility_ids)


def get_team_for_leader(user: AnyUser, pk: int) -> Team:
    return found(teams_led_by(user).select_related("region").filter(pk=pk).first())


def get_facility_for_leader(user: AnyUser, pk: int) -> Facility:
    return found(facilities_led_by(user).select_related("region", "team").filter(pk=pk).first())


def unit_memberships(
    *, team: Team | None = None, facility: Facility | None = None
) -> QuerySet[Membership]:
    """Every membership of one team or facility (any status), for its leader's page. The
    caller has checked that the user leads it (``get_team_for_leader``)."""
    if team is not None:
        return Membership.objects.filter(team=team)
    if facility is not None:
        return Membership.objects.filter(facility=facility)
    return Membership.objects.none()


def unit_membership_history(
    *, team: Team | None = None, facility: Facility | None = None
) -> QuerySet[MembershipEvent]:
    """Grants, proposals, confirmations, changes and ends in one team or facility, newest
    first (the caller has checked that the user leads it)."""
    return MembershipEvent.objects.filter(
        membership__in=unit_memberships(team=team, facility=facility)
    ).select_related("by", "membership__user")


# --- Member look-ups for other apps (instead of querying Membership themselves) ---------------


class UserIdRow(TypedDict):
    """A row of ``.values("user_id")``."""

    user_id: int


def _users() -> UserManager[User]:
    return get_user_model().objects


def users_in_regions(region_ids: Iterable[int]) -> QuerySet[User]:
    """Users of these regions: administered there (``User.region``) or holding a membership
    (of any status) in one of their teams, facilities, wards or the region itself. Never
    superusers. A leader grants, and a region administrator proposes, only to these."""
    region_ids = list(region_ids)
    in_region = Membership.objects.filter(Q(user=OuterRef("pk")) & _region_q(region_ids))
    return _users().filter(Q(region__in=region_ids) | Exists(in_region), is_superuser=False)


def user_ids_in_regions(region_ids: Iterable[int]) -> QuerySet[Membership, UserIdRow]:
    """``user_id`` of every active membership (confirmed or proposed) in these regions."""
    return Membership.objects.filter(_region_q(region_ids), is_active=True).values("user_id")


def user_ids_outside_regions(
    region_ids: Iterable[int],
) -> QuerySet[Membership, UserIdRow]:
    """``user_id`` of every active membership (confirmed or proposed) in any other region."""
    others = Region.objects.exclude(pk__in=region_ids).values("pk")
    return Membership.objects.filter(_region_q(others), is_active=True).values("user_id")


def user_ids_of_units(
    *, team_ids: Iterable[int] = (), facility_ids: Iterable[int] = ()
) -> QuerySet[Membership, UserIdRow]:
    """``user_id`` of every active membership (confirmed or proposed) in these teams or
    facilities."""
    return Membership.objects.filter(
        Q(team__in=team_ids) | Q(facility__in=facility_ids), is_active=True
    ).values("user_id")


def user_ids_with_roles(roles: Iterable[str]) -> QuerySet[Membership, UserIdRow]:
    """``user_id`` of every membership in force (active, confirmed) with one of these roles."""
    return Membership.objects.filter(_in_force(), role__in=list(roles)).values("user_id")


def team_members(team_id: int, *, professions: Iterable[str] | None = None) -> QuerySet[User]:
    """Active users with a membership in force in the team (optionally of these professions)."""
    found = Membership.objects.filter(
        _in_force(), user=OuterRef("pk"), team_id=team_id, role__in=TEAM_ROLES
    )
    if professions is not None:
        found = found.filter(profession__in=list(professions))
    return _users().filter(Exists(found), is_active=True)


def facility_members(facility_ids: int | Iterable[int] | QuerySet[Any, Any]) -> QuerySet[User]:
    """Active users with a membership in force at the facility (an id, ids or a queryset)."""
    if isinstance(facility_ids, int):
        facility_ids = [facility_ids]
    found = Membership.objects.filter(
        _in_force(), user=OuterRef("pk"), facility_id__in=facility_ids, role__in=FACILITY_ROLES
    )
    return _users().filter(Exists(found), is_active=True)
