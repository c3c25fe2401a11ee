"""Denied attempts are logged too: every 404 or 403 raised by a gatekeeper for a signed-in
user writes one audit row with outcome "denied" (the URL name and its ids, never a CPR).

When the gatekeeper named the resident the request concerned (``audit.denials``), the row
carries that resident, so the resident's own log shows the attempt; the answer to the user is
the same 404 or 403 either way.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .denials import resident_id_of
from .models import Action
from .services import record_denied


class AuditDenialsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        match = getattr(request, "resolver_match", None)
        record_denied(
            user=user,
            action=Action.VIEW if request.method in ("GET", "HEAD") else Action.UPDATE,
            resident_id=resident_id_of(exception),
            detail={
                "url_name": match.view_name if match else "",
                "kwargs": {k: str(v) for k, v in (match.kwargs if match else {}).items()},
                "method": request.method,
                "status": 404 if isinstance(exception, Http404) else 403,
            },
        )
        return None
