"""Two-factor sign-in (RULES.md security checklist 1, 2 and 6).

After the password and before the second factor no page with resident data answers; a code
cannot be used twice; wrong codes are throttled; the session key changes after the second
factor.
"""

from __future__ import annotations

import datetime
from base64 import b32decode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import (
    activation_issue,
    totp_device_create,
    totp_device_verify,
    totp_secret_base32,
)
from tests.authz_matrix import MATRIX
from tests.factories import TEST_PASSWORD

from .otp import code_for, wrong_code

pytestmark = pytest.mark.django_db

WRONG_CODE_MESSAGE = "Koden er forkert eller allerede brugt"
THROTTLED_MESSAGE = "For mange forkerte koder"

# What a signed-in user who has not passed the second factor may reach, and the status.
BEFORE_SECOND_FACTOR = {
    "healthz": 200,
    "readyz": 200,
    "metrics": 404,  # a token or the operator's network, never a session
    "interchange:receive": 401,  # other systems' bearer token, never a session
    "accounts:login": 302,  # already signed in: on to the second factor
    "accounts:logout": 405,  # POST only
    "accounts:otp_verify": 302,  # no device yet: on to the enrolment
    "accounts:otp_setup": 200,
    # federated login (accounts.oidc), open to anyone: no provider is configured in the tests,
    # and a callback without the session's state goes back to the login page
    "accounts:oidc_login": 404,
    "accounts:oidc_callback": 302,
}


def password_login(client, user, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}, **extra
    )


def test_no_page_answers_between_password_and_second_factor(world, client_password_only):
    """Every URL of the authorisation matrix, GET and (for writes) POST, for the person with
    the widest access: redirected to the second-factor step, no resident name in any answer."""
    w = world
    client = client_password_only
    client.force_login(w.team_nurse)
    secrets = [r.full_name for r in (w.resident_in_course, w.resident_pending, w.resident_plain)]
    otp_url = reverse("accounts:otp_verify")
    for name, rule in MATRIX.items():
        url = reverse(name, args=rule.args(w))
        for method in ("get", "post") if rule.writes else ("get",):
            response = getattr(client, method)(url)
            body = response.content.decode()
            assert not any(s in body for s in secrets), (method, name)
            if name in BEFORE_SECOND_FACTOR:
                assert response.status_code in (BEFORE_SECOND_FACTOR[name], 405), (method, name)
                continue
            assert response.status_code == 302, (method, name, response.status_code)
            assert response["Location"].startswith(otp_url), (method, name)


