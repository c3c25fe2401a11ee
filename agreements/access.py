"""Who may see and do what with a cooperation agreement (samarbejdsaftale): the one policy.

- **see** an agreement: staff of its team, staff of its facility, and the administrator of the
  facility's region (read only);
- **edit**, **sign** and **terminate**: the leader of either party (the team's leader signs for
  the team, the facility's leader for the facility); the other readers get 403;
- **create** an agreement for a facility: the leader of the team that serves it or of the
  facility itself (the facility must be served by a team);
- **competence activities** of a facility: the serving team's staff and the facility's own staff;
- **the region overview**: region administrators (their region's teams) and team leaders
  (their own teams).

Everyone else gets 404: knowing an id opens nothing. ``visible`` is the SQL form of "see" and
``_sees`` its in-memory form; they sit side by side and say the same thing.

``may(user, action, agreement)`` says whether the user has the authority (used by
``get_for_user`` and by the services: 403); ``can`` also asks whether the agreement's state
allows the action now (used for the buttons: a leader gets no "Underskriv" on an agreement in
force). A leader who posts anyway gets the service's message, not a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from organisation.access import (
    FACILITY_ACT,
    FACILITY_LEAD,
    FACILITY_STAFF,
    FACILITY_VIEW,
    TEAM_LEAD,
    TEAM_MEMBER,
    can_facility,
    can_team,
    check_object,
    principal_for,
)
from organisation.models import Facility, Team

from .models import Agreement, Party, Status

VIEW = "view"
EDIT = "edit"
SIGN = "sign"
TERMINATE = "terminate"
ACTIONS = (VIEW, EDIT, SIGN, TERMINATE)
LEADER_ACTIONS = (EDIT, SIGN, TERMINATE)

# the states in which each leader action is offered (the services refuse the rest)
_OPEN_STATES = {
    EDIT: (Status.DRAFT, Status.SIGNED_ONE, Status.IN_FORCE, Status.RENEGOTIATION),
    SIGN: (Status.DRAFT, Status.SIGNED_ONE, Status.RENEGOTIATION),
    TERMINATE: (Status.IN_FORCE, Status.RENEGOTIATION),
}


# --- see -------------------------------------------------------------------------------------


def visible(user) -> QuerySet[Agreement]:
    """The agreements the user may see (SQL form of ``_sees``)."""
    p = principal_for(user)
    condition = Q(pk__in=[])
    if p.team_ids:
        condition |= Q(team_id__in=p.team_ids)
    if p.facility_ids:
        condition |= Q(facility_id__in=p.facility_ids)
    if p.admin_region_ids:
        condition |= Q(facility__region_id__in=p.admin_region_ids)
    return Agreement.objects.filter(condition)


def _sees(p, agreement: Agreement) -> bool:
    """In-memory form of ``visible``."""
    facility = agreement.facility
    return (
        can_team(p, TEAM_MEMBER, agreement.team_id)
        or can_facility(p, FACILITY_STAFF, facility)
        or facility.region_id in p.admin_region_ids
    )


def may_list(user) -> bool:
    """The agreements page: staff of a team or a facility, and region administrators."""
    p = principal_for(user)
    return bool(p.team_ids or p.facility_ids or p.admin_region_ids)


# --- act -------------------------------------------------------------------------------------


def leader_party(user, agreement: Agreement) -> str | None:
    """The party the user leads (and signs for), or None."""
    p = principal_for(user)
    if can_team(p, TEAM_LEAD, agreement.team_id):
        return Party.TEAM
    if can_facility(p, FACILITY_LEAD, agreement.facility):
        return Party.FACILITY
    return None


def may(user, action: str, agreement: Agreement) -> bool:
    """Has the user the authority for ``action`` (whatever the agreement's state)?"""
    if action not in ACTIONS:
        raise ValueError(f"unknown agreement action {action!r}")
    if not _sees(principal_for(user), agreement):
        return False
    if action == VIEW:
        return True
    return leader_party(user, agreement) is not None


def can(user, action: str, agreement: Agreement, *, status: str | None = None) -> bool:
    """For buttons and menus: the authority, and the agreement's state allows it now.
    ``status``: the effective status when the caller has it (an agreement past its notice)."""
    if not may(user, action, agreement):
        return False
    if action == VIEW:
        return True
    if status is None:
        from .selectors import effective_status

        status = effective_status(agreement)
    return status in _OPEN_STATES[action]


def check(user, action: str, agreement: Agreement) -> None:
    """404 if the user may not see the agreement, 403 if they may see but not do ``action``."""
    check_object(user, action, agreement, can=may, view=VIEW)


def get_for_user(user, pk: int, *, action: str = VIEW) -> Agreement:
    """The agreement with its versions and signatures: 404 if the user may not see it, 403 if
    they may see it but not do ``action``."""
    from .selectors import with_versions

    agreement = with_versions(visible(user)).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    check(user, action, agreement)
    return agreement


def signing_party(user, agreement: Agreement) -> str:
    """The party the user signs (edits, terminates) for: 404/403 as ``check``."""
    check(user, SIGN, agreement)
    party = leader_party(user, agreement)
    if party is None:  # ``check`` let only a leader of one of the parties through
        raise PermissionDenied
    return party


# --- create ------------------------------------------------------------------------------------


def may_create(user, facility) -> bool:
    """A leader of the serving team or of the facility; the facility must have a team."""
    p = principal_for(user)
    return facility.team_id is not None and (
        can_team(p, TEAM_LEAD, facility.team_id) or can_facility(p, FACILITY_LEAD, facility)
    )


def creatable_facilities(user) -> QuerySet[Facility]:
    """The facilities the user may create an agreement for (SQL form of ``may_create``)."""
    p = principal_for(user)
    return Facility.objects.filter(team__isnull=False).filter(
        Q(team_id__in=p.leader_team_ids) | Q(pk__in=p.leader_facility_ids)
    )


def get_facility_for_create(user, facility_pk: int) -> Facility:
    """404 unless the user may see the facility (and it has a team), 403 unless they lead."""
    facility = Facility.objects.select_related("team").filter(pk=facility_pk).first()
    if facility is None or facility.team_id is None:
        raise Http404
    if not can_facility(principal_for(user), FACILITY_VIEW, facility):
        raise Http404
    if not may_create(user, facility):
        raise PermissionDenied
    return facility


def check_create(user, facility) -> None:
    if not can_facility(principal_for(user), FACILITY_VIEW, facility):
        raise Http404
    if not may_create(user, facility):
        raise PermissionDenied


# --- competence activities ---------------------------------------------------------------------


def may_use_activities(user, facility) -> bool:
    return can_facility(principal_for(user), FACILITY_ACT, facility)


def get_facility_for_activities(user, facility_pk: int) -> Facility:
    """The serving team's staff and the facility's own staff; everyone else 404."""
    facility = Facility.objects.select_related("team").filter(pk=facility_pk).first()
    if facility is None or not may_use_activities(user, facility):
        raise Http404
    return facility


# --- the region overview -----------------------------------------------------------------------


def overview_teams(user) -> QuerySet[Team]:
    """The teams of the region overview: a region administrator's region, a team leader's own
    teams; 404 for everyone else."""
    p = principal_for(user)
    if p.admin_region_ids:
        return Team.objects.filter(region_id__in=p.admin_region_ids)
    if p.leader_team_ids:
        return Team.objects.filter(pk__in=p.leader_team_ids)
    raise Http404
