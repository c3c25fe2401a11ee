"""The one policy for emergency accesses ("break the glass").

- Who may open one: a health professional (doctor or nurse) of a team, for one resident they
  cannot see otherwise (a resident outside their team), for two hours. The principal says who
  is a health professional of a team (``Principal.emergency_team_ids``); this module decides
  what that allows. The leader of the opener's team (the lowest team id if they are in several)
  reviews it.
- Who ends one early: the user who opened it, while it is active.
- Who sees and reviews one: the leaders of the team it was opened from; nobody reviews their
  own. Everyone else gets 404.
- What it opens: the resident's pages, read-only. The record, the course and the board keep
  their own write rules, which an emergency access does not meet (it never makes the user a
  member of the resident's team).

``visible(user)``, ``get_for_user(user, pk, *, action)`` and ``can(user, action, obj)`` answer
for views, services and templates; ``emergency.services`` asks them itself.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from organisation.access import found, principal_for
from residents.selectors import residents_visible_to

from .models import EmergencyAccess

OPEN = "open"  # open an emergency access (obj: None for the start page, or the resident)
END = "end"  # end one's own active emergency access early
VIEW = "view"  # read an access with its reason and what was seen (its team's leader)
REVIEW = "review"  # record the leader's review (not of one's own access)
QUEUE = "queue"  # the review queue of the teams one leads (obj: None)
ACTIONS = (OPEN, END, VIEW, REVIEW, QUEUE)


def visible(user) -> QuerySet[EmergencyAccess]:
    """The emergency accesses the user may read in full: those opened from a team they lead."""
    leader_team_ids = principal_for(user).leader_team_ids
    if not leader_team_ids:
        return EmergencyAccess.objects.none()
    return EmergencyAccess.objects.filter(team_id__in=leader_team_ids)


def get_for_user(user, pk: int, *, action: str = VIEW) -> EmergencyAccess:
    """One access for VIEW or REVIEW: 404 unless the user leads the team it was opened from,
    403 when they would review their own."""
    if action not in (VIEW, REVIEW):
        raise ValueError(f"unknown emergency access action {action!r}")
    access = found(
        visible(user)
        .select_related("user", "resident", "team", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if action == REVIEW and not can(user, REVIEW, access):
        raise PermissionDenied
    return access


def can(user, action: str, obj=None) -> bool:
    principal = principal_for(user)
    if action == OPEN:
        if not principal.emergency_team_ids:
            return False
        return obj is None or not sees_without_emergency(user, obj)
    if action == QUEUE:
        return bool(principal.leader_team_ids)
    if not isinstance(obj, EmergencyAccess):
        raise TypeError(f"{action!r} is asked of an emergency access")
    if action == END:
        return obj.user_id == principal.user_id and obj.is_active_at(timezone.now())
    if action == VIEW:
        return obj.team_id in principal.leader_team_ids
    if action == REVIEW:
        return obj.team_id in principal.leader_team_ids and obj.user_id != principal.user_id
    raise ValueError(f"unknown emergency access action {action!r}")


def sees_without_emergency(user, resident) -> bool:
    """Does the user see the resident already (then emergency access is not needed)?"""
    return residents_visible_to(user).filter(pk=resident.pk).exists()


def reviewing_team_id(user) -> int | None:
    """The team whose leader reviews the user's emergency accesses."""
    team_ids = principal_for(user).emergency_team_ids
    return min(team_ids) if team_ids else None


def has_active(user) -> bool:
    """The user has an emergency access open now (at most one at a time)."""
    return bool(principal_for(user).emergency_resident_ids)
