from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from organisation.access import principal_for, require

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
    principal = principal_for(user)
    return (
        EmergencyAccess.objects.filter(
            team_id__in=principal.leader_team_ids, reviewed_at__isnull=True
        )
        .select_related("user", "resident", "team")
        .order_by("started_at", "id")
    )


def get_access_for_review(user, pk: int) -> EmergencyAccess:
    access = (
        EmergencyAccess.objects.filter(team_id__in=principal_for(user).leader_team_ids)
        .select_related("user", "resident", "team", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    require(access is not None)
    return access
