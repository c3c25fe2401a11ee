from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lib.forms import DateInput, Form, IdChoiceField, IdsChoiceField, hide_optional
from organisation.access import facility_members as access_facility_members
from organisation.access import team_members as access_team_members
from organisation.models import Facility, Profession
from residents.forms import PersonIdentifierField, ResidentIdentityForm, not_in_future

from .models import (
    ConsentForm,
    ConsentGivenBy,
    Course,
    Criterion,
    EndReason,
    Referral,
    ReferralSource,
    Transition,
)

TEXT_MAX = 5000


def team_members(team_id: int) -> QuerySet[User]:
    return access_team_members(team_id)


def team_doctors(team_id: int) -> QuerySet[User]:
    return access_team_members(team_id, professions=[Profession.DOCTOR])


def facility_members(facility_id: int) -> QuerySet[User]:
    return access_facility_members(facility_id)


class UserChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        user = cast(User, obj)
        return user.get_full_name() or user.username


class UsersChoiceField(IdsChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Model) -> str:
        user = cast(User, obj)
        return user.get_full_name() or user.username


class ConcernForm(Form):
    description = forms.CharField(
        label=_("Hvad er I bekymrede for?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Beskriv det, I har observeret, og hvad I har forsøgt. Teamet vurderer og vender tilbage."
        ),
    )


