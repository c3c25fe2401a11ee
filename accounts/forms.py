from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import Form

from . import codes

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


class ActivationCodeForm(Form):
    """The one-time activation code an administrator or leader gave the user."""

    allowed_extra_fields = ("next", "action")

    code = forms.CharField(
        label=_("Aktiveringskode"),
        help_text=_(
            "Tolv tegn, fx ABCD-EFGH-JKMN. Du får koden af din leder eller af en administrator "
            "i din region."
        ),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "input-width-s",
            }
        ),
        error_messages={"required": _("Skriv aktiveringskoden, du har fået.")},
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not codes.is_well_formed(code):
            raise forms.ValidationError(
                _("Aktiveringskoden skal være tolv bogstaver og tal, fx ABCD-EFGH-JKMN."),
                code="format",
            )
        return codes.normalise(code)


class IssueActivationForm(Form):
    """The leader's button: issue an activation code for one member."""

    user = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
