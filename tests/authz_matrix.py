"""The machine-readable authorisation matrix: URL name x persona -> expected status.

Deny by default: a persona not named for a URL must get 404 (not 403: existence must not leak),
and anonymous users are sent to the login page (302). 403 is for users who may see an object
but not do this to it. A meta-test fails when a URL name of the project is missing here.
"""

from tests.authz_matrix_base import (  # noqa: F401 - re-exported for the tests
    ALL_STAFF,
    CONSENT_VARIANTS,
    DECIDERS_A,
    HEALTH_PROFESSIONALS,
    HOUSING_A1,
    PERSONAS,
    TEAM_A,
    Rule,
    _names,
    ok,
)


class _OnePlacePerUrl(dict):
    """The matrix: a URL name gets its rule in exactly one place; a second rule for the same
    name (in this file or a part) is an error, not a silent override."""

    def update(self, rules):
        twice = set(self) & set(rules)
        if twice:
            raise ValueError(f"URL names with a rule in two places: {sorted(twice)}")
        super().update(rules)

    def __setitem__(self, name, rule):
        if name in self:
            raise ValueError(f"URL name {name!r} has a rule in two places")
        super().__setitem__(name, rule)


MATRIX: dict[str, Rule] = _OnePlacePerUrl()
MATRIX.update(
    {
        "home": Rule(allow={**ok(*ALL_STAFF), "ward_staff": 302}),
        "healthz": Rule(allow=ok(*ALL_STAFF), anonymous=200),
        "readyz": Rule(allow=ok(*ALL_STAFF), anonymous=200),
        # Prometheus metrics: a token or the operator's network, never a session (404)
        "metrics": Rule(allow=ok(*ALL_STAFF, status=404), anonymous=404),
        # the benchmarks' trivial page: 404 unless BENCH_FLOOR=1 (off in tests); signed-in only
        "bench_floor": Rule(allow=ok(*ALL_STAFF, status=404)),
        "accounts:login": Rule(allow=ok(*ALL_STAFF, status=302), anonymous=200),
        "accounts:logout": Rule(allow=ok(*ALL_STAFF, status=405)),
        # federated login (accounts.oidc): no provider is configured here, so every key is
        # unknown; a callback without a state of the session's is refused back to the login
        "accounts:oidc_login": Rule(args=lambda w: ["nord"], anonymous=404),
        "accounts:oidc_callback": Rule(allow=ok(*ALL_STAFF, status=302)),
        # the second-factor pages send a verified user on (anonymous: to the login page)
        "accounts:otp_verify": Rule(allow=ok(*ALL_STAFF, status=302), writes=True),
        "accounts:otp_setup": Rule(allow=ok(*ALL_STAFF, status=302), writes=True),
        "organisation:facility_list": Rule(
            allow=ok(
                *TEAM_A, "other_team_nurse", *HOUSING_A1, "other_housing_staff", "region_admin"
            )
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
            # housing staff see the resident but refer nobody (courses.access.REFER)
            allow={**ok(*TEAM_A), **ok(*HOUSING_A1, status=403)},
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
)

# The board's rules live beside the board's views and are merged here.
from tests.authz_board_entries import RULES as _BOARD_ENTRIES  # noqa: E402
from tests.authz_board_meetings import RULES as _BOARD_MEETINGS  # noqa: E402

MATRIX.update(_BOARD_ENTRIES)
MATRIX.update(_BOARD_MEETINGS)

from tests.authz_agreements import RULES as _AGREEMENTS  # noqa: E402
from tests.authz_agreements_activities import RULES as _ACTIVITIES  # noqa: E402

MATRIX.update(_AGREEMENTS)
MATRIX.update(_ACTIVITIES)

from tests.authz_earlywarning import RULES as _EARLYWARNING  # noqa: E402

MATRIX.update(_EARLYWARNING)

from tests.authz_record import RULES as _RECORD  # noqa: E402

MATRIX.update(_RECORD)

from tests.authz_indicators import RULES as _INDICATORS  # noqa: E402

MATRIX.update(_INDICATORS)

# The inbox for other systems (interchange/views.py): a bearer token, never a session, so every
# persona and anonymous get 401 on GET and POST; token cases in interchange/tests/.
MATRIX["interchange:receive"] = Rule(
    args=lambda w: ["hospitalnotification"],
    allow=ok(*ALL_STAFF, status=401),
    anonymous=401,
    writes=True,
)

# URL namespaces covered by their own tests instead of this matrix, with the reason.
EXEMPT_NAMESPACES = {
    # Django admin: is_staff plus model permissions, scoped per region (organisation/admin.py);
    # tested in organisation/tests/test_admin.py.
    "admin",
}

from tests.authz_organisation import RULES as _ORGANISATION  # noqa: E402

MATRIX.update(_ORGANISATION)

from tests.authz_accounts import RULES as _ACCOUNTS  # noqa: E402

MATRIX.update(_ACCOUNTS)

from tests.authz_residents import RULES as _RESIDENTS  # noqa: E402

MATRIX.update(_RESIDENTS)

from tests.authz_notifications import RULES as _NOTIFICATIONS  # noqa: E402

MATRIX.update(_NOTIFICATIONS)
