from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import AuditEvent

if TYPE_CHECKING:
    from residents.models import Resident


def resident_log(resident: Resident) -> QuerySet[AuditEvent]:
    """Who has seen or changed this resident's data, newest first. Ask
    ``residents.log_access`` first: this selector does not check who is asking."""
    return (
        AuditEvent.objects.filter(resident=resident).select_related("user").order_by("-at", "-id")
    )
