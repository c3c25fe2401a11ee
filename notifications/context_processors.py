"""The unread count as ``unread_notifications``: lazy, so it costs one query only on a page
that shows it (``notifications/count.html``, which the header loads with htmx) and none
elsewhere, and nothing for anonymous users."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
