"""POST /api/indbakke/<type>/: token auth, limits, JSON checks, idempotency; never a 500."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from procrastinate.contrib.django.models import ProcrastinateJob

from interchange.models import IncomingMessage, SendingSystem, Status
from interchange.services import system_rotate_token
from interchange.tokens import new_token

from .sample import OTHER_TYPE, SECRET_NAME, SECRET_NOTE, TEST_TYPE, bundle, encode

pytestmark = pytest.mark.usefixtures("handler")


def url(message_type: str = TEST_TYPE) -> str:
    return reverse("interchange:receive", args=[message_type])


def post(api, token: str | None, body: bytes, message_type: str = TEST_TYPE, **extra):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    headers.update(extra.pop("headers", {}))
    return api.post(
        url(message_type), data=body, content_type="application/json", headers=headers, **extra
    )


def jobs():
    return list(ProcrastinateJob.objects.filter(task_name="interchange.process_message"))


def test_a_new_message_is_stored_accepted_and_its_job_deferred_on_commit(
    api, sender, django_capture_on_commit_callbacks
):
    _, token = sender
    body = bundle("b7c1e0e4-0000-4000-8000-000000000001")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, token, encode(body))
    assert response.status_code == 202, response.content
    data = response.json()
    message = IncomingMessage.objects.get()
    assert data == {"id": message.pk, "status": "received", "duplicate": False}
    assert message.body == body
    assert message.sender_message_id == "b7c1e0e4-0000-4000-8000-000000000001"
    assert message.status == Status.RECEIVED and message.attempts == 0
    assert len(message.body_sha256) == 64
    [job] = jobs()
    assert job.args == {"message_id": message.pk}
    # token auth only: no cookie set, no session stored
    assert not response.cookies
    assert Session.objects.count() == 0


def test_the_job_is_not_deferred_when_nothing_commits(
    api, sender, django_capture_on_commit_callbacks
):
    _, token = sender
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(api, token, encode(bundle()))
    assert len(callbacks) == 1  # deferred on commit, not before
    assert jobs() == []


def _inactive(system, token):
    SendingSystem.objects.filter(pk=system.pk).update(active=False)
    return token


def _rotated(system, token):
    system_rotate_token(name=system.name)
    return token  # the old one


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda system, token: None, id="no_header"),
        pytest.param(lambda system, token: f"Bearer {new_token()}", id="wrong_token"),
        pytest.param(lambda system, token: f"Bearer {token[:-1]}", id="truncated_token"),
        pytest.param(lambda system, token: f"Basic {token}", id="basic_scheme"),
        pytest.param(lambda system, token: token, id="no_scheme"),
        pytest.param(lambda system, token: f"Bearer {_inactive(system, token)}", id="inactive"),
        pytest.param(lambda system, token: f"Bearer {_rotated(system, token)}", id="rotated"),
    ],
)
def test_a_valid_message_without_a_valid_token_is_refused_with_401(
    api, sender, make_header, django_capture_on_commit_callbacks, caplog
):
    system, token = sender
    header = make_header(system, token)
    headers = {"Authorization": header} if header is not None else {}
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            url(), data=encode(bundle()), content_type="application/json", headers=headers
        )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert IncomingMessage.objects.count() == 0
    assert jobs() == []
    denied = [r for r in caplog.records if "interchange_denied" in r.getMessage()]
    assert len(denied) == 1
    assert token not in caplog.text and token[5:20] not in caplog.text
    assert SECRET_NAME not in caplog.text


def test_a_system_may_not_send_a_type_it_is_not_allowed(api, sender):
    _, token = sender
    response = post(api, token, encode(bundle()), message_type=OTHER_TYPE)
    assert response.status_code == 403
    assert response.json()["error"] == "type_not_allowed"
    assert IncomingMessage.objects.count() == 0


def test_a_type_without_a_handler_is_refused_as_unknown(api, sender):
    _, token = sender
    for message_type in ("uregistreret", "findes-ikke"):
        response = post(api, token, encode(bundle()), message_type=message_type)
        assert response.status_code == 400
        assert response.json()["error"] == "unknown_type"
    assert IncomingMessage.objects.count() == 0


def test_get_with_a_valid_token_is_405(api, sender):
    _, token = sender
    response = api.get(url(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_signed_in_user_without_a_token_gets_401(client, world):
    client.force_login(world.team_nurse)
    response = client.post(url(), data=encode(bundle()), content_type="application/json")
    assert response.status_code == 401
    assert IncomingMessage.objects.count() == 0


@pytest.mark.parametrize("limit", [None, 2000])
def test_a_body_over_the_limit_is_413_and_not_stored(api, sender, settings, limit):
    _, token = sender
    if limit is not None:
        settings.INTERCHANGE_MAX_BODY_BYTES = limit
    size = limit or 1_000_000
    body = bundle(note="x" * size)
    response = post(api, token, encode(body))
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert IncomingMessage.objects.count() == 0


def test_a_body_without_a_declared_length_is_411(sender, handler):
    from django.test import RequestFactory

    from interchange.views import receive

    _, token = sender
    request = RequestFactory().post(
        url(),
        data=encode(bundle()),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Transfer-Encoding": "chunked"},
    )
    del request.META["CONTENT_LENGTH"]
    response = receive(request, TEST_TYPE)
    assert response.status_code == 411
    assert json.loads(response.content)["error"] == "length_required"
    assert IncomingMessage.objects.count() == 0


def test_a_body_just_under_the_limit_is_accepted(api, sender, settings):
    _, token = sender
    settings.INTERCHANGE_MAX_BODY_BYTES = 2000
    raw = encode(bundle(note=""))
    raw = raw[:-1] + b" " * (2000 - len(raw)) + b"}"
    assert len(raw) == 2000
    assert post(api, token, raw).status_code == 202


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "bad_json"),
        (b"{", "bad_json"),
        (b"not json", "bad_json"),
        (b"\xff\xfe{}", "not_utf8"),
        (b"[1, 2]", "not_an_object"),
        (b'"text"', "not_an_object"),
        (b'{"id": "a", "x": NaN}', "bad_json"),
        (b'{"id": "a", "x": Infinity}', "bad_json"),
        (b'{"id": "a", "x": "\\u0000"}', "bad_json"),
        (b'{"id": "a", "\\u0000": 1}', "bad_json"),
        (b'{"id": "a", "x": "\\ud800"}', "bad_json"),
        (b'{"id": "a", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}", "bad_json"),
        (b'{"id": "a", "x": ' + b"[" * 70 + b"]" * 70 + b"}", "too_deep"),
        (b'{"resourceType": "Bundle"}', "missing_message_id"),
        (b'{"id": 12}', "missing_message_id"),
        (b'{"id": "has space"}', "missing_message_id"),
        (b'{"id": ""}', "missing_message_id"),
        (b'{"id": "' + b"a" * 129 + b'"}', "missing_message_id"),
    ],
)
def test_a_body_that_is_not_an_acceptable_json_object_is_400_with_its_reason(
    api, sender, raw, code
):
    _, token = sender
    response = post(api, token, raw)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == code
    assert response.json()["message"]  # a Danish sentence for the sender's operator
    assert IncomingMessage.objects.count() == 0


def test_the_message_header_id_is_the_key_when_the_bundle_has_no_id(api, sender):
    _, token = sender
    body = bundle()
    del body["id"]
    assert post(api, token, encode(body)).status_code == 202
    header_id = body["entry"][0]["resource"]["id"]
    assert IncomingMessage.objects.get().sender_message_id == header_id


def test_a_resent_message_is_not_stored_twice(api, sender, django_capture_on_commit_callbacks):
    _, token = sender
    body = bundle()
    with django_capture_on_commit_callbacks(execute=True):
        first = post(api, token, encode(body))
        # the same message, serialised differently (key order, spaces)
        resent = json.dumps(dict(reversed(list(body.items()))), indent=2).encode()
        second = post(api, token, resent)
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json() == {"id": first.json()["id"], "status": "received", "duplicate": True}
    assert IncomingMessage.objects.count() == 1
    assert len(jobs()) == 1


def test_a_resent_message_reports_the_status_it_reached(api, sender):
    _, token = sender
    body = bundle()
    first = post(api, token, encode(body)).json()
    IncomingMessage.objects.filter(pk=first["id"]).update(status=Status.PROCESSED)
    again = post(api, token, encode(body))
    assert again.status_code == 200
    assert again.json()["status"] == "processed"


def test_the_same_id_with_another_body_is_409(api, sender):
    _, token = sender
    message_id = str(uuid.uuid4())
    assert post(api, token, encode(bundle(message_id))).status_code == 202
    response = post(api, token, encode(bundle(message_id, note="changed")))
    assert response.status_code == 409
    assert response.json()["error"] == "message_id_reused"
    assert IncomingMessage.objects.count() == 1


def test_two_systems_may_use_the_same_message_id(api, sender):
    from interchange.services import system_add

    _, token = sender
    _, token2 = system_add(name="Andet sygehus", message_types=[TEST_TYPE])
    body = encode(bundle("same-id-1"))
    assert post(api, token, body).status_code == 202
    assert post(api, token2, body).status_code == 202
    assert IncomingMessage.objects.count() == 2


def test_logs_of_a_received_message_hold_no_body_or_token(api, sender, caplog):
    _, token = sender
    caplog.set_level(logging.DEBUG)
    assert post(api, token, encode(bundle())).status_code == 202
    assert "interchange_received" in caplog.text
    for secret in (token, SECRET_NAME, SECRET_NOTE):
        assert secret not in caplog.text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    raw=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(st.text(max_size=8), children, max_size=4)
            ),
            max_leaves=20,
        ).map(lambda v: json.dumps({"id": "fixed-id", "v": v}).encode()),
    )
)
def test_any_body_is_stored_or_refused_never_a_500(api, sender, raw):
    _, token = sender
    response = post(api, token, raw)
    assert response.status_code in (200, 202, 400, 409), response.content
    assert "error" in response.json() or "id" in response.json()
