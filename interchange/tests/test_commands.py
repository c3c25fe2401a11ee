"""interchange_add_system and interchange_rotate_token: the token is printed once, its hash kept."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from interchange.models import SendingSystem

from .sample import TEST_TYPE, bundle, encode


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def post(api, token):
    return api.post(
        reverse("interchange:receive", args=[TEST_TYPE]),
        data=encode(bundle()),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.django_db
def test_add_system_prints_a_token_that_works_and_stores_only_its_hash(api, handler):
    token, err = run("interchange_add_system", "Regionshospitalet", "--types", f"{TEST_TYPE},x-y")
    system = SendingSystem.objects.get(name="Regionshospitalet")
    assert system.message_types == [TEST_TYPE, "x-y"]
    assert system.active
    assert system.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(SendingSystem.objects.values().get())
    assert "x-y" in err  # no handler registered for it (yet)
    assert post(api, token).status_code == 202
    event = AuditEvent.objects.get(detail__event="interchange.system.added")
    assert event.object_id == str(system.pk)
    assert token not in str(event.detail)


@pytest.mark.django_db
def test_rotate_token_revokes_the_old_one(api, handler):
    old, _ = run("interchange_add_system", "Regionshospitalet", "--types", TEST_TYPE)
    new, _ = run("interchange_rotate_token", "Regionshospitalet")
    assert new != old
    assert post(api, old).status_code == 401
    assert post(api, new).status_code == 202
    assert AuditEvent.objects.filter(detail__event="interchange.system.token_rotated").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("interchange_rotate_token", "Findes ikke"),
        ("interchange_add_system", "Uden typer", "--types", ","),
        ("interchange_add_system", "Forkert type", "--types", "Ikke Gyldig"),
    ],
)
def test_commands_refuse_bad_input_with_a_message(args):
    with pytest.raises(CommandError):
        run(*args)
    assert not SendingSystem.objects.exists()


@pytest.mark.django_db
def test_a_name_is_used_once():
    run("interchange_add_system", "Regionshospitalet", "--types", TEST_TYPE)
    with pytest.raises(CommandError):
        run("interchange_add_system", "Regionshospitalet", "--types", TEST_TYPE)
