from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from audit.actors import set_principal_source


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Audit rows name the acting user's units and roles; the audit app is a layer below
        # and may not import this one, so it gets the principal from here.
        from .access import principal_for  # models are ready only now

        set_principal_source(principal_for)
