"""Sessions (RULES.md security checklist 6, 7 and 8): a new key at login and after the second
factor, idle timeout and absolute lifetime on a controlled clock, logout and deactivation end
the session on the next request."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.security import LOGIN_AT_KEY, SEEN_AT_KEY
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 60 * MINUTE


def shift_session(client, **seconds_back):
    """Move the stored login/last-seen times back, as if that much time had passed."""
    session = client.session
    for key, back in seconds_back.items():
        session[{"login": LOGIN_AT_KEY, "seen": SEEN_AT_KEY}[key]] -= back
    session.save()


def test_settings():
    assert settings.SESSION_COOKIE_AGE == 30 * MINUTE
    assert settings.SESSION_ABSOLUTE_AGE == 12 * HOUR
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_key_changes_at_login(world, client):
    client.get(reverse("accounts:login"))
    client.session.save()
    anonymous_key = client.session.session_key
    client.post(
        reverse("accounts:login"),
        {"username": world.team_nurse.username, "password": TEST_PASSWORD},
    )
    assert client.session.session_key not in (None, anonymous_key)
    assert client.session["_auth_user_id"] == str(world.team_nurse.pk)
    # the key change after the second factor: test_two_factor.py


def test_idle_timeout(world, client):
    page = reverse("residents:detail", args=[world.resident_in_course.pk])
    client.force_login(world.team_nurse)
    shift_session(client, seen=29 * MINUTE, login=29 * MINUTE)
    assert client.get(page).status_code == 200  # 29 minutes idle: still signed in
    assert timezone.now().timestamp() - client.session[SEEN_AT_KEY] < MINUTE  # and refreshed

    shift_session(client, seen=30 * MINUTE)
    old_key = client.session.session_key
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Session.objects.filter(session_key=old_key).exists()  # gone on the server
    login_page = client.get(response["Location"]).content.decode()
    assert "Du er blevet logget af, fordi du ikke har været aktiv" in login_page


def test_activity_does_not_extend_the_absolute_lifetime(world, client):
    page = reverse("home")
    client.force_login(world.team_nurse)
    shift_session(client, login=12 * HOUR - MINUTE)
    assert client.get(page).status_code == 200
    shift_session(client, login=MINUTE)  # active a minute ago, signed in 12 hours ago
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_idle_timeout_with_a_moving_clock(world, client, monkeypatch):
    """The same with the clock itself moved (django.utils.timezone.now), not the stamps."""
    client.force_login(world.team_nurse)
    start = timezone.now()

    def at(minutes):
        monkeypatch.setattr(
            timezone, "now", lambda: start + datetime.timedelta(minutes=minutes, seconds=1)
        )

    for minute in (10, 35, 60):  # active every 25 minutes: never idle for 30
        at(minute)
        assert client.get(reverse("home")).status_code == 200, minute
    at(91)  # 31 minutes after the last request
    assert client.get(reverse("home")).status_code == 302


def test_session_without_stamps_is_ended(world, client):
    client.force_login(world.team_nurse)
    session = client.session
    del session[LOGIN_AT_KEY]
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_logout_ends_the_session_for_a_copied_cookie(world, client):
    client.force_login(world.team_nurse)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("accounts:logout")).status_code == 302
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = thief.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_by_get_is_refused(world, client):
    client.force_login(world.team_nurse)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_deactivated_user_loses_the_live_session(world, client):
    page = reverse("residents:detail", args=[world.resident_in_course.pk])
    client.force_login(world.team_nurse)
    assert client.get(page).status_code == 200
    world.team_nurse.is_active = False
    world.team_nurse.save(update_fields=["is_active"])
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert world.resident_in_course.full_name not in response.content.decode()


def test_expired_session_during_htmx_redirects_the_whole_page(world, client):
    client.force_login(world.team_nurse)
    shift_session(client, seen=31 * MINUTE)
    response = client.post(
        reverse("residents:search"),
        {"q": "Dorte"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/beboere/soeg/"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login") + "?next=%2Fbeboere%2Fsoeg%2F"


# --- background refreshes (the board's poll) do not count as activity ----------------------

BACKGROUND = {"HX-Request": "true", "X-Background-Refresh": "1"}


def _clock(monkeypatch):
    start = timezone.now()

    def at(minutes):
        moment = start + datetime.timedelta(minutes=minutes, seconds=1)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return at


def _signed_in(response) -> bool:
    return "HX-Redirect" not in response and response.status_code in (200, 204)


def test_board_poll_marks_itself_as_a_background_refresh(world, client):
    client.force_login(world.team_nurse)
    page = client.get(reverse("board:facility", args=[world.facility_a1.pk])).content.decode()
    tbody = re.search(r'<tbody id="board-rows"[^>]*>', page).group(0)
    assert 'hx-trigger="every 15s"' in tbody
    assert """hx-headers='{"X-Background-Refresh": "1"}'""" in tbody


def test_a_session_that_only_polls_expires_after_the_idle_timeout(world, client, monkeypatch):
    rows = reverse("board:facility_rows", args=[world.facility_a1.pk])
    client.force_login(world.team_nurse)
    at = _clock(monkeypatch)
    for minute in range(1, 30, 2):  # the board polls every 15 s; every 2 minutes is enough here
        at(minute)
        assert _signed_in(client.get(rows, headers=BACKGROUND)), minute
    at(30)  # 30 minutes after the login, the last thing the person did
    response = client.get(rows, headers=BACKGROUND)
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))  # the whole page goes
    assert "_auth_user_id" not in client.session


def test_a_session_with_real_requests_stays_alive_while_polling(world, client, monkeypatch):
    rows = reverse("board:facility_rows", args=[world.facility_a1.pk])
    board = reverse("board:facility", args=[world.facility_a1.pk])
    client.force_login(world.team_nurse)
    at = _clock(monkeypatch)
    for minute in range(1, 61, 3):
        at(minute)
        if minute in (19, 40):  # the person opens the board again
            assert client.get(board).status_code == 200, minute
        assert _signed_in(client.get(rows, headers=BACKGROUND)), minute
    at(40 + 31)  # 31 minutes after the last real request: only polls since
    assert not _signed_in(client.get(rows, headers=BACKGROUND))
