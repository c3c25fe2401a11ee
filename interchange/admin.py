"""The operator's view of the inbox in Django admin (superusers only: the messages are
platform-wide and hold health data, so region administrators do not see them).

Incoming messages are read-only and their bodies are never shown: the list and the detail
page show the sender, type, times, status, attempts and codes, and whether the body is still
kept. ``failed`` messages are the ones that need a person. Sending systems are added and get
new tokens by management command (the token is shown once); here a superuser may switch one
off or change its message types, with an audit row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import Action, Purpose
from audit.services import record

from .models import IncomingMessage, SendingSystem

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class _SuperuserOnly(_ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SendingSystem)
class SendingSystemAdmin(_SuperuserOnly):
    list_display = ["name", "active", "message_types", "created_at", "token_changed_at"]
    fields = ["name", "active", "message_types", "created_at", "token_changed_at"]
    readonly_fields = ["name", "created_at", "token_changed_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def save_model(self, request: HttpRequest, obj: SendingSystem, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(
            user=request.user,
            action=Action.UPDATE,
            obj=obj,
            purpose=Purpose.ADMINISTRATION,
            detail={
                "event": "interchange.system.changed",
                "active": obj.active,
                "message_types": obj.message_types,
            },
        )


# no body, anywhere: not in the list, not on the page, not searchable
MESSAGE_FIELDS: tuple[str, ...] = (
    "system",
    "message_type",
    "sender_message_id",
    "received_at",
    "status",
    "attempts",
    "last_error_code",
    "result_code",
    "processed_at",
    "body_sha256",
    "body_cleared_at",
)


@admin.register(IncomingMessage)
class IncomingMessageAdmin(_SuperuserOnly):
    list_display = [
        "id",
        "system",
        "message_type",
        "received_at",
        "status",
        "attempts",
        "last_error_code",
        "result_code",
        "processed_at",
        "body_kept",
    ]
    list_filter = ["status", "message_type", "system"]
    list_select_related = ["system"]
    date_hierarchy = "received_at"
    fields = readonly_fields = MESSAGE_FIELDS

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("body")

    @admin.display(boolean=True, description=_("indhold gemt"))
    def body_kept(self, obj: IncomingMessage) -> bool:
        return obj.body_cleared_at is None
