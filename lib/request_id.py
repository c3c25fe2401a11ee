"""A request id for logs and audit rows: set once per request by ``RequestIdMiddleware``, read
anywhere below with ``current_request_id()``."""

from __future__ import annotations

import contextvars
import datetime
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# What a proxy may hand us as a request id: 8 to 64 letters, digits and hyphens, nothing else
# (``fullmatch``: a trailing newline does not slip through as it would with ``$``).
_SAFE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
# Six digits that may be a birth date (DDMMYY), an optional hyphen, then four characters
# shaped like the rest of a CPR number (four digits) or of a replacement number (a digit, two
# letters, a digit).
_PERSON_NUMBER = re.compile(r"(?=(\d{2})(\d{2})\d{2}-?\d[0-9A-Za-z]{2}\d)")


def current_request_id() -> str:
    return _request_id.get()


def _may_be_person_number(value: str) -> bool:
    for match in _PERSON_NUMBER.finditer(value):
        day, month = int(match.group(1)), int(match.group(2))
        try:
            datetime.date(2000, month, day)  # a leap year: 29 February is a date too
        except ValueError:
            continue
        return True
    return False


def accepted_request_id(incoming: str | None) -> str | None:
    """The client's (proxy's) X-Request-ID when it is safe to store and log as it is: the
    strict shape above and nothing that could be a CPR or replacement number. Otherwise None,
    and the caller makes a fresh id; the raw value is never stored or logged."""
    if not incoming or len(incoming) > 64 or not _SAFE_ID.fullmatch(incoming):
        return None
    if _may_be_person_number(incoming):
        return None
    return incoming


def new_request_id() -> str:
    """A random id (32 hex digits) that, by chance, does not look like a person number."""
    while True:
        candidate = uuid.uuid4().hex
        if not _may_be_person_number(candidate):
            return candidate


class RequestIdMiddleware:
    """Gives every request an id (or keeps a well-formed one from the proxy, see
    ``accepted_request_id``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get("X-Request-ID")) or new_request_id()
        vars(request)["request_id"] = request_id  # read by the error pages and templates
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response
