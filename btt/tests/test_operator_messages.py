"""The operator sees failed messages from other systems where failed jobs show: in
``manage.py jobs_status`` (``--check`` exits 1) and in the metrics."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from interchange.models import IncomingMessage, Status
from interchange.services import system_add

TOKEN = "operator-metrics-token-0123456789-abcdef"

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_message():
    system, _token = system_add(name="Testsygehus", message_types=["probe"])
    return IncomingMessage.objects.create(
        system=system,
        message_type="probe",
        sender_message_id="m-1",
        body={"resourceType": "Bundle"},
        body_sha256="0" * 64,
        status=Status.FAILED,
        attempts=5,
        last_error_code="HandlerFailed",
        processed_at=timezone.now(),
    )


def test_jobs_status_lists_failed_messages_and_check_fails(failed_message):
    out = io.StringIO()
    call_command("jobs_status", stdout=out)
    assert "Modtagne meddelelser:" in out.getvalue()
    assert "failed 1" in out.getvalue()
    with pytest.raises(CommandError, match="1 modtagne meddelelser"):
        call_command("jobs_status", "--check", stdout=io.StringIO())


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_count_messages_by_status(failed_message):
    response = Client().get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'^btt_incoming_messages\{status="failed"\} 1\.0$', body, re.M)
    assert re.search(r'^btt_incoming_messages\{status="processed"\} 0\.0$', body, re.M)
