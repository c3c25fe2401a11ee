"""Login events are logged (RULES.md security checklist 24) without secrets (25)."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.security import SEEN_AT_KEY, clean_username
from accounts.services import totp_device_create
from tests.factories import TEST_PASSWORD, UserFactory

from .otp import code_for, wrong_code

pytestmark = pytest.mark.django_db

CPR = "0101901234"  # shape only; a CPR typed into the username field must not reach the log


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="btt.security")
    return caplog


def events(caplog):
    return [(r.security_event, r.getMessage()) for r in caplog.records if r.name == "btt.security"]


def test_every_login_event_is_logged_without_secrets(client, security_log):
    user = UserFactory()
    device = totp_device_create(user, confirmed=True)
    login = reverse("accounts:login")
    bad_password = "Not-The-Password-42"

    client.post(login, {"username": user.username, "password": bad_password})
    client.post(login, {"username": f"{CPR}\nevent=login", "password": bad_password})
    client.post(login, {"username": user.username, "password": TEST_PASSWORD})
    client.post(reverse("accounts:otp_verify"), {"token": wrong_code(device)})
    device.throttle_reset()
    token = code_for(device)
    client.post(reverse("accounts:otp_verify"), {"token": token})
    session_key = client.session.session_key
    session = client.session
    session[SEEN_AT_KEY] -= settings.SESSION_COOKIE_AGE
    session.save()
    client.get(reverse("home"))  # idle too long: expired
    client.force_login(user)
    client.post(reverse("accounts:logout"))
    for _ in range(5):
        client.post(login, {"username": user.username, "password": bad_password})

    logged = events(security_log)
    names = [name for name, _ in logged]
    for expected in (
        "login_failed",
        "login",
        "second_factor_failed",
        "second_factor_verified",
        "session_expired",
        "logout",
        "lockout",
    ):
        assert expected in names, (expected, names)

    by_name = dict(logged)
    assert f"user_id={user.pk}" in by_name["login"]
    assert f"username={user.username}" in by_name["login"]
    assert "request_id=" in by_name["login"]
    assert "reason=wrong_code" in by_name["second_factor_failed"]
    assert "reason=idle" in by_name["session_expired"]
    assert f"username={user.username}" in by_name["lockout"]

    text = "\n".join(message for _, message in logged)
    for secret in (bad_password, TEST_PASSWORD, token, session_key, CPR, device.key):
        assert secret not in text
    assert all("\n" not in message for _, message in logged)  # no forged log lines


def test_request_id_is_the_requests(client, security_log):
    user = UserFactory()
    client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "wrong"},
        headers={"X-Request-ID": "req-1234567890"},
    )
    assert "request_id=req-1234567890" in events(security_log)[-1][1]


def test_clean_username():
    assert clean_username("anna\r\nevent=login") == "anna??event=login"
    assert clean_username("010190-1234") == "[cpr?]"
    assert len(clean_username("x" * 1000)) == 150
