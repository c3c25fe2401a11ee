from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import DateInput, Form, hide_optional
from organisation.models import Facility

from .access import Recordable
from .models import Category, ConsentForm, ConsentKind, Direction, GivenBy, LegalBasis


class ConsentRecordForm(Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ConsentKind.choices, widget=forms.RadioSelect)
    facility = forms.ModelChoiceField(
        label=_("Botilbud"),
        queryset=Facility.objects.none(),
        required=False,
        help_text=_("Ved videregivelse: det botilbud, beboeren bor på."),
    )
    direction = forms.ChoiceField(
        label=_("Retning"), choices=Direction.choices, widget=forms.RadioSelect, required=False
    )
    categories = forms.MultipleChoiceField(
        label=_("Hvilke oplysninger"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Ved videregivelse eller frabedelse: vælg de konkrete typer af oplysninger."),
    )
    purpose = forms.CharField(
        label=_("Formål"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    legal_basis = forms.ChoiceField(
        label=_("Lovgrundlag"),
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    relatives = forms.CharField(
        label=_("Pårørende (navn og relation)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    form = forms.ChoiceField(label=_("Form"), choices=ConsentForm.choices, widget=forms.RadioSelect)
    given_by = forms.ChoiceField(
        label=_("Givet af"), choices=GivenBy.choices, widget=forms.RadioSelect
    )
    given_on = forms.DateField(label=_("Givet den"), widget=DateInput)
    expires_on = forms.DateField(
        label=_("Udløber"),
        widget=DateInput,
        required=False,
        help_text=_(
            "Samtykke til videregivelse til botilbuddet bortfalder senest et år efter, det er "
            "givet. Tomt: et år."
        ),
    )

    def __init__(self, *args: Any, allowed: Recordable, **kwargs: Any) -> None:
        """``allowed``: what this user may record about the resident
        (``consent.access.recordable``); the form offers exactly that and nothing else."""
        super().__init__(*args, **kwargs)
        facilities = cast("forms.ModelChoiceField[Facility]", self.fields["facility"])
        facilities.queryset = Facility.objects.filter(pk__in=allowed.facility_ids)
        kinds = cast(forms.ChoiceField, self.fields["kind"])
        kind_choices = [c for c in ConsentKind.choices if c[0] in allowed.kinds]
        kinds.choices = kind_choices
        directions = cast(forms.ChoiceField, self.fields["direction"])
        direction_choices = [c for c in Direction.choices if c[0] in allowed.directions]
        directions.choices = direction_choices
        if not allowed.by_team:
            kinds.error_messages["invalid_choice"] = _(
                "Botilbuddets personale kan kun registrere samtykke til det, botilbuddet "
                "videregiver til teamet. Samtykke til behandling, til inddragelse af pårørende "
                "og frabedelser registreres af teamet."
            )
            directions.error_messages["invalid_choice"] = _(
                "Botilbuddets personale kan kun registrere samtykke til det, botilbuddet "
                "videregiver til teamet. Samtykke til at dele teamets oplysninger med "
                "botilbuddet registreres af teamet, der har oplysningerne."
            )
            directions.help_text = _(
                "Samtykke til at dele teamets oplysninger med botilbuddet registreres af teamet."
            )
        for name, choices in (("kind", kind_choices), ("direction", direction_choices)):
            if len(choices) == 1:
                self.initial.setdefault(name, choices[0][0])
        hide_optional(  # required depending on the type
            *(
                self.fields[name]
                for name in (
                    "facility",
                    "direction",
                    "categories",
                    "purpose",
                    "legal_basis",
                    "relatives",
                )
            )
        )


class WithdrawForm(Form):
    note = forms.CharField(
        label=_("Note (valgfri)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
