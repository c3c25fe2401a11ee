from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

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

    def reauthenticated(self) -> bool:
        """The password checked again through the authentication backends (so failures count
        towards the lockout like any other)."""
        user = self.request.user
        again = authenticate(
            self.request, username=user.get_username(), password=self.cleaned_data["password"]
        )
        return again is not None and again.pk == user.pk


class ReviewForm(Form):
    note = forms.CharField(
        label=_("Leders vurdering"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
