"""One form per kind of entry. The form is the kind's schema: its fields are what is stored.

Fields named ``occurred_on``, ``occurred_until``, ``review_on`` and ``subtype`` go to the
entry's columns (so lists, the timeline and the indicators can query them); every other field
goes to ``Entry.data``. The same form, with ``correcting=True``, corrects an entry: it adds the
version the user loaded and the reason for the correction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.forms import DateInput, Form
from residents.forms import not_in_future

from .kinds import Kind

COLUMNS = ("occurred_on", "occurred_until", "review_on", "subtype")
EARLIEST = datetime.date(1990, 1, 1)
MAX_REVIEW_AHEAD = datetime.timedelta(days=2 * 366)


def _not_too_early(value):
    if value is not None and value < EARLIEST:
        raise forms.ValidationError(
            _("Datoen kan ikke ligge før %(date)s.") % {"date": EARLIEST.strftime("%d.%m.%Y")},
            code="too_early",
        )


def text(label, *, required=True, rows=3, max_length=3000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def line(label, *, required=True, max_length=200, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text
    )


def date(label, *, required=True, future=False, help_text=""):
    validators = [_not_too_early] + ([] if future else [not_in_future])
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        validators=validators,
        help_text=help_text,
    )


def choice(label, choices, *, required=True, radio=True):
    if not required:
        choices = [("", _("Ikke angivet")), *choices]
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect if radio else forms.Select,
    )


def multi(label, choices, *, required=False):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=required, widget=forms.CheckboxSelectMultiple
    )


def integer(label, *, min_value=0, max_value=1000, required=False, help_text=""):
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        required=required,
        help_text=help_text,
    )


class EntryForm(Form):
    kind: str = ""
    # the page to return to after saving (checked in the view), posted beside the fields
    allowed_extra_fields = ("next",)
    until_before_start = _("Slutdatoen kan ikke ligge før startdatoen.")
    # fields shown first on a quick entry; the rest follow
    occurred_on = date(_("Dato"))

    def __init__(self, *args, correcting: bool = False, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {"occurred_on": timezone.localdate()}
        super().__init__(*args, **kwargs)
        if correcting:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["correction_reason"] = forms.CharField(
                label=_("Årsag til rettelsen"),
                max_length=1000,
                help_text=_(
                    'Fx "Udskrevet", "Forkert dosis rettet". Den oprindelige '
                    "version kan stadig læses."
                ),
            )

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("occurred_on")
        until = cleaned.get("occurred_until")
        review = cleaned.get("review_on")
        if start and until and until < start:
            self.add_error(
                "occurred_until",
                forms.ValidationError(self.until_before_start, code="until_before_start"),
            )
        if start and review:
            if review <= start:
                self.add_error(
                    "review_on",
                    forms.ValidationError(
                        _("Datoen for revurdering skal ligge efter datoen ovenfor."),
                        code="review_before_start",
                    ),
                )
            elif review > start + MAX_REVIEW_AHEAD:
                self.add_error(
                    "review_on",
                    forms.ValidationError(
                        _("Revurdering skal ske inden for to år."), code="review_too_late"
                    ),
                )
        return cleaned

    # --- mapping between the form and the entry -----------------------------------------

    def split(self) -> tuple[dict, dict]:
        """(columns, data) from cleaned_data, with data in JSON-safe form."""
        columns, data = {}, {}
        skip = {"version", "correction_reason"}
        for name, value in self.cleaned_data.items():
            if name in skip:
                continue
            if name in COLUMNS:
                columns[name] = value if value != "" or name != "subtype" else ""
            else:
                data[name] = _json_safe(value)
        columns.setdefault("occurred_until", None)
        columns.setdefault("review_on", None)
        columns["subtype"] = columns.get("subtype") or ""
        return columns, data

    @classmethod
    def initial_from(cls, state) -> dict:
        """Initial values from an entry or a version."""
        initial = dict(state.data)
        for name in COLUMNS:
            if name in cls.base_fields:
                initial[name] = getattr(state, name)
        return initial

    @classmethod
    def display(cls, state) -> list[tuple[str, str]]:
        """(label, value) for each filled field of an entry or version, in form order."""
        rows = []
        for name, field in cls.base_fields.items():
            value = getattr(state, name) if name in COLUMNS else state.data.get(name)
            shown = _shown(field, value)
            if shown:
                rows.append((str(field.label), shown))
        return rows

    @classmethod
    def values(cls, state) -> dict[str, str]:
        """Field name → the value as shown (choice labels, dd.mm.yyyy dates; "" if empty)."""
        return {
            name: _shown(field, getattr(state, name) if name in COLUMNS else state.data.get(name))
            for name, field in cls.base_fields.items()
        }


def _json_safe(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _shown(field, value) -> str:
    if value in (None, "", [], False):
        return ""
    if value is True:
        return str(_("Ja"))
    if isinstance(value, str) and isinstance(field, forms.DateField):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if choices:
        return str(choices.get(value, value))
    return str(value)


# --- Assessments ---------------------------------------------------------------------------


class PsychiatricForm(EntryForm):
    kind = Kind.PSYCHIATRIC
    occurred_on = date(_("Vurderet den"))
    background = text(_("Baggrund og anledning"), required=False)
    mental_state = text(_("Psykisk tilstand"), rows=5)
    diagnoses = line(_("Diagnoser (hvis stillet)"), required=False, max_length=500)
    functioning = text(_("Funktionsniveau og hverdag"), required=False)
    conclusion = text(_("Konklusion og plan"), rows=4)
    review_on = date(_("Næste revurdering"), required=False, future=True)


RISK_LEVELS = [
    ("low", _("Lav")),
    ("moderate", _("Moderat")),
    ("high", _("Høj")),
    ("acute", _("Akut")),
]
RISK_FACTORS = [
    ("previous_attempt", _("Tidligere selvmordsforsøg")),
    ("plans", _("Selvmordstanker med plan")),
    ("hopelessness", _("Håbløshed")),
    ("substance", _("Rusmiddelbrug")),
    ("recent_discharge", _("Nylig udskrivelse")),
    ("loss", _("Tab eller krise")),
    ("psychosis", _("Psykotiske symptomer")),
    ("isolation", _("Social isolation")),
]


class SuicideRiskForm(EntryForm):
    kind = Kind.SUICIDE_RISK
    occurred_on = date(_("Vurderet den"))
    subtype = choice(_("Risikoniveau"), RISK_LEVELS)
    risk_factors = multi(_("Risikofaktorer"), RISK_FACTORS)
    risk_text = text(_("Risikofaktorer (uddybning)"), required=False)
    protective_factors = text(_("Beskyttende faktorer"))
    actions = text(_("Tiltag"), help_text=_("Hvad gør vi nu, og hvem gør det?"))
    review_on = date(_("Næste vurdering"), future=True)


SUBSTANCES = [
    ("alcohol", _("Alkohol")),
    ("cannabis", _("Hash/cannabis")),
    ("stimulants", _("Centralstimulerende stoffer")),
    ("opioids", _("Opioider")),
    ("benzodiazepines", _("Benzodiazepiner")),
    ("other", _("Andet")),
]
INTEGRATED = [
    ("yes", _("Ja")),
    ("no", _("Nej")),
    ("unclear", _("Uafklaret")),
]


class SubstanceForm(EntryForm):
    kind = Kind.SUBSTANCE
    occurred_on = date(_("Vurderet den"))
    substances = multi(_("Rusmidler"), SUBSTANCES)
    pattern = text(_("Forbrug og mønster"))
    motivation = text(_("Beboerens motivation og ønsker"), required=False)
    municipal_treatment = line(_("Kommunal misbrugsbehandling"), required=False)
    subtype = choice(_("Behov for integreret behandling"), INTEGRATED)
    review_on = date(_("Næste revurdering"), required=False, future=True)


class SomaticForm(EntryForm):
    kind = Kind.SOMATIC
    occurred_on = date(_("Undersøgt den"))
    blood_pressure_systolic = integer(_("Blodtryk, systolisk (mmHg)"), min_value=50, max_value=300)
    blood_pressure_diastolic = integer(
        _("Blodtryk, diastolisk (mmHg)"), min_value=20, max_value=200
    )
    pulse = integer(_("Puls (slag/min)"), min_value=20, max_value=250)
    weight_kg = forms.DecimalField(
        label=_("Vægt (kg)"), min_value=20, max_value=350, decimal_places=1, required=False
    )
    waist_cm = integer(_("Taljemål (cm)"), min_value=40, max_value=250)
    blood_tests = text(_("Blodprøver (fx blodsukker, kolesterol, EKG)"), required=False)
    findings = text(_("Fund"), rows=4)
    follow_up = text(_("Opfølgning (fx via egen læge)"), required=False)
    review_on = date(_("Næste undersøgelse"), required=False, future=True)

    def clean(self):
        cleaned = super().clean()
        sys, dia = cleaned.get("blood_pressure_systolic"), cleaned.get("blood_pressure_diastolic")
        if (sys is None) != (dia is None):
            self.add_error(
                "blood_pressure_diastolic",
                forms.ValidationError(
                    _("Angiv både systolisk og diastolisk blodtryk."), code="bp_pair"
                ),
            )
        elif sys is not None and dia >= sys:
            self.add_error(
                "blood_pressure_diastolic",
                forms.ValidationError(
                    _("Det diastoliske tryk skal være lavere end det systoliske."),
                    code="bp_order",
                ),
            )
        return cleaned


class KramForm(EntryForm):
    kind = Kind.KRAM
    occurred_on = date(_("Vurderet den"))
    diet = text(_("Kost"))
    smoking_per_day = integer(_("Rygning (cigaretter om dagen)"), max_value=200)
    alcohol_units_week = integer(_("Alkohol (genstande om ugen)"), max_value=500)
    exercise = text(_("Motion"))
    resident_goals = text(_("Beboerens egne mål"), required=False)
    review_on = date(_("Næste vurdering"), required=False, future=True)


# --- Plans -------------------------------------------------------------------------------


class TreatmentPlanForm(EntryForm):
    kind = Kind.TREATMENT_PLAN
    occurred_on = date(_("Planen gælder fra"))
    goals = text(_("Mål"), rows=4, help_text=_("Gerne med beboerens egne ord."))
    resident_words = text(_("Beboerens egne ønsker og ord"), required=False)
    interventions = text(_("Indsatser"), rows=4)
    responsibilities = text(
        _("Hvem gør hvad"),
        rows=4,
        help_text=_("Beboeren, botilbuddet, botilbudsteamet, egen læge og andre."),
    )
    review_on = date(_("Planen revurderes senest"), future=True)


PHASES = [("green", _("Grøn")), ("yellow", _("Gul")), ("red", _("Rød"))]
PHASE_LABEL = dict(PHASES)


class CrisisPlanForm(EntryForm):
    kind = Kind.CRISIS_PLAN
    occurred_on = date(_("Planen gælder fra"))
    subtype = choice(_("Aktuel fase"), PHASES)
    green_signs = text(_("Grøn: sådan ser det ud, når det går godt"), rows=2)
    green_resident = text(_("Grøn: det gør jeg selv"), rows=2, required=False)
    green_facility = text(_("Grøn: det gør botilbuddet"), rows=2, required=False)
    green_team = text(_("Grøn: det gør botilbudsteamet"), rows=2, required=False)
    yellow_signs = text(_("Gul: tidlige advarselstegn"), rows=2)
    yellow_resident = text(_("Gul: det gør jeg selv"), rows=2, required=False)
    yellow_facility = text(_("Gul: det gør botilbuddet"), rows=2, required=False)
    yellow_team = text(_("Gul: det gør botilbudsteamet"), rows=2, required=False)
    red_signs = text(_("Rød: tegn på krise"), rows=2)
    red_resident = text(_("Rød: det gør jeg selv"), rows=2, required=False)
    red_facility = text(_("Rød: det gør botilbuddet"), rows=2, required=False)
    red_team = text(_("Rød: det gør botilbudsteamet eller akutpsykiatrien"), rows=2)
    triggers = text(_("Det kan udløse en krise"), rows=2, required=False)
    helps = text(_("Det hjælper mig"), rows=2)
    avoid = text(_("Det skal I undgå"), rows=2, required=False)
    call_open = text(_("Hvem ringer vi til i teamets åbningstid"), rows=2, max_length=500)
    call_closed = text(
        _("Hvem ringer vi til uden for åbningstid"),
        rows=2,
        max_length=500,
        help_text=_("Fx akutmodtagelsen, psykiatrisk skadestue, 1813."),
    )
    own_words = forms.BooleanField(
        label=_("Planen er skrevet med beboerens egne ord"), required=False
    )
    review_on = date(_("Planen revurderes senest"), future=True)

    PHASE_ROWS = (
        ("green", "green_signs", "green_resident", "green_facility", "green_team"),
        ("yellow", "yellow_signs", "yellow_resident", "yellow_facility", "yellow_team"),
        ("red", "red_signs", "red_resident", "red_facility", "red_team"),
    )


TRANSITIONS = [
    ("gp", _("Egen læge (almen praksis)")),
    ("community_psychiatry", _("Distriktspsykiatri/ambulant psykiatri")),
    ("specialised", _("Specialiseret behandling")),
    ("municipal", _("Kommunalt tilbud")),
    ("none", _("Ingen videre behandling")),
    ("other", _("Andet")),
]


class EndPlanForm(EntryForm):
    kind = Kind.END_PLAN
    occurred_on = date(_("Planen er lagt den"))
    occurred_until = date(_("Forventet afslutning"), future=True)
    subtype = choice(_("Overgang til"), TRANSITIONS)
    plan = text(_("Plan for afslutningen"), rows=4)
    with_resident = text(_("Sådan er afslutningen aftalt med beboeren"), required=False)
    handover = text(_("Overlevering (hvem overtager hvad)"), rows=3)


# --- Medication ----------------------------------------------------------------------------

DOSE_UNITS = [
    ("mg", "mg"),
    ("microgram", "mikrogram"),
    ("g", "g"),
    ("ml", "ml"),
    ("tablet", _("tablet(ter)")),
    ("capsule", _("kapsel/kapsler")),
    ("drop", _("dråbe(r)")),
    ("iu", _("IE")),
    ("puff", _("pust")),
]
SOURCES = [
    ("fmk", _("FMK (Fælles Medicinkort)")),
    ("discharge_letter", _("Epikrise/udskrivningsbrev")),
    ("facility_list", _("Botilbuddets medicinliste")),
    ("resident", _("Beboeren selv")),
    ("other", _("Andet")),
]


class MedicationForm(EntryForm):
    kind = Kind.MEDICATION
    drug = line(_("Præparat"), max_length=150)
    strength = line(_("Styrke"), required=False, max_length=50, help_text=_("Fx 10 mg"))
    dose_amount = forms.DecimalField(
        label=_("Dosis"),
        min_value=Decimal("0.001"),
        max_value=100000,
        max_digits=10,
        decimal_places=3,
        required=False,
    )
    dose_unit = choice(_("Enhed"), DOSE_UNITS, required=False, radio=False)
    frequency = line(_("Hvornår"), max_length=200, help_text=_("Fx morgen og aften"))
    as_needed = forms.BooleanField(label=_("Efter behov (PN)"), required=False)
    reason = line(_("Årsag (indikation)"), max_length=300)
    occurred_on = date(_("Startdato"))
    occurred_until = date(_("Seponeret den"), required=False)
    prescriber = line(_("Ordineret af"), max_length=150)
    subtype = choice(_("Kilde"), SOURCES)
    fmk_checked_on = date(_("FMK tjekket den"), required=False)

    def clean(self):
        cleaned = super().clean()
        amount, unit = cleaned.get("dose_amount"), cleaned.get("dose_unit")
        if amount is not None and not unit:
            self.add_error(
                "dose_unit",
                forms.ValidationError(_("Angiv en enhed for dosis."), code="dose_without_unit"),
            )
        if unit and amount is None and "dose_amount" not in self.errors:
            self.add_error(
                "dose_amount",
                forms.ValidationError(_("Angiv dosis til enheden."), code="unit_without_dose"),
            )
        if amount is None and not cleaned.get("as_needed") and "dose_amount" not in self.errors:
            self.add_error(
                "dose_amount",
                forms.ValidationError(
                    _("Angiv dosis, eller markér at medicinen gives efter behov."),
                    code="no_dose",
                ),
            )
        if cleaned.get("subtype") == "fmk" and not cleaned.get("fmk_checked_on"):
            self.add_error(
                "fmk_checked_on",
                forms.ValidationError(
                    _("Angiv hvornår FMK blev tjekket."), code="fmk_date_missing"
                ),
            )
        return cleaned


class MedicationReviewForm(EntryForm):
    kind = Kind.MEDICATION_REVIEW
    occurred_on = date(_("Gennemgået den"))
    fmk_checked_on = date(_("FMK tjekket den"))
    findings = text(_("Fund"), rows=4)
    actions = text(_("Ændringer og tiltag"), rows=4)
    review_on = date(_("Næste medicingennemgang"), future=True)


class MedicationObservationForm(EntryForm):
    kind = Kind.MEDICATION_OBSERVATION
    occurred_on = date(_("Observeret den"))
    drug = line(_("Præparat"), max_length=150)
    effect = text(_("Virkning"), required=False)
    side_effects = text(_("Bivirkninger"), required=False)
    action = text(_("Hvad blev gjort"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("effect") and not cleaned.get("side_effects"):
            self.add_error(
                "effect",
                forms.ValidationError(
                    _("Beskriv virkning eller bivirkninger."), code="empty_observation"
                ),
            )
        return cleaned


class TaperingPlanForm(EntryForm):
    kind = Kind.TAPERING_PLAN
    occurred_on = date(_("Planen er lagt den"))
    drug = line(_("Præparat"), max_length=150)
    resident_wish = text(_("Beboerens ønske"), help_text=_("Udtrapning sker på beboerens ønske."))
    steps = text(_("Trin og tidsplan"), rows=4)
    warning_signs = text(_("Tegn på at stoppe eller gå tilbage"), required=False)
    review_on = date(_("Næste opfølgning"), future=True)


HANDLING = [
    ("facility", _("Botilbuddet doserer og udleverer")),
    ("home_nursing", _("Hjemmesygeplejen doserer")),
    ("pharmacy", _("Apoteksdosisdispensering")),
    ("resident", _("Beboeren håndterer selv")),
]


class MedicationAgreementForm(EntryForm):
    kind = Kind.MEDICATION_AGREEMENT
    occurred_on = date(_("Aftalt den"))
    subtype = choice(_("Medicinhåndtering"), HANDLING)
    handling = text(_("Aftale om håndtering"))
    blood_tests = text(_("Blodprøver (hvilke, hvor ofte, hvem tager dem)"), required=False)
    contact = text(_("Hvem kontaktes ved tvivl"), required=False, max_length=500)


# --- Contacts ------------------------------------------------------------------------------

VISIT_MODES = [
    ("visit", _("Besøg på botilbuddet")),
    ("phone", _("Telefonsamtale")),
    ("video", _("Videosamtale")),
    ("elsewhere", _("Samtale andetsteds")),
]


class VisitForm(EntryForm):
    kind = Kind.VISIT
    subtype = choice(_("Form"), VISIT_MODES)
    planned = choice(
        _("Planlagt eller akut"),
        [("planned", _("Planlagt")), ("ad_hoc", _("Ikke planlagt"))],
    )
    planned.initial = "planned"  # most visits are the agreed ones: one click less
    note = text(_("Notat"), rows=5, max_length=5000)
    participants = line(_("Deltagere ud over beboeren"), required=False, max_length=300)


class AdviceForm(EntryForm):
    kind = Kind.ADVICE
    subtype = choice(_("Form"), [("phone", _("Telefon")), ("video", _("Video"))])
    caller = line(_("Hvem ringede fra botilbuddet"), max_length=150)
    question = text(_("Hvad drejede det sig om"))
    advice = text(_("Hvad blev der rådgivet om"), rows=4)


class NetworkMeetingForm(EntryForm):
    kind = Kind.NETWORK_MEETING
    occurred_on = date(_("Holdt den"))
    team_participants = line(_("Deltagere fra botilbudsteamet"), max_length=300)
    facility_participants = line(_("Deltagere fra botilbuddet"), required=False, max_length=300)
    relatives = line(
        _("Pårørende"),
        required=False,
        max_length=300,
        help_text=_("Kun hvis beboeren har givet samtykke til at inddrage pårørende."),
    )
    others = line(_("Andre deltagere"), required=False, max_length=300)
    agenda = text(_("Dagsorden"))
    outcome = text(_("Aftaler og resultat"), rows=4)


EXTERNAL = [
    ("gp", _("Egen læge")),
    ("home_nursing", _("Hjemmesygeplejen")),
    ("substance_treatment", _("Kommunal misbrugsbehandling")),
    ("other", _("Andre")),
]


class ExternalContactForm(EntryForm):
    kind = Kind.EXTERNAL_CONTACT
    subtype = choice(_("Kontakt med"), EXTERNAL)
    who = line(_("Navn eller enhed"), required=False, max_length=150)
    note = text(_("Notat"), rows=4)


# --- Events --------------------------------------------------------------------------------

ADMISSION_TYPES = [("voluntary", _("Frivillig")), ("compulsory", _("Tvangsindlæggelse"))]


class AdmissionForm(EntryForm):
    kind = Kind.ADMISSION
    occurred_on = date(_("Indlagt den"))
    subtype = choice(_("Indlæggelsesform"), ADMISSION_TYPES)
    ward = line(_("Afsnit"), max_length=150)
    occurred_until = date(
        _("Udskrevet den"), required=False, help_text=_("Udfyldes, når beboeren er udskrevet.")
    )
    planned = choice(_("Planlagt eller akut"), [("planned", _("Planlagt")), ("acute", _("Akut"))])
    note = text(_("Bemærkning"), required=False)

    until_before_start = _("Udskrivelsen kan ikke ligge før indlæggelsen.")


ADMISSION_ROLES = [
    ("admission_talk", _("Indlæggelsessamtale")),
    ("visit", _("Besøg under indlæggelsen")),
    ("discharge_talk", _("Udskrivningssamtale")),
    ("follow_up", _("Opfølgning efter udskrivelse")),
]


class AdmissionRoleForm(EntryForm):
    kind = Kind.ADMISSION_ROLE
    subtype = choice(_("Indsats"), ADMISSION_ROLES)
    ward = line(_("Afsnit"), required=False, max_length=150)
    note = text(_("Notat"))


FORCE_KINDS = [
    ("holding", _("Fastholdelse")),
    ("leading", _("Føren til andet rum")),
    ("detention", _("Tilbageholdelse i boligen")),
    ("hygiene", _("Fastholdelse i forbindelse med personlig hygiejne")),
    ("alarm", _("Alarm- eller pejlesystem")),
    ("other", _("Anden magtanvendelse")),
]


class ForceForm(EntryForm):
    kind = Kind.FORCE
    subtype = choice(_("Type"), FORCE_KINDS)
    duration_minutes = integer(_("Varighed (minutter)"), min_value=1, max_value=1440)
    situation = text(_("Situationen"), rows=4)
    reported = forms.BooleanField(label=_("Indberettet til kommunen"), required=False)


COMPULSORY_KINDS = [
    ("compulsory_admission", _("Tvangsindlæggelse")),
    ("detention", _("Tvangstilbageholdelse")),
    ("treatment", _("Tvangsbehandling")),
    ("belt", _("Bæltefiksering")),
    ("holding", _("Fastholdelse")),
    ("sedation", _("Beroligende medicin givet med magt")),
    ("other", _("Anden tvang")),
]


class CompulsoryForm(EntryForm):
    kind = Kind.COMPULSORY
    subtype = choice(_("Type"), COMPULSORY_KINDS, radio=False)
    ward = line(_("Afsnit"), required=False, max_length=150)
    note = text(_("Bemærkning"), required=False)


class MedicationFailureForm(EntryForm):
    kind = Kind.MEDICATION_FAILURE
    occurred_on = date(_("Opdaget den"))
    drug = line(_("Præparat"), required=False, max_length=150)
    days_missed = integer(_("Antal dage uden medicin (skøn)"), min_value=0, max_value=3650)
    description = text(_("Hvad skete der"))
    action = text(_("Hvad blev gjort"), required=False)


class CrisisForm(EntryForm):
    kind = Kind.CRISIS
    subtype = choice(_("Fase"), PHASES)
    description = text(_("Hvad skete der"), rows=4)
    action = text(_("Hvad blev gjort"), rows=3)
    crisis_plan_used = forms.BooleanField(label=_("Kriseplanen blev brugt"), required=False)


SPECIALISED = [
    ("integrated_substance", _("Integreret behandling for psykisk lidelse og rusmiddelbrug")),
    ("forensic", _("Retspsykiatri")),
    ("eating_disorder", _("Spiseforstyrrelser")),
    ("trauma", _("Traumebehandling")),
    ("other", _("Anden specialiseret behandling")),
]


class SpecialisedReferralForm(EntryForm):
    kind = Kind.SPECIALISED_REFERRAL
    occurred_on = date(_("Henvist den"))
    subtype = choice(_("Til"), SPECIALISED, radio=False)
    recipient = line(_("Modtager"), max_length=200)
    reason = text(_("Begrundelse"))


class HealthCheckForm(EntryForm):
    kind = Kind.HEALTH_CHECK
    occurred_on = date(_("Helbredstjek udført den"))
    gp = line(_("Egen læge"), required=False, max_length=150)
    findings = text(_("Fund og opfølgning"), required=False)


FORMS: dict[str, type[EntryForm]] = {
    form.kind: form
    for form in (
        PsychiatricForm,
        SuicideRiskForm,
        SubstanceForm,
        SomaticForm,
        KramForm,
        TreatmentPlanForm,
        CrisisPlanForm,
        EndPlanForm,
        MedicationForm,
        MedicationReviewForm,
        MedicationObservationForm,
        TaperingPlanForm,
        MedicationAgreementForm,
        VisitForm,
        AdviceForm,
        NetworkMeetingForm,
        ExternalContactForm,
        AdmissionForm,
        AdmissionRoleForm,
        ForceForm,
        CompulsoryForm,
        MedicationFailureForm,
        CrisisForm,
        SpecialisedReferralForm,
        HealthCheckForm,
    )
}
if set(FORMS) != set(Kind.values):  # pragma: no cover - a programming error at import
    raise ImportError("every kind of entry needs a form")
