"""Whose figures a page shows (a region, a team or a facility) and how rows of the source
tables are attributed to it. Who may see them, and who sees exact figures, is
``indicators.access``.

Attribution: rows that name a team and a facility themselves (referrals, concerns, board entries)
count for that team and facility. Record entries and courses count for the team that owns
them and, at facility level, for the facility where the resident lived on the day in question
(the residence history: living there from ``moved_in`` up to, not including, ``moved_out``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

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
