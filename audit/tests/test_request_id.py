"""A client-sent X-Request-ID is kept only when it is a plain, well-formed id; anything else
(newlines, a CPR or replacement number, 10 kB) is replaced by a fresh id and never stored,
echoed or logged."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from lib.cpr import fictitious_cpr
from lib.request_id import accepted_request_id, new_request_id
from tests.factories import UserFactory

CPR = fictitious_cpr(datetime.date(1990, 5, 17), 7)  # synthetic, never issued
REPLACEMENT = "170590" + "1AB" + "2"  # shape of a national replacement number
HOSTILE = {
    "trailing newline": "abcdefgh1234\n",
    "header injection": "abcdefgh1234\r\nX-Injected: 1",
    "cpr": CPR,
    "cpr with hyphen": f"{CPR[:6]}-{CPR[6:]}",
    "cpr inside an id": f"req-{CPR}-x",
    "replacement number": f"req-{REPLACEMENT}",
    "10 kB": "a" * 10240,
    "too short": "abc",
    "other characters": "abc def/ghi;jkl",
    "unicode digits": "req-١٧٠٥٩٠١٢٣٤",
}
FRESH = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_request_ids_are_refused(value):
    assert accepted_request_id(value) is None


@pytest.mark.parametrize(
    "value",
    ["req-1234567890", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "a" * 64, "ABCdef12"],
)
def test_plain_request_ids_are_kept(value):
    assert accepted_request_id(value) == value


def test_generated_ids_never_look_like_a_person_number():
    for _ in range(2000):
        generated = new_request_id()
        assert FRESH.fullmatch(generated) and accepted_request_id(generated) == generated


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_request_id_is_neither_stored_nor_echoed(world, client, value):
    client.force_login(world.team_nurse)
    url = reverse("residents:detail", args=[world.resident_in_course.pk])
    response = client.get(url, headers={"X-Request-ID": value})
    assert response.status_code == 200
    row = AuditEvent.objects.filter(user=world.team_nurse).latest("id")
    assert FRESH.fullmatch(row.request_id)
    assert response["X-Request-ID"] == row.request_id != value


def test_a_well_formed_request_id_is_stored_as_given(world, client):
    client.force_login(world.team_nurse)
    url = reverse("residents:detail", args=[world.resident_in_course.pk])
    response = client.get(url, headers={"X-Request-ID": "proxy-7f3a9c2e"})
    row = AuditEvent.objects.filter(user=world.team_nurse).latest("id")
    assert row.request_id == response["X-Request-ID"] == "proxy-7f3a9c2e"


@pytest.mark.django_db
def test_a_hostile_request_id_never_reaches_the_security_log(client, caplog):
    caplog.set_level(logging.INFO, logger="btt.security")
    user = UserFactory()
    for value in HOSTILE.values():
        client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": "wrong"},
            headers={"X-Request-ID": value},
        )
    messages = [r.getMessage() for r in caplog.records if r.name == "btt.security"]
    assert len(messages) >= len(HOSTILE)
    text = "\n".join(messages)
    assert CPR not in text and CPR[:6] not in text and REPLACEMENT not in text
    assert "a" * 100 not in text and "X-Injected" not in text
    assert all("\n" not in message for message in messages)
