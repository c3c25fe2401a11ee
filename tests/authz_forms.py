"""Valid form data for every URL of the matrix that writes (tests/test_access_valid_forms.py).

The matrix (tests/authz_matrix.py) says who may POST to a URL; this file says *what* a valid
post is, so that the test can prove a denied user cannot save a form that would have been
saved for someone allowed. The form is read from the page as the allowed persona sees it
(hidden fields, defaults, the first choice of every select), then the values here are laid
over it. Each entry is either a function ``world -> {field: value}`` or, for a URL that takes
no form worth saving, a one-line reason (a string).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from tests.factories import TEST_PASSWORD


@dataclass(frozen=True)
class Form:
    """Valid data for a URL whose matrix object cannot take a valid form (a closed meeting):
    ``args`` names another object of the same kind on which the form is valid, and
    ``closed_status`` maps the matrix's status for the closed object to the status on it."""

    data: Callable
    args: Callable
    closed_status: dict[int, int] = field(default_factory=dict)


def _today():
    return timezone.localdate()


def _iso(days: int = 0) -> str:
    return (_today() + datetime.timedelta(days=days)).isoformat()


def _synthetic_cpr(w) -> str:
    # Never issued by the CPR office (lib.cpr.is_never_issued); new in the world.
    from tests.factories import make_cpr

    return make_cpr(datetime.date(1980, 5, 17))


def _open_meeting(w):
    """A meeting held today at facility A1 (the world's own meeting is closed)."""
    from board import services as board_services

    return board_services.meeting_open(user=w.team_nurse, facility=w.facility_a1, held_on=_today())


def _open_meeting_pk(w):
    return [_open_meeting(w).pk]


def _open_item_pk(w):
    from board.models import AgendaItem

    meeting = _open_meeting(w)
    return [AgendaItem.objects.get(meeting=meeting, resident=w.resident_in_course).pk]


def _agreement_with_new_version(w):
    """The world's agreement with an edited, unsigned version: there is something to sign."""
    from agreements import services as agreement_services

    agreement = w.agreement
    agreement_services.agreement_edit(
        user=w.team_leader,
        agreement=agreement,
        lock=agreement.version,
        sections={"purpose": "Et konstruktivt, gensidigt forpligtende samarbejde."},
    )
    return [agreement.pk]


# a closed meeting answers 409 to every write; on an open one the same users may write
OPEN = {409: 302}

REFERRAL = {
    "source": "gp",
    "referrer_name": "Læge Hansen, egen læge",
    "received_on": _iso(-1),
    "reason": "Henvist af egen læge efter forværring.",
    "criteria": ["admissions"],
    "consent_given_by": "resident",
    "consent_form": "written",
    "consent_informed_on": _iso(-1),
    "consent_confirmed": "on",
}


def _new_team_a_member(w):
    from organisation.models import Profession, Role
    from tests.factories import MembershipFactory

    return MembershipFactory(role=Role.TEAM_STAFF, profession=Profession.NURSE, team=w.team_a).user


