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
# Housing staff of facility A1 looking at a resident whose sharing consent covers every
# category, some of them (the world's default: board and goals), or none.
CONSENT_VARIANTS = ("housing_staff:full", "housing_staff:partial", "housing_staff:none")
PERSONAS = (*ALL_STAFF, *CONSENT_VARIANTS, "anonymous")
HEALTH_PROFESSIONALS = ("team_nurse", "team_doctor", "other_team_nurse")


@dataclass(frozen=True)
class Rule:
    args: Callable = lambda w: []
    allow: dict[str, int] = field(default_factory=dict)  # persona -> status, others: 404
    anonymous: int = 302
    writes: bool = False  # also POST (empty form): a denial must be the same as for GET
    post: dict[str, int] | None = None  # POST statuses where they differ from GET
    # text that must never appear in a denied answer (resident names etc.)
    secret: Callable = lambda w: []

    def expected(self, persona: str, method: str = "get") -> int:
        persona = persona.split(":")[0]  # consent variants of a persona share its statuses
        if persona == "anonymous":
            return self.anonymous
        if method == "post" and self.post is not None:
            return self.post.get(persona, 404)
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
    # the second-factor pages send a verified user on (anonymous: to the login page)
    "accounts:otp_verify": Rule(allow=ok(*ALL_STAFF, status=302), writes=True),
    "accounts:otp_setup": Rule(allow=ok(*ALL_STAFF, status=302), writes=True),
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
    "consent:ledger": Rule(
        args=lambda w: [w.resident_in_course.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        secret=_names("resident_in_course"),
    ),
    "consent:create": Rule(
        args=lambda w: [w.resident_in_course.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        writes=True,
        secret=_names("resident_in_course"),
    ),
    "consent:withdraw": Rule(
        args=lambda w: [w.consent_partial.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        writes=True,
        secret=_names("resident_in_course"),
    ),
    "consent:expiring": Rule(allow=ok(*TEAM_A, "other_team_nurse")),
    "emergency:start": Rule(allow=ok(*HEALTH_PROFESSIONALS), writes=True),
    # POST only; with no active emergency access there is nothing to end
    "emergency:end": Rule(allow=ok(*ALL_STAFF, status=405), writes=True, post={}),
    "emergency:queue": Rule(allow=ok("team_leader")),
    "emergency:review": Rule(
        args=lambda w: [w.emergency_past.pk],
        allow=ok("team_leader"),
        writes=True,
        secret=_names("resident_other_team"),
    ),
    "audit:resident_log": Rule(
        args=lambda w: [w.resident_in_course.pk],
        allow=ok("team_leader"),
        secret=_names("resident_in_course"),
    ),
    "audit:resident_log_export": Rule(
        args=lambda w: [w.resident_in_course.pk],
        allow=ok("team_leader"),
        secret=_names("resident_in_course"),
    ),
}

# URL namespaces covered by their own tests instead of this matrix, with the reason.
EXEMPT_NAMESPACES = {
    # Django admin: is_staff plus model permissions, scoped per region (organisation/admin.py);
    # tested in organisation/tests/test_admin.py.
    "admin",
}
