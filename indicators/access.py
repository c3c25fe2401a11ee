"""Who may see which follow-up figures (a region's, a team's or a facility's): the one policy.

- a region planner (region administrator) sees their region, its teams and its facilities;
- team staff, the leader included, see their team and the facilities their team serves;
- a facility leader sees their facility;
- everyone else (housing staff who are not leaders, ward staff) sees none of it: 404.

Exact figures: team staff looking at their own team or the facilities it serves. Everyone else
who may see a page (the region level, a facility leader, a region planner) and every export
get small numbers suppressed (``indicators.tables``), with complementary cells suppressed too
(``indicators.suppression``).

The figures are aggregates, not resident data: the pages and exports are read-only and write no
rows but the export's one audit row (``indicators.views.export``); there are no services.

``visible(user, level)`` is the SQL form of "may see", ``_sees`` its in-memory form; they sit
side by side and say the same thing. ``can(user, action, level, obj)`` answers the menus and the
drill-down links; ``get_for_user(user, level, pk)`` is the gatekeeper of every page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from organisation.access import (
    FACILITY_LEAD,
    TEAM_MEMBER,
    Principal,
    can_facility,
    can_team,
    principal_for,
)
from organisation.models import Facility, Region, Team

from .scope import FACILITY, LEVELS, REGION, TEAM, Scope

VIEW = "view"  # see the page and export it (suppressed outside the team)
EXACT = "exact"  # see the exact figures (inside the team)

_MODELS = {REGION: Region, TEAM: Team, FACILITY: Facility}


def visible(user, level: str) -> QuerySet:
    """The regions, teams or facilities whose figures the user may see (SQL form of ``_sees``)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    p = principal_for(user)
    if level == REGION:
        return Region.objects.filter(pk__in=p.admin_region_ids)
    if level == TEAM:
        return Team.objects.filter(Q(region_id__in=p.admin_region_ids) | Q(pk__in=p.team_ids))
    return Facility.objects.filter(
        Q(region_id__in=p.admin_region_ids)
        | Q(team_id__in=p.team_ids)
        | Q(pk__in=p.leader_facility_ids)
    )


def _sees(p, level: str, obj) -> bool:
    """In-memory form of ``visible``."""
    if level == REGION:
        return obj.pk in p.admin_region_ids
    if level == TEAM:
        return obj.region_id in p.admin_region_ids or can_team(p, TEAM_MEMBER, obj.pk)
    if level == FACILITY:
        return (
            obj.region_id in p.admin_region_ids
            or (obj.team_id is not None and can_team(p, TEAM_MEMBER, obj.team_id))
            or can_facility(p, FACILITY_LEAD, obj)
        )
    return False


def _inside_team(p, level: str, obj) -> bool:
    if level == TEAM:
        return can_team(p, TEAM_MEMBER, obj.pk)
    if level == FACILITY:
        return obj.team_id is not None and can_team(p, TEAM_MEMBER, obj.team_id)
    return False


def can(user_or_principal, action: str, level: str, obj) -> bool:
    """May the user see this scope's figures (``VIEW``), exactly (``EXACT``)?"""
    if isinstance(user_or_principal, Principal):
        p = user_or_principal
    else:
        p = principal_for(user_or_principal)
    if action == VIEW:
        return _sees(p, level, obj)
    if action == EXACT:
        return _sees(p, level, obj) and _inside_team(p, level, obj)
    raise ValueError(f"unknown indicators action {action!r}")


def get_for_user(user, level: str, pk: int, *, action: str = VIEW) -> Scope:
    """The scope (with its children) if the user may see it; 404 otherwise, also for an unknown
    level. Outside the team the scope suppresses small numbers."""
    if level not in LEVELS:
        raise Http404
    p = principal_for(user)
    objects: QuerySet[Any] = {
        REGION: Region.objects.all(),
        TEAM: Team.objects.select_related("region"),
        FACILITY: Facility.objects.select_related("team__region"),
    }[level]
    obj = objects.filter(pk=pk).first()
    if obj is None or not can(p, action, level, obj):
        raise Http404
    scope = Scope(level, obj, suppress=not can(p, EXACT, level, obj))
    if level == REGION:
        scope.children = list(Team.objects.filter(region=obj).order_by("name"))
    elif level == TEAM:
        scope.children = list(Facility.objects.filter(team=obj).order_by("name"))
    return scope


def landing(user) -> tuple[str, int] | None:
    """Where the user's follow-up starts: their region, their team or their facility."""
    p = principal_for(user)
    if p.admin_region_ids:
        return REGION, min(p.admin_region_ids)
    if p.team_ids:
        return TEAM, min(p.leader_team_ids or p.team_ids)
    if p.leader_facility_ids:
        return FACILITY, min(p.leader_facility_ids)
    return None


def may_use(user) -> bool:
    """Whether the follow-up menu item is shown: the user has a starting point."""
    return landing(user) is not None