class ReasonForm(Form):
    """A required free-text reason (closing a concern, withdrawing a referral)."""

    reason = forms.CharField(
        label=_("Begrundelse"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReferralForm(Form):
    allowed_extra_fields = ("concern",)  # the concern being turned into this referral
    source = forms.ChoiceField(
        label=_("Henvisende instans"), choices=ReferralSource.choices, widget=forms.RadioSelect
    )
    referrer_name = forms.CharField(label=_("Henviser (navn og funktion)"), max_length=150)
    received_on = forms.DateField(
        label=_("Henvisning modtaget"), widget=DateInput, validators=[not_in_future]
    )
    reason = forms.CharField(
        label=_("Årsag til henvisning"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    criteria = forms.MultipleChoiceField(
        label=_("Målgruppekriterier"),
        choices=Criterion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Marker mindst ét kriterie, eller beskriv de øvrige forhold i fritekst. "
            "Ikke alle kriterier skal være opfyldt."
        ),
    )
    criteria_other = forms.CharField(
        label=_("Øvrige forhold (fritekst)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_given_by = forms.ChoiceField(
        label=_("Samtykke givet af"), choices=ConsentGivenBy.choices, widget=forms.RadioSelect
    )
    consent_form = forms.ChoiceField(
        label=_("Samtykkets form"), choices=ConsentForm.choices, widget=forms.RadioSelect
    )
    consent_informed_on = forms.DateField(
        label=_("Informeret og samtykket den"), widget=DateInput, validators=[not_in_future]
    )
    consent_confirmed = forms.BooleanField(
        label=_("Beboeren er informeret om tilbuddet og har givet samtykke til henvisningen"),
        required=True,
        error_messages={
            "required": _("Henvisning kræver, at beboeren er informeret og har samtykket.")
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        no_criteria = not cleaned.get("criteria")
        no_text = not (cleaned.get("criteria_other") or "").strip()
        if no_criteria and no_text and "criteria" not in self.errors:
            self.add_error(
                "criteria",
                _("Marker mindst ét kriterie, eller beskriv de øvrige forhold i fritekst."),
            )
        informed, received = cleaned.get("consent_informed_on"), cleaned.get("received_on")
        if informed and received and informed > received:
            self.add_error(
                "consent_informed_on",
                _("Samtykket skal være givet senest den dag, henvisningen modtages."),
            )
        return cleaned


# Either a criterion or the free text is needed: neither is "optional" on its own.
hide_optional(ReferralForm.base_fields["criteria"], ReferralForm.base_fields["criteria_other"])


class NewResidentReferralForm(ResidentIdentityForm, ReferralForm):
    """A referral of a resident who may not be registered yet: identity, facility, referral."""

    facility = IdChoiceField(label=_("Botilbud"), queryset=Facility.objects.none())

    field_order = ["identifier", "first_name", "last_name", "birth_date", "facility", "moved_in"]

    def __init__(
        self, *args: Any, facilities: QuerySet[Facility] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(IdChoiceField, self.fields["facility"]).queryset = (
            facilities if facilities is not None else Facility.objects.none()
        )


class VisitationForm(Form):
    ACCEPT, REJECT = "accept", "reject"
    decision = forms.ChoiceField(
        label=_("Afgørelse"),
        choices=[(ACCEPT, _("Visiteret – forløb oprettes")), (REJECT, _("Ikke visiteret"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Begrundelse"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    started_on = forms.DateField(
        label=_("Forløbets startdato"), widget=DateInput, required=False, validators=[not_in_future]
    )
    team_contacts = UsersChoiceField(
        label=_("Kontaktperson(er) i teamet"), queryset=User.objects.none(), required=False
    )
    responsible_doctor = UserChoiceField(
        label=_("Behandlingsansvarlig læge"), queryset=User.objects.none(), required=False
    )
    facility_contact = UserChoiceField(
        label=_("Kontaktperson på botilbuddet"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Kan udfyldes senere, hvis botilbuddet ikke har udpeget en endnu."),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        cast(IdsChoiceField, self.fields["team_contacts"]).queryset = team_members(referral.team_id)
        cast(IdChoiceField, self.fields["responsible_doctor"]).queryset = team_doctors(
            referral.team_id
        )
        cast(IdChoiceField, self.fields["facility_contact"]).queryset = facility_members(
            referral.facility_id
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == self.ACCEPT:
            required = {
                "started_on": _("Skriv forløbets startdato."),
                "team_contacts": _("Vælg mindst én kontaktperson i teamet."),
                "responsible_doctor": _("Vælg den behandlingsansvarlige læge."),
            }
            for name, message in required.items():
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return cleaned


class CourseContactsForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    team_contacts = UsersChoiceField(
        label=_("Kontaktperson(er) i teamet"), queryset=User.objects.none()
    )
    responsible_doctor = UserChoiceField(
        label=_("Behandlingsansvarlig læge"), queryset=User.objects.none()
    )
    facility_contact = UserChoiceField(
        label=_("Kontaktperson på botilbuddet"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(IdsChoiceField, self.fields["team_contacts"]).queryset = team_members(course.team_id)
        cast(IdChoiceField, self.fields["responsible_doctor"]).queryset = team_doctors(
            course.team_id
        )
        cast(IdChoiceField, self.fields["facility_contact"]).queryset = facility_members(
            course.facility_id
        )


class CourseEndForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=_("Slutdato"), widget=DateInput, validators=[not_in_future])
    end_reason = forms.ChoiceField(
        label=_("Årsag til afslutning"), choices=EndReason.choices, widget=forms.RadioSelect
    )
    transition = forms.ChoiceField(
        label=_("Planlagt overgang"), choices=Transition.choices, widget=forms.RadioSelect
    )
    end_summary = forms.CharField(
        label=_("Afslutningsnotat og overgangsplan"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Hvad er aftalt med beboeren, og hvem overtager hvad?"),
    )


class WardLookupForm(Form):
    identifier = PersonIdentifierField()


class ReferralConfirmForm(Form):
    checked = forms.BooleanField(
        label=_(
            "Jeg har kontrolleret, at det er den rigtige beboer, og at beboeren bor på botilbuddet"
        ),
        required=True,
        error_messages={"required": _("Sæt kryds for at bekræfte henvisningen.")},
    )


class ConcernParamForm(forms.Form):
    """The concern a referral starts from (``?bekymring=`` or the hidden ``concern`` field)."""

    concern = forms.IntegerField(min_value=1, max_value=2**63 - 1)
