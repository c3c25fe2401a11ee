"""The operator sees messages in Django admin, never their bodies; only superusers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interchange.models import IncomingMessage
from interchange.processing import HandlerFailed, process_message
from interchange.services import message_receive, parse_body

from .sample import SECRET_NAME, SECRET_NOTE, TEST_TYPE, bundle, encode, handle_fail


@pytest.fixture
def failed_message(sender, handler):
    system, _ = sender
    message = message_receive(
        system=system, message_type=TEST_TYPE, body=parse_body(encode(bundle()))
    ).message
    handler.do = handle_fail
    with pytest.raises(HandlerFailed):
        process_message(message_id=message.pk, is_last_attempt=lambda e: True)
    return message


def test_a_superuser_sees_a_failed_message_without_its_body(
    client, django_user_model, failed_message
):
    admin = django_user_model.objects.create_superuser("driftsadmin", password="x" * 20)
    client.force_login(admin)
    listing = client.get(reverse("admin:interchange_incomingmessage_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "RuntimeError" in page and "Fejlet" in page
    detail = client.get(
        reverse("admin:interchange_incomingmessage_change", args=[failed_message.pk])
    )
    assert detail.status_code == 200
    for response in (listing, detail):
        body = response.content.decode()
        assert SECRET_NAME not in body and SECRET_NOTE not in body
    assert IncomingMessage.objects.get(pk=failed_message.pk).body is not None


def test_a_region_admin_does_not_see_the_inbox(client, world, failed_message):
    client.force_login(world.region_admin)
    response = client.get(reverse("admin:interchange_incomingmessage_changelist"))
    assert response.status_code in (302, 403)
    index = client.get(reverse("admin:index"))
    assert "interchange" not in index.content.decode()
