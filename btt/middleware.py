"""No caching of authenticated pages. (The request id for logs and audit rows is
``lib.request_id``: the audit log, at the bottom of the layers, reads it.)"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_vary_headers


class NoStoreMiddleware:
    """Pages shown to a signed-in user carry resident data: never cache them anywhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private, max-age=0"
        if request.headers.get("HX-Request") is not None or getattr(request, "htmx_aware", False):
            patch_vary_headers(response, ["HX-Request"])
        return response
