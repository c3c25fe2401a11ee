"""Reads of emergency accesses. Who may see which is ``emergency.access``'s answer; these keep
the names the views use."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from . import access as policy
from .models import EmergencyAccess


def _active(qs: QuerySet[EmergencyAccess]) -> QuerySet[EmergencyAccess]:
    now = timezone.now()
    return qs.filter(ended_at__isnull=True, started_at__lte=now, expires_at__gt=now)


def active_emergency_resident_ids(user) -> set[int]:
    return set(
        _active(EmergencyAccess.objects.filter(user=user)).values_list("resident_id", flat=True)
    )


def active_emergency_for(user) -> EmergencyAccess | None:
    return _active(EmergencyAccess.objects.filter(user=user)).select_related("resident").first()


def review_queue(user) -> QuerySet[EmergencyAccess]:
    """Unreviewed emergency accesses by members of the teams this user leads."""
    return (
        policy.visible(user)
        .filter(reviewed_at__isnull=True)
        .select_related("user", "resident", "team")
        .order_by("started_at", "id")
    )


def get_access_for_review(user, pk: int) -> EmergencyAccess:
    """The review page (404 unless the user leads the team it was opened from)."""
    return policy.get_for_user(user, pk, action=policy.VIEW)
