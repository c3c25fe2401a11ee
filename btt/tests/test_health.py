"""Liveness (/healthz) and readiness (/readyz): open to anonymous load balancer probes over
plain http, no personal data, and only readiness depends on the database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _refuse(*args, **kwargs):
    raise OperationalError("connection refused")


def test_liveness_answers_without_the_database(monkeypatch):
    monkeypatch.setattr(connection, "cursor", _refuse)
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_ok_when_database_answers_and_migrations_are_applied():
    response = Client().get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_503_when_the_database_is_unreachable(monkeypatch):
    monkeypatch.setattr(connection, "cursor", _refuse)
    response = Client().get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database unreachable"}


def test_readiness_503_while_a_migration_is_pending():
    """The newest applied migration of one app is unrecorded (rolled back with the test):
    the instance must not take traffic until it is applied."""
    latest = MigrationRecorder.Migration.objects.filter(app="audit").latest("id")
    latest.delete()
    response = Client().get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "migrations pending",
        "pending_migrations": 1,
    }


@pytest.mark.parametrize("method", ["head", "get"])
def test_probes_accept_head_and_get_only(method):
    for name in ("healthz", "readyz"):
        assert getattr(Client(), method)(reverse(name)).status_code == 200
        assert Client().post(reverse(name)).status_code == 405


@override_settings(SECURE_SSL_REDIRECT=True)
def test_probes_and_metrics_are_not_redirected_to_https_but_pages_are():
    client = Client()
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("readyz")).status_code == 200
    assert client.get(reverse("metrics")).status_code == 404  # off: no token, no network
    assert client.get(reverse("accounts:login")).status_code == 301
