"""Every state change of concerns, referrals and courses, and the ward look-up.

Each function is one transaction: it asks the policy (``courses.access``) itself, so a direct
call by someone who may not do the step raises Http404/PermissionDenied; it locks the row,
checks that the transition is legal (``Model.TRANSITIONS``), saves with ``update_fields`` and
writes exactly one audit row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action, Outcome, Purpose
from audit.services import record
from lib.cpr import ParsedIdentifier, age_on
from lib.errors import StaleVersion, TransitionError
from organisation.access import TEAM_MEMBER, can_team
from organisation.models import Facility, Team
from residents import access as residents_access
from residents.identity import ensure_lives_at, identity_mismatch, insert_resident, names_match
from residents.models import Resident
from residents.selectors import current_residence, resident_by_identifier
from residents.throttle import limit_reached

from . import access
from .models import (
    Concern,
    ConcernStatus,
    Course,
    CourseStatus,
    Referral,
    ReferralStatus,
)

if TYPE_CHECKING:
    from organisation.access import User


def _check_transition(model: type[Concern | Referral | Course], current: str, target: str) -> None:
    if target not in model.TRANSITIONS[current]:
        labels = dict(model._meta.get_field("status").choices or ())
        raise TransitionError(
            _("Det kan ikke lade sig gøre: status er allerede »%(status)s«.")
            % {"status": labels[current]},
            code="illegal_transition",
        )


def _active_course(resident: Resident) -> Course | None:
    return Course.objects.filter(resident=resident, status=CourseStatus.ACTIVE).first()


# --- Concerns ----------------------------------------------------------------------------


@transaction.atomic
def concern_raise(
    *, user: User, resident: Resident, facility: Facility, description: str
) -> Concern:
    access.ensure(user, access.RAISE_CONCERN, resident)
    ensure_lives_at(resident, facility)
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
def concern_close(*, user: User, concern: Concern, note: str) -> Concern:
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    access.ensure(user, access.ASSESS, concern)
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


def _check_age(birth_date: datetime.date, team: Team, on: datetime.date) -> None:
    minimum = team.minimum_age
    if minimum is not None and age_on(birth_date, on) < minimum:
        raise ValidationError(
            _(
                "Beboeren er under %(age)s år. Botilbudsteams for voksne modtager kun "
                "beboere på %(age)s år eller derover."
            )
            % {"age": minimum},
            code="under_age",
        )


def _check_consent_date(consent_informed_on: datetime.date, received_on: datetime.date) -> None:
    if consent_informed_on > received_on:
        raise ValidationError(
            _("Beboeren skal være informeret og have givet samtykke, før henvisningen modtages."),
            code="consent_after_referral",
        )


def _pending_referral_exists() -> TransitionError:
    return TransitionError(
        _("Der er allerede en henvisning om beboeren, som afventer visitation."),
        code="pending_referral",
    )


def _referral_insert(
    *,
    user: User,
    resident: Resident,
    team: Team,
    facility: Facility,
    concern: Concern | None = None,
    status: str,
    fields: dict[str, Any],
) -> Referral:
    referral = Referral(
        resident=resident,
        team=team,
        facility=facility,
        concern=concern,
        status=status,
        source=fields["source"],
        referrer_name=fields["referrer_name"],
        received_on=fields["received_on"],
        reason=fields["reason"],
        criteria=sorted(set(fields["criteria"])),
        criteria_other=fields["criteria_other"],
        consent_informed_on=fields["consent_informed_on"],
        consent_form=fields["consent_form"],
        consent_given_by=fields["consent_given_by"],
        typed_first_name=fields.get("typed_first_name", "")[:100],
        typed_last_name=fields.get("typed_last_name", "")[:100],
        created_by=user,
    )
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent identical referral won the race
        raise _pending_referral_exists() from exc
    return referral


def _require_team_member(user: User, team: Team) -> None:
    if not can_team(user, TEAM_MEMBER, team.pk):
        raise PermissionDenied


def _referral_checks(
    *, resident: Resident, team: Team, facility: Facility, fields: dict[str, Any]
) -> None:
    """The checks of a referral of a resident the user may see (their answers may name it)."""
    ensure_lives_at(resident, facility)
    if _active_course(resident) is not None:
        raise TransitionError(
            _("Beboeren er allerede i et aktivt forløb. Et nyt forløb kræver, at det afsluttes."),
            code="in_course",
        )
    if Referral.objects.filter(
        resident=resident, team=team, status=ReferralStatus.PENDING
    ).exists():
        raise _pending_referral_exists()


@transaction.atomic
def referral_create(
    *,
    user: User,
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
    """A referral of a resident the team already sees, living at a facility it serves."""
    _require_team_member(user, team)
    if facility.team_id != team.pk:
        raise ValidationError(_("Botilbuddet betjenes ikke af dette team."), code="wrong_team")
    access.ensure(user, access.REFER, resident)
    fields = {
        "source": source,
        "referrer_name": referrer_name,
        "received_on": received_on,
        "reason": reason,
        "criteria": criteria,
        "criteria_other": criteria_other,
        "consent_informed_on": consent_informed_on,
        "consent_form": consent_form,
        "consent_given_by": consent_given_by,
    }
    _check_age(resident.birth_date, team, received_on)
    _check_consent_date(consent_informed_on, received_on)
    _referral_checks(resident=resident, team=team, facility=facility, fields=fields)
    detail: dict[str, Any] = {}
    if concern is not None:
        concern = Concern.objects.select_for_update().get(pk=concern.pk)
        access.ensure(user, access.ASSESS, concern)
        _check_transition(Concern, concern.status, ConcernStatus.REFERRED)
        if concern.resident_id != resident.pk:
            raise ValidationError(_("Bekymringen gælder en anden beboer."), code="wrong_resident")
    referral = _referral_insert(
        user=user,
        resident=resident,
        team=team,
        facility=facility,
        concern=concern,
        status=ReferralStatus.PENDING,
        fields=fields,
    )
    if concern is not None:
        concern.status = ConcernStatus.REFERRED
        concern.assessed_by = user
        concern.assessed_at = timezone.now()
        concern.save(update_fields=["status", "assessed_by", "assessed_at"])
        detail = {"concern_id": concern.pk, "concern_to": ConcernStatus.REFERRED}
    record(user=user, action=Action.CREATE, resident=resident, obj=referral, detail=detail)
    return referral


REFERRAL_BY_NUMBER_LIMIT = 20
REFERRAL_BY_NUMBER_WINDOW = datetime.timedelta(hours=1)
REFERRAL_BY_NUMBER = "referral_by_number"  # the audit rows' ``detail["probe"]``, counted


@dataclass(frozen=True)
class ReferralByNumber:
    referral: Referral | None = None
    # REFERRAL_BY_NUMBER_LIMIT referrals by number within REFERRAL_BY_NUMBER_WINDOW: nothing done
    throttled: bool = False


@transaction.atomic
def referral_create_from_identity(
    *,
    user: User,
    identifier: ParsedIdentifier,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    facility: Facility,
    moved_in: datetime.date,
    **fields: Any,
) -> ReferralByNumber:
    """A referral typed with a number and a name (the resident may not be registered yet).

    - A new number: the resident is registered, living at ``facility`` from ``moved_in``, and
      the referral awaits visitation.
    - A resident the team sees already: the referral is attached to them (they must live at
      ``facility``: a referral never moves anyone).
    - A resident the team may not see: the referral is *held*. It gives the team nothing and
      shows it only what it typed until someone who acts for the resident confirms it. The
      answer is the same as for a new number (a referral page); no check that could tell the
      two apart (another name, a course, a pending referral) is made for a held referral.
      The same user's second held referral of the resident to the same team and facility is
      not saved: the answer is the first one's page, as if saved.

    At most REFERRAL_BY_NUMBER_LIMIT per user per REFERRAL_BY_NUMBER_WINDOW, whatever the
    number (``residents.throttle``); a refused one writes a denied audit row.
    """
    team = facility.team
    if team is None:
        raise PermissionDenied
    _require_team_member(user, team)
    probe: dict[str, Any] = {"probe": REFERRAL_BY_NUMBER}
    if limit_reached(
        user=user,
        limit=REFERRAL_BY_NUMBER_LIMIT,
        window=REFERRAL_BY_NUMBER_WINDOW,
        detail__probe=REFERRAL_BY_NUMBER,
    ):
        record(
            user=user,
            action=Action.CREATE,
            outcome=Outcome.DENIED,
            detail={**probe, "throttled": True},
        )
        return ReferralByNumber(throttled=True)
    received_on = fields["received_on"]
    # checks of what was typed only: the same answer whether the number exists or not
    _check_age(birth_date, team, received_on)
    _check_consent_date(fields["consent_informed_on"], received_on)
    existing = resident_by_identifier(identifier.value)
    if existing is None:
        resident = insert_resident(
            user=user,
            identifier=identifier,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            facility=facility,
            moved_in=moved_in,
        )
        detail = {**probe, "resident_created": True}
    elif residents_access.can_team_see(user, existing):
        if not names_match(existing, first_name, last_name):
            raise identity_mismatch()
        _referral_checks(resident=existing, team=team, facility=facility, fields=fields)
        access.ensure(user, access.REFER, existing)
        resident, detail = existing, probe
    else:
        duplicate = Referral.objects.filter(
            resident=existing,
            team=team,
            facility=facility,
            status=ReferralStatus.HELD,
            created_by=user,
        ).first()
        if duplicate is not None:
            record(
                user=user,
                action=Action.VIEW,
                resident=existing,
                obj=duplicate,
                detail={**probe, "duplicate": True},
            )
            return ReferralByNumber(referral=duplicate)
        referral = _referral_insert(
            user=user,
            resident=existing,
            team=team,
            facility=facility,
            status=ReferralStatus.HELD,
            fields={
                **fields,
                "typed_first_name": first_name.strip(),
                "typed_last_name": last_name.strip(),
            },
        )
        record(
            user=user,
            action=Action.CREATE,
            resident=existing,
            obj=referral,
            detail={**probe, "to": ReferralStatus.HELD},
        )
        return ReferralByNumber(referral=referral)
    referral = _referral_insert(
        user=user,
        resident=resident,
        team=team,
        facility=facility,
        status=ReferralStatus.PENDING,
        fields=fields,
    )
    record(user=user, action=Action.CREATE, resident=resident, obj=referral, detail=detail)
    return ReferralByNumber(referral=referral)


def _lock_referral(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update()
        .select_related("resident", "team", "facility")
        .get(pk=referral.pk)
    )


def _referral_decide(*, user: User, referral: Referral, status: str, reason: str) -> Referral:
    """Check the transition and record the decision (who, when, why) on a locked referral."""
    _check_transition(Referral, referral.status, status)
    referral.status = status
    referral.decision_reason = reason
    referral.decided_by = user
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    return referral


def _record_transition(user: User, referral: Referral, **detail: Any) -> None:
    record(
        user=user,
        action=Action.TRANSITION,
        resident=referral.resident,
        obj=referral,
        detail={"to": referral.status, **detail},
    )


@transaction.atomic
def referral_withdraw(*, user: User, referral: Referral, reason: str) -> Referral:
    """The team withdraws its referral; a held one then stays unconfirmed for good."""
    referral = _lock_referral(referral)
    access.ensure(user, access.WRITE, referral)
    target = (
        ReferralStatus.NOT_CONFIRMED
        if referral.status == ReferralStatus.HELD
        else ReferralStatus.WITHDRAWN
    )
    _referral_decide(user=user, referral=referral, status=target, reason=reason)
    _record_transition(user, referral)
    return referral


@transaction.atomic
def referral_reject(*, user: User, referral: Referral, reason: str) -> Referral:
    referral = _lock_referral(referral)
    access.ensure(user, access.DECIDE, referral)
    _referral_decide(user=user, referral=referral, status=ReferralStatus.REJECTED, reason=reason)
    _record_transition(user, referral)
    return referral


@transaction.atomic
def referral_confirm(*, user: User, referral: Referral) -> Referral:
    """Someone who acts for the resident confirms a held referral: it awaits visitation, and
    the team sees the resident from now on. The resident must live at the referral's
    facility (a referral never moves anyone) and the typed name must be theirs."""
    referral = _lock_referral(referral)
    access.ensure(user, access.CONFIRM, referral)
    _check_transition(Referral, referral.status, ReferralStatus.PENDING)
    resident = referral.resident
    if not names_match(resident, referral.typed_first_name, referral.typed_last_name):
        raise ValidationError(
            _(
                "Navnet i henvisningen passer ikke med beboerens navn. Henvisningen kan ikke "
                "bekræftes; afvis den."
            ),
            code="identity_mismatch",
        )
    residence = current_residence(resident)
    if residence is None or residence.facility_id != referral.facility_id:
        raise ValidationError(
            _(
                "Henvisningen gælder %(facility)s, men beboeren bor ikke der. Registrér "
                "flytningen først, eller afvis henvisningen."
            )
            % {"facility": referral.facility.name},
            code="move_first",
        )
    if _active_course(resident) is not None:
        raise TransitionError(
            _("Beboeren er allerede i et aktivt forløb. Afvis henvisningen."), code="in_course"
        )
    if Referral.objects.filter(
        resident=resident, team=referral.team, status=ReferralStatus.PENDING
    ).exists():
        raise _pending_referral_exists()
    referral.status = ReferralStatus.PENDING
    try:
        with transaction.atomic():
            referral.save(update_fields=["status"])
    except IntegrityError as exc:
        raise _pending_referral_exists() from exc
    _record_transition(user, referral, confirmed=True)
    return referral


@transaction.atomic
def referral_not_confirm(*, user: User, referral: Referral, reason: str) -> Referral:
    """Someone who acts for the resident refuses a held referral; the team never sees them."""
    referral = _lock_referral(referral)
    access.ensure(user, access.CONFIRM, referral)
    _referral_decide(
        user=user, referral=referral, status=ReferralStatus.NOT_CONFIRMED, reason=reason
    )
    _record_transition(user, referral)
    return referral


@transaction.atomic
def referral_accept(
    *,
    user: User,
    referral: Referral,
    reason: str,
    started_on: datetime.date,
    team_contacts: list[User],
    responsible_doctor: User,
    facility_contact: User | None = None,
) -> Course:
    """Visitation: accept the referral and open the course (forløb). One audit row (the new
    course, naming the referral's transition)."""
    referral = _lock_referral(referral)
    access.ensure(user, access.DECIDE, referral)
    _check_transition(Referral, referral.status, ReferralStatus.ACCEPTED)
    _check_age(referral.resident.birth_date, referral.team, started_on)
    if started_on < referral.received_on:
        raise ValidationError(
            _("Forløbet kan ikke starte før henvisningen blev modtaget."), code="start_before"
        )
    if not team_contacts:
        raise ValidationError(_("Vælg mindst én kontaktperson i teamet."), code="no_contact")
    if _active_course(referral.resident) is not None:
        raise TransitionError(_("Beboeren er allerede i et aktivt forløb."), code="in_course")
    _referral_decide(user=user, referral=referral, status=ReferralStatus.ACCEPTED, reason=reason)
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
    record(
        user=user,
        action=Action.CREATE,
        resident=referral.resident,
        obj=course,
        detail={"referral_id": referral.pk, "referral_to": ReferralStatus.ACCEPTED},
    )
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
    user: User,
    course: Course,
    version: int,
    team_contacts: list[User],
    responsible_doctor: User,
    facility_contact: User | None = None,
) -> Course:
    access.ensure(user, access.WRITE, course)
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
    user: User,
    course: Course,
    version: int,
    ended_on: datetime.date,
    end_reason: str,
    transition: str,
    end_summary: str,
) -> Course:
    access.ensure(user, access.DECIDE, course)
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


