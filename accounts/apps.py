from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Brugere")

    def ready(self):
        from axes.signals import user_locked_out

        from . import security

        user_locked_out.connect(security.on_locked_out, dispatch_uid="accounts.security.lockout")
