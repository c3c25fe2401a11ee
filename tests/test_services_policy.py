"""Every service that writes asks a policy and writes exactly one audit row.

The test walks every public function of every ``<app>/services.py``. Each has a case here:
either a pair of calls (one by a user whom the resource's policy denies, one by a user it
allows), or one line saying why the function is not a policy-checked write. The denied call
must raise (404 or 403) and change nothing; the allowed call must write exactly one audit row.
A service added without a case fails ``test_every_service_has_a_case``.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent

from .test_access_valid_forms import fingerprint


@dataclass(frozen=True)
class Case:
    call: Callable  # (world, user) -> call the service as that user
    denied: str  # a persona the resource's policy denies
    allowed: str  # a persona it allows
    setup: Callable | None = None  # world -> prepare what the call needs (its own audit rows)


def _today():
    return timezone.localdate()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


# --- the calls -------------------------------------------------------------------------------


def _agreements():
    from agreements import services as s

    return s


def _board():
    from board import services as s

    return s


def _consent():
    from consent import services as s

    return s


def _courses():
    from courses import services as s

    return s


def _emergency():
    from emergency import services as s

    return s


def _record():
    from record import services as s

    return s


def _earlywarning():
    from earlywarning import services as s

    return s


def _sharing(user, w):
    return _consent().consent_record(
        user=user,
        resident=w.resident_in_course,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=_days(-1),
        facility=w.facility_a1,
        direction="team_to_facility",
        categories=["plans"],
        purpose="Fælles indsats",
        legal_basis="sul_43",
    )


def _crisis(user, w):
    from record.tests.samples import make_entry

    return make_entry(user, w.resident_in_course, "crisis")


def _open_meeting(w):
    return _board().meeting_open(user=w.team_nurse, facility=w.facility_a1, held_on=_today())


def _open_item(w):
    from board.models import AgendaItem

    return AgendaItem.objects.get(meeting=_open_meeting(w), resident=w.resident_in_course)


def _flagged(w):
    """A resident in team A's course whom the admissions rule proposes (the worker's recompute
    has stored the open suggestion)."""
    from earlywarning.tests.helpers import add_entry, contact, new_course, recompute

    course = new_course(w, name="Ellen Advarselsen")
    contact(w, course)
    add_entry(w, course, "admission", 10)
    add_entry(w, course, "admission", 20)
    recompute(w.team_a)
    return course


def _referral_accept(user, w):
    return _courses().referral_accept(
        user=user,
        referral=w.referral_pending,
        reason="Opfylder målgruppen.",
        started_on=_today(),
        team_contacts=[w.team_nurse],
        responsible_doctor=w.team_doctor,
        facility_contact=None,
    )


def _course_end(user, w):
    return _courses().course_end(
        user=user,
        course=w.course,
        version=w.course.version,
        ended_on=_today(),
        end_reason="goals_met",
        transition="gp",
        end_summary="Stabil; overgår til egen læge.",
    )


CASES: dict[str, Case | str] = {
    # accounts: the sign-in steps act on the user's own devices, not on a resource
    "accounts.services.totp_device_create": "creates a device object for a service below",
    "accounts.services.totp_secret_base32": "formats a secret; writes nothing",
    "accounts.services.totp_device_verify": "the user's own second factor; logged to btt.security",
    "accounts.services.totp_device_confirm": "the user's own enrolment; logged to btt.security",
    "accounts.services.totp_devices_reset": "covered by accounts/tests (admin reset, region rule)",
    # audit: the log itself
    "audit.services.purpose_for": "derives a purpose; writes nothing",
    "audit.services.record": "writes the audit row every other service writes",
    "audit.services.record_shown": "the audit rows of a list; called by reads",
    "audit.services.record_denied": "the audit row of a denied attempt; called by the middleware",
    "audit.services.actor_name_of": "the actor's name for a row; writes nothing",
    # interchange: other systems' messages; a bearer token, not a user, is the permission
    "interchange.services.parse_body": "parses a posted body; writes nothing",
    "interchange.services.message_receive": "the sending system's token is checked by the view "
    "(interchange/tests/test_endpoint.py); stores the message for the job",
    "interchange.services.system_add": "the operator's command; audit row tested in "
    "interchange/tests/test_commands.py",
    "interchange.services.system_rotate_token": "the operator's command; audit row tested in "
    "interchange/tests/test_commands.py",
    # notifications: a user's own messages
    "notifications.services.is_local_url": "checks a link; writes nothing",
    "notifications.services.notify": "called by jobs and services that already checked; defers "
    "the fan-out (notifications/tests)",
    "notifications.services.notification_mark_read": "the user's own notification; 404 for "
    "anyone else's (notifications/tests); no resident data, so no audit row",
    # agreements
    "agreements.services.standard_sections": "builds the template's text; writes nothing",
    "agreements.services.latest_version": "reads; writes nothing",
    "agreements.services.agreement_create": Case(
        lambda w, u: _agreements().agreement_create(user=u, team=w.team_a, facility=w.facility_a2),
        "team_nurse",
        "team_leader",
    ),
    "agreements.services.agreement_edit": Case(
        lambda w, u: _agreements().agreement_edit(
            user=u,
            agreement=w.agreement,
            lock=w.agreement.version,
            sections={"purpose": "Ny tekst."},
        ),
        "team_nurse",
        "team_leader",
    ),
    "agreements.services.agreement_sign": Case(
        lambda w, u: _agreements().agreement_sign(user=u, agreement=w.agreement),
        "housing_staff",
        "housing_leader",
        setup=lambda w: _agreements().agreement_edit(
            user=w.team_leader,
            agreement=w.agreement,
            lock=w.agreement.version,
            sections={"purpose": "Ny tekst."},
        ),
    ),
    "agreements.services.agreement_terminate": Case(
        lambda w, u: _agreements().agreement_terminate(
            user=u, agreement=w.agreement, given_on=_today()
        ),
        "team_nurse",
        "team_leader",
    ),
    "agreements.services.activity_record": Case(
        lambda w, u: _agreements().activity_record(
            user=u,
            facility=w.facility_a1,
            kind="teaching",
            held_on=_days(-1),
            topic="Kriseplaner",
            participants=[w.team_nurse],
        ),
        "other_team_nurse",
        "team_nurse",
    ),
    # board
    "board.services.build_agenda": "computes a meeting's agenda inside meeting_open",
    "board.services.board_entry_create": Case(
        lambda w, u: _board().board_entry_create(
            user=u,
            resident=w.resident_in_course,
            placed_on=_today(),
            criteria=["early_signs"],
            need_text="Uro.",
            review_on=_days(14),
        ),
        "other_team_nurse",
        "team_nurse",
        # the world's resident in course is on the board already: take them off first
        setup=lambda w: _board().board_entry_end(
            user=w.team_nurse,
            entry=w.board_entry,
            version=w.board_entry.version,
            end_reason="stable",
            ending_text="Stabil.",
            ended_on=_today(),
        ),
    ),
    "board.services.board_entry_update": Case(
        lambda w, u: _board().board_entry_update(
            user=u,
            entry=w.board_entry,
            version=w.board_entry.version,
            changes={"need_text": "Ny tekst."},
        ),
        "housing_staff_a2",
        "housing_staff",
    ),
    "board.services.board_entry_edit": Case(
        lambda w, u: _board().board_entry_edit(
            user=u,
            entry=w.board_entry,
            version=w.board_entry.version,
            changes={"need_text": "Ny tekst."},
        ),
        "housing_staff_a2",
        "housing_staff",
    ),
    "board.services.board_entry_review": Case(
        lambda w, u: _board().board_entry_review(
            user=u,
            entry=w.board_entry,
            version=w.board_entry.version,
            next_review_on=_days(14),
        ),
        "other_team_nurse",
        "team_nurse",
    ),
    "board.services.board_entry_end": Case(
        lambda w, u: _board().board_entry_end(
            user=u,
            entry=w.board_entry,
            version=w.board_entry.version,
            end_reason="stable",
            ending_text="Stabil.",
            ended_on=_today(),
        ),
        "housing_staff_a2",
        "team_nurse",
    ),
    "board.services.question_ask": Case(
        lambda w, u: _board().question_ask(
            user=u,
            resident=w.resident_in_course,
            kind="question",
            text="Hvordan går det?",
        ),
        "housing_staff_a2",
        "housing_staff",
    ),
    "board.services.question_answer": Case(
        lambda w, u: _board().question_answer(user=u, question=w.question_open, answer="Fint."),
        "other_team_nurse",
        "team_nurse",
    ),
    "board.services.meeting_open": Case(
        lambda w, u: _board().meeting_open(user=u, facility=w.facility_a1, held_on=_today()),
        "housing_staff_a2",
        "housing_staff",
    ),
    "board.services.meeting_schedule_set": Case(
        lambda w, u: _board().meeting_schedule_set(
            user=u,
            facility=w.facility_a1,
            weekday=1,
            starts_at=datetime.time(10, 0),
            minutes_per_resident=10,
        ),
        "other_team_nurse",
        "team_nurse",
    ),
    "board.services.attendance_set": Case(
        lambda w, u: _board().attendance_set(user=u, meeting=w.meeting, users=[w.team_nurse]),
        "housing_staff_a2",
        "housing_staff",
        setup=lambda w: setattr(w, "meeting", _open_meeting(w)),
    ),
    "board.services.agenda_item_update": Case(
        lambda w, u: _board().agenda_item_update(
            user=u, item=w.item, version=w.item.version, note="Drøftet.", decisions=""
        ),
        "other_team_nurse",
        "team_nurse",
        setup=lambda w: setattr(w, "item", _open_item(w)),
    ),
    "board.services.action_create": Case(
        lambda w, u: _board().action_create(
            user=u,
            item=w.item,
            text="Ring til lægen.",
            owner=w.team_nurse,
            due_on=_days(3),
        ),
        "housing_staff_a2",
        "team_nurse",
        setup=lambda w: setattr(w, "item", _open_item(w)),
    ),
    "board.services.action_done": Case(
        lambda w, u: _board().action_done(user=u, action=w.action_open),
        "other_team_nurse",
        "housing_staff",
    ),
    "board.services.meeting_close": Case(
        lambda w, u: _board().meeting_close(user=u, meeting=w.meeting),
        "housing_staff_a2",
        "team_nurse",
        setup=lambda w: setattr(w, "meeting", _open_meeting(w)),
    ),
    # consent
    "consent.services.is_strict": "answers whether the one-year rule applies; writes nothing",
    "consent.services.consent_record": Case(
        lambda w, u: _sharing(u, w),
        "housing_staff",
        "team_nurse",
        setup=lambda w: setattr(w, "meeting", _open_meeting(w)),
    ),
    "consent.services.consent_withdraw": Case(
        lambda w, u: _consent().consent_withdraw(
            user=u, consent=w.consent_partial, note="Trukket tilbage."
        ),
        "other_team_nurse",
        "team_nurse",
    ),
    # courses
    "courses.services.concern_raise": Case(
        lambda w, u: _courses().concern_raise(
            user=u,
            resident=w.resident_plain,
            facility=w.facility_a1,
            description="Isolerer sig.",
        ),
        "other_housing_staff",
        "housing_staff",
    ),
    "courses.services.concern_close": Case(
        lambda w, u: _courses().concern_close(user=u, concern=w.concern_open, note="Vurderet."),
        "other_team_nurse",
        "team_nurse",
    ),
    "courses.services.referral_withdraw": Case(
        lambda w, u: _courses().referral_withdraw(
            user=u, referral=w.referral_pending, reason="Trukket."
        ),
        "other_team_nurse",
        "team_nurse",
    ),
    "courses.services.referral_reject": Case(
        lambda w, u: _courses().referral_reject(
            user=u, referral=w.referral_pending, reason="Uden for målgruppen."
        ),
        "team_mentor",
        "team_doctor",
    ),
    "courses.services.referral_accept": Case(
        lambda w, u: _referral_accept(u, w), "team_mentor", "team_doctor"
    ),
    "courses.services.course_update_contacts": Case(
        lambda w, u: _courses().course_update_contacts(
            user=u,
            course=w.course,
            version=w.course.version,
            team_contacts=[w.team_mentor],
            responsible_doctor=w.team_doctor,
            facility_contact=None,
        ),
        "other_team_nurse",
        "team_nurse",
    ),
    "courses.services.course_end": Case(
        lambda w, u: _course_end(u, w), "team_mentor", "team_doctor"
    ),
    # earlywarning
    "earlywarning.services.suggestion_accept": Case(
        lambda w, u: _earlywarning().suggestion_accept(
            user=u, team=w.team_a, resident_id=w.flagged.resident_id
        ),
        "other_team_nurse",
        "team_nurse",
        setup=lambda w: setattr(w, "flagged", _flagged(w)),
    ),
    "earlywarning.services.suggestion_dismiss": Case(
        lambda w, u: _earlywarning().suggestion_dismiss(
            user=u, team=w.team_a, resident_id=w.flagged.resident_id, reason="Kendt."
        ),
        "other_team_nurse",
        "team_nurse",
        setup=lambda w: setattr(w, "flagged", _flagged(w)),
    ),
    "earlywarning.services.thresholds_save": Case(
        lambda w, u: _earlywarning().thresholds_save(
            user=u,
            team=w.team_a,
            values={"admissions": {"enabled": True, "count": 3, "days": 90}},
        ),
        "team_nurse",
        "team_leader",
    ),
    # emergency
    "emergency.services.emergency_access_open": Case(
        lambda w, u: _emergency().emergency_access_open(
            user=u,
            resident=w.resident_other_team,
            reason_category="acute_admission",
            reason_text="Akut indlagt.",
            reauthenticated=True,
        ),
        "team_mentor",
        "team_nurse",
    ),
    "emergency.services.emergency_access_end": "ends the user's own access (covered by "
    "emergency/tests)",
    "emergency.services.emergency_access_review": Case(
        lambda w, u: _emergency().emergency_access_review(
            user=u, access=w.emergency_past, note="Begrundet."
        ),
        "team_nurse",
        "team_leader",
    ),
    # record
    "record.services.entry_create": Case(
        lambda w, u: _crisis(u, w), "housing_staff_a2", "housing_staff"
    ),
    "record.services.entry_correct": Case(
        lambda w, u: _correct_medication(u, w), "team_mentor", "team_doctor"
    ),
    # organisation: memberships
    "organisation.services.membership_grant": Case(
        lambda w, u: _org().membership_grant(
            user=u,
            for_user=w.other_team_nurse,
            role="team_staff",
            profession="nurse",
            team=w.team_a,
        ),
        "team_nurse",
        "team_leader",
    ),
    "organisation.services.membership_propose": Case(
        lambda w, u: _org().membership_propose(
            user=u,
            for_user=w.other_team_nurse,
            role="team_staff",
            profession="nurse",
            team=w.team_a,
        ),
        "team_leader",
        "region_admin",
    ),
    "organisation.services.membership_confirm": Case(
        lambda w, u: _org().membership_confirm(user=u, membership=_pending(w)),
        "team_nurse",
        "team_leader",
        setup=lambda w: _propose(w),
    ),
    "organisation.services.membership_reject": Case(
        lambda w, u: _org().membership_reject(user=u, membership=_pending(w)),
        "team_nurse",
        "team_leader",
        setup=lambda w: _propose(w),
    ),
    "organisation.services.membership_change": Case(
        lambda w, u: _org().membership_change(
            user=u, membership=_member(w, "team_mentor"), profession="doctor"
        ),
        "region_admin",
        "team_leader",
    ),
    "organisation.services.membership_end": Case(
        lambda w, u: _org().membership_end(user=u, membership=_member(w, "team_nurse")),
        "team_mentor",
        "team_leader",
    ),
}


def _org():
    from organisation import services as s

    return s


def _pending(w):
    from organisation.models import Membership

    return Membership.objects.get(user=w.other_team_nurse, team=w.team_a)


def _propose(w):
    _org().membership_propose(
        user=w.region_admin,
        for_user=w.other_team_nurse,
        role="team_staff",
        profession="nurse",
        team=w.team_a,
    )


def _member(w, persona):
    from organisation.models import Membership

    return Membership.objects.get(user=getattr(w, persona))


def _accounts_cases():
    from tests.services_policy_accounts import cases

    return cases()


def _residents_cases():
    from tests.services_policy_residents import cases

    return cases()


def _correct_medication(user, w):
    from record.tests.samples import correct_entry

    return correct_entry(user, w.medication, reason="Rettet dosis", dose_amount="2")


CASES.update(_accounts_cases())
CASES.update(_residents_cases())

SERVICE_APPS = sorted(
    config.name
    for config in apps.get_app_configs()
    if config.path.startswith(str(apps.get_app_config("btt").path).rsplit("/", 1)[0])
)


def _public_services() -> set[str]:
    names = set()
    for app in SERVICE_APPS:
        try:
            module = importlib.import_module(f"{app}.services")
        except ModuleNotFoundError:
            continue
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and func.__module__ == module.__name__:
                names.add(f"{module.__name__}.{name}")
    return names


def test_every_service_has_a_case():
    missing = _public_services() - set(CASES)
    assert not missing, f"services without a case in {__file__}: {sorted(missing)}"
    stale = set(CASES) - _public_services()
    assert not stale, f"cases for services that do not exist: {sorted(stale)}"


WRITE_CASES = sorted(name for name, case in CASES.items() if isinstance(case, Case))


@pytest.mark.parametrize("name", WRITE_CASES)
def test_service_asks_a_policy_and_writes_one_audit_row(world, name):
    case = CASES[name]
    if case.setup is not None:
        case.setup(world)
    before = fingerprint()
    with pytest.raises((PermissionDenied, Http404)):
        case.call(world, getattr(world, case.denied))
    after = fingerprint()
    changed = [t for t in before if before[t] != after[t]]
    assert not changed, f"a denied call changed {changed}"

    audit_rows = AuditEvent.objects.count()
    case.call(world, getattr(world, case.allowed))
    written = AuditEvent.objects.count() - audit_rows
    assert written == 1, f"the allowed call wrote {written} audit rows, not one"
