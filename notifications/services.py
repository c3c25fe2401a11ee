"""Writes of notifications: ask for a fan-out, mark one read.

``notify`` is what other apps call, inside their own service's transaction: the fan-out job is
deferred only when that transaction commits (``lib.jobs.defer_on_commit``), so a rolled-back
change notifies nobody, and the worker writes the rows (``notifications.tasks.fan_out``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lib.jobs import defer_on_commit

from . import access
from .models import Kind, Notification
from .tasks import fan_out

if TYPE_CHECKING:
    from organisation.access import AnyUser

__all__ = ["is_local_url", "notification_mark_read", "notify"]

MAX_URL = Notification._meta.get_field("url").max_length or 300
MAX_KEY = Notification._meta.get_field("dedupe_key").max_length or 200


def is_local_url(url: str) -> bool:
    """A path on this site ("/beboere/12/"): never another host, scheme or a script."""
    return (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and not any(ch.isspace() or ord(ch) < 32 for ch in url)
        and len(url) <= MAX_URL
    )


def notify(*, kind: str, recipients: Iterable[int], url: str, dedupe_key: str) -> None:
    """Notify the users ``recipients`` (ids) that ``kind`` happened at ``url`` (a path on this
    site, with ids only: no CPR numbers or names). Once per recipient and ``dedupe_key`` (ids
    and codes only, e.g. ``f"consent-lapse:{consent.pk}:30"``), however often it is called.
    The rows are written by a job after the caller's transaction commits."""
    if kind not in Kind.values:
        raise ValidationError("unknown notification kind", code="kind")
    if not is_local_url(url):
        raise ValidationError("a notification links to a path on this site", code="url")
    if not dedupe_key or len(dedupe_key) > MAX_KEY:
        raise ValidationError("a dedupe key is required", code="dedupe_key")
    recipient_ids = sorted({int(pk) for pk in recipients})
    if not recipient_ids:
        return
    defer_on_commit(fan_out, kind=kind, recipient_ids=recipient_ids, url=url, dedupe_key=dedupe_key)


@transaction.atomic
def notification_mark_read(*, user: AnyUser, notification_id: int) -> Notification:
    """Mark the user's own notification read (404 for anyone else's). Reading your own inbox
    touches no resident data, so no audit row is written (as for the session itself)."""
    notification = access.get_for_user(user, notification_id)
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
