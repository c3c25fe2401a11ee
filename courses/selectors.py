"""Every read of concerns, referrals and courses, scoped to what the user may see. The rules
for single objects and actions are ``courses.access``'s (which builds on these)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, TypedDict, TypeVar

from django.db.models import Q, QuerySet

from organisation.access import Principal, principal_for
from residents.models import Resident
from residents.selectors import living_at

from .models import Concern, ConcernStatus, Course, CourseStatus, Referral, ReferralStatus

if TYPE_CHECKING:
    from organisation.access import AnyUser, User

_TeamRow = TypeVar("_TeamRow", Course, Referral)


class ResidentHistory(TypedDict):
    courses: list[Course]
    referrals: list[Referral]
    concerns: list[Concern]


def _team_or_emergency(model: type[_TeamRow], principal: Principal) -> QuerySet[_TeamRow]:
    """Rows of the user's teams, plus every row of a resident opened by emergency access."""
    if not principal.team_ids and not principal.emergency_resident_ids:
        return model.objects.none()
    return model.objects.filter(
        Q(team_id__in=principal.team_ids) | Q(resident_id__in=principal.emergency_resident_ids)
    )


def courses_visible_to(user: AnyUser) -> QuerySet[Course]:
    return _team_or_emergency(Course, principal_for(user))


def referrals_visible_to(user: AnyUser) -> QuerySet[Referral]:
    return _team_or_emergency(Referral, principal_for(user))


def concerns_visible_to(user: AnyUser) -> QuerySet[Concern]:
    principal = principal_for(user)
    condition = Q()
    if principal.team_ids or principal.emergency_resident_ids:
        condition |= Q(team_id__in=principal.team_ids)
        condition |= Q(resident_id__in=principal.emergency_resident_ids)
    if principal.facility_ids:
        condition |= _raised_here_and_living_here(principal.facility_ids)
    if not condition:
        return Concern.objects.none()
    return Concern.objects.filter(condition)


def _raised_here_and_living_here(facility_ids: Collection[int]) -> Q:
    """Housing staff see the concerns raised at their facility about residents who live there
    now: after a move the old facility loses them with the resident."""
    return Q(facility_id__in=facility_ids) & Q(resident_id__in=living_at(facility_ids))


def course_summaries_for_facility_staff(user: AnyUser, resident: Resident) -> QuerySet[Course]:
    """Housing staff may see that a resident of their facility has a course and whom to call."""
    principal = principal_for(user)
    if not principal.facility_ids:
        return Course.objects.none()
    return (
        Course.objects.filter(
            resident=resident,
            status=CourseStatus.ACTIVE,
            resident__residences__facility_id__in=principal.facility_ids,
            resident__residences__moved_out__isnull=True,
        )
        .select_related("team", "responsible_doctor", "facility_contact")
        .prefetch_related("team_contacts")
    )


def held_referrals_of_my_teams(user: AnyUser) -> QuerySet[Referral]:
    """The team's held referrals (what it typed only; see ``courses.access``)."""
    return (
        Referral.objects.filter(
            team_id__in=principal_for(user).team_ids, status=ReferralStatus.HELD
        )
        .select_related("team", "facility")
        .order_by("created_at", "id")
    )


def visitation_queue(user: AnyUser) -> QuerySet[Referral]:
    return (
        referrals_visible_to(user)
        .filter(status=ReferralStatus.PENDING)
        .select_related("resident", "team", "facility")
        .order_by("received_on", "id")
    )


def open_concerns(user: AnyUser) -> QuerySet[Concern]:
    return (
        concerns_visible_to(user)
        .filter(status=ConcernStatus.OPEN)
        .select_related("resident", "facility", "raised_by")
        .order_by("raised_at", "id")
    )


def concerns_raised_at_my_facility(user: AnyUser) -> QuerySet[Concern]:
    principal = principal_for(user)
    return (
        Concern.objects.filter(_raised_here_and_living_here(principal.facility_ids))
        .select_related("resident", "facility", "raised_by", "team")
        .order_by("-raised_at", "-id")
    )


def my_courses(user: User) -> QuerySet[Course]:
    return (
        courses_visible_to(user)
        .filter(status=CourseStatus.ACTIVE)
        .filter(Q(team_contacts=user) | Q(responsible_doctor=user))
        .select_related("resident", "facility", "responsible_doctor")
        .distinct()
        .order_by("resident__last_name", "resident__first_name", "id")
    )


def resident_history(user: AnyUser, resident: Resident) -> ResidentHistory:
    """Courses, referrals and concerns of one resident that the user may see."""
    return {
        "courses": list(
            courses_visible_to(user)
            .filter(resident=resident)
            .select_related("team", "responsible_doctor", "facility")
            .prefetch_related("team_contacts")
            .order_by("-started_on", "-id")
        ),
        "referrals": list(
            referrals_visible_to(user)
            .filter(resident=resident)
            .select_related("team")
            .order_by("-received_on", "-id")
        ),
        "concerns": list(
            concerns_visible_to(user)
            .filter(resident=resident)
            .select_related("facility", "raised_by")
            .order_by("-raised_at", "-id")
        ),
    }


def earlier_courses(user: AnyUser, referral: Referral) -> list[Course]:
    """The resident's other courses the user may see, newest first: a re-referral shows how
    earlier courses went and how they ended."""
    return list(
        courses_visible_to(user)
        .filter(resident_id=referral.resident_id)
        .exclude(referral_id=referral.pk)
        .select_related("team")
        .order_by("-started_on", "-id")
    )
