"""Throttles for steps whose answer could help someone probe which CPR numbers exist (the ward
look-up, registration and move proposals, referral by number).

The count comes from the audit rows, so a limit holds across server processes; the user's row
is locked first, so one user's concurrent requests queue instead of slipping past the count.
Only allowed rows count: a refused attempt (logged with outcome ``denied``) does not extend the
wait.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.models import AuditEvent, Outcome

if TYPE_CHECKING:
    from organisation.access import User


def limit_reached(*, user: User, limit: int, window: datetime.timedelta, **criteria: Any) -> bool:
    """Has ``user`` made ``limit`` allowed steps within ``window``? ``criteria`` filter the
    audit rows that count (e.g. ``action=Action.LOOKUP`` or ``detail__probe="registration"``).
    Call inside the step's transaction."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    since = timezone.now() - window
    counted = AuditEvent.objects.filter(
        user=user, outcome=Outcome.ALLOWED, at__gte=since, **criteria
    ).count()
    return counted >= limit
