from django.conf import settings

from organisation.access import principal_for


def platform(request):
    user = getattr(request, "user", None)
    return {
        "environment_label": settings.ENVIRONMENT_LABEL,
        "request_id": getattr(request, "request_id", ""),
        "nav_principal": principal_for(user) if user is not None else None,
    }
