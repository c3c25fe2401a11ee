"""The audit-log policy: who may see a resident's log ("Hvem har set oplysningerne") and
export it for an access request.

The rule: the leader of a team the resident has a course, referral or concern with. Nobody
else, not even the team's other staff, the housing staff or the region's administrator; they
get 404 so that existence does not leak. Views, templates and menus ask this module.
"""

from __future__ import annotations

from django.db.models import QuerySet

from organisation.access import principal_for
from residents.models import Resident
from residents.selectors import team_residents_of

from .denials import resident_not_found
from .models import AuditEvent

VIEW = "view"  # the log page
EXPORT = "export"  # the CSV export for an access request (names can be masked)
ACTIONS = frozenset({VIEW, EXPORT})


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit log action {action!r}")


def residents_with_visible_log(user) -> QuerySet[Resident]:
    """Residents whose log this user may read (the one place the rule is written)."""
    return team_residents_of(principal_for(user).leader_team_ids)


def visible(user) -> QuerySet[AuditEvent]:
    """The audit rows this user may read: those of residents whose log they may see."""
    return AuditEvent.objects.filter(resident__in=residents_with_visible_log(user))


def get_for_user(user, pk: int, *, action: str = VIEW) -> Resident:
    """The resident whose log is asked for; 404 unless the user may see it. Both actions
    follow the same rule, so there is no 403 here. The denial names the resident for the
    audit row only."""
    _check_action(action)
    resident = residents_with_visible_log(user).filter(pk=pk).first()
    if resident is None:
        raise resident_not_found(pk)
    return resident


def can(user, action: str, resident) -> bool:
    """For templates and menus: may this user open (or export) this resident's log?"""
    _check_action(action)
    return residents_with_visible_log(user).filter(pk=resident.pk).exists()