# --- Ward look-up ------------------------------------------------------------------------

LOOKUP_LIMIT = 30
LOOKUP_WINDOW = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class WardLookup:
    course: Course | None = None
    throttled: bool = False  # LOOKUP_LIMIT look-ups within LOOKUP_WINDOW: nothing looked up


@transaction.atomic
def ward_lookup(*, user: User, identifier: ParsedIdentifier) -> WardLookup:
    """For ward staff only: the active course of the person with this number, if any.

    Answers no more than whether there is an active course, which team, and whom to call: a
    number that does not exist and one without an active course get the same answer. At most
    LOOKUP_LIMIT look-ups per user per LOOKUP_WINDOW, counted from the audit rows (so the limit
    holds across server processes; the user's row is locked so concurrent look-ups queue). One
    audit row per look-up, a refused one included; no row carries the number.
    """
    if not access.can(user, access.LOOKUP):
        raise Http404
    if limit_reached(user=user, limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW, action=Action.LOOKUP):
        record(
            user=user,
            action=Action.LOOKUP,
            purpose=Purpose.LOOKUP,
            outcome=Outcome.DENIED,
            detail={"throttled": True},
        )
        return WardLookup(throttled=True)
    course = (
        Course.objects.filter(
            resident__identifiers__value=identifier.value, status=CourseStatus.ACTIVE
        )
        .select_related("team", "responsible_doctor", "resident")
        .prefetch_related("team_contacts")
        .first()
    )
    record(
        user=user,
        action=Action.LOOKUP,
        resident=course.resident if course else None,
        obj=course,
        purpose=Purpose.LOOKUP,
        detail={"found": course is not None},
    )
    return WardLookup(course=course)
