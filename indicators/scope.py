"""Whose figures a page shows (a region, a team or a facility), who may see them, and how rows
of the source tables are attributed to it.

Access (deny by default, outsiders get 404):

- a region planner (region administrator) sees their region, its teams and its facilities;
- team staff, the leader included, see their team and the facilities their team serves;
- a facility leader sees their facility;
- everyone else (housing staff who are not leaders, ward staff) sees none of it.

Small numbers: figures shown to anyone outside the team (the region level, a facility leader,
a region planner) and every export show counts of 1-4 as "<5". Team staff looking at their own
team or its facilities see the exact figures.

Attribution: rows that name a team and a facility themselves (referrals, concerns, board entries)
count for that team and facility. Record entries and courses count for the team that owns
them and, at facility level, for the facility where the resident lived on the day in question
(the residence history: living there from ``moved_in`` up to, not including, ``moved_out``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from organisation.access import principal_for, require
from organisation.models import Facility, Region, Team

REGION = "region"
TEAM = "team"
FACILITY = "botilbud"
LEVELS = (REGION, TEAM, FACILITY)

# Via the residence history: the facility where the resident lived on a date.
RESIDENCE = "residence"
# Via the row's own facility field.
OWN = "own"


@dataclass
class Scope:
    level: str
    obj: Region | Team | Facility
    suppress: bool
    children: list = field(default_factory=list)  # teams of a region, facilities of a team
    cache: dict = field(default_factory=dict, repr=False)  # small facts read once per request

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def child_level(self) -> str | None:
        return {REGION: TEAM, TEAM: FACILITY}.get(self.level)

    @property
    def team_ids(self) -> list[int]:
        if self.level == REGION:
            return [t.pk for t in self.children]
        if self.level == TEAM:
            return [self.obj.pk]
        return []

    # --- attributing rows ---------------------------------------------------------------

    def filter(self, qs: QuerySet, *, via: str = OWN, on: str | None = None) -> QuerySet:
        """The rows of ``qs`` that count for this scope. ``via=RESIDENCE`` attributes rows to
        the facility where the resident lived on the date ``on`` (a field or annotation)."""
        if self.level != FACILITY:
            return qs.filter(team_id__in=self.team_ids)
        if via == OWN:
            return qs.filter(facility_id=self.obj.pk)
        return qs.filter(lived_at_q([self.obj.pk], on))

    def filter_children(
        self, qs: QuerySet, *, via: str = OWN, on: str | None = None
    ) -> tuple[QuerySet, str]:
        """(rows counting for one of the children, the name of the child's key)."""
        if self.level == REGION:
            return qs.filter(team_id__in=self.team_ids), "team_id"
        facility_ids = [f.pk for f in self.children]
        if via == OWN:
            return qs.filter(facility_id__in=facility_ids), "facility_id"
        return qs.filter(lived_at_q(facility_ids, on)), "resident__residences__facility_id"


def lived_at_q(facility_ids: list[int], on, prefix: str = "resident__") -> Q:
    """The resident lived at one of the facilities on ``on`` (the name of a date field or
    annotation, or a date). One Q, so the residence join is shared by all its conditions (and
    by annotations after it)."""
    day = F(on) if isinstance(on, str) else on
    return Q(
        Q(**{f"{prefix}residences__facility_id__in": facility_ids}),
        Q(**{f"{prefix}residences__moved_in__lte": day}),
        Q(**{f"{prefix}residences__moved_out__isnull": True})
        | Q(**{f"{prefix}residences__moved_out__gt": day}),
    )


# --- access -------------------------------------------------------------------------------


def inside_team(principal, level: str, obj) -> bool:
    if level == TEAM:
        return obj.pk in principal.team_ids
    if level == FACILITY:
        return obj.team_id is not None and obj.team_id in principal.team_ids
    return False


def may_see(principal, level: str, obj) -> bool:
    if level == REGION:
        return obj.pk in principal.admin_region_ids
    if level == TEAM:
        return obj.region_id in principal.admin_region_ids or obj.pk in principal.team_ids
    if level == FACILITY:
        return (
            obj.region_id in principal.admin_region_ids
            or (obj.team_id is not None and obj.team_id in principal.team_ids)
            or obj.pk in principal.leader_facility_ids
        )
    return False


def get_scope(user, level: str, pk: int) -> Scope:
    """The scope if the user may see it; 404 otherwise (also for an unknown level)."""
    require(level in LEVELS)
    principal = principal_for(user)
    objects = {
        REGION: Region.objects.all(),
        TEAM: Team.objects.select_related("region"),
        FACILITY: Facility.objects.select_related("team__region"),
    }[level]
    obj = objects.filter(pk=pk).first()
    require(obj is not None and may_see(principal, level, obj))
    scope = Scope(level, obj, suppress=not inside_team(principal, level, obj))
    if level == REGION:
        scope.children = list(Team.objects.filter(region=obj).order_by("name"))
    elif level == TEAM:
        scope.children = list(Facility.objects.filter(team=obj).order_by("name"))
    return scope


def landing_scope(user) -> tuple[str, int] | None:
    """Where the user's follow-up starts: their region, their team or their facility."""
    principal = principal_for(user)
    if principal.admin_region_ids:
        return REGION, min(principal.admin_region_ids)
    if principal.team_ids:
        return TEAM, min(principal.leader_team_ids or principal.team_ids)
    if principal.leader_facility_ids:
        return FACILITY, min(principal.leader_facility_ids)
    return None


def may_use(user) -> bool:
    return landing_scope(user) is not None
