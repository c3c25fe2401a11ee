from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import services
from .selectors import inbox as inbox_of

if TYPE_CHECKING:
    from organisation.access import AuthenticatedHttpRequest

PER_PAGE = 25


@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own notifications, newest first ("Beskeder")."""
    page = Paginator(inbox_of(request.user), PER_PAGE).get_page(request.GET.get("side"))
    return render(request, "notifications/list.html", {"page": page})


@require_GET
def count(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The unread count for the header's "Beskeder" link, fetched by htmx after the page has
    loaded, so that no page pays a query for it (one query here)."""
    return render(request, "notifications/count.html")


@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the user's own notification read (404 for anyone else's)."""
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect("notifications:list")
