"""Authorisation rules for moves between facilities and held referrals (merged into
tests/authz_matrix.py).

The world gets, on first use, a proposal by Strandly's housing staff (other_housing_staff) that
Lone Fiktivsen (lives at Egely, A1) moves in at Strandly, and a referral of Lone to team A
typed in by team A's nurse, held because team A has nothing with her (serving her facility is
not enough). Egely's housing staff act for her and decide both; the proposer sees its proposal
(typed data only) and team A its held referral, but neither may decide it (403); everyone else
gets 404. A move is recorded directly by those who
act for the resident (resident_in_course: Egely's staff and team A with the active course).
An empty POST to a form re-renders it with errors (200) and changes nothing."""

import datetime

from django.utils import timezone

from tests.authz_matrix_base import HOUSING_A1, TEAM_A, Rule, _names, ok


def _proposal(w):
    if getattr(w, "_authz_proposal", None) is None:
        from lib.cpr import parse_identifier
        from residents.services import resident_register

        resident = w.resident_plain
        result = resident_register(
            user=w.other_housing_staff,
            identifier=parse_identifier(
                resident.identifiers.get().value, today=timezone.localdate()
            ),
            first_name=resident.first_name,
            last_name=resident.last_name,
            birth_date=resident.birth_date,
            facility=w.facility_b1,
            moved_in=timezone.localdate(),
        )
        w._authz_proposal = result.move
    return w._authz_proposal


def _held_referral(w):
    if getattr(w, "_authz_held", None) is None:
        from courses.services import referral_create_from_identity
        from lib.cpr import parse_identifier

        resident = w.resident_plain
        today = timezone.localdate()
        w._authz_held = referral_create_from_identity(
            user=w.team_nurse,
            identifier=parse_identifier(resident.identifiers.get().value, today=today),
            first_name=resident.first_name,
            last_name=resident.last_name,
            birth_date=resident.birth_date,
            facility=w.facility_a1,
            moved_in=today - datetime.timedelta(days=30),
            source="gp",
            referrer_name="Egen læge",
            received_on=today,
            reason="Henvisningens fortrolige årsag (matrix).",
            criteria=["no_insight"],
            criteria_other="",
            consent_informed_on=today,
            consent_form="written",
            consent_given_by="resident",
        ).referral
    return w._authz_held


TEAM_AND_HOUSING = (*TEAM_A, "other_team_nurse", *HOUSING_A1, "other_housing_staff")

RULES: dict = {
    "residents:move_list": Rule(allow=ok(*TEAM_AND_HOUSING)),
    "residents:move_propose": Rule(allow=ok(*HOUSING_A1, "other_housing_staff"), writes=True),
    "residents:move_record": Rule(
        args=lambda w: [w.resident_in_course.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        writes=True,
        secret=_names("resident_in_course"),
    ),
    "residents:move_detail": Rule(
        args=lambda w: [_proposal(w).pk],
        allow={**ok(*HOUSING_A1, "other_housing_staff"), "housing_staff_a2": 404},
        secret=lambda w: [w.facility_a1.name],
    ),
    "residents:move_confirm": Rule(
        args=lambda w: [_proposal(w).pk],
        allow={**ok(*HOUSING_A1), "other_housing_staff": 403, "housing_staff_a2": 404},
        writes=True,
        secret=lambda w: [w.facility_a1.name],
    ),
    "residents:move_reject": Rule(
        args=lambda w: [_proposal(w).pk],
        allow={**ok(*HOUSING_A1), "other_housing_staff": 403, "housing_staff_a2": 404},
        writes=True,
        secret=lambda w: [w.facility_a1.name],
    ),
    "courses:referral_confirm": Rule(
        args=lambda w: [_held_referral(w).pk],
        allow={**ok(*HOUSING_A1), **ok(*TEAM_A, status=403)},
        writes=True,
        secret=lambda w: ["Henvisningens fortrolige årsag (matrix).", w.facility_a1.name],
    ),
    "courses:referral_not_confirm": Rule(
        args=lambda w: [_held_referral(w).pk],
        allow={**ok(*HOUSING_A1), **ok(*TEAM_A, status=403)},
        writes=True,
        secret=lambda w: ["Henvisningens fortrolige årsag (matrix).", w.facility_a1.name],
    ),
}


def _iso(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _fresh_cpr(w) -> str:
    from tests.factories import make_cpr

    return make_cpr(datetime.date(1980, 5, 17))


# Valid form data for the write URLs above (merge into tests/authz_forms.py's VALID_FORMS).
VALID_FORMS: dict = {
    "residents:move_propose": lambda w: {
        "identifier": _fresh_cpr(w),
        "first_name": "Ny",
        "last_name": "Beboersen",
        "moved_in": _iso(-3),
    },
    "residents:move_record": lambda w: {
        "to_facility": str(w.facility_a2.pk),
        "moved_in": _iso(0),
    },
    "residents:move_confirm": lambda w: {"checked": "on"},
    "residents:move_reject": lambda w: {"reason": "Beboeren bor fortsat her."},
    "courses:referral_confirm": lambda w: {"checked": "on"},
    "courses:referral_not_confirm": lambda w: {"reason": "Ukendt for os."},
}
