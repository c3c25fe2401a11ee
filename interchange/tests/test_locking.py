"""Two workers, one message: the second skips a row the first holds (SKIP LOCKED)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from interchange.models import IncomingMessage, Status
from interchange.processing import process_message
from interchange.services import message_receive, parse_body, system_add

from .sample import TEST_TYPE, bundle, encode


@pytest.mark.django_db(transaction=True)
def test_a_message_locked_by_another_worker_is_skipped_not_waited_for(
    handler, remove_interchange_jobs
):
    system, _ = system_add(name="Låsetest", message_types=[TEST_TYPE])
    message = message_receive(
        system=system, message_type=TEST_TYPE, body=parse_body(encode(bundle()))
    ).message
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                IncomingMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert process_message(message_id=message.pk, is_last_attempt=lambda e: False) is None
        assert handler.calls == []
    finally:
        release.set()
        thread.join(timeout=30)
    assert process_message(message_id=message.pk, is_last_attempt=lambda e: False) == "processed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PROCESSED, 1)
