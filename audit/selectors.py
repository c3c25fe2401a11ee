from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def resident_log(resident) -> QuerySet[AuditEvent]:
    """Who has seen or changed this resident's data, newest first. Ask ``audit.access`` first:
    this selector does not check who is asking."""
    return (
        AuditEvent.objects.filter(resident=resident).select_related("user").order_by("-at", "-id")
    )
