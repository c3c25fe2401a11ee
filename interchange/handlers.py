"""The handlers of incoming message types, registered by the apps that understand them.

The inbox knows no message type itself. An app higher in the layers registers a handler for
each type it accepts, once, in its ``AppConfig.ready``::

    from interchange.handlers import Refused, register

    def apply_hospital_notification(message: IncomingMessage) -> str:
        ...                                  # in the job's transaction
        if not allowed_by_law:
            raise Refused("no_legal_basis")  # body deleted at once, the code kept
        return "applied"                     # a short result code

    register("hospitalnotification", apply_hospital_notification)

Only registered types are accepted at ``POST /api/indbakke/<type>/`` (any other: 400
``unknown_type``), so with nothing registered the inbox accepts nothing.

A handler runs inside a database transaction (a savepoint) with the message row locked, and
what it writes commits together with the message's outcome. It returns a short result code
(or None: ``processed``), raises :class:`Refused` when the message must not be kept (the body
is deleted at once, the message ends ``refused``), or raises any other exception to be retried
with backoff; after the last attempt the message is ``failed``. Either exception rolls back
whatever the handler wrote.
A handler must be idempotent: a retry after a crash may run it again.

``message_id`` takes the parsed JSON and returns the sender's id of the message, the key that
makes a resent message a duplicate; the default reads a FHIR ``Bundle.id`` (else its first
``MessageHeader.id``), or a top-level ``"id"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import IncomingMessage

Handler = Callable[["IncomingMessage"], "str | None"]
MessageIdOf = Callable[[dict[str, Any]], "str | None"]

#: Result and error codes: short, safe to log and show.
CODE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,63}$")
#: Message types: also a URL path segment (``/api/indbakke/<type>/``).
MESSAGE_TYPE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: A sender's message id: FHIR ids are [A-Za-z0-9-.]{1,64}; we allow a little more.
MESSAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


class Refused(Exception):
    """The message must not be kept (e.g. no legal basis to hold it). ``code`` is a short code
    (``[a-z0-9_.:-]``, at most 64 characters) stored on the message; never message content."""

    def __init__(self, code: str) -> None:
        if not CODE.match(code):
            raise ValueError(f"refusal code must match {CODE.pattern}")
        super().__init__(code)
        self.code = code


def fhir_message_id(body: dict[str, Any]) -> str | None:
    """The sender's id of a FHIR message: ``Bundle.id``, else the first entry's
    ``MessageHeader.id``; for any other JSON object its top-level ``"id"``."""
    value = body.get("id")
    if isinstance(value, str) and value:
        return value
    if body.get("resourceType") == "Bundle":
        entries = body.get("entry")
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            resource = entries[0].get("resource")
            if isinstance(resource, dict) and resource.get("resourceType") == "MessageHeader":
                header_id = resource.get("id")
                return header_id if isinstance(header_id, str) else None
    return None


@dataclass(frozen=True)
class Registration:
    message_type: str
    handler: Handler
    message_id: MessageIdOf


_registry: dict[str, Registration] = {}


def register(
    message_type: str, handler: Handler, *, message_id: MessageIdOf = fhir_message_id
) -> None:
    """Accept ``message_type`` and process it with ``handler``. Registering a type twice with
    another handler is an error (two apps claiming one type)."""
    if not MESSAGE_TYPE.match(message_type):
        raise ValueError(f"message type must match {MESSAGE_TYPE.pattern}")
    existing = _registry.get(message_type)
    if existing is not None and existing.handler is not handler:
        raise ValueError(f"message type {message_type!r} already has a handler")
    _registry[message_type] = Registration(message_type, handler, message_id)


def unregister(message_type: str) -> None:
    """Remove a registration (for tests)."""
    _registry.pop(message_type, None)


def get(message_type: str) -> Registration | None:
    return _registry.get(message_type)


def registered_types() -> frozenset[str]:
    return frozenset(_registry)
