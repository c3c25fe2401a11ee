from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from btt.forms import Form

_TOKEN = re.compile(r"^[0-9]{6}$")


class TokenForm(Form):
    """The six-digit code from the authenticator app (spaces allowed, as apps show 123 456)."""

    allowed_extra_fields = ("next",)

    token = forms.CharField(
        label=_("Kode fra din autentificeringsapp"),
        help_text=_("Seks cifre. Koden skifter hvert 30. sekund."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "input-width-xs",
            }
        ),
        error_messages={"required": _("Skriv koden fra din autentificeringsapp.")},
    )

    def clean_token(self):
        token = re.sub(r"\s", "", self.cleaned_data["token"])
        if not _TOKEN.match(token):
            raise forms.ValidationError(_("Koden skal være seks cifre."), code="format")
        return token
