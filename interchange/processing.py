"""Processing one incoming message: the body of the job ``interchange.tasks.process_message``.

Two short transactions, each with the message row locked (``SELECT ... FOR UPDATE SKIP
LOCKED``: a second worker with a job for the same message skips it instead of waiting):

1. the message becomes ``processing`` and its attempt is counted; committed before the
   handler runs, so a run that kills the worker still counts (after the maximum number of
   attempts such a message is ``failed`` with ``too_many_attempts``);
2. the handler runs in a savepoint and the outcome is recorded with it: ``processed`` (with the
   handler's result code), ``refused`` (body deleted, the refusal code kept), or, when it
   raised, back to ``received`` to be retried, or ``failed`` on the last attempt. After the
   commit the job raises ``HandlerFailed(code)``, so the job is retried (or failed) as well;
   never the handler's own exception, whose text may quote the message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import handlers
from .handlers import CODE, Refused
from .models import TRANSITIONS, IncomingMessage, Status

logger = logging.getLogger("btt.interchange")


class NoHandler(Exception):
    """No handler is registered for the message's type in this process (a worker running
    other code than the web process, during a deploy): retried like any error."""

    code = "no_handler"


class HandlerFailed(Exception):
    """Raised by the job instead of the handler's own exception, whose text (and traceback
    locals) may quote message content: the worker logs only this class and the code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class BadResult(Exception):
    """The handler returned something that is not a short result code."""

    code = "bad_result_code"


def max_attempts() -> int:
    """Runs in total before a message is given up (the jobs' own limit, lib/jobs.py)."""
    return int(getattr(settings, "JOBS_RETRY_MAX_ATTEMPTS", 5))


def error_code(exc: BaseException) -> str:
    """A short code for an exception: its ``code`` attribute when that is a code, else its
    class name. Never ``str(exc)``, which may quote message content."""
    code = getattr(exc, "code", None)
    if isinstance(code, str) and CODE.match(code):
        return code
    return type(exc).__name__[:64]


def _move(message: IncomingMessage, status: str) -> None:
    if status not in TRANSITIONS[message.status]:
        raise RuntimeError(f"interchange message cannot go from {message.status} to {status}")
    message.status = status


def _locked(message_id: int, statuses: list[str]) -> IncomingMessage | None:
    return (
        IncomingMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=message_id, status__in=statuses)
        .first()
    )


def _log(event: str, message: IncomingMessage, **fields: object) -> None:
    text = " ".join(f"{key}={value}" for key, value in fields.items())
    logger.info(
        "event=%s message_id=%s message_type=%s status=%s attempts=%s %s",
        event,
        message.pk,
        message.message_type,
        message.status,
        message.attempts,
        text,
    )


def process_message(
    *, message_id: int, is_last_attempt: Callable[[BaseException], bool]
) -> str | None:
    """Run the handler of one message and record the outcome; returns the new status, or None
    when there was nothing to do (already finished, or another worker holds the row).

    ``is_last_attempt(exc)`` says whether a failure now is final (the job's retry strategy
    decides). A failure raises ``HandlerFailed`` after its outcome is committed."""
    with transaction.atomic():
        message = _locked(message_id, [Status.RECEIVED, Status.PROCESSING])
        if message is None:
            return None
        if message.attempts >= max_attempts():
            _move(message, Status.FAILED)
            message.last_error_code = "too_many_attempts"
            message.processed_at = timezone.now()
            message.save(update_fields=["status", "last_error_code", "processed_at"])
            _log("interchange_failed", message, code=message.last_error_code)
            return message.status
        _move(message, Status.PROCESSING)
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])

    error: BaseException | None = None
    with transaction.atomic():
        message = _locked(message_id, [Status.PROCESSING])
        if message is None:
            return None
        registration = handlers.get(message.message_type)
        fields = ["status", "result_code", "last_error_code", "processed_at"]
        try:
            if registration is None:
                raise NoHandler()
            with transaction.atomic():
                result = registration.handler(message)
            if result is None:
                result = "processed"
            if not isinstance(result, str) or not CODE.match(result):
                raise BadResult()
        except Refused as refusal:
            _move(message, Status.REFUSED)
            message.result_code = refusal.code
            message.body = None
            message.body_cleared_at = message.processed_at = timezone.now()
            fields += ["body", "body_cleared_at"]
            _log("interchange_refused", message, code=refusal.code)
        except Exception as exc:  # any other failure of the handler is retried
            error = exc
            message.last_error_code = error_code(exc)
            if is_last_attempt(exc):
                _move(message, Status.FAILED)
                message.processed_at = timezone.now()
                logger.warning(
                    "event=interchange_failed message_id=%s message_type=%s attempts=%s code=%s",
                    message.pk,
                    message.message_type,
                    message.attempts,
                    message.last_error_code,
                )
            else:
                _move(message, Status.RECEIVED)
                _log("interchange_retry", message, code=message.last_error_code)
        else:
            _move(message, Status.PROCESSED)
            message.result_code = result
            message.processed_at = timezone.now()
            _log("interchange_processed", message, code=result)
        message.save(update_fields=fields)
    if error is not None:
        raise HandlerFailed(message.last_error_code) from None
    return message.status
