"""Who may see a notification: its recipient, nobody else (404 for everyone else)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from .models import Notification

if TYPE_CHECKING:
    from organisation.access import AnyUser

READ = "read"


def visible(user: AnyUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def get_for_user(user: AnyUser, pk: int, *, action: str = READ) -> Notification:
    """The user's own notification, or 404 (another user's looks like a missing one)."""
    notification = visible(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def can(user: AnyUser, action: str, obj: Notification) -> bool:
    return user.is_authenticated and obj.recipient_id == user.pk
