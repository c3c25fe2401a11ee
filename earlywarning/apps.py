from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from record.signals import entry_saved


class EarlywarningConfig(AppConfig):
    name = "earlywarning"
    verbose_name = _("Tidlig opsporing")

    def ready(self) -> None:
        # The record sits below early warning and announces its entries; we queue the team's
        # recompute (on commit) for the kinds the rules read.
        from .receivers import entry_saved_recompute  # models are ready only now

        entry_saved.connect(entry_saved_recompute, dispatch_uid="earlywarning.entry_saved")
