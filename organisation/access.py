"""Who a user is in the organisation: the one place that reads memberships for access.

``principal_for(user)`` is computed once per request (cached on the user object, which lives
for one request), so a membership removed or a user deactivated takes effect on the next
request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from organisation.models import Membership, Profession, Role

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


def principal_for(user) -> Principal:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_principal_cache", None)
    if cached is not None:
        return cached
    memberships = Membership.objects.filter(user=user, is_active=True).select_related(
        "team", "facility", "ward", "region"
    )
    teams, leader_teams, decider_teams, emergency_teams = set(), set(), set(), set()
    facilities, leader_facilities, wards, regions = set(), set(), set(), set()
    roles, labels, team_professions = set(), [], set()
    for m in memberships:
        roles.add(m.role)
        labels.append(str(m.scope))
        if m.role in (Role.TEAM_STAFF, Role.TEAM_LEADER):
            teams.add(m.team_id)
            team_professions.add((m.team_id, m.profession))
            if m.role == Role.TEAM_LEADER:
                leader_teams.add(m.team_id)
            if m.role == Role.TEAM_LEADER or m.profession in CLINICAL_DECIDERS:
                decider_teams.add(m.team_id)
            if m.profession in EMERGENCY_PROFESSIONS:
                emergency_teams.add(m.team_id)
        elif m.role in (Role.FACILITY_STAFF, Role.FACILITY_LEADER):
            facilities.add(m.facility_id)
            if m.role == Role.FACILITY_LEADER:
                leader_facilities.add(m.facility_id)
        elif m.role == Role.WARD_STAFF:
            wards.add(m.ward_id)
        elif m.role == Role.REGION_ADMIN:
            regions.add(m.region_id)
    emergency_residents: set[int] = set()
    if emergency_teams:
        from emergency.selectors import active_emergency_resident_ids

        emergency_residents = active_emergency_resident_ids(user)
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
    user._principal_cache = principal
    return principal


def require(condition: bool) -> None:
    """Deny as not found: existence must not leak to those who may not see it."""
    if not condition:
        raise Http404


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


def can_facility(user_or_principal, action: str, facility) -> bool:
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


def can_team(user_or_principal, action: str, team_id: int | None) -> bool:
    p = _as_principal(user_or_principal)
    if action == TEAM_MEMBER:
        return team_id in p.team_ids
    if action == TEAM_DECIDE:
        return team_id in p.decider_team_ids
    if action == TEAM_LEAD:
        return team_id in p.leader_team_ids
    raise ValueError(f"unknown team action {action!r}")


def _as_principal(user_or_principal) -> Principal:
    if isinstance(user_or_principal, Principal):
        return user_or_principal
    return principal_for(user_or_principal)
