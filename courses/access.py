"""The policy of concerns, referrals and courses (and of referring a resident and raising a
concern about them). Views, services and templates ask this module; none re-derive it.

- Courses and referrals: the team's own rows, plus every row of a resident opened through an
  emergency access (read-only). WRITE (edit contacts, withdraw a referral) is for members of
  the row's team; DECIDE (visitation, ending a course) for its nurses, doctors and leaders.
- Concerns: the team it was sent to, and the facility it was raised at; ASSESS is the team's.
- REFER a resident: a member of the team serving the facility the resident lives at now, who
  already sees the resident through their team (a course, referral or concern there; not an
  emergency access). Knowing a CPR number and a name gives nothing: a referral typed for an
  existing resident the team cannot see is *held* (``ReferralStatus.HELD``). A held referral
  opens nothing to the team (``residents.selectors._team_q`` ignores it) and shows the team only
  what it typed, until someone who acts for the resident (``residents.access.ACT``: staff of the
  facility they live at, or the team with their active course) CONFIRMs it.
- RAISE_CONCERN: housing staff of the facility the resident lives at now.
- LOOKUP: ward staff (has this number an active course, which team, whom to call).
- REFER_NEW: team staff (the referral form typed with number and name, the visitation queue).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db.models import Model, QuerySet

from audit.denials import resident_forbidden, resident_not_found
from organisation.access import (
    TEAM_DECIDE,
    TEAM_MEMBER,
    can_team,
    principal_for,
)
from organisation.models import Facility
from residents import access as residents_access
from residents.models import Resident
from residents.selectors import current_residence

from .models import Concern, Course, Referral, ReferralStatus
from .selectors import concerns_visible_to, courses_visible_to, referrals_visible_to

if TYPE_CHECKING:
    from organisation.access import AnyUser, User

VIEW = "view"
WRITE = "write"
DECIDE = "decide"
ASSESS = "assess"
CONFIRM = "confirm"  # a held referral, by someone who acts for the resident
REFER = "refer"  # obj: a resident
RAISE_CONCERN = "raise_concern"  # obj: a resident
LOOKUP = "lookup"  # obj: None
REFER_NEW = "refer_new"  # obj: None; the referral form typed with number and name, the queue

UNCONFIRMED = (ReferralStatus.HELD, ReferralStatus.NOT_CONFIRMED)

# A course, a referral or a concern (the rows this policy answers for).
_Row = TypeVar("_Row", bound=Course | Referral | Concern)

_VISIBLE: dict[type[Model], Callable[[AnyUser], QuerySet[Any]]] = {
    Course: courses_visible_to,
    Referral: referrals_visible_to,
    Concern: concerns_visible_to,
}
_RELATED: dict[type[Model], tuple[str, ...]] = {
    Course: (
        "resident",
        "team",
        "facility",
        "referral",
        "responsible_doctor",
        "facility_contact",
        "ended_by",
    ),
    Referral: ("resident", "team", "facility", "created_by", "decided_by", "concern"),
    Concern: ("resident", "facility", "team", "raised_by", "assessed_by"),
}


def visible(user: AnyUser, model: type[Model] = Course) -> QuerySet[Any]:
    return _VISIBLE[model](user)


def referral_facilities(user: AnyUser) -> QuerySet[Facility]:
    """The facilities a typed referral may name: those the user's teams serve."""
    return Facility.objects.filter(team_id__in=principal_for(user).team_ids).order_by("name")


def held_referrals_to_confirm(user: User) -> QuerySet[Referral]:
    """Held referrals of residents the user acts for (never their own)."""
    return (
        Referral.objects.filter(
            status=ReferralStatus.HELD, resident__in=residents_access.acted_for(user)
        )
        .exclude(created_by=user)
        .select_related("resident", "team", "facility", "created_by")
    )


