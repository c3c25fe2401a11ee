from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from organisation.hooks import set_emergency_source


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("Nødadgang")

    def ready(self) -> None:
        # The principal (organisation.access, a layer below) counts the resident an active
        # emergency access opens; it may not import this app, so it learns how from here.
        from .selectors import active_emergency_resident_ids  # models are ready only now

        set_emergency_source(active_emergency_resident_ids)
