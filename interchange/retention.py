"""Retention of message bodies: the JSON of a processed or failed message is deleted
``INTERCHANGE_KEEP_DAYS`` days (default 30) after processing ended; the row with its metadata
(sender, type, times, status, codes, the body's SHA-256) stays. A refused message's body is
deleted at once, when it is refused (``interchange.processing``)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from .models import IncomingMessage, Status

logger = logging.getLogger("btt.interchange")


def keep_days() -> int:
    return settings.INTERCHANGE_KEEP_DAYS


def clear_old_bodies(*, now: datetime.datetime | None = None) -> int:
    """Delete the bodies past their keep period; returns how many. Idempotent: a second run
    finds nothing."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=keep_days())
    cleared = IncomingMessage.objects.filter(
        status__in=[Status.PROCESSED, Status.FAILED],
        processed_at__lt=cutoff,
        body__isnull=False,
    ).update(body=None, body_cleared_at=now)
    logger.info("event=interchange_bodies_cleared count=%s keep_days=%s", cleared, keep_days())
    return cleared
