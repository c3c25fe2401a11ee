from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from accounts.oidc.session import (
    fresh_reauthentication,
    reauthentication_provider_label,
    reauthentication_url,
    use_reauthentication,
)
from lib.forms import Form
from residents.forms import PersonIdentifierField

from .models import ReasonCategory


class EmergencyAccessForm(Form):
    identifier = PersonIdentifierField()
    reason_category = forms.ChoiceField(
        label=_("Årsag"), choices=ReasonCategory.choices, widget=forms.RadioSelect
    )
    reason_text = forms.CharField(
        label=_("Begrundelse"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Begrundelsen gemmes og gennemgås af din leder."),
    )
    password = forms.CharField(
        label=_("Bekræft med din adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        # Signed in through an identity provider (accounts.oidc): a fresh login there
        # (prompt=login) is the re-authentication; the password stays for those who have one.
        self.reauth_url = reauthentication_url(request, request.get_full_path())
        self.reauth_provider = reauthentication_provider_label(request)
        self.reauthenticated_at_provider = fresh_reauthentication(request)
        if self.reauthenticated_at_provider or (
            self.reauth_url and not request.user.has_usable_password()
        ):
            del self.fields["password"]

    def refuse_reauthentication(self) -> None:
        if "password" in self.fields:
            self.add_error("password", _("Adgangskoden er forkert."))
        else:
            self.add_error(
                None,
                _("Bekræft først med et nyt login hos %(provider)s.")
                % {"provider": self.reauth_provider},
            )

    def reauthenticated(self) -> bool:
        """The password checked again through the authentication backends (so failures count
        towards the lockout like any other), or a fresh login at the identity provider (used
        up here)."""
        if self.reauthenticated_at_provider:
            return use_reauthentication(self.request)
        if "password" not in self.fields:
            return False
        user = self.request.user
        again = authenticate(
            self.request, username=user.get_username(), password=self.cleaned_data["password"]
        )
        return again is not None and again.pk == user.pk


class ReviewForm(Form):
    note = forms.CharField(
        label=_("Leders vurdering"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
