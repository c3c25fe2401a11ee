"""Forms for the boards, their entries and the questions between meetings.

An entry form offers only the columns the user's sector may write (and, for housing staff, only
those the resident's consent lets them see); anything else posted is refused by ``lib.forms.Form``
and changes nothing. Board query strings are validated with plain forms: a bad value is ignored
and named in a message, never an error page.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from courses.forms import UserChoiceField
from lib.forms import DateInput, Form, hide_optional
from organisation.access import facility_members, team_members
from organisation.models import Facility

from . import columns
from .models import BoardCriterion, BoardEntry, EndReason, QuestionKind

# Every column's label, by key (``board.columns``; the timeline's history reads it too).
COLUMN_LABELS = {c.key: c.label for c in columns.COLUMNS}


def _max_length(name: str) -> int:
    return getattr(BoardEntry._meta.get_field(name), "max_length", None) or 5000


class TextAreaField(forms.CharField):
    """Free text from a textarea, with the browser's CRLF line breaks stored as LF, so an
    unchanged text compares equal to the saved one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class CriteriaField(forms.MultipleChoiceField):
    """The criteria in the order of ``BoardCriterion``, whatever order they were posted in."""

    def clean(self, value):
        chosen = set(super().clean(value))
        return [code for code in BoardCriterion.values if code in chosen]


def column_field(name: str, facility) -> forms.Field:
    """The form field for one board column, after its description and its model field."""
    column = columns.BY_KEY[name]
    model_field = BoardEntry._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey):  # the facility's contact person
        return UserChoiceField(
            label=column.label,
            help_text=column.help_text,
            queryset=facility_members(facility.pk).order_by("first_name", "last_name"),
            required=False,
            empty_label=_("Ikke udpeget"),
        )
    if isinstance(model_field, models.JSONField):  # the criteria
        return CriteriaField(
            label=column.label,
            help_text=column.help_text,
            choices=BoardCriterion.choices,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Vælg mindst én årsag til at være på tavlen.")},
        )
    if isinstance(model_field, models.DateField):  # the next review
        return forms.DateField(
            label=column.label,
            help_text=column.help_text,
            widget=DateInput,
            error_messages={"required": _("Sæt en dato for næste opfølgning.")},
        )
    rows = 4 if _max_length(name) > 3000 else 3
    return TextAreaField(
        label=column.label,
        help_text=column.help_text,
        max_length=_max_length(name),
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class EntryForm(Form):
    """Put a resident on the board, or edit an entry: the columns the user writes
    (``board.access.writable_columns``: the sector's own and the shared ones, less those the
    resident's consent keeps from them).

    When editing, the form carries the version the user loaded; the conflict page may post
    back which columns were in conflict and how the user resolved them.
    """

    allowed_extra_fields = ("resolve", "conflicts")

    def __init__(self, *args, writable, facility, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = list(writable)
        self.editing = editing
        for name in self.columns:
            self.fields[name] = column_field(name, facility)
        if editing:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1
            )

    def show_cell_meta(self, entry) -> None:
        """Under each column's label: who last changed it, and when."""
        for name in self.columns:
            meta = (entry.cell_meta or {}).get(name) or {}
            at = parse_datetime(meta.get("at") or "")
            if meta.get("name") and at is not None:
                changed = _("Sidst ændret af %(name)s, %(at)s.") % {
                    "name": meta["name"],
                    "at": date_format(timezone.localtime(at), "d.m.Y H:i"),
                }
                field = self.fields[name]
                field.help_text = f"{field.help_text} {changed}".strip()

    def clean_review_on(self):
        value = self.cleaned_data.get("review_on")
        if value and not self.editing and value < timezone.localdate():
            raise forms.ValidationError(_("Næste opfølgning kan ikke ligge før i dag."))
        return value

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.columns}


