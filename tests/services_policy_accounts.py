"""Cases for tests/test_services_policy.py: the services of accounts/ (merge with
``CASES.update(cases())``, replacing the accounts lines there; ``totp_enrolment_device`` is
gone). Checked on their own by accounts/tests/test_service_cases.py."""

from __future__ import annotations


def _accounts():
    from accounts import services as s

    return s


def cases():
    from tests.test_services_policy import Case

    return {
        # the sign-in steps act on the user's own account, not on someone else's
        "accounts.services.totp_device_create": "creates a device object for a service below",
        "accounts.services.totp_secret_base32": "formats a secret; writes nothing",
        "accounts.services.totp_device_verify": (
            "the user's own second factor; logged to btt.security"
        ),
        "accounts.services.totp_device_confirm": (
            "the user's own enrolment; logged to btt.security"
        ),
        "accounts.services.totp_enrolment_start": (
            "the user's own enrolment: the policy is a live activation code issued for them "
            "(accounts/tests/test_activation.py); one audit row when it is used"
        ),
        "accounts.services.activation_issue_by_operator": (
            "the operator's command (manage.py issue_activation): no user to ask about; "
            "one audit row"
        ),
        "accounts.services.activation_issue": Case(
            lambda w, u: _accounts().activation_issue(user=u, target=w.team_mentor),
            "team_nurse",
            "team_leader",
        ),
        "accounts.services.totp_devices_reset": Case(
            lambda w, u: _accounts().totp_devices_reset(user=u, target=w.team_nurse),
            "team_leader",  # sees their member, may not reset (403)
            "region_admin",
        ),
    }
