"""Forms for the cooperation agreements (samarbejdsaftaler)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.forms import DateInput, Form

from .models import SECTIONS, TEXT_SECTIONS, WEEKDAYS


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class EmptyForm(Form):
    """A confirmation (create, sign): only the CSRF token may be posted."""


def _weekday_choices():
    return [(str(number), label) for number, label in WEEKDAYS]


class AgreementEditForm(Form):
    """One textarea per Bilag 1 text section plus the structured fields of the version."""

    lock = forms.IntegerField(widget=forms.HiddenInput)
    visit_days = forms.MultipleChoiceField(
        label=_("Faste besøgsdage"),
        choices=_weekday_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    visit_from = forms.TimeField(label=_("Besøg fra"), widget=TimeInput, required=False)
    visit_to = forms.TimeField(label=_("Besøg til"), widget=TimeInput, required=False)
    meeting_weekday = forms.TypedChoiceField(
        label=_("Ugentligt tavlemøde, ugedag"),
        choices=[("", "—"), *_weekday_choices()],
        coerce=int,
        empty_value=None,
        required=False,
    )
    meeting_time = forms.TimeField(
        label=_("Tavlemøde, tidspunkt"), widget=TimeInput, required=False
    )
    team_contacts = forms.CharField(
        label=_("Faste kontaktpersoner i botilbudsteamet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    facility_contacts = forms.CharField(
        label=_("Faste kontaktpersoner på botilbuddet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    shared_mailbox = forms.EmailField(label=_("Botilbudsteamets fællespostkasse"), required=False)
    team_phone = forms.CharField(label=_("Botilbudsteamets telefon"), max_length=30, required=False)
    opening_days = forms.MultipleChoiceField(
        label=_("Åbningsdage"),
        choices=_weekday_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    opens_at = forms.TimeField(label=_("Åbner"), widget=TimeInput, required=False)
    closes_at = forms.TimeField(label=_("Lukker"), widget=TimeInput, required=False)
    after_hours = forms.CharField(
        label=_("Hvem ringer botilbuddet til uden for åbningstid"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    STRUCTURED = (
        "visit_days",
        "visit_from",
        "visit_to",
        "meeting_weekday",
        "meeting_time",
        "team_contacts",
        "facility_contacts",
        "shared_mailbox",
        "team_phone",
        "opening_days",
        "opens_at",
        "closes_at",
        "after_hours",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        headings = dict(SECTIONS)
        for key in TEXT_SECTIONS:
            self.fields[f"section_{key}"] = forms.CharField(
                label=headings[key],
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                max_length=20000,
            )

    @staticmethod
    def initial_for(agreement, version) -> dict:
        initial = {"lock": agreement.version}
        for key in TEXT_SECTIONS:
            initial[f"section_{key}"] = version.sections.get(key, "")
        for name in AgreementEditForm.STRUCTURED:
            value = getattr(version, name)
            if name in ("visit_days", "opening_days"):
                value = [str(day) for day in value or []]
            initial[name] = value
        return initial

    def section_fields(self):
        return [self[f"section_{key}"] for key in TEXT_SECTIONS]

    def structured_fields(self):
        return [self[name] for name in self.STRUCTURED]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.STRUCTURED}
        fields["visit_days"] = sorted(int(day) for day in data["visit_days"])
        fields["opening_days"] = sorted(int(day) for day in data["opening_days"])
        for name in (
            "team_contacts",
            "facility_contacts",
            "shared_mailbox",
            "team_phone",
            "after_hours",
        ):
            fields[name] = fields[name] or ""
        sections = {key: data[f"section_{key}"] for key in TEXT_SECTIONS}
        return {"lock": data["lock"], "sections": sections, **fields}


class TerminateForm(Form):
    given_on = forms.DateField(
        label=_("Opsagt den"),
        widget=DateInput,
        help_text=_("Aftalen ophører ved udgangen af måneden, når varslet er udløbet."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
