from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .menu import menu_for


def platform(request):
    user = getattr(request, "user", None)
    return {
        "environment_label": settings.ENVIRONMENT_LABEL,
        "request_id": getattr(request, "request_id", ""),
        # the main menu, asked of the policies once per request and only if a page shows it
        "menu": SimpleLazyObject(lambda: _menu(request, user)),
    }


def _menu(request, user) -> list:
    cached = getattr(request, "_menu_links", None)
    if cached is None:
        cached = request._menu_links = menu_for(user)
    return cached