def get_for_user(user: User, pk: int, *, action: str = VIEW, model: type[_Row]) -> _Row:
    """404 unless the user may see the object (for CONFIRM: may confirm it or see it), 403 if
    they may see it but not do ``action``."""
    if model is Referral and action == CONFIRM:
        referral = held_referrals_to_confirm(user).filter(pk=pk).first()
        if referral is not None:
            return cast(_Row, referral)  # model is Referral
        if visible(user, Referral).filter(pk=pk).exists():
            raise resident_forbidden(_resident_id_of(model, pk))
        raise resident_not_found(_resident_id_of(model, pk))
    qs: QuerySet[_Row] = visible(user, model).select_related(*_RELATED[model])
    if model is Course:
        qs = qs.prefetch_related("team_contacts")
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise resident_not_found(_resident_id_of(model, pk))
    if action != VIEW and not can(user, action, obj):
        raise resident_forbidden(obj.resident_id)
    return obj


def _resident_id_of(model: type[_Row], pk: int) -> int | None:
    """For the denied audit row only (never shown to the user)."""
    return model.objects.filter(pk=pk).values_list("resident_id", flat=True).first()


def get_course_for_user(user: User, pk: int, *, action: str = VIEW) -> Course:
    return get_for_user(user, pk, action=action, model=Course)


def get_referral_for_user(user: User, pk: int, *, action: str = VIEW) -> Referral:
    return get_for_user(user, pk, action=action, model=Referral)


def get_concern_for_user(user: User, pk: int, *, action: str = VIEW) -> Concern:
    return get_for_user(user, pk, action=action, model=Concern)


def can(
    user: AnyUser, action: str, obj: Resident | Course | Referral | Concern | None = None
) -> bool:
    p = principal_for(user)
    if action == LOOKUP:
        return p.is_ward_staff
    if action == REFER_NEW:
        return p.is_team_staff
    if isinstance(obj, Resident):
        if action == REFER:
            return _may_refer(user, obj)
        if action == RAISE_CONCERN:
            return residents_access.lives_at_own_facility(user, obj)
        raise ValueError(f"unknown resident action {action!r}")
    if isinstance(obj, Referral) and action == CONFIRM:
        return user.is_authenticated and held_referrals_to_confirm(user).filter(pk=obj.pk).exists()
    if isinstance(obj, (Course, Referral, Concern)):
        if action == VIEW:
            return visible(user, type(obj)).filter(pk=obj.pk).exists()
        if action in (WRITE, ASSESS):
            return can_team(p, TEAM_MEMBER, obj.team_id)
        if action == DECIDE and isinstance(obj, Referral) and obj.status in UNCONFIRMED:
            return False  # a held referral is confirmed (or not) before any visitation
        if action == DECIDE and not isinstance(obj, Concern):
            return can_team(p, TEAM_DECIDE, obj.team_id)
    raise ValueError(f"unknown action {action!r} for {type(obj).__name__}")


def _may_refer(user: AnyUser, resident: Resident) -> bool:
    p = principal_for(user)
    residence = current_residence(resident)
    if residence is None or not can_team(p, TEAM_MEMBER, residence.facility.team_id):
        return False
    return residents_access.can_team_see(user, resident)


def ensure(user: AnyUser, action: str, obj: Resident | Course | Referral | Concern) -> None:
    """For services: Http404 when the user may not see ``obj``, PermissionDenied when they may
    see it but not do ``action``."""
    if isinstance(obj, Resident):
        seen = residents_access.can(user, residents_access.VIEW, obj)
    elif isinstance(obj, Referral) and action == CONFIRM:
        seen = can(user, CONFIRM, obj) or can(user, VIEW, obj)
    else:
        seen = can(user, VIEW, obj)
    resident_id = obj.pk if isinstance(obj, Resident) else obj.resident_id
    if not seen:
        raise resident_not_found(resident_id)
    if action != VIEW and not can(user, action, obj):
        raise resident_forbidden(resident_id)


def shows_resident(user: AnyUser, referral: Referral) -> bool:
    """May a referral's page show the resident, or only what the referring team typed?"""
    return residents_access.can(user, residents_access.VIEW, referral.resident)
