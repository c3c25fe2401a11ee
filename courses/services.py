"""Every state change of concerns, referrals and courses.

Each function is one transaction: it locks the row, checks that the transition is legal
(``Model.TRANSITIONS``), saves with ``update_fields`` and writes the audit row.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from btt.errors import StaleVersion, TransitionError
from organisation.models import Facility, Team
from residents.models import Resident

from .models import (
    Concern,
    ConcernStatus,
    Course,
    CourseStatus,
    Referral,
    ReferralStatus,
)


def _check_transition(model, current: str, target: str) -> None:
    if target not in model.TRANSITIONS[current]:
        labels = dict(model._meta.get_field("status").choices)
        raise TransitionError(
            _("Det kan ikke lade sig gøre: status er allerede »%(status)s«.")
            % {"status": labels[current]},
            code="illegal_transition",
        )


def _active_course(resident: Resident) -> Course | None:
    return Course.objects.filter(resident=resident, status=CourseStatus.ACTIVE).first()


# --- Concerns ----------------------------------------------------------------------------


@transaction.atomic
def concern_raise(*, user, resident: Resident, facility: Facility, description: str) -> Concern:
    if facility.team_id is None:
        raise ValidationError(
            _("Botilbuddet betjenes ikke af et botilbudsteam, så bekymringen kan ikke sendes."),
            code="no_team",
        )
    if _active_course(resident) is not None:
        raise TransitionError(
            _("Beboeren er allerede i forløb i et botilbudsteam. Kontakt teamet direkte."),
            code="in_course",
        )
    if Concern.objects.filter(resident=resident, status=ConcernStatus.OPEN).exists():
        raise TransitionError(
            _("Der er allerede en åben bekymring om beboeren, som afventer teamets vurdering."),
            code="open_concern",
        )
    concern = Concern(
        resident=resident,
        facility=facility,
        team_id=facility.team_id,
        description=description,
        raised_by=user,
    )
    concern.save(force_insert=True)
    record(user=user, action=Action.CREATE, resident=resident, obj=concern)
    return concern


@transaction.atomic
def concern_close(*, user, concern: Concern, note: str) -> Concern:
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    _check_transition(Concern, concern.status, ConcernStatus.CLOSED)
    concern.status = ConcernStatus.CLOSED
    concern.assessment_note = note
    concern.assessed_by = user
    concern.assessed_at = timezone.now()
    concern.save(update_fields=["status", "assessment_note", "assessed_by", "assessed_at"])
    record(
        user=user,
        action=Action.TRANSITION,
        resident=concern.resident,
        obj=concern,
        detail={"to": ConcernStatus.CLOSED},
    )
    return concern


# --- Referrals ---------------------------------------------------------------------------


def _check_age(resident: Resident, team: Team, on: datetime.date) -> None:
    minimum = team.minimum_age
    if minimum is not None and resident.age_on(on) < minimum:
        raise ValidationError(
            _(
                "Beboeren er under %(age)s år. Botilbudsteams for voksne modtager kun "
                "beboere på %(age)s år eller derover."
            )
            % {"age": minimum},
            code="under_age",
        )


@transaction.atomic
def referral_create(
    *,
    user,
    resident: Resident,
    team: Team,
    facility: Facility,
    source: str,
    referrer_name: str,
    received_on: datetime.date,
    reason: str,
    criteria: list[str],
    criteria_other: str,
    consent_informed_on: datetime.date,
    consent_form: str,
    consent_given_by: str,
    concern: Concern | None = None,
) -> Referral:
    if facility.team_id != team.pk:
        raise ValidationError(_("Botilbuddet betjenes ikke af dette team."), code="wrong_team")
    _check_age(resident, team, received_on)
    if consent_informed_on > received_on:
        raise ValidationError(
            _("Beboeren skal være informeret og have givet samtykke, før henvisningen modtages."),
            code="consent_after_referral",
        )
    if _active_course(resident) is not None:
        raise TransitionError(
            _("Beboeren er allerede i et aktivt forløb. Et nyt forløb kræver, at det afsluttes."),
            code="in_course",
        )
    if Referral.objects.filter(
        resident=resident, team=team, status=ReferralStatus.PENDING
    ).exists():
        raise TransitionError(
            _("Der er allerede en henvisning om beboeren, som afventer visitation."),
            code="pending_referral",
        )
    if concern is not None:
        concern = Concern.objects.select_for_update().get(pk=concern.pk)
        _check_transition(Concern, concern.status, ConcernStatus.REFERRED)
        if concern.resident_id != resident.pk:
            raise ValidationError(_("Bekymringen gælder en anden beboer."), code="wrong_resident")
    referral = Referral(
        resident=resident,
        team=team,
        facility=facility,
        concern=concern,
        source=source,
        referrer_name=referrer_name,
        received_on=received_on,
        reason=reason,
        criteria=sorted(set(criteria)),
        criteria_other=criteria_other,
        consent_informed_on=consent_informed_on,
        consent_form=consent_form,
        consent_given_by=consent_given_by,
        created_by=user,
    )
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent identical referral won the race
        raise TransitionError(
            _("Der er allerede en henvisning om beboeren, som afventer visitation."),
            code="pending_referral",
        ) from exc
    if concern is not None:
        concern.status = ConcernStatus.REFERRED
        concern.assessed_by = user
        concern.assessed_at = timezone.now()
        concern.save(update_fields=["status", "assessed_by", "assessed_at"])
        record(
            user=user,
            action=Action.TRANSITION,
            resident=resident,
            obj=concern,
            detail={"to": ConcernStatus.REFERRED},
        )
    record(user=user, action=Action.CREATE, resident=resident, obj=referral)
    return referral


def _referral_decide(*, user, referral: Referral, status: str, reason: str) -> Referral:
    """Lock the referral, check the transition and record the decision (who, when, why)."""
    referral = (
        Referral.objects.select_for_update().select_related("resident", "team").get(pk=referral.pk)
    )
    _check_transition(Referral, referral.status, status)
    referral.status = status
    referral.decision_reason = reason
    referral.decided_by = user
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    record(
        user=user,
        action=Action.TRANSITION,
        resident=referral.resident,
        obj=referral,
        detail={"to": status},
    )
    return referral


@transaction.atomic
def referral_withdraw(*, user, referral: Referral, reason: str) -> Referral:
    return _referral_decide(
        user=user, referral=referral, status=ReferralStatus.WITHDRAWN, reason=reason
    )


@transaction.atomic
def referral_reject(*, user, referral: Referral, reason: str) -> Referral:
    return _referral_decide(
        user=user, referral=referral, status=ReferralStatus.REJECTED, reason=reason
    )


@transaction.atomic
def referral_accept(
    *,
    user,
    referral: Referral,
    reason: str,
    started_on: datetime.date,
    team_contacts: list,
    responsible_doctor,
    facility_contact=None,
) -> Course:
    """Visitation: accept the referral and open the course (forløb)."""
    current = Referral.objects.select_related("resident", "team").get(pk=referral.pk)
    _check_transition(Referral, current.status, ReferralStatus.ACCEPTED)
    _check_age(current.resident, current.team, started_on)
    if started_on < current.received_on:
        raise ValidationError(
            _("Forløbet kan ikke starte før henvisningen blev modtaget."), code="start_before"
        )
    if not team_contacts:
        raise ValidationError(_("Vælg mindst én kontaktperson i teamet."), code="no_contact")
    if _active_course(current.resident) is not None:
        raise TransitionError(_("Beboeren er allerede i et aktivt forløb."), code="in_course")
    referral = _referral_decide(
        user=user, referral=referral, status=ReferralStatus.ACCEPTED, reason=reason
    )
    course = Course(
        resident=referral.resident,
        team=referral.team,
        facility=referral.facility,
        referral=referral,
        started_on=started_on,
        responsible_doctor=responsible_doctor,
        facility_contact=facility_contact,
    )
    try:
        with transaction.atomic():
            course.save(force_insert=True)
    except IntegrityError as exc:
        raise TransitionError(
            _("Beboeren er allerede i et aktivt forløb."), code="in_course"
        ) from exc
    course.team_contacts.set(team_contacts)
    record(user=user, action=Action.CREATE, resident=referral.resident, obj=course)
    return course


# --- Courses -----------------------------------------------------------------------------


def _lock_course(course: Course, version: int) -> Course:
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if locked.version != version:
        raise StaleVersion(
            _("Forløbet er ændret af en anden, siden du åbnede siden. Se ændringen og prøv igen."),
            code="stale",
        )
    return locked


@transaction.atomic
def course_update_contacts(
    *,
    user,
    course: Course,
    version: int,
    team_contacts: list,
    responsible_doctor,
    facility_contact=None,
) -> Course:
    course = _lock_course(course, version)
    if course.status != CourseStatus.ACTIVE:
        raise TransitionError(_("Forløbet er afsluttet og kan ikke ændres."), code="ended")
    if not team_contacts:
        raise ValidationError(_("Vælg mindst én kontaktperson i teamet."), code="no_contact")
    before = {
        "team_contacts": sorted(course.team_contacts.values_list("pk", flat=True)),
        "responsible_doctor": course.responsible_doctor_id,
        "facility_contact": course.facility_contact_id,
    }
    course.responsible_doctor = responsible_doctor
    course.facility_contact = facility_contact
    course.version += 1
    course.save(update_fields=["responsible_doctor", "facility_contact", "version"])
    course.team_contacts.set(team_contacts)
    record(
        user=user,
        action=Action.UPDATE,
        resident=course.resident,
        obj=course,
        detail={"before": before},
    )
    return course


@transaction.atomic
def course_end(
    *,
    user,
    course: Course,
    version: int,
    ended_on: datetime.date,
    end_reason: str,
    transition: str,
    end_summary: str,
) -> Course:
    course = _lock_course(course, version)
    _check_transition(Course, course.status, CourseStatus.ENDED)
    if ended_on < course.started_on:
        raise ValidationError(
            _("Slutdatoen kan ikke ligge før forløbets start (%(date)s).")
            % {"date": course.started_on.strftime("%d.%m.%Y")},
            code="end_before_start",
        )
    if ended_on > timezone.localdate():
        raise ValidationError(_("Slutdatoen kan ikke ligge i fremtiden."), code="future")
    course.status = CourseStatus.ENDED
    course.ended_on = ended_on
    course.end_reason = end_reason
    course.transition = transition
    course.end_summary = end_summary
    course.ended_by = user
    course.version += 1
    course.save(
        update_fields=[
            "status",
            "ended_on",
            "end_reason",
            "transition",
            "end_summary",
            "ended_by",
            "version",
        ]
    )
    record(
        user=user,
        action=Action.TRANSITION,
        resident=course.resident,
        obj=course,
        detail={"to": CourseStatus.ENDED},
    )
    return course
