"""django-axes with a second limit: failures from one address across all usernames.

django-axes counts failures per parameter set and compares the largest count with one limit
(``AXES_FAILURE_LIMIT``). We keep its per-username-and-address lockout at that limit and add
``AXES_ADDRESS_FAILURE_LIMIT`` failures from one address, whatever the usernames, within the
cool-off: the address is then locked for everyone (a password spray from one machine).

The address is not added to ``AXES_LOCKOUT_PARAMETERS``: with ``AXES_RESET_ON_SUCCESS`` a
successful login deletes the attempts of every parameter set it matches, so anyone with one
working account could clear the address's count by logging in. Here only that user's own
attempts are cleared.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off, over all usernames."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: an address over its limit counts as locked for every username."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
