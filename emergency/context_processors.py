from . import access
from .selectors import active_emergency_for


def emergency(request):
    """The banner shown on every page while the user has an active emergency access."""
    user = getattr(request, "user", None)
    if user is None or not access.has_active(user):
        return {"active_emergency": None}
    return {"active_emergency": active_emergency_for(user)}
