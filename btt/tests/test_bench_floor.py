"""The benchmarks' floor, /_bench/floor/: a trivial signed-in page behind the same middleware as
every page, served only when BENCH_FLOOR=1 is set (404 otherwise). The production server with
BENCH_FLOOR=1 in its environment serves it in bench/tests/test_load.py."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = "/_bench/floor/"


def _staff():
    return MembershipFactory(team=TeamFactory()).user


def test_the_url_is_the_one_the_benchmarks_use():
    assert reverse("bench_floor") == URL


def test_off_by_default_a_signed_in_user_gets_404_and_the_attempt_is_audited(client):
    user = _staff()
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(user=user, outcome="denied").exists()


@override_settings(BENCH_FLOOR=True)
def test_on_a_signed_in_user_gets_the_trivial_page_with_the_middleware_queries_only(
    client, django_assert_num_queries
):
    client.force_login(_staff())
    client.get(URL)  # warm: the session's first use may write it
    with django_assert_num_queries(3):  # the session, the user, the second factor's device
        response = client.get(URL)
    assert response.status_code == 200
    assert "Du er logget ind." in response.content.decode()
    assert len(response.content) < 400  # no base layout, no menu: the middleware's cost
    assert "no-store" in response["Cache-Control"]  # the same middleware as every page


@pytest.mark.parametrize("floor", [True, False])
def test_anonymous_users_are_sent_to_the_login_page_either_way(client, floor):
    with override_settings(BENCH_FLOOR=floor):
        response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@override_settings(BENCH_FLOOR=True)
def test_on_the_second_factor_is_required_first(client_password_only):
    client_password_only.force_login(_staff(), verified=False)
    response = client_password_only.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


@override_settings(BENCH_FLOOR=True)
def test_on_only_safe_methods(client):
    client.force_login(_staff())
    assert client.post(URL).status_code == 405