VALID_FORMS: dict[str, object] = {
    "accounts:otp_verify": "the second-factor step; its own tests cover it (accounts/tests)",
    "accounts:otp_setup": "the authenticator enrolment; its own tests cover it (accounts/tests)",
    # a new member of team A: the personas get an authenticator when they sign in
    "accounts:activations": lambda w: {"user": _new_team_a_member(w).pk},
    "residents:search": "a search saves nothing",
    "notifications:mark_read": "a button without fields on the user's own notification; anyone "
    "else gets 404 (notifications/tests)",
    "interchange:receive": "another system's JSON with a bearer token, never a form or a "
    "session; denials with valid bodies in interchange/tests/test_endpoint.py",
    "courses:ward_lookup": "a look-up saves nothing but its audit row",
    "residents:create": lambda w: {
        "identifier": _synthetic_cpr(w),
        "first_name": "Ny",
        "last_name": "Beboersen",
        "birth_date": "1980-05-17",
        "moved_in": _iso(-3),
    },
    "courses:concern_close": lambda w: {"reason": "Vurderet; ingen henvisning nu."},
    "courses:concern_create": lambda w: {
        "description": "Trækker sig fra fællesskabet og sover dårligt."
    },
    "courses:referral_create": lambda w: {
        **REFERRAL,
        "identifier": _synthetic_cpr(w),
        "first_name": "Henvist",
        "last_name": "Prøvesen",
        "birth_date": "1980-05-17",
        "facility": str(w.facility_a1.pk),
        "moved_in": _iso(-30),
    },
    "courses:referral_create_for_resident": lambda w: dict(REFERRAL),
    "courses:referral_decide": lambda w: {
        "decision": "accept",
        "reason": "Opfylder målgruppen.",
        "team_contacts": [str(w.team_nurse.pk)],
        "responsible_doctor": str(w.team_doctor.pk),
    },
    "courses:referral_withdraw": lambda w: {"reason": "Trukket tilbage efter aftale."},
    "courses:course_contacts": lambda w: {"team_contacts": [str(w.team_mentor.pk)]},
    "courses:course_end": lambda w: {
        "ended_on": _iso(0),
        "end_summary": "Stabil; overgår til egen læge.",
    },
    "consent:create": lambda w: {
        "kind": "sharing",
        "form": "written",
        "given_by": "resident",
        "given_on": _iso(-1),
        "facility": str(w.facility_a1.pk),
        "direction": "team_to_facility",
        "categories": ["plans", "medication"],
        "purpose": "Fælles indsats",
        "legal_basis": "sul_43",
    },
    "consent:withdraw": lambda w: {"note": "Beboeren trak samtykket tilbage."},
    "emergency:start": lambda w: {
        "identifier": w.resident_other_team.identifiers.get().value,
        "reason_text": "Akut indlagt; eget team lukket.",
        "password": TEST_PASSWORD,
    },
    "emergency:end": "ends the user's own emergency access; nothing of anyone else's to save",
    "emergency:review": lambda w: {"note": "Begrundet: akut indlæggelse uden for åbningstid."},
    "board:entry_create": lambda w: {
        "criteria": ["early_signs"],
        "need_text": "Uro om natten.",
        "review_on": _iso(14),
    },
    "board:entry_edit": lambda w: {"need_text": "Sover bedre, men spiser stadig lidt."},
    "board:entry_review": lambda w: {"next_review_on": _iso(14)},
    "board:entry_end": lambda w: {"end_reason": "stable", "ending_text": "Stabil igen."},
    "board:question_create": lambda w: {
        "kind": "question",
        "text": "Kan I komme forbi i morgen?",
    },
    "board:question_answer": lambda w: {"answer": "Ja, vi kommer kl. 10."},
    "board:meeting_open": lambda w: {},
    "board:schedule": lambda w: {
        "weekday": "1",
        "starts_at": "10:00",
        "minutes_per_resident": "10",
    },
    "board:attendance": Form(data=lambda w: {}, args=_open_meeting_pk, closed_status=OPEN),
    "board:meeting_close": Form(data=lambda w: {}, args=_open_meeting_pk, closed_status=OPEN),
    "board:item": Form(
        data=lambda w: {"note": "Drøftet.", "decisions": "Fortsætter."},
        args=_open_item_pk,
        closed_status=OPEN,
    ),
    "board:action_create": Form(
        data=lambda w: {
            "text": "Ring til lægen.",
            "due_on": _iso(3),
            "owner": str(w.housing_staff.pk),
        },
        args=_open_item_pk,
        closed_status=OPEN,
    ),
    "board:action_done": lambda w: {},
    "agreements:create": lambda w: {},
    "agreements:edit": lambda w: {"section_purpose": "Et konstruktivt, gensidigt samarbejde."},
    "agreements:sign": Form(data=lambda w: {}, args=_agreement_with_new_version),
    "agreements:terminate": lambda w: {"given_on": _iso(0)},
    "agreements:activity_create": lambda w: {
        "held_on": _iso(-2),
        "kind": "teaching",
        "topic": "Fælles undervisning om kriseplaner",
        "team_participants": [str(w.team_nurse.pk)],
    },
    "earlywarning:thresholds": lambda w: {"admissions_count": "3"},
    "earlywarning:accept": lambda w: {},
    "earlywarning:dismiss": lambda w: {"reason": "Allerede kendt og fulgt op."},
    "record:create": lambda w: {
        "subtype": "yellow",
        "description": "Uro på bostedet om aftenen.",
        "action": "Talt ned; kontakt til teamet.",
    },
    "record:correct": lambda w: {
        "correction_reason": "Rettet dosis efter samtale med lægen",
        "dose_amount": "2",
    },
    "organisation:staff_team": lambda w: {
        "username": w.other_team_nurse.username,
        "role": "team_staff",
        "profession": "nurse",
    },
    "organisation:staff_facility": lambda w: {
        "username": w.other_housing_staff.username,
        "role": "facility_staff",
        "profession": "social_educator",
    },
    "organisation:membership_decide": lambda w: {"decision": "confirm"},
    "organisation:membership_change": lambda w: {"profession": "psychologist"},
    "organisation:membership_end": lambda w: {"confirm": "on"},
}


def _residents_forms():
    from tests.authz_residents import VALID_FORMS as residents_forms

    return residents_forms


VALID_FORMS.update(_residents_forms())