class ReviewForm(Form):
    """Followed up today: the next review date is required."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    next_review_on = forms.DateField(
        label=columns.label("review_on"),
        widget=DateInput,
        help_text=_("Opfølgningen i dag registreres; vælg datoen for den næste."),
        error_messages={"required": _("Sæt en dato for næste opfølgning.")},
    )

    def clean_next_review_on(self):
        value = self.cleaned_data["next_review_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Næste opfølgning skal ligge efter i dag."))
        return value


class EndForm(Form):
    """Take the resident off the board."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    end_reason = forms.ChoiceField(
        label=columns.label("end_reason"),
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg årsagen.")},
    )
    ending_text = TextAreaField(
        label=columns.label("ending_text"),
        required=True,
        max_length=_max_length("ending_text"),
        help_text=_("Hvordan og hvornår er indsatsen afsluttet med beboeren?"),
        error_messages={"required": _("Beskriv, hvordan indsatsen er afsluttet med beboeren.")},
    )


# --- board query strings ---------------------------------------------------------------------

VIEW_FULL = "fuld"
VIEW_COMPACT = "kompakt"


class BoardViewForm(forms.Form):
    """``?visning=kompakt&sort=review``: validated, and ignored where invalid."""

    visning = forms.ChoiceField(
        label=_("Visning"),
        choices=[(VIEW_FULL, _("Alle kolonner")), (VIEW_COMPACT, _("Kompakt"))],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sortering"),
        choices=[
            ("facility", _("Navn")),
            ("days", _("Længst på tavlen")),
            ("review", _("Næste opfølgning")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hide_optional(*self.fields.values())  # every filter is optional; saying so is noise

    def options(self) -> tuple[bool, str, list[str]]:
        """(compact, sort, what was ignored) from whatever was valid."""
        ignored = []
        if self.is_bound:
            self.is_valid()
            for name in self.errors:
                if name in self.fields:
                    ignored.append(str(self.fields[name].label))
        data = getattr(self, "cleaned_data", {})
        compact = data.get("visning") == VIEW_COMPACT
        return compact, data.get("sort") or "facility", ignored


class TeamBoardFilterForm(BoardViewForm):
    """The team board's filters: facility, contact person (team or housing), criterion."""

    facility: forms.ModelChoiceField[Facility] = forms.ModelChoiceField(
        label=_("Botilbud"), queryset=None, required=False, empty_label=_("Alle botilbud")
    )
    contact = UserChoiceField(
        label=_("Kontaktperson"),
        queryset=None,
        required=False,
        empty_label=_("Alle kontaktpersoner"),
        help_text=_("Kontaktperson i teamet eller på botilbuddet."),
    )
    criterion = forms.ChoiceField(
        label=_("Årsag (kriterie)"),
        choices=[("", _("Alle årsager")), *BoardCriterion.choices],
        required=False,
    )

    field_order = ["facility", "contact", "criterion", "sort", "visning"]

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        sort = cast(forms.ChoiceField, self.fields["sort"])
        choices = cast("list[tuple[str, Any]]", sort.choices)  # normalised by Django
        sort.choices = [("facility", _("Botilbud og navn")), *choices[1:]]
        facilities = Facility.objects.filter(team=team)
        cast(forms.ModelChoiceField, self.fields["facility"]).queryset = facilities.order_by("name")
        # the team's staff and the housing staff of the facilities it serves
        cast(forms.ModelChoiceField, self.fields["contact"]).queryset = (
            team_members(team.pk) | facility_members(facilities.values("pk"))
        ).order_by("first_name", "last_name", "pk")


# --- questions and updates ---------------------------------------------------------------


class QuestionForm(Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        initial=QuestionKind.QUESTION,
        error_messages={"required": _("Vælg, om det er et spørgsmål eller en opdatering.")},
    )
    text = TextAreaField(
        label=_("Tekst"),
        required=True,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Skriv spørgsmålet eller opdateringen.")},
    )


class AnswerForm(Form):
    answer = TextAreaField(
        label=_("Svar"),
        required=True,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Skriv svaret.")},
    )
