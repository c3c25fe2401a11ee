"""The resident policy: who may see a resident, who acts for them, and who may see or decide a
move between facilities. Views, services and templates ask this module; none re-derive it.

- VIEW: ``residents.selectors.residents_visible_to`` (team staff: residents with a course,
  referral or concern in their team, and an emergency access; housing staff: residents living
  at their facility now).
- ACT (act for the resident: record a move, confirm or reject a proposed move or a held
  referral): housing staff of the facility the resident lives at now, and members of the team
  with the resident's active course. Emergency access never acts. A recorded move stays in the
  region (``move_destinations``); to another region it is proposed and confirmed.
- Moves: the proposing facility's staff see their own proposals (only what they typed); whoever
  may see the resident sees its moves; deciders act for the resident (when nobody does, a team
  that can see the resident decides) and never decide their own proposal.

Knowing a CPR number or a name is never a permission: registration and referral look numbers up
with ``residents.selectors.resident_by_identifier`` and then ask this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from audit.denials import resident_forbidden, resident_not_found
from courses.models import Course, CourseStatus
from organisation.access import (
    FACILITY_STAFF,
    TEAM_MEMBER,
    can_facility,
    can_team,
    check_object,
    principal_for,
)
from organisation.models import Facility, Team

from .models import Move, Resident
from .selectors import (
    current_residence,
    get_resident_for_user,
    is_team_resident,
    living_at,
    residents_visible_to,
)

if TYPE_CHECKING:
    from organisation.access import AnyUser, User

VIEW = "view"
ACT = "act"
# page-level actions (obj None)
SEARCH = "search"  # find residents by name or number: team and housing staff
REGISTER = "register"  # register a resident or propose a move-in: housing staff
MOVES = "moves"  # the list of moves to decide and proposals made: team and housing staff
# actions on a move
MOVE_VIEW = "view"
MOVE_DECIDE = "decide"


# --- residents ------------------------------------------------------------------------------


def visible(user: AnyUser) -> QuerySet[Resident]:
    return residents_visible_to(user)


def acted_for(user: AnyUser) -> QuerySet[Resident]:
    """Residents the user acts for (see module docstring)."""
    p = principal_for(user)
    condition = Q()
    if p.facility_ids:
        condition |= Q(pk__in=living_at(p.facility_ids))
    if p.team_ids:
        condition |= Q(
            pk__in=Course.objects.filter(team_id__in=p.team_ids, status=CourseStatus.ACTIVE).values(
                "resident_id"
            )
        )
    if not condition:
        return Resident.objects.none()
    return Resident.objects.filter(condition)


def sees_through_own_team(user: AnyUser, resident: Resident) -> bool:
    """Visible through the user's own team or facility (not only through emergency access)."""
    return can_team_see(user, resident) or lives_at_own_facility(user, resident)


def can_team_see(user: AnyUser, resident: Resident) -> bool:
    """Visible through one of the user's teams (a course, referral or concern there)."""
    return is_team_resident(user, resident)


def lives_at_own_facility(user: AnyUser, resident: Resident) -> bool:
    """The user is housing staff of the facility the resident lives at now."""
    residence = current_residence(resident)
    return residence is not None and can_facility(user, FACILITY_STAFF, residence.facility)


def can(user: AnyUser, action: str, resident: Resident | None = None) -> bool:
    if action in (SEARCH, MOVES):
        p = principal_for(user)
        return p.is_team_staff or p.is_facility_staff
    if action == REGISTER:
        return principal_for(user).is_facility_staff
    if action == VIEW:
        return resident is not None and residents_visible_to(user).filter(pk=resident.pk).exists()
    if action == ACT:
        return resident is not None and _acts_for(user, resident)
    raise ValueError(f"unknown resident action {action!r}")


def get_for_user(user: AnyUser, pk: int, *, action: str = VIEW) -> Resident:
    """404 unless the user may see the resident; 403 if they may see but not do ``action``."""
    resident = get_resident_for_user(user, pk)
    if action != VIEW and not can(user, action, resident):
        raise resident_forbidden(pk)
    return resident


