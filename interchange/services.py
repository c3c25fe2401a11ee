"""Writes of the inbox: receiving a message, adding a sending system, rotating its token."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action, Purpose
from audit.services import record
from lib.jobs import defer_on_commit

from . import handlers, tasks
from .handlers import MESSAGE_ID, MESSAGE_TYPE
from .models import IncomingMessage, SendingSystem
from .tokens import new_token, token_sha256

logger = logging.getLogger("btt.interchange")

#: Deeper JSON is refused (a FHIR Bundle is about 10 levels deep).
MAX_DEPTH = 64


class BadMessage(Exception):
    """A message that cannot be accepted; ``code`` says why (safe to log and to answer)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ParsedBody:
    data: dict[str, Any]
    sha256: str


def _check_strings(data: Any) -> None:
    """Refuse what JSON allows but PostgreSQL's JSONB does not (NUL characters) and nesting
    deeper than MAX_DEPTH. Iterative: no recursion on hostile input."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadMessage("too_deep")
        if isinstance(value, str):
            if "\x00" in value:
                raise BadMessage("bad_json")
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise BadMessage("bad_json")
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python accepts them, JSON not


def parse_body(raw: bytes) -> ParsedBody:
    """The posted bytes as a JSON object, or ``BadMessage`` with the reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadMessage("not_utf8") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BadMessage("bad_json") from None
    if not isinstance(data, dict):
        raise BadMessage("not_an_object")
    _check_strings(data)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        encoded = canonical.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate escape ("\ud800")
        raise BadMessage("bad_json") from None
    return ParsedBody(data=data, sha256=hashlib.sha256(encoded).hexdigest())


@dataclass(frozen=True)
class Receipt:
    message: IncomingMessage
    created: bool


def message_receive(*, system: SendingSystem, message_type: str, body: ParsedBody) -> Receipt:
    """Store a message and defer its processing when the transaction commits. A message whose
    sender id this system has sent before is not stored again: the earlier one is returned
    (``created`` False); with a different body that is ``BadMessage("message_id_reused")``.

    The caller has checked that ``system`` may send ``message_type`` and that a handler is
    registered for it."""
    registration = handlers.get(message_type)
    if registration is None:
        raise BadMessage("unknown_type")
    try:
        sender_id = registration.message_id(body.data)
    except Exception:  # an extractor must not turn bad input into a 500
        sender_id = None
    if not isinstance(sender_id, str) or not MESSAGE_ID.match(sender_id):
        raise BadMessage("missing_message_id")
    try:
        with transaction.atomic():
            message = IncomingMessage.objects.create(
                system=system,
                message_type=message_type,
                sender_message_id=sender_id,
                body=body.data,
                body_sha256=body.sha256,
            )
            defer_on_commit(tasks.process_message, message_id=message.pk)
    except IntegrityError:
        existing = IncomingMessage.objects.filter(
            system=system, sender_message_id=sender_id
        ).first()
        if existing is None:  # not the uniqueness: a real error
            raise
        if existing.body_sha256 != body.sha256 or existing.message_type != message_type:
            raise BadMessage("message_id_reused") from None
        logger.info(
            "event=interchange_duplicate message_id=%s system_id=%s", existing.pk, system.pk
        )
        return Receipt(existing, created=False)
    logger.info(
        "event=interchange_received message_id=%s system_id=%s message_type=%s",
        message.pk,
        system.pk,
        message_type,
    )
    return Receipt(message, created=True)


def _clean_types(message_types: list[str]) -> list[str]:
    cleaned = sorted({t.strip() for t in message_types if t.strip()})
    for message_type in cleaned:
        if not MESSAGE_TYPE.match(message_type):
            raise ValueError(f"message type {message_type!r} must match {MESSAGE_TYPE.pattern}")
    return cleaned


@transaction.atomic
def system_add(*, name: str, message_types: list[str]) -> tuple[SendingSystem, str]:
    """A new sending system and its bearer token (returned once: only its hash is kept)."""
    name = name.strip()
    if not name:
        raise ValueError("a sending system needs a name")
    token = new_token()
    system = SendingSystem.objects.create(
        name=name, message_types=_clean_types(message_types), token_sha256=token_sha256(token)
    )
    record(
        user=None,
        action=Action.CREATE,
        obj=system,
        purpose=Purpose.ADMINISTRATION,
        detail={"event": "interchange.system.added", "message_types": system.message_types},
    )
    return system, token


@transaction.atomic
def system_rotate_token(*, name: str) -> tuple[SendingSystem, str]:
    """A new token for a sending system; the old one stops working at once."""
    system = SendingSystem.objects.select_for_update().get(name=name)
    token = new_token()
    system.token_sha256 = token_sha256(token)
    system.token_changed_at = timezone.now()
    system.save(update_fields=["token_sha256", "token_changed_at"])
    record(
        user=None,
        action=Action.UPDATE,
        obj=system,
        purpose=Purpose.ADMINISTRATION,
        detail={"event": "interchange.system.token_rotated"},
    )
    return system, token
