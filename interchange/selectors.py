"""Reads of the inbox: who is sending, and how many messages stand in each status."""

from __future__ import annotations

from django.db.models import Count

from .models import IncomingMessage, SendingSystem, Status
from .tokens import bearer_token, same_hash, token_sha256

# compared against when no system has the presented token, so both paths do the same work
_NO_SYSTEM_HASH = "0" * 64


def system_for_authorization(authorization: str | None) -> tuple[SendingSystem | None, str]:
    """The active sending system whose token is in the ``Authorization`` header, or None with
    the reason, for the log only (the sender is told ``invalid_token`` whatever it was):
    ``missing_token``, ``malformed_token``, ``unknown_token`` (also a rotated one),
    ``inactive_system``."""
    if not authorization:
        return None, "missing_token"
    token = bearer_token(authorization)
    if token is None:
        return None, "malformed_token"
    presented = token_sha256(token)
    system = SendingSystem.objects.filter(token_sha256=presented).first()
    matches = same_hash(system.token_sha256 if system else _NO_SYSTEM_HASH, presented)
    if system is None or not matches:
        return None, "unknown_token"
    if not system.active:
        return None, "inactive_system"
    return system, "ok"


def counts_by_status() -> dict[str, int]:
    """Messages per status, every status named (0 when none): for the operator's job status
    and metrics. A ``failed`` message needs a person (Django admin, "Modtagne meddelelser")."""
    counts = dict.fromkeys(Status.values, 0)
    for row in IncomingMessage.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts
