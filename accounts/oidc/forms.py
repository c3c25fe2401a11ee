"""The password login form with the ``OIDC_PASSWORD_LOGIN`` policy (``accounts.oidc.policy``)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..security import log_event
from .policy import password_login_allowed


class PasswordLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "federated_only": _(
            "Din bruger logger ind med din organisations login. Brug knappen med din "
            "organisations navn."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not password_login_allowed(user):
            log_event(
                "password_login_refused",
                request=self.request,
                user=user,
                reason="federated_only",
                level=logging.WARNING,
            )
            raise ValidationError(self.error_messages["federated_only"], code="federated_only")