def ensure(user: AnyUser, action: str, resident: Resident) -> None:
    """For services: the same answer as ``get_for_user`` for an object already in hand."""
    check_object(user, action, resident, can=can, view=VIEW, resident_id=resident.pk)


def _acts_for(user: AnyUser, resident: Resident) -> bool:
    if lives_at_own_facility(user, resident):
        return True
    course = Course.objects.filter(resident=resident, status=CourseStatus.ACTIVE).first()
    return course is not None and can_team(user, TEAM_MEMBER, course.team_id)


def move_destinations(user: AnyUser, resident: Resident) -> QuerySet[Facility]:
    """Facilities a move recorded by ``user`` may go to (at once, without confirmation): those
    in the region of the resident's current facility; with no current facility, those in the
    regions of the user's own teams and facilities. A move to another region is proposed by
    the new facility and confirmed by someone who acts for the resident."""
    residence = current_residence(resident)
    if residence is not None:
        return Facility.objects.filter(region_id=residence.facility.region_id)
    p = principal_for(user)
    return Facility.objects.filter(
        Q(region__in=Facility.objects.filter(pk__in=p.facility_ids).values("region_id"))
        | Q(region__in=Team.objects.filter(pk__in=p.team_ids).values("region_id"))
    )


def nobody_acts_for(resident: Resident) -> bool:
    """No current residence and no active course: nobody acts for the resident."""
    return (
        current_residence(resident) is None
        and not Course.objects.filter(resident=resident, status=CourseStatus.ACTIVE).exists()
    )


# --- moves ----------------------------------------------------------------------------------


def moves_visible(user: AnyUser) -> QuerySet[Move]:
    p = principal_for(user)
    condition = Q(resident__in=residents_visible_to(user))
    if p.facility_ids:
        condition |= Q(to_facility_id__in=p.facility_ids)
    return Move.objects.filter(condition)


def can_move(user: AnyUser, action: str, move: Move) -> bool:
    if action == MOVE_VIEW:
        return moves_visible(user).filter(pk=move.pk).exists()
    if action == MOVE_DECIDE:
        if move.created_by_id == user.pk:
            return False  # nobody confirms their own proposal
        if _acts_for(user, move.resident):
            return True
        # nobody acts for the resident: a team that has them in its records decides
        return nobody_acts_for(move.resident) and can_team_see(user, move.resident)
    raise ValueError(f"unknown move action {action!r}")


def shows_resident(user: AnyUser, move: Move) -> bool:
    """May the page of this move show the resident, or only what the proposer typed?"""
    return can(user, VIEW, move.resident)


def get_move_for_user(user: AnyUser, pk: int, *, action: str = MOVE_VIEW) -> Move:
    move = (
        moves_visible(user)
        .select_related("resident", "from_facility", "to_facility", "created_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if move is None:
        raise resident_not_found(
            Move.objects.filter(pk=pk).values_list("resident_id", flat=True).first()
        )
    if action != MOVE_VIEW and not can_move(user, action, move):
        raise resident_forbidden(move.resident_id)
    return move


def ensure_move(user: AnyUser, action: str, move: Move) -> None:
    check_object(user, action, move, can=can_move, view=MOVE_VIEW, resident_id=move.resident_id)


def moves_to_decide(user: User) -> QuerySet[Move]:
    """Open proposals for residents the user acts for (not their own proposals)."""
    from .models import MoveStatus

    return (
        Move.objects.filter(status=MoveStatus.PROPOSED, resident__in=acted_for(user))
        .exclude(created_by=user)
        .select_related("resident", "from_facility", "to_facility")
    )


def own_proposals(user: AnyUser) -> QuerySet[Move]:
    """Moves into the user's own facilities (their proposals and registrations)."""
    p = principal_for(user)
    if not p.facility_ids:
        return Move.objects.none()
    return Move.objects.filter(to_facility_id__in=p.facility_ids)


def own_facilities(user: AnyUser) -> QuerySet[Facility]:
    """The facilities where the user is housing staff (where they register residents)."""
    return Facility.objects.filter(pk__in=principal_for(user).facility_ids).order_by("name")
