"""Reads of a user's own notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from . import access
from .models import Notification

if TYPE_CHECKING:
    from organisation.access import AnyUser


def inbox(user: AnyUser) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return access.visible(user).order_by("-created_at", "-id")


def unread_count(user: AnyUser) -> int:
    """One query (the partial index ``notification_unread``)."""
    return access.visible(user).filter(read_at__isnull=True).count()
