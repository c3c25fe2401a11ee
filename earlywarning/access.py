"""Who may see and decide the early-warning suggestions of a team, and set its thresholds: the
one policy.

- every member of the team sees the team's suggestions and decides them (anyone in the team may
  put a resident on the board, so anyone may accept or dismiss a suggestion to do so);
- only the team's leader changes its thresholds (other members: 403);
- everyone else, housing staff of the team's facilities too: 404.

A suggestion is about a resident in an active course of the team; a resident outside the
team's courses is not found (404), whatever id is typed.

``visible`` is the SQL form (the decided suggestions a user may see), ``can`` the in-memory form
for buttons and menus; ``get_team_for_user`` and ``get_for_user`` are the gatekeepers.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from organisation.access import TEAM_LEAD, TEAM_MEMBER, can_team, check_object, principal_for
from organisation.models import Team

from .models import Suggestion

VIEW = "view"  # see the team's suggestions, decisions and hit rates
DECIDE = "decide"  # accept or dismiss a suggestion
THRESHOLDS = "thresholds"  # change the team's thresholds
ACTIONS = (VIEW, DECIDE, THRESHOLDS)

_NEEDS = {VIEW: TEAM_MEMBER, DECIDE: TEAM_MEMBER, THRESHOLDS: TEAM_LEAD}


def visible(user) -> QuerySet[Suggestion]:
    """The stored suggestions (open, decided, lapsed) of the user's teams (SQL form of
    ``can(VIEW)``)."""
    return Suggestion.objects.filter(team_id__in=principal_for(user).team_ids)


def can(user, action: str, team_or_id) -> bool:
    """May the user do ``action`` with the early warning of this team (a Team or its id)?"""
    if action not in ACTIONS:
        raise ValueError(f"unknown early-warning action {action!r}")
    team_id = getattr(team_or_id, "pk", team_or_id)
    return can_team(user, _NEEDS[action], team_id)


def check(user, action: str, team_or_id) -> None:
    """404 for anyone outside the team, 403 for a member who may not do ``action``."""
    check_object(user, action, team_or_id, can=can, view=VIEW)


def get_team_for_user(user, team_pk: int, *, action: str = VIEW) -> Team:
    check(user, action, team_pk)
    team = Team.objects.filter(pk=team_pk).first()
    if team is None:
        raise Http404
    return team


def get_for_user(user, pk: int, *, action: str = VIEW) -> Suggestion:
    """A stored suggestion of one of the user's teams (404 otherwise)."""
    suggestion = visible(user).filter(pk=pk).select_related("resident", "team").first()
    if suggestion is None:
        raise Http404
    check(user, action, suggestion.team_id)
    return suggestion
