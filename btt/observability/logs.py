"""Log lines as JSON objects, and the filter that scrubs them (settings.LOGGING and
deploy/gunicorn.conf.py).

Every line is one JSON object with ``time`` (UTC, ISO 8601), ``level``, ``logger``,
``message``, the ``request_id`` of the request being served (if any) and the record's extra
fields. Two extras are never written as they come:

- ``request``: Django's ``django.request`` and ``django.security`` loggers attach the request
  object, whose text form holds the full URL with its query string.
- ``job``: procrastinate attaches the job with its arguments; only its id, queue, task name,
  status and attempts are kept.

Gunicorn's access records (logger ``gunicorn.access``) carry the request's "atoms" as their
arguments; ``AccessJsonFormatter`` picks the method, the path without the query string, the
status, the duration and the response's X-Request-ID from them, and nothing else (no client
address, referrer, user agent or query string).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from lib.request_id import current_request_id

from .scrub import scrub

_JOB_FIELDS = ("id", "queue", "task_name", "status", "attempts")
_DROPPED = frozenset({"request", "color_message"})
_FIRST = ("time", "level", "logger", "message", "request_id")

# What gunicorn's access record may contribute, by atom (see gunicorn.glogging.Logger.atoms).
_ACCESS_ATOMS = {
    "method": "m",
    "path": "U",  # PATH_INFO: the path without the query string
    "status": "s",
    "duration_ms": "M",
    "response_bytes": "B",
    "request_id": "{x-request-id}o",  # the id RequestIdMiddleware gave the response
}


class PersonNumberFilter(logging.Filter):
    """Scrubs CPR- and replacement-number-like runs from the message, its arguments and the
    exception text of every record a handler writes (``scrub.scrub``). Attached to the
    handlers, so it also sees records that propagate from any logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            # gunicorn's access atoms (a dict that answers "-" for a missing header): scrubbed
            # in place, so that AccessJsonFormatter can still read them
            for key, value in list(record.args.items()):
                if isinstance(value, str):
                    record.args[key] = scrub(value)
            record.msg = scrub(str(record.msg))
        else:
            try:
                message = record.getMessage()
            except (TypeError, ValueError, KeyError):
                return True  # a malformed call: the handler reports it as logging does
            record.msg, record.args = scrub(message), ()
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line (see the module docstring). The finished line is scrubbed
    once more, so an extra field cannot carry a CPR number past the filter either."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message if hasattr(record, "message") else ""
        for key in _DROPPED:
            log_data.pop(key, None)
        job = log_data.get("job")
        if isinstance(job, Mapping):
            log_data["job"] = {key: job[key] for key in _JOB_FIELDS if key in job}
        if not log_data.get("request_id"):
            log_data["request_id"] = current_request_id() or None
        # time, level, logger, message and request id first, then the rest as they came
        ordered = {key: log_data.pop(key, None) for key in _FIRST}
        rest = dict(log_data)
        log_data.clear()
        log_data.update({k: v for k, v in ordered.items() if v is not None or k == "message"})
        log_data.update(rest)

    def serialize_log_record(self, log_data: dict[str, Any]) -> str:
        return scrub(super().serialize_log_record(log_data))


class AccessJsonFormatter(JsonFormatter):
    """Gunicorn's access log as JSON: method, path without query, status, duration, bytes
    and request id, read from the record's atoms; the message is the access_log_format line
    (built from the same atoms, see deploy/gunicorn.conf.py)."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if isinstance(record.args, Mapping) else {}
        for field, atom in _ACCESS_ATOMS.items():
            if atom not in atoms:
                continue
            value = atoms[atom]
            if value in (None, "-"):
                continue
            if field in ("status", "duration_ms", "response_bytes"):
                try:
                    value = int(str(value))
                except (TypeError, ValueError):
                    continue
            log_data[field] = value
