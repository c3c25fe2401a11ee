"""The policy of a resident's audit log: who may see it ("Hvem har set oplysningerne") and
export it for an access request. The log page is ``audit.views``; the rule lives here, beside
the resident's other policies, because it follows the resident's teams (which the residents
app knows) and the audit app sits below every app that writes to it.

The rule: the leader of a team the resident has a course, referral or concern with. Nobody
else, not even the team's other staff, the housing staff or the region's administrator; they
get 404 so that existence does not leak. Views, templates and menus ask this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from audit.denials import resident_not_found
from audit.models import AuditEvent
from organisation.access import principal_for

from .models import Resident
from .selectors import team_residents_of

if TYPE_CHECKING:
    from organisation.access import AnyUser

VIEW = "view"  # the log page
EXPORT = "export"  # the CSV export for an access request (names can be masked)
ACTIONS = frozenset({VIEW, EXPORT})


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit log action {action!r}")


def residents_with_visible_log(user: AnyUser) -> QuerySet[Resident]:
    """Residents whose log this user may read (the one place the rule is written)."""
    return team_residents_of(principal_for(user).leader_team_ids)


def visible(user: AnyUser) -> QuerySet[AuditEvent]:
    """The audit rows this user may read: those of residents whose log they may see."""
    return AuditEvent.objects.filter(resident__in=residents_with_visible_log(user))


def get_for_user(user: AnyUser, pk: int, *, action: str = VIEW) -> Resident:
    """The resident whose log is asked for; 404 unless the user may see it. Both actions
    follow the same rule, so there is no 403 here. The denial names the resident for the
    audit row only."""
    _check_action(action)
    resident = residents_with_visible_log(user).filter(pk=pk).first()
    if resident is None:
        raise resident_not_found(pk)
    return resident


def can(user: AnyUser, action: str, resident: Resident) -> bool:
    """For templates and menus: may this user open (or export) this resident's log?"""
    _check_action(action)
    return residents_with_visible_log(user).filter(pk=resident.pk).exists()