def test_password_login_leads_to_enrolment_then_start_page(world, client):
    w = world
    response = password_login(client, w.team_nurse)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_verify") + "?next=%2F"
    # no device yet: the verification step sends the user to the enrolment
    response = client.get(response["Location"])
    assert response["Location"] == reverse("accounts:otp_setup") + "?next=%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Sæt autentificeringsapp op" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=w.team_nurse).exists()  # GET changed nothing

    # the password alone does not get further: an activation code is needed
    response = client.post(reverse("accounts:otp_setup"), {"action": "start", "next": "/"})
    assert response.status_code == 200
    assert "Skriv aktiveringskoden, du har fået." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=w.team_nurse).exists()

    code = activation_issue(user=w.team_leader, target=w.team_nurse).code
    response = client.post(
        reverse("accounts:otp_setup"), {"action": "start", "code": code, "next": "/"}
    )
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=w.team_nurse)
    assert device.confirmed is False
    page = client.get(response["Location"]).content.decode()
    secret = totp_secret_base32(device)
    shown = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert shown in page
    assert 'src="data:image/svg+xml' in page  # the QR code, rendered on the server
    assert client.get(reverse("home")).status_code == 302  # still not through

    # a wrong code: Danish message, the page is kept, the device stays unconfirmed
    response = client.post(reverse("accounts:otp_setup"), {"token": wrong_code(device)})
    assert response.status_code == 200
    assert WRONG_CODE_MESSAGE in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False

    device.throttle_reset()  # the wait after one wrong code (1 s) has passed
    session_key = client.session.session_key
    code = totp(b32decode(secret), 30, 0, 6, 0)  # as the app computes it from the secret
    response = client.post(reverse("accounts:otp_setup"), {"token": f"{code:06d}", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session.session_key != session_key  # rotated after the second factor
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("home")).status_code == 200


def test_verification_with_an_enrolled_device(world, client):
    w = world
    device = totp_device_create(w.team_nurse, confirmed=True)
    target = reverse("residents:detail", args=[w.resident_in_course.pk])
    response = client.get(target)
    assert response.status_code == 302  # anonymous: to the login page, keeping the target
    response = client.post(
        response["Location"],
        {"username": w.team_nurse.username, "password": TEST_PASSWORD, "next": target},
    )
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Bekræft med kode" in page.content.decode()
    assert "Hovedmenu" not in page.content.decode()  # no navigation before the second factor

    response = client.post(reverse("accounts:otp_verify"), {"token": "12 34", "next": target})
    assert "Koden skal være seks cifre." in response.content.decode()

    key_before = client.session.session_key
    code = code_for(device)
    spaced = f"{code[:3]} {code[3:]}"  # as the apps show it
    response = client.post(reverse("accounts:otp_verify"), {"token": spaced, "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert client.session.session_key != key_before
    assert client.get(target).status_code == 200
    # verified: the OTP pages send the user on
    assert client.get(reverse("accounts:otp_verify")).status_code == 302
    assert client.get(reverse("accounts:otp_setup")).status_code == 302


def test_next_must_be_local(world, client):
    w = world
    device = totp_device_create(w.team_nurse, confirmed=True)
    client.force_login(w.team_nurse, verified=False)
    response = client.post(
        reverse("accounts:otp_verify"),
        {"token": code_for(device), "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_code_cannot_be_used_twice(world, client):
    w = world
    device = totp_device_create(w.team_nurse, confirmed=True)
    code = code_for(device)
    client.force_login(w.team_nurse, verified=False)
    assert client.post(reverse("accounts:otp_verify"), {"token": code})["Location"] == "/"
    assert device.__class__.objects.get(pk=device.pk).last_t >= 0  # django-otp keeps last_t

    # the same code again, in a new sign-in within the same 30 seconds: refused
    client.logout()
    client.force_login(w.team_nurse, verified=False)
    response = client.post(reverse("accounts:otp_verify"), {"token": code})
    assert response.status_code == 200
    assert WRONG_CODE_MESSAGE in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_second_factor_is_throttled(world, client):
    """After several wrong codes even the right code is refused for a while."""
    w = world
    device = totp_device_create(w.team_nurse, confirmed=True)
    client.force_login(w.team_nurse, verified=False)
    url = reverse("accounts:otp_verify")
    bad = wrong_code(device)
    client.post(url, {"token": bad})
    for _ in range(3):  # each wrong code doubles the wait; here the clock does not move
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
        )
        client.post(url, {"token": bad})
    device.refresh_from_db()
    assert device.throttling_failure_count == 4  # next try allowed 8 seconds after the last

    response = client.post(url, {"token": code_for(device)})
    assert response.status_code == 200
    assert THROTTLED_MESSAGE in response.content.decode()
    assert client.get(reverse("home")).status_code == 302

    # 8 seconds later (moved on by editing the stored time): the right code is accepted
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=9)
    )
    response = client.post(url, {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert client.get(reverse("home")).status_code == 200


def test_verify_service_refuses_reuse_and_other_users_device(world):
    w = world
    device = totp_device_create(w.team_nurse, confirmed=True)
    code = code_for(device)
    assert totp_device_verify(user=w.team_nurse, device=device, token=code).accepted
    assert not totp_device_verify(user=w.team_nurse, device=device, token=code).accepted
    with pytest.raises(TOTPDevice.DoesNotExist):
        totp_device_verify(user=w.team_doctor, device=device, token=code_for(device, steps_ahead=1))


def test_device_with_known_secret():
    from tests.factories import UserFactory

    user = UserFactory()
    # RFC 6238's test secret "12345678901234567890"
    device = totp_device_create(
        user, key_hex="3132333435363738393031323334353637383930", confirmed=True
    )
    assert totp_secret_base32(device) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert device.confirmed
    fresh = totp_device_create(user)
    assert len(totp_secret_base32(fresh)) == 32 and not fresh.confirmed  # 160 random bits
    for bad in ("xyz", "31323334", "3" * 41):
        with pytest.raises(ValidationError):
            totp_device_create(user, key_hex=bad)


def test_logout_is_possible_before_the_second_factor(world, client_password_only):
    client = client_password_only
    client.force_login(world.team_nurse)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_htmx_request_before_second_factor_redirects_the_whole_page(world, client_password_only):
    client = client_password_only
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("residents:search"),
        {"q": "Dorte"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/beboere/soeg/"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:otp_verify") + "?next=")
    assert "Dorte" not in response.content.decode()


def test_test_client_signs_in_with_both_factors(world, client):
    """The suite-wide client (conftest.py) passes the second factor on force_login/login."""
    client.force_login(world.team_nurse)
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    assert client.login(username=world.team_doctor.username, password=TEST_PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    assert client.login(username=world.team_doctor.username, password=TEST_PASSWORD, verified=False)
    assert client.get(reverse("home")).status_code == 302
    assert not client.login(username=world.team_doctor.username, password="wrong")
