"""The job body (interchange.processing) with a handler registered by the test."""

from __future__ import annotations

import logging

import pytest

from interchange import handlers
from interchange.models import IncomingMessage, SendingSystem, Status
from interchange.processing import HandlerFailed, process_message
from interchange.selectors import counts_by_status
from interchange.services import message_receive, parse_body

from .sample import SECRET_NAME, SECRET_NOTE, TEST_TYPE, bundle, encode, handle_fail, handle_refuse


def never_last(exc):
    return False


def always_last(exc):
    return True


@pytest.fixture
def message(sender, handler):
    system, _ = sender
    receipt = message_receive(
        system=system, message_type=TEST_TYPE, body=parse_body(encode(bundle()))
    )
    return receipt.message


def test_a_handled_message_is_processed_with_the_result_code(message, handler):
    assert process_message(message_id=message.pk, is_last_attempt=never_last) == "processed"
    message.refresh_from_db()
    assert message.status == Status.PROCESSED
    assert message.result_code == "applied"
    assert message.attempts == 1
    assert message.processed_at is not None
    assert message.body is not None  # kept until the retention job
    assert handler.calls == [message.pk]


def test_a_processed_message_is_not_processed_again(message, handler):
    process_message(message_id=message.pk, is_last_attempt=never_last)
    assert process_message(message_id=message.pk, is_last_attempt=never_last) is None
    assert handler.calls == [message.pk]


def test_a_handler_returning_none_means_processed(message, handler):
    handler.do = lambda m: None
    process_message(message_id=message.pk, is_last_attempt=never_last)
    message.refresh_from_db()
    assert (message.status, message.result_code) == (Status.PROCESSED, "processed")


def test_a_refused_message_loses_its_body_at_once_and_keeps_the_code(message, handler):
    handler.do = handle_refuse
    assert process_message(message_id=message.pk, is_last_attempt=never_last) == "refused"
    message.refresh_from_db()
    assert message.status == Status.REFUSED
    assert message.body is None
    assert IncomingMessage.objects.filter(pk=message.pk, body__isnull=True).exists()  # SQL NULL
    assert message.body_cleared_at is not None
    assert message.result_code == "no_legal_basis"
    assert len(message.body_sha256) == 64  # metadata stays


def test_what_a_refusing_handler_wrote_is_undone(message, handler):
    """A refusal is an exception: the handler's savepoint is rolled back, only the code kept."""

    def refuse_after_writing(m):
        SendingSystem.objects.create(name="skrevet-af-handler", token_sha256="f" * 64)
        handle_refuse(m)

    handler.do = refuse_after_writing
    process_message(message_id=message.pk, is_last_attempt=never_last)
    assert not SendingSystem.objects.filter(name="skrevet-af-handler").exists()


def test_a_failing_handler_is_retried_then_failed_and_its_writes_undone(message, handler, caplog):
    caplog.set_level(logging.DEBUG)

    def write_then_fail(m):
        SendingSystem.objects.create(name="halvt-skrevet", token_sha256="e" * 64)
        handle_fail(m)

    handler.do = write_then_fail
    with pytest.raises(HandlerFailed) as first:
        process_message(message_id=message.pk, is_last_attempt=never_last)
    message.refresh_from_db()
    assert message.status == Status.RECEIVED  # to be retried by the job
    assert (message.attempts, message.last_error_code) == (1, "RuntimeError")
    assert message.processed_at is None
    assert not SendingSystem.objects.filter(name="halvt-skrevet").exists()

    with pytest.raises(HandlerFailed) as last:
        process_message(message_id=message.pk, is_last_attempt=always_last)
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert (message.attempts, message.last_error_code) == (2, "RuntimeError")
    assert message.processed_at is not None
    assert message.body is not None  # for the operator, until the retention job
    assert counts_by_status()["failed"] == 1
    # neither the job's exception nor the log quote the message
    for exc in (first.value, last.value):
        assert str(exc) == "RuntimeError" and exc.__cause__ is None and exc.__suppress_context__
    assert SECRET_NAME not in caplog.text and SECRET_NOTE not in caplog.text
    assert "interchange_failed" in caplog.text


def test_a_message_without_a_handler_in_this_process_is_retried(message):
    handlers.unregister(TEST_TYPE)
    with pytest.raises(HandlerFailed):
        process_message(message_id=message.pk, is_last_attempt=never_last)
    message.refresh_from_db()
    assert (message.status, message.last_error_code) == (Status.RECEIVED, "no_handler")


def test_a_result_that_is_no_code_is_an_error(message, handler):
    handler.do = lambda m: "Not a code, maybe content"
    with pytest.raises(HandlerFailed):
        process_message(message_id=message.pk, is_last_attempt=always_last)
    message.refresh_from_db()
    assert (message.status, message.last_error_code) == (Status.FAILED, "bad_result_code")


def test_a_message_that_used_all_attempts_is_failed_without_running(message, handler, settings):
    """A run that killed its worker still counted: the next one gives up."""
    settings.JOBS_RETRY_MAX_ATTEMPTS = 3
    IncomingMessage.objects.filter(pk=message.pk).update(status=Status.PROCESSING, attempts=3)
    assert process_message(message_id=message.pk, is_last_attempt=never_last) == "failed"
    message.refresh_from_db()
    assert (message.status, message.last_error_code) == (Status.FAILED, "too_many_attempts")
    assert handler.calls == []


def test_a_message_left_processing_by_a_dead_worker_is_run_again(message, handler):
    IncomingMessage.objects.filter(pk=message.pk).update(status=Status.PROCESSING, attempts=1)
    assert process_message(message_id=message.pk, is_last_attempt=never_last) == "processed"
    message.refresh_from_db()
    assert message.attempts == 2


def test_counts_by_status_names_every_status(message, handler):
    assert counts_by_status() == {
        "received": 1,
        "processing": 0,
        "processed": 0,
        "refused": 0,
        "failed": 0,
    }


def test_refused_codes_must_be_codes():
    with pytest.raises(ValueError):
        handlers.Refused("Beboeren er ikke omfattet")


def test_a_type_is_registered_once():
    handlers.register("enkelt-type", handle_refuse)
    try:
        handlers.register("enkelt-type", handle_refuse)  # the same handler again: harmless
        with pytest.raises(ValueError):
            handlers.register("enkelt-type", handle_fail)
        with pytest.raises(ValueError):
            handlers.register("Ikke en type", handle_fail)
    finally:
        handlers.unregister("enkelt-type")
