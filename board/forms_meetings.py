"""Forms of the weekly meeting. They only validate; the services decide."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.forms import UsersChoiceField, facility_members, team_members
from lib.forms import DateInput, Form, hide_optional

from .models import MeetingSchedule

SMALLINT_MAX = 32767


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class EmptyForm(Form):
    """A confirmation with nothing to fill in (start a meeting, close it): only the CSRF token
    may be posted."""


class AgendaPositionForm(Form):
    """``?punkt=<position>`` in meeting mode."""

    punkt = forms.IntegerField(min_value=1, max_value=SMALLINT_MAX, required=False)


class ScheduleForm(Form):
    weekday = forms.TypedChoiceField(
        label=_("Ugedag"),
        coerce=int,
        choices=[
            ("", _("Vælg ugedag")),
            *(MeetingSchedule._meta.get_field("weekday").choices or ()),
        ],
    )
    starts_at = forms.TimeField(label=_("Tidspunkt"), widget=TimeInput)
    minutes_per_resident = forms.IntegerField(
        label=_("Minutter pr. beboer"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("Dagsordenen viser den planlagte tid pr. beboer og i alt."),
    )


class ItemForm(Form):
    """The note and decisions of one agenda item, with the version the user loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    note = forms.CharField(
        label=_("Notat"),
        required=False,
        max_length=5000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    decisions = forms.CharField(
        label=_("Beslutninger"),
        required=False,
        max_length=5000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# A note is what meetings usually produce; "(valgfri)" beside it would only be noise.
hide_optional(ItemForm.base_fields["note"], ItemForm.base_fields["decisions"])


class ActionForm(Form):
    """A follow-up agreed at the meeting: the owner from either sector, a due date from the
    meeting's date on."""

    text = forms.CharField(
        label=_("Handling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ChoiceField(label=_("Ansvarlig"))
    due_on = forms.DateField(label=_("Frist"), widget=DateInput)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        team = list(team_members(meeting.team_id).order_by("first_name", "last_name", "id"))
        team_ids = {u.pk for u in team}
        facility = [
            u
            for u in facility_members(meeting.facility_id).order_by("first_name", "last_name", "id")
            if u.pk not in team_ids
        ]
        self._owners = {str(u.pk): u for u in [*team, *facility]}

        def options(users):
            return [(str(u.pk), u.get_full_name() or u.username) for u in users]

        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            ("", _("Vælg ansvarlig")),
            (_("Botilbudsteam"), options(team)),
            (_("Botilbud"), options(facility)),
        ]

    def clean_owner(self):
        return self._owners[self.cleaned_data["owner"]]

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < self.meeting.held_on:
            raise forms.ValidationError(
                _("Fristen kan ikke ligge før mødets dato (%(date)s)."),
                params={"date": self.meeting.held_on.strftime("%d.%m.%Y")},
                code="before_meeting",
            )
        return due_on


class AttendanceForm(Form):
    team = UsersChoiceField(
        label=_("Fra botilbudsteamet"), queryset=User.objects.none(), required=False
    )
    facility = UsersChoiceField(
        label=_("Fra botilbuddet"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        team = team_members(meeting.team_id).order_by("first_name", "last_name", "id")
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = team
        cast(forms.ModelChoiceField, self.fields["facility"]).queryset = (
            facility_members(meeting.facility_id)
            .exclude(pk__in=team.values("pk"))
            .order_by("first_name", "last_name", "id")
        )
        hide_optional(self.fields["team"], self.fields["facility"])

    def users(self) -> list:
        return [*self.cleaned_data["team"], *self.cleaned_data["facility"]]


class NextForm(Form):
    """Where to go after a one-button POST (marking an action done): a path on this site."""

    next = forms.CharField(required=False, max_length=500)

    def clean_next(self):
        target = self.cleaned_data["next"]
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            return target if target.startswith("/") and not target.startswith("//") else ""
        return ""
