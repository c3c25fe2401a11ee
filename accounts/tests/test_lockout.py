"""Lockout and no user enumeration (RULES.md security checklist 3 and 4)."""

from __future__ import annotations

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.security import client_ip
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = "Der har været for mange mislykkede forsøg på at logge ind."
INVALID_MESSAGE = "Indtast venligst korrekt brugernavn og adgangskode"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def attempt(client, username, password, ip=HOME):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def fail(client, username, times, ip=HOME):
    return [attempt(client, username, "wrong-password-123", ip) for _ in range(times)]


def normalised(response) -> str:
    """The page without the per-request tokens (CSRF token, CSP nonce)."""
    body = response.content.decode()
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "TOKEN", body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", body)
    return re.sub(r'nonce="[^"]*"', "NONCE", body)


def test_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    assert settings.AXES_HANDLER == "accounts.lockout.LockoutHandler"
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_locked_after_five_failures_per_user_and_address(client):
    user = UserFactory()
    colleague = UserFactory()
    responses = fail(client, user.username, 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert INVALID_MESSAGE in responses[0].content.decode()
    body = responses[-1].content.decode()
    assert LOCKED_MESSAGE in body and "15 minutter" in body

    # now even the right password is refused from this address ...
    locked = attempt(client, user.username, TEST_PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... but the same user elsewhere, and another user here, still get in
    assert attempt(client, user.username, TEST_PASSWORD, ip=ELSEWHERE).status_code == 302
    client.logout()
    assert attempt(client, colleague.username, TEST_PASSWORD).status_code == 302


def test_an_address_is_locked_after_twenty_failures_across_usernames(client):
    """Password spraying: one wrong password for each of 20 usernames (none reaches the
    per-user limit) locks the address for everyone; another address is not locked."""
    user = UserFactory()
    responses = [attempt(client, f"spray{n}", "wrong-password-123") for n in range(20)]
    assert [r.status_code for r in responses] == [200] * 19 + [429]
    assert LOCKED_MESSAGE in responses[-1].content.decode()
    locked = attempt(client, user.username, TEST_PASSWORD)  # the right password, same address
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert attempt(client, user.username, TEST_PASSWORD, ip=ELSEWHERE).status_code == 302


def test_a_successful_login_does_not_clear_the_address_count(client):
    """The sprayer's own working account does not reset the count of the address."""
    own = UserFactory()
    for n in range(19):
        attempt(client, f"spray{n}", "wrong-password-123")
    assert attempt(client, own.username, TEST_PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "spray-last", "wrong-password-123").status_code == 429


def test_address_lock_ends_after_the_cool_off(client):
    user = UserFactory()
    for n in range(20):
        attempt(client, f"spray{n}", "wrong-password-123")
    assert attempt(client, user.username, TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt(client, user.username, TEST_PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client):
    user = UserFactory()
    fail(client, user.username, 5)
    assert attempt(client, user.username, TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt(client, user.username, TEST_PASSWORD).status_code == 302


def test_success_resets_the_count(client):
    user = UserFactory()
    fail(client, user.username, 4)
    assert attempt(client, user.username, TEST_PASSWORD).status_code == 302
    client.logout()
    assert [r.status_code for r in fail(client, user.username, 4)] == [200] * 4


def test_unknown_user_and_wrong_password_give_the_same_answer(client):
    user = UserFactory()
    unknown = attempt(client, "no-such-user", "wrong-password-123")
    wrong = attempt(client, user.username, "wrong-password-123")
    assert unknown.status_code == wrong.status_code == 200
    assert normalised(unknown).replace("no-such-user", "NAME") == normalised(wrong).replace(
        user.username, "NAME"
    )
    inactive = UserFactory(is_active=False)
    right_but_inactive = attempt(client, inactive.username, TEST_PASSWORD)
    assert normalised(right_but_inactive).replace(inactive.username, "NAME") == normalised(
        wrong
    ).replace(user.username, "NAME")


def test_lockout_page_is_the_same_for_real_and_unknown_usernames(client):
    user = UserFactory()
    real = fail(client, user.username, 6)
    unknown = fail(client, "no-such-user", 6)
    assert [r.status_code for r in real] == [r.status_code for r in unknown]
    assert real[-1].status_code == 429
    assert normalised(real[-1]) == normalised(unknown[-1])
    assert user.username not in real[-1].content.decode()
    # and with the right password for the real user: still the same page
    assert normalised(attempt(client, user.username, TEST_PASSWORD)) == normalised(unknown[-1])


def test_client_address_ignores_forged_forwarded_for():
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.9"  # no proxy configured: the socket address
    with override_settings(TRUSTED_PROXY_COUNT=1):
        request = RequestFactory().post(
            "/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7"
        )
        assert client_ip(request) == "192.0.2.7"  # what our proxy saw, not what was sent
