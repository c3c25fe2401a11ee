"""Every read of concerns, referrals and courses, scoped to what the user may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from lib.cpr import InvalidIdentifier, normalise
from organisation.access import principal_for, require
from residents.models import ResidentIdentifier

from .models import Concern, ConcernStatus, Course, CourseStatus, Referral, ReferralStatus


def _team_or_emergency(model, principal) -> QuerySet:
    """Rows of the user's teams, plus every row of a resident opened by emergency access."""
    if not principal.team_ids and not principal.emergency_resident_ids:
        return model.objects.none()
    return model.objects.filter(
        Q(team_id__in=principal.team_ids) | Q(resident_id__in=principal.emergency_resident_ids)
    )


def courses_visible_to(user) -> QuerySet[Course]:
    return _team_or_emergency(Course, principal_for(user))


def referrals_visible_to(user) -> QuerySet[Referral]:
    return _team_or_emergency(Referral, principal_for(user))


def concerns_visible_to(user) -> QuerySet[Concern]:
    principal = principal_for(user)
    condition = Q()
    if principal.team_ids or principal.emergency_resident_ids:
        condition |= Q(team_id__in=principal.team_ids)
        condition |= Q(resident_id__in=principal.emergency_resident_ids)
    if principal.facility_ids:
        condition |= Q(facility_id__in=principal.facility_ids)
    if not condition:
        return Concern.objects.none()
    return Concern.objects.filter(condition)


def course_summaries_for_facility_staff(user, resident) -> QuerySet[Course]:
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


def _require_decider(user, team_id: int) -> None:
    if team_id not in principal_for(user).decider_team_ids:
        raise PermissionDenied


def _require_team_member(user, team_id: int) -> None:
    """Only the team writes to its own rows (emergency access is read-only)."""
    if team_id not in principal_for(user).team_ids:
        raise PermissionDenied


def get_course_for_user(user, pk: int, *, write: bool = False, decide: bool = False) -> Course:
    course = (
        courses_visible_to(user)
        .select_related(
            "resident",
            "team",
            "facility",
            "referral",
            "responsible_doctor",
            "facility_contact",
            "ended_by",
        )
        .prefetch_related("team_contacts")
        .filter(pk=pk)
        .first()
    )
    require(course is not None)
    if write or decide:
        _require_team_member(user, course.team_id)
    if decide:
        _require_decider(user, course.team_id)
    return course


def get_referral_for_user(user, pk: int, *, write: bool = False, decide: bool = False) -> Referral:
    referral = (
        referrals_visible_to(user)
        .select_related("resident", "team", "facility", "created_by", "decided_by", "concern")
        .filter(pk=pk)
        .first()
    )
    require(referral is not None)
    if write or decide:
        _require_team_member(user, referral.team_id)
    if decide:
        _require_decider(user, referral.team_id)
    return referral


def get_concern_for_user(user, pk: int, *, assess: bool = False) -> Concern:
    concern = (
        concerns_visible_to(user)
        .select_related("resident", "facility", "team", "raised_by", "assessed_by")
        .filter(pk=pk)
        .first()
    )
    require(concern is not None)
    if assess and concern.team_id not in principal_for(user).team_ids:
        raise PermissionDenied
    return concern


def visitation_queue(user) -> QuerySet[Referral]:
    return (
        referrals_visible_to(user)
        .filter(status=ReferralStatus.PENDING)
        .select_related("resident", "team", "facility")
        .order_by("received_on", "id")
    )


def open_concerns(user) -> QuerySet[Concern]:
    return (
        concerns_visible_to(user)
        .filter(status=ConcernStatus.OPEN)
        .select_related("resident", "facility", "raised_by")
        .order_by("raised_at", "id")
    )


def concerns_raised_at_my_facility(user) -> QuerySet[Concern]:
    principal = principal_for(user)
    return (
        Concern.objects.filter(facility_id__in=principal.facility_ids)
        .select_related("resident", "facility", "raised_by", "team")
        .order_by("-raised_at", "-id")
    )


def my_courses(user) -> QuerySet[Course]:
    return (
        courses_visible_to(user)
        .filter(status=CourseStatus.ACTIVE)
        .filter(Q(team_contacts=user) | Q(responsible_doctor=user))
        .select_related("resident", "facility", "responsible_doctor")
        .distinct()
        .order_by("resident__last_name", "resident__first_name", "id")
    )


def resident_history(user, resident) -> dict:
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


def ward_lookup(user, raw_identifier: str) -> Course | None:
    """For ward staff only: the active course of the person with this number, if any.

    Answers no more than whether there is an active course, which team, and whom to call.
    """
    require(principal_for(user).is_ward_staff)
    value = normalise(raw_identifier)
    if not value:
        raise InvalidIdentifier("format")
    identifier = ResidentIdentifier.objects.filter(value=value).first()
    if identifier is None:
        return None
    return (
        Course.objects.filter(resident_id=identifier.resident_id, status=CourseStatus.ACTIVE)
        .select_related("team", "responsible_doctor", "resident")
        .prefetch_related("team_contacts")
        .first()
    )


def earlier_courses(user, referral: Referral) -> list[Course]:
    """The resident's other courses the user may see, newest first: a re-referral shows how
    earlier courses went and how they ended."""
    return list(
        courses_visible_to(user)
        .filter(resident_id=referral.resident_id)
        .exclude(referral_id=referral.pk)
        .select_related("team")
        .order_by("-started_on", "-id")
    )
