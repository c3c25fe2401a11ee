"""The machine-readable authorisation matrix: URL name x persona -> expected status.

Deny by default: a persona not named for a URL must get 404 (not 403: existence must not leak),
and anonymous users are sent to the login page (302). 403 is for users who may see an object
but not do this to it. A meta-test fails when a URL name of the project is missing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

TEAM_A = ("team_nurse", "team_doctor", "team_leader", "team_mentor")
DECIDERS_A = ("team_nurse", "team_doctor", "team_leader")
HOUSING_A1 = ("housing_staff", "housing_leader")
ALL_STAFF = (
    *TEAM_A,
    "other_team_nurse",
    *HOUSING_A1,
    "other_housing_staff",
    "ward_staff",
    "region_admin",
)
PERSONAS = (*ALL_STAFF, "anonymous")


@dataclass(frozen=True)
class Rule:
    args: Callable = lambda w: []
    allow: dict[str, int] = field(default_factory=dict)  # persona -> status, others: 404
    anonymous: int = 302
    writes: bool = False  # also POST (empty form): a denial must be the same as for GET
    # text that must never appear in a denied answer (resident names etc.)
    secret: Callable = lambda w: []

    def expected(self, persona: str) -> int:
        if persona == "anonymous":
            return self.anonymous
        return self.allow.get(persona, 404)


def ok(*personas, status=200):
    return dict.fromkeys(personas, status)


def _names(*attrs):
    return lambda w: [getattr(w, a).full_name for a in attrs]


MATRIX: dict[str, Rule] = {
    "home": Rule(allow={**ok(*ALL_STAFF), "ward_staff": 302}),
    "healthz": Rule(allow=ok(*ALL_STAFF), anonymous=200),
    "accounts:login": Rule(allow=ok(*ALL_STAFF, status=302), anonymous=200),
    "accounts:logout": Rule(allow=ok(*ALL_STAFF, status=405)),
    "organisation:facility_list": Rule(
        allow=ok(*TEAM_A, "other_team_nurse", *HOUSING_A1, "other_housing_staff", "region_admin")
    ),
    "organisation:facility_detail": Rule(
        args=lambda w: [w.facility_a1.pk],
        allow=ok(*TEAM_A, *HOUSING_A1, "region_admin"),
        secret=_names("resident_in_course", "resident_plain"),
    ),
    "residents:search": Rule(
        allow=ok(*TEAM_A, "other_team_nurse", *HOUSING_A1, "other_housing_staff"), writes=True
    ),
    "residents:create": Rule(allow=ok(*HOUSING_A1, "other_housing_staff"), writes=True),
    "residents:detail": Rule(
        args=lambda w: [w.resident_in_course.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        secret=_names("resident_in_course"),
    ),
    "courses:concern_detail": Rule(
        args=lambda w: [w.concern_open.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        secret=_names("resident_concern"),
    ),
    "courses:concern_close": Rule(
        args=lambda w: [w.concern_open.pk],
        allow={**ok(*TEAM_A), **ok(*HOUSING_A1, status=403)},
        writes=True,
        secret=_names("resident_concern"),
    ),
    "courses:concern_create": Rule(
        args=lambda w: [w.resident_plain.pk],
        allow=ok(*HOUSING_A1),
        writes=True,
        secret=_names("resident_plain"),
    ),
    "courses:referral_create": Rule(allow=ok(*TEAM_A, "other_team_nurse"), writes=True),
    "courses:referral_create_for_resident": Rule(
        args=lambda w: [w.resident_concern.pk],
        allow=ok(*TEAM_A),
        writes=True,
        secret=_names("resident_concern"),
    ),
    "courses:referral_detail": Rule(
        args=lambda w: [w.referral_pending.pk],
        allow=ok(*TEAM_A),
        secret=lambda w: [w.resident_pending.full_name, w.referral_pending.reason],
    ),
    "courses:referral_decide": Rule(
        args=lambda w: [w.referral_pending.pk],
        allow={**ok(*DECIDERS_A), "team_mentor": 403},
        writes=True,
        secret=_names("resident_pending"),
    ),
    "courses:referral_withdraw": Rule(
        args=lambda w: [w.referral_pending.pk],
        allow=ok(*TEAM_A),
        writes=True,
        secret=_names("resident_pending"),
    ),
    "courses:visitation_queue": Rule(
        allow=ok(*TEAM_A, "other_team_nurse"), secret=_names("resident_pending")
    ),
    "courses:course_detail": Rule(
        args=lambda w: [w.course.pk], allow=ok(*TEAM_A), secret=_names("resident_in_course")
    ),
    "courses:course_contacts": Rule(
        args=lambda w: [w.course.pk],
        allow=ok(*TEAM_A),
        writes=True,
        secret=_names("resident_in_course"),
    ),
    "courses:course_end": Rule(
        args=lambda w: [w.course.pk],
        allow={**ok(*DECIDERS_A), "team_mentor": 403},
        writes=True,
        secret=_names("resident_in_course"),
    ),
    "courses:ward_lookup": Rule(allow=ok("ward_staff"), writes=True),
}

# URL namespaces covered by their own tests instead of this matrix, with the reason.
EXEMPT_NAMESPACES = {
    # Django admin: is_staff plus model permissions, scoped per region (organisation/admin.py);
    # tested in organisation/tests/test_admin.py.
    "admin",
}
