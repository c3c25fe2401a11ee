"""Cases for tests/test_services_policy.py: the services of residents/ and courses/ that the
residents work added or changed (merge with ``CASES.update(CASES_RESIDENTS)``; checked on
their own by residents/tests/test_service_cases.py). Each is a pair of calls: one by a user the
policy denies (must raise 404/403 and change nothing), one by a user it allows (exactly one
audit row)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def _today():
    return timezone.localdate()


def _parsed(value):
    from lib.cpr import parse_identifier

    return parse_identifier(value, today=_today())


def _fresh_cpr():
    from tests.factories import make_cpr

    return make_cpr(datetime.date(1980, 5, 17))


def _proposal(w):
    """Strandly's housing staff propose that Lone (Egely) moves in at Strandly."""
    from residents.services import resident_register

    r = w.resident_plain
    return resident_register(
        user=w.other_housing_staff,
        identifier=_parsed(r.identifiers.get().value),
        first_name=r.first_name,
        last_name=r.last_name,
        birth_date=r.birth_date,
        facility=w.facility_b1,
        moved_in=_today(),
    ).move


def _held(w):
    """Team A refers Lone (it has nothing with her): held."""
    from courses.services import referral_create_from_identity

    r = w.resident_plain
    return referral_create_from_identity(
        user=w.team_nurse,
        identifier=_parsed(r.identifiers.get().value),
        first_name=r.first_name,
        last_name=r.last_name,
        birth_date=r.birth_date,
        facility=w.facility_a1,
        moved_in=_today() - datetime.timedelta(days=30),
        **REFERRAL,
    ).referral


REFERRAL = {
    "source": "gp",
    "referrer_name": "Egen læge",
    "received_on": timezone.localdate(),
    "reason": "Tiltagende uro.",
    "criteria": ["no_insight"],
    "criteria_other": "",
    "consent_informed_on": timezone.localdate(),
    "consent_form": "written",
    "consent_given_by": "resident",
}


def _residents():
    from residents import services

    return services


def _courses():
    from courses import services

    return services


def cases():
    from tests.test_services_policy import Case

    return {
        "residents.services.resident_register": Case(
            lambda w, u: _residents().resident_register(
                user=u,
                identifier=_parsed(_fresh_cpr()),
                first_name="Ny",
                last_name="Beboersen",
                birth_date=datetime.date(1980, 5, 17),
                facility=w.facility_a1,
                moved_in=_today(),
            ),
            "other_housing_staff",
            "housing_staff",
        ),
        "residents.services.move_record": Case(
            lambda w, u: _residents().move_record(
                user=u, resident=w.resident_plain, to_facility=w.facility_b1, moved_in=_today()
            ),
            "other_housing_staff",
            "housing_staff",
        ),
        "residents.services.move_confirm": Case(
            lambda w, u: _residents().move_confirm(user=u, move=w.proposal),
            "other_housing_staff",  # the proposer
            "housing_staff",
            setup=lambda w: setattr(w, "proposal", _proposal(w)),
        ),
        "residents.services.move_reject": Case(
            lambda w, u: _residents().move_reject(user=u, move=w.proposal, reason="Nej."),
            "team_nurse",
            "housing_leader",
            setup=lambda w: setattr(w, "proposal", _proposal(w)),
        ),
        "residents.services.identifier_replace": Case(
            lambda w, u: _residents().identifier_replace(
                user=u,
                resident=w.resident_in_course,
                identifier=_parsed(_fresh_cpr()),
                valid_from=_today(),
            ),
            "other_team_nurse",
            "team_nurse",
        ),
        "courses.services.referral_create": Case(
            lambda w, u: _courses().referral_create(
                user=u,
                resident=w.resident_concern,
                team=w.team_a,
                facility=w.facility_a1,
                **REFERRAL,
            ),
            "other_team_nurse",
            "team_nurse",
        ),
        "courses.services.referral_create_from_identity": Case(
            lambda w, u: _courses().referral_create_from_identity(
                user=u,
                identifier=_parsed(_fresh_cpr()),
                first_name="Henvist",
                last_name="Prøvesen",
                birth_date=datetime.date(1980, 5, 17),
                facility=w.facility_a1,
                moved_in=_today(),
                **REFERRAL,
            ),
            "other_team_nurse",
            "team_nurse",
        ),
        "courses.services.referral_confirm": Case(
            lambda w, u: _courses().referral_confirm(user=u, referral=w.held),
            "team_nurse",  # the referring team
            "housing_staff",
            setup=lambda w: setattr(w, "held", _held(w)),
        ),
        "courses.services.referral_not_confirm": Case(
            lambda w, u: _courses().referral_not_confirm(user=u, referral=w.held, reason="Nej."),
            "other_team_nurse",
            "housing_leader",
            setup=lambda w: setattr(w, "held", _held(w)),
        ),
        "courses.services.ward_lookup": Case(
            lambda w, u: _courses().ward_lookup(
                user=u, identifier=_parsed(w.resident_in_course.identifiers.get().value)
            ),
            "team_nurse",
            "ward_staff",
        ),
    }
