"""The form for recording a joint competence development activity (fælles
kompetenceudvikling): participants are offered from the facility's team and the facility only,
so a participant from elsewhere is an invalid choice."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.forms import UsersChoiceField, facility_members, team_members
from lib.forms import DateInput, Form

from .models import ActivityKind


class ActivityForm(Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Vælg type")), *ActivityKind.choices])
    held_on = forms.DateField(label=_("Dato"), widget=DateInput)
    topic = forms.CharField(label=_("Emne"), max_length=300)
    team_participants = UsersChoiceField(
        label=_("Deltagere fra botilbudsteamet"), queryset=User.objects.none(), required=False
    )
    facility_participants = UsersChoiceField(
        label=_("Deltagere fra botilbuddet"), queryset=User.objects.none(), required=False
    )
    other_participants = forms.CharField(
        label=_("Øvrige deltagere"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, facility, **kwargs):
        super().__init__(*args, **kwargs)
        team = (
            team_members(facility.team_id).order_by("first_name", "last_name", "id")
            if facility.team_id
            else User.objects.none()
        )
        cast(forms.ModelChoiceField, self.fields["team_participants"]).queryset = team
        cast(forms.ModelChoiceField, self.fields["facility_participants"]).queryset = (
            facility_members(facility.pk)
            .exclude(pk__in=team.values("pk"))
            .order_by("first_name", "last_name", "id")
        )

    def participants(self) -> list:
        return [
            *self.cleaned_data["team_participants"],
            *self.cleaned_data["facility_participants"],
        ]
