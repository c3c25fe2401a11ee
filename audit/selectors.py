from __future__ import annotations

from django.db.models import QuerySet

from organisation.access import principal_for, require
from residents.models import Resident

from .models import AuditEvent


def get_resident_for_log(user, pk: int) -> Resident:
    """Team leaders see the log of their own team's residents; nobody else (404)."""
    from residents.selectors import team_residents_of

    principal = principal_for(user)
    resident = team_residents_of(principal.leader_team_ids).filter(pk=pk).first()
    require(resident is not None)
    return resident


def resident_log(resident) -> QuerySet[AuditEvent]:
    """Who has seen or changed this resident's data, newest first."""
    return (
        AuditEvent.objects.filter(resident=resident).select_related("user").order_by("-at", "-id")
    )
