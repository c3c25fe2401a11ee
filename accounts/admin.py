"""Staff accounts in Django admin, limited to the administrator's own region (accounts.access).

Region administrators create, change and deactivate the accounts of their region, reset a
password or an authenticator (new phone) and issue one-time activation codes for accounts that
open no resident data (a team or facility member gets theirs from a leader, so that nobody who
sets a password also enrols the authenticator); they never grant admin rights and never see or
touch accounts of another region. The authenticator devices
themselves (django-otp's admin) are for superusers only: a device added there with a known key
would skip the activation code.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisation.access import principal_for
from organisation.models import Region

from . import access
from .codes import ACTIVATION_LIFETIME
from .models import User
from .services import activation_issue, totp_devices_reset

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Region admins create and deactivate staff users of their region but cannot grant admin
    rights."""

    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    actions = ["reset_authenticator", "issue_activation"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Administration"), {"fields": ("region",)}),
    )
    limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personlige oplysninger"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "region")}),
    )
    limited_add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2", "region"),
            },
        ),
    )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=access.visible(request.user).values("pk"))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return access.can(request.user, access.MANAGE, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return access.can(request.user, access.MANAGE, obj)

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets if obj is not None else self.limited_add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return ("region",)
        return ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and not request.user.is_superuser and "region" in form.base_fields:
            form.base_fields["region"].required = True
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region" and not request.user.is_superuser:
            kwargs["queryset"] = Region.objects.filter(
                pk__in=principal_for(request.user).admin_region_ids
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Nulstil autentificeringsapp (ny telefon)"), permissions=["change"])
    def reset_authenticator(self, request, queryset):
        allowed = queryset.filter(pk__in=access.manageable(request.user).values("pk"))
        done = 0
        for user in allowed:
            totp_devices_reset(user=request.user, target=user)
            done += 1
        if done:
            self.message_user(
                request,
                _(
                    "Brugerne skal have en ny aktiveringskode for at sætte en ny "
                    "autentificeringsapp op."
                ),
                messages.SUCCESS,
            )
        if done < queryset.count():
            self.message_user(
                request,
                _("Nogle af de valgte brugere hører også til en anden region og blev ikke ændret."),
                messages.WARNING,
            )

    @admin.action(description=_("Udsted aktiveringskode (første autentificeringsapp)"))
    def issue_activation(self, request, queryset):
        """Issue a code for each selected user and show the codes once."""
        issued: list[tuple[Any, Any]] = []
        refused: list[tuple[Any, StrOrPromise]] = []
        leader_only = queryset.filter(
            pk__in=access.activated_by_leader_only(request.user).values("pk")
        ).exclude(pk__in=access.activatable(request.user).values("pk"))
        for user in leader_only:
            refused.append((user, _("Aktiveringskoden udstedes af brugerens leder.")))
        for user in queryset.filter(pk__in=access.activatable(request.user).values("pk")):
            try:
                result = activation_issue(user=request.user, target=user)
            except ValidationError as error:
                refused.append((user, " ".join(error.messages)))
            else:
                issued.append((user, result))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Aktiveringskoder"),
            "opts": self.model._meta,
            "issued": issued,
            "refused": refused,
            "hours": int(ACTIVATION_LIFETIME.total_seconds() // 3600),
        }
        return TemplateResponse(request, "admin/accounts/user/activation_codes.html", context)


class SuperuserOnlyTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's device admin (which can add a device with a chosen key and show secrets),
    for superusers only. Region admins reset authenticators through the user list."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SuperuserOnlyTOTPDeviceAdmin)
