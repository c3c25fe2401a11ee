"""Forms of the leader's page "Medarbejdere og adgang"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from btt.forms import Form

from .models import FACILITY_ROLES, TEAM_ROLES, Profession, Role


def _role_choices(kind: str):
    roles = TEAM_ROLES if kind == "team" else FACILITY_ROLES
    return [(r, Role(r).label) for r in roles]


class GrantForm(Form):
    username = forms.CharField(
        label=_("Brugernavn"),
        max_length=150,
        help_text=_("Medarbejderen skal have en bruger i regionen."),
    )
    role = forms.ChoiceField(label=_("Rolle"))
    profession = forms.ChoiceField(label=_("Faggruppe"), choices=Profession.choices)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(kind)

    def clean_username(self):
        return self.cleaned_data["username"].strip()


class ChangeForm(Form):
    role = forms.ChoiceField(label=_("Rolle"))
    profession = forms.ChoiceField(label=_("Faggruppe"), choices=Profession.choices)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(kind)


class DecideForm(Form):
    decision = forms.ChoiceField(label=_("Beslutning"), widget=forms.RadioSelect)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices


class EndForm(Form):
    confirm = forms.BooleanField(
        label=_("Ja, afslut tilknytningen. Medarbejderen mister adgangen med det samme."),
        required=True,
    )
