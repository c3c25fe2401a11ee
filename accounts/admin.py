from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import totp_devices_reset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Region admins create and deactivate staff users but cannot grant admin rights."""

    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    actions = ["reset_authenticator"]
    limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personlige oplysninger"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active",)}),
    )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(is_superuser=False, is_staff=False)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.limited_fieldsets
        return super().get_fieldsets(request, obj)

    @admin.action(description=_("Nulstil autentificeringsapp (ny telefon)"), permissions=["change"])
    def reset_authenticator(self, request, queryset):
        for user in queryset:
            totp_devices_reset(user=user, by=request.user)
        self.message_user(
            request,
            _("Brugerne sætter en ny autentificeringsapp op, næste gang de logger ind."),
            messages.SUCCESS,
        )
