from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.cpr import (
    IdentifierKind,
    InvalidIdentifier,
    ParsedIdentifier,
    parse_identifier,
    replacement_birth_date_matches,
)
from lib.forms import DateInput, Form, IdChoiceField
from organisation.models import Facility

IDENTIFIER_ERRORS = {
    "format": _(
        "Skriv et CPR-nummer med 10 cifre (fx 120345-6789) eller et erstatnings-CPR "
        "(6 cifre, 1 ciffer, 2 store bogstaver og 1 ciffer, fx 1203451AB2)."
    ),
    "date": _("Datoen i nummeret findes ikke."),
    "future": _("Fødselsdatoen i nummeret ligger i fremtiden."),
}


class PersonIdentifierField(forms.CharField):
    """A CPR number or a replacement number; cleans to a ``lib.cpr.ParsedIdentifier``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("CPR-nummer eller erstatnings-CPR"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> ParsedIdentifier | None:  # type: ignore[override]
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return None
        try:
            return parse_identifier(text, today=timezone.localdate())
        except InvalidIdentifier as exc:
            raise forms.ValidationError(IDENTIFIER_ERRORS[exc.code], code=exc.code) from exc

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        return None  # the max length applies to the typed text, checked in clean()

    def clean(self, value: Any) -> Any:
        if value and len(value) > 20:
            raise forms.ValidationError(IDENTIFIER_ERRORS["format"], code="format")
        return super().clean(value)


def not_in_future(value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("Datoen kan ikke ligge i fremtiden."), code="future")


class ResidentIdentityForm(Form):
    """Who the resident is and since when they live at the facility."""

    identifier = PersonIdentifierField()
    first_name = forms.CharField(label=_("Fornavn(e)"), max_length=100)
    last_name = forms.CharField(label=_("Efternavn"), max_length=100)
    birth_date = forms.DateField(
        label=_("Fødselsdato"),
        required=False,
        widget=DateInput,
        validators=[not_in_future],
        help_text=_("Kun ved erstatnings-CPR. Ved CPR-nummer udledes fødselsdatoen af nummeret."),
    )
    moved_in = forms.DateField(
        label=_("Indflyttet på botilbuddet"), widget=DateInput, validators=[not_in_future]
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        identifier = cleaned.get("identifier")
        birth_date = cleaned.get("birth_date")
        if identifier is None:
            return cleaned
        if identifier.kind == IdentifierKind.CPR:
            cleaned["birth_date"] = identifier.birth_date
        elif birth_date is None:
            if "birth_date" not in self.errors:
                self.add_error(
                    "birth_date", _("Skriv fødselsdatoen, når der bruges erstatnings-CPR.")
                )
        elif not replacement_birth_date_matches(identifier.value, birth_date):
            self.add_error(
                "birth_date", _("Fødselsdatoen passer ikke med de første seks cifre i nummeret.")
            )
        return cleaned


class ResidentSearchForm(Form):
    q = forms.CharField(
        label=_("Navn eller CPR-nummer"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )


class _FacilityField(IdChoiceField):
    """A facility, labelled with its region."""

    def label_from_instance(self, obj: Model) -> str:
        facility = cast(Facility, obj)
        return f"{facility.name} ({facility.region.name})"


class MoveForm(Form):
    """A move recorded by someone who acts for the resident: to a facility in ``facilities``
    (``residents.access.move_destinations``: the same region)."""

    to_facility = _FacilityField(
        label=_("Flytter til botilbud"),
        queryset=None,
        help_text=_(
            "Kun botilbud i samme region. En flytning til en anden region foreslås af det nye "
            "botilbud og bekræftes af jer."
        ),
        error_messages={
            "invalid_choice": _(
                "Vælg et botilbud i samme region. En flytning til en anden region foreslås af "
                "det nye botilbud (»Foreslå flytning«) og bekræftes her; indtil da ændres intet."
            )
        },
    )
    moved_in = forms.DateField(
        label=_("Indflyttet på det nye botilbud"), widget=DateInput, validators=[not_in_future]
    )

    def __init__(
        self,
        *args: Any,
        facilities: QuerySet[Facility],
        exclude_facility_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        queryset = facilities.select_related("region").order_by("region__name", "name")
        if exclude_facility_id is not None:
            queryset = queryset.exclude(pk=exclude_facility_id)
        cast(IdChoiceField, self.fields["to_facility"]).queryset = queryset


class MoveConfirmForm(Form):
    checked = forms.BooleanField(
        label=_("Jeg har kontrolleret, at det er den rigtige beboer, og at flytningen er korrekt"),
        required=True,
        error_messages={"required": _("Sæt kryds for at bekræfte flytningen.")},
    )


class MoveRejectForm(Form):
    reason = forms.CharField(
        label=_("Begrundelse"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
