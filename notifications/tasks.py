"""Jobs of the notifications app: the fan-out that writes one row per recipient."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from procrastinate.contrib.django import app

from lib.jobs import RETRY

from .models import Kind, Notification

logger = logging.getLogger(__name__)


@app.task(name="notifications.fan_out", retry=RETRY)
def fan_out(*, kind: str, recipient_ids: list[int], url: str, dedupe_key: str) -> int:
    """Write the notification for every active recipient that does not have this
    ``dedupe_key`` yet; a second run (a retry, a repeated reminder) writes nothing.
    Returns the number of rows written."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    with transaction.atomic():
        active = set(
            get_user_model()
            .objects.filter(pk__in=recipient_ids, is_active=True)
            .values_list("pk", flat=True)
        )
        have = set(
            Notification.objects.filter(recipient_id__in=active, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
        new = sorted(active - have)
        # a concurrent run may have written some meanwhile: the unique constraint skips them
        Notification.objects.bulk_create(
            [
                Notification(recipient_id=pk, kind=kind, url=url, dedupe_key=dedupe_key)
                for pk in new
            ],
            ignore_conflicts=True,
        )
    logger.info(
        "notifications fanned out",
        extra={"kind": kind, "recipients": len(active), "rows": len(new)},
    )
    return len(new)
