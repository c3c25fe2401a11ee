"""Cookies, CSRF, security headers and the deployment check (RULES.md security checklist 9,
27, 28 and 29)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts.services import activation_issue_by_operator
from tests.clients import SignInClient
from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]

# Environment variables the settings read (and the test-only async switch from conftest.py);
# the subprocesses start from none of them.
SETTINGS_VARIABLES = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "BEHIND_TLS_PROXY",
    "TRUSTED_PROXY_COUNT",
    "SESSION_COOKIE_AGE",
    "SESSION_ABSOLUTE_AGE",
    "ENVIRONMENT_LABEL",
    "LOG_LEVEL",
}


def production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="btt.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="btt.regionh.example",
        DATABASE_URL="postgres://btt@db.example:5432/btt",  # never connected to by these
    )
    env.update(overrides)
    return env


def run(args, env):
    return subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # Django redirects http to https itself
        {"BEHIND_TLS_PROXY": "1"},  # a TLS-terminating proxy in front (X-Forwarded-Proto)
    ],
    ids=["direct", "behind-proxy"],
)
def test_check_deploy_is_clean(overrides):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**overrides)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_settings_are_secure():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'SESSION_COOKIE_SAMESITE', 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', "
        "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SECURE_CONTENT_TYPE_NOSNIFF', "
        "'SECURE_REFERRER_POLICY', 'X_FRAME_OPTIONS')}))"
    )
    result = run(["-c", code], production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
    }


@pytest.mark.django_db
def test_session_cookie_flags(world, client):
    response = client.post(
        reverse("accounts:login"),
        {"username": world.team_nurse.username, "password": TEST_PASSWORD},
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # ends with the browser
    with override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True):
        other = SignInClient()
        response = other.post(
            reverse("accounts:login"),
            {"username": world.team_doctor.username, "password": TEST_PASSWORD},
            secure=True,
        )
        assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True
        page = other.get(reverse("accounts:login"), secure=True)
        assert page.status_code == 302  # signed in (password step): on to the code
        csrf = SignInClient().get(reverse("accounts:login"), secure=True)
        assert csrf.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True


@pytest.mark.django_db
def test_csrf_is_required_on_every_post(world):
    anonymous = SignInClient(enforce_csrf_checks=True)
    response = anonymous.post(
        reverse("accounts:login"),
        {"username": world.team_nurse.username, "password": TEST_PASSWORD},
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in anonymous.session

    signed_in = SignInClient(enforce_csrf_checks=True)
    signed_in.force_login(world.housing_staff)
    url = reverse("courses:concern_create", args=[world.resident_plain.pk])
    assert signed_in.post(url, {"description": "Sover dårligt."}).status_code == 403
    assert signed_in.post(reverse("accounts:logout")).status_code == 403
    assert signed_in.post(reverse("accounts:otp_verify"), {"token": "123456"}).status_code == 403

    # with the token from the page, the same login works
    page = anonymous.get(reverse("accounts:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = anonymous.post(
        reverse("accounts:login"),
        {
            "username": world.team_nurse.username,
            "password": TEST_PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_content_security_policy(world, client):
    client.force_login(world.team_nurse)
    for url in (reverse("home"), reverse("residents:detail", args=[world.resident_in_course.pk])):
        response = client.get(url)
        csp = _csp(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"][0] == "'self'"
        nonce = csp["script-src"][1]
        assert re.fullmatch(r"'nonce-[A-Za-z0-9+/=]+'", nonce)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert csp["style-src"] == ["'self'"]
        assert csp["img-src"] == ["'self'", "data:"]
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]
        body = response.content.decode()
        assert f'nonce="{nonce[7:-1]}"' in body  # the htmx script tag carries it
        assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in body
        # nothing inline that the policy would block
        assert not re.search(r"<script(?![^>]*\bsrc=)", body)
        assert "<style" not in body and " style=" not in body
    anonymous = SignInClient().get(reverse("accounts:login"))
    assert _csp(anonymous)["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_security_headers_and_no_store(world, client, client_password_only):
    client.force_login(world.team_nurse)
    response = client.get(reverse("residents:detail", args=[world.resident_in_course.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    client_password_only.force_login(world.team_doctor)
    code = activation_issue_by_operator(target=world.team_doctor).code
    client_password_only.post(reverse("accounts:otp_setup"), {"action": "start", "code": code})
    enrolment = client_password_only.get(reverse("accounts:otp_setup"))  # shows the secret
    assert 'id="totp-secret"' in enrolment.content.decode()
    assert "no-store" in enrolment["Cache-Control"]


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_https_redirect_and_hsts(world):
    client = SignInClient()
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get(reverse("healthz")).status_code == 200  # load balancer probe over http
    secure = client.get(reverse("accounts:login"), secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
