"""Settings fail fast, the health check, security headers and the generic error page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _settings_error(env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    env.update(env_overrides)
    result = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='btt.settings'; django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stderr


GOOD_KEY = "x" * 50
GOOD_DB = "postgres://app@db.example.dk:5432/btt"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 32"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS must be set"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x"}, "DATABASE_URL must be set"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "DATABASE_URL": "mysql://x/y"},
            "DATABASE_URL must be a postgres:// URL",
        ),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "ALLOWED_HOSTS": "x",
                "DATABASE_URL": GOOD_DB,
                "SESSION_COOKIE_AGE": "soon",
            },
            "SESSION_COOKIE_AGE must be an integer",
        ),
    ],
)
def test_settings_fail_fast(env, message):
    code, stderr = _settings_error(env)
    assert code != 0
    assert message in stderr


def test_settings_start_with_good_values():
    code, stderr = _settings_error(
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "btt.example.dk", "DATABASE_URL": GOOD_DB}
    )
    assert code == 0, stderr


def test_debug_is_off_by_default():
    from django.conf import settings

    assert settings.DEBUG is False
    assert settings.LANGUAGE_CODE == "da"
    assert settings.TIME_ZONE == "Europe/Copenhagen"


def test_login_page_headers(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_authenticated_pages_are_not_cached(world, client):
    client.force_login(world.team_nurse)
    response = client.get(reverse("residents:detail", args=[world.resident_in_course.pk]))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_login_with_password(world, client):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        reverse("accounts:login"),
        {"username": world.team_nurse.username, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))  # second factor next
    assert client.get(reverse("home")).status_code == 302
    client.logout()
    bad = client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
    wrong = client.post(
        reverse("accounts:login"), {"username": world.team_nurse.username, "password": "x"}
    )
    assert bad.status_code == wrong.status_code == 200
    message = "Indtast venligst korrekt brugernavn og adgangskode"
    assert message in bad.content.decode() and message in wrong.content.decode()


@pytest.mark.django_db
def test_error_page_is_generic_with_incident_id(world, client):
    from django.test import RequestFactory

    from btt.views import server_error

    request = RequestFactory().get("/")
    request.request_id = "abc123def456"
    request.user = world.team_nurse
    response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "abc123def456" in body
    assert "Traceback" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unhandled_error_gives_500_page_not_traceback(world, client, monkeypatch):
    import residents.views

    def boom(*args, **kwargs):
        raise RuntimeError("simulated")

    monkeypatch.setattr(residents.views, "resident_history", boom)
    client.raise_request_exception = False
    client.force_login(world.team_nurse)
    response = client.get(reverse("residents:detail", args=[world.resident_in_course.pk]))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Der opstod en fejl" in body
    assert "simulated" not in body
    assert response["X-Request-ID"] in body
