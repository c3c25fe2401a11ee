"""The period and options of a dashboard or an export (read from the query string)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lib.forms import DateInput, Form, hide_optional

from .adherence import MEDICATION_REVIEW_CHOICES, MEDICATION_REVIEW_DAYS
from .before_after import DEFAULT_WINDOW, WINDOW_CHOICES
from .periods import GRANULARITIES, MAX_YEARS, MONTH, Period, default_period, make_period

EARLIEST = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class Options:
    period: Period
    window: int = DEFAULT_WINDOW
    medication_days: int = MEDICATION_REVIEW_DAYS

    def query(self) -> str:
        params: dict[str, str | int] = {
            "fra": self.period.start.isoformat(),
            "til": self.period.end.isoformat(),
            "inddeling": self.period.granularity,
            "vindue": self.window,
            "medicin": self.medication_days,
        }
        return urlencode(params)


class PeriodForm(Form):
    fra = forms.DateField(label=_("Fra"), required=False, widget=DateInput())
    til = forms.DateField(label=_("Til og med"), required=False, widget=DateInput())
    inddeling = forms.ChoiceField(label=_("Inddeling"), choices=GRANULARITIES, required=False)
    vindue = forms.TypedChoiceField(
        label=_("Før og efter tavlen: vindue"),
        choices=[(d, _("%(days)s dage") % {"days": d}) for d in WINDOW_CHOICES],
        coerce=int,
        required=False,
    )
    medicin = forms.TypedChoiceField(
        label=_("Medicingennemgang inden for"),
        choices=[(d, _("%(days)s dage") % {"days": d}) for d in MEDICATION_REVIEW_CHOICES],
        coerce=int,
        required=False,
    )
    allowed_extra_fields = ("tabel",)

    def clean(self):
        """Checks the period as it will be used: a missing start or end is filled in from the
        defaults first, so a start after today (no end given) or an end before 2000 (no start
        given) is caught here too, not in the database."""
        cleaned = super().clean()
        today = timezone.localdate()
        granularity = cleaned.get("inddeling") or self.default_granularity
        typed_start, typed_end = cleaned.get("fra"), cleaned.get("til")
        if "fra" in self.errors or "til" in self.errors:
            return cleaned
        if typed_end is not None and typed_end > today:
            self.add_error("til", _("Slutdatoen kan ikke ligge efter i dag."))
            return cleaned
        end = typed_end or today
        start = typed_start or default_period(end, granularity).start
        if typed_start is not None and typed_start > today:
            self.add_error("fra", _("Startdatoen kan ikke ligge efter i dag."))
        elif start > end:
            self.add_error("til", _("Slutdatoen skal ligge efter startdatoen."))
        elif start < EARLIEST:
            if typed_start is not None:
                self.add_error("fra", _("Startdatoen kan ikke ligge før 1. januar 2000."))
            else:
                self.add_error("til", _("Perioden kan ikke begynde før 1. januar 2000."))
        elif (end - start).days > MAX_YEARS * 366:
            self.add_error(
                "fra", _("Vælg en periode på højst %(years)s år.") % {"years": MAX_YEARS}
            )
        else:
            cleaned["period"] = make_period(start, end, granularity)
        return cleaned

    def __init__(self, *args, granularity: str = MONTH, **kwargs):
        """``granularity``: the default (quarters for a region, months for a team)."""
        super().__init__(*args, **kwargs)
        self.default_granularity = granularity
        hide_optional(*self.fields.values())

    def options(self) -> Options:
        """The chosen options; the defaults where a value is missing or the form is invalid
        (the errors are shown on the page). An empty form shows the options in use."""
        default = default_period(granularity=self.default_granularity)
        if not self.is_bound:
            options = Options(default)
            self.initial = {
                "fra": default.start,
                "til": default.end,
                "inddeling": default.granularity,
                "vindue": options.window,
                "medicin": options.medication_days,
            }
            return options
        if not self.is_valid():
            return Options(default)
        data = self.cleaned_data
        return Options(
            data["period"],
            window=data.get("vindue") or DEFAULT_WINDOW,
            medication_days=data.get("medicin") or MEDICATION_REVIEW_DAYS,
        )

    def error_text(self) -> str:
        """The form's errors in one line, for an export refused with 400."""
        messages = []
        for field, errors in self.errors.items():
            label = self.fields[field].label if field in self.fields else ""
            for error in errors:
                messages.append(f"{label}: {error}" if label else str(error))
        return " ".join(messages)
