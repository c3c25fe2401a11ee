"""Forms of the leader's page "Medarbejdere og adgang"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import Form

from .models import FACILITY_ROLES, TEAM_ROLES, Profession, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _role_choices(kind: str) -> list[tuple[str, StrOrPromise]]:
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

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = _role_choices(kind)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        return username.strip()


class ChangeForm(Form):
    role = forms.ChoiceField(label=_("Rolle"))
    profession = forms.ChoiceField(label=_("Faggruppe"), choices=Profession.choices)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = _role_choices(kind)


class DecideForm(Form):
    decision = forms.ChoiceField(label=_("Beslutning"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: list[tuple[str, StrOrPromise]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["decision"]).choices = choices


class EndForm(Form):
    confirm = forms.BooleanField(
        label=_("Ja, afslut tilknytningen. Medarbejderen mister adgangen med det samme."),
        required=True,
    )
