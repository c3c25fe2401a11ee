"""A valid POST payload for every kind of course-record entry, for tests across the suite.

Synthetic Danish text only; every date is relative to ``timezone.localdate()`` at call time, so
the payloads stay valid whatever day the suite runs. Use ``post_data(kind, **overrides)`` to
get a fresh copy (an override of ``None`` drops the field), and ``writer_for(world, kind)`` for
a persona of team A who may write the kind.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from record.kinds import TEAM_WRITERS, Kind


def _day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def _samples() -> dict[str, dict]:
    return {
        Kind.PSYCHIATRIC: {
            "occurred_on": _day(-2),
            "background": "Henvist efter tre ugers tiltagende uro og søvnløshed.",
            "mental_state": (
                "Vågen og orienteret. Let forpint, ingen hallucinationer under samtalen. "
                "Tankegang sammenhængende."
            ),
            "diagnoses": "Paranoid skizofreni (DF20.0)",
            "functioning": "Klarer morgenrutiner med støtte; deltager ikke i fællesspisning.",
            "conclusion": "Fortsat ambulant opfølgning; medicingennemgang om to uger.",
            "review_on": _day(90),
        },
        Kind.SUICIDE_RISK: {
            "occurred_on": _day(-1),
            "subtype": "moderate",
            "risk_factors": ["previous_attempt", "hopelessness"],
            "risk_text": "Forsøg i 2019 ved overdosis. Udtrykker håbløshed om fremtiden.",
            "protective_factors": "Tæt kontakt til søster; glæder sig til sin hund hver dag.",
            "actions": "Daglig kontakt med kontaktpersonen; ny vurdering ved teamlægen.",
            "review_on": _day(14),
        },
        Kind.SUBSTANCE: {
            "occurred_on": _day(-3),
            "substances": ["alcohol", "cannabis"],
            "pattern": "Drikker 4-6 øl i weekenden; ryger hash et par aftener om ugen.",
            "motivation": "Vil gerne skære ned på hash for at sove bedre.",
            "municipal_treatment": "Rusmiddelcenter Testby, samtaler hver 14. dag",
            "subtype": "unclear",
            "review_on": _day(60),
        },
        Kind.SOMATIC: {
            "occurred_on": _day(-5),
            "blood_pressure_systolic": "132",
            "blood_pressure_diastolic": "84",
            "pulse": "72",
            "weight_kg": "86.4",
            "waist_cm": "102",
            "blood_tests": "Blodsukker og kolesterol taget; EKG uden bemærkninger.",
            "findings": "Vægtøgning på 6 kg siden opstart af olanzapin.",
            "follow_up": "Egen læge kontrollerer blodtryk om tre måneder.",
            "review_on": _day(180),
        },
        Kind.KRAM: {
            "occurred_on": _day(-4),
            "diet": "Spiser mest færdigretter; springer morgenmad over.",
            "smoking_per_day": "20",
            "alcohol_units_week": "6",
            "exercise": "Går en tur med personalet to gange om ugen.",
            "resident_goals": "Vil gerne ryge mindre og gå flere ture.",
            "review_on": _day(120),
        },
        Kind.TREATMENT_PLAN: {
            "occurred_on": _day(-7),
            "goals": "Stabil hverdag uden indlæggelse; sove hele natten.",
            "resident_words": "Jeg vil gerne have ro i hovedet og kunne gå i Netto selv.",
            "interventions": "Samtaler hver uge; medicingennemgang; støtte til døgnrytme.",
            "responsibilities": (
                "Beboeren: tager medicin morgen og aften. Botilbuddet: minder om medicinen. "
                "Teamet: samtaler og medicinjustering. Egen læge: blodprøver."
            ),
            "review_on": _day(90),
        },
        Kind.CRISIS_PLAN: {
            "occurred_on": _day(-1),
            "subtype": "green",
            "green_signs": "Sover om natten, går i Netto og spiser med de andre.",
            "green_resident": "Går tur hver formiddag og hører musik.",
            "green_facility": "Hilser om morgenen og spørger til dagen.",
            "green_team": "Samtale hver anden uge.",
            "yellow_signs": "Sover dårligt, trækker sig og bliver på værelset.",
            "yellow_resident": "Siger til min kontaktperson, at jeg har det svært.",
            "yellow_facility": "Tilbyder en gåtur og ringer til teamet samme dag.",
            "yellow_team": "Besøg inden for to dage; vurderer medicinen.",
            "red_signs": "Hører stemmer, der siger ting om mig; spiser ikke.",
            "red_resident": "Tager min PN-medicin og bliver ikke alene.",
            "red_facility": "Bliver hos mig og ringer til teamet eller akutpsykiatrien.",
            "red_team": "Akut besøg samme dag; vurderer behov for indlæggelse.",
            "triggers": "Konflikter med min bror; når der er mange mennesker.",
            "helps": "Rolig stemme, en kop te og at gå en tur.",
            "avoid": "At flere taler til mig på én gang.",
            "call_open": "Botilbudsteam Nord, tlf. 70 00 00 00 (hverdage 8-15.30)",
            "call_closed": "Psykiatrisk akutmodtagelse, tlf. 70 11 11 11",
            "own_words": "on",
            "review_on": _day(90),
        },
        Kind.END_PLAN: {
            "occurred_on": _day(-2),
            "occurred_until": _day(60),
            "subtype": "gp",
            "plan": "Samtaler trappes ned over to måneder; medicin overgår til egen læge.",
            "with_resident": "Aftalt med beboeren ved samtale; beboeren er tryg ved planen.",
            "handover": "Egen læge overtager medicin; botilbuddet fortsætter hverdagsstøtte.",
        },
        Kind.MEDICATION: {
            "drug": "Olanzapin",
            "strength": "10 mg",
            "dose_amount": "1",
            "dose_unit": "tablet",
            "frequency": "Til natten",
            "reason": "Psykotiske symptomer med uro om natten",
            "occurred_on": _day(-30),
            "prescriber": "Teamlæge i botilbudsteamet",
            "subtype": "fmk",
            "fmk_checked_on": _day(-1),
        },
        Kind.MEDICATION_REVIEW: {
            "occurred_on": _day(-3),
            "fmk_checked_on": _day(-3),
            "findings": "Dobbeltordination af quetiapin på FMK og botilbuddets liste.",
            "actions": "Quetiapin fjernet fra botilbuddets liste; FMK opdateret.",
            "review_on": _day(180),
        },
        Kind.MEDICATION_OBSERVATION: {
            "occurred_on": _day(-1),
            "drug": "Olanzapin",
            "effect": "Sover bedre efter en uge.",
            "side_effects": "Mere sulten og træt om formiddagen.",
            "action": "Drøftes ved næste medicingennemgang.",
        },
        Kind.TAPERING_PLAN: {
            "occurred_on": _day(-2),
            "drug": "Quetiapin",
            "resident_wish": "Ønsker at trappe ned, fordi hun er for træt om dagen.",
            "steps": "25 mg mindre hver 14. dag; samtale før hvert trin.",
            "warning_signs": "Søvnløshed mere end to nætter; stemmer vender tilbage.",
            "review_on": _day(14),
        },
        Kind.MEDICATION_AGREEMENT: {
            "occurred_on": _day(-10),
            "subtype": "facility",
            "handling": "Botilbuddet doserer ugentligt og udleverer morgen og aften.",
            "blood_tests": "Lithium-koncentration hver 3. måned ved egen læge.",
            "contact": "Teamets sygeplejerske på tlf. 70 00 00 00",
        },
        Kind.VISIT: {
            "occurred_on": _day(0),
            "subtype": "visit",
            "planned": "planned",
            "note": "Samtale på værelset. Sover bedre; glæder sig til weekendbesøg hos søster.",
            "participants": "Kontaktperson fra botilbuddet",
        },
        Kind.ADVICE: {
            "occurred_on": _day(0),
            "subtype": "phone",
            "caller": "Kontaktperson på aftenvagt",
            "question": "Beboeren vil ikke tage aftenmedicinen og er urolig.",
            "advice": "Tilbyd medicinen igen om en time; ring igen, hvis uroen tager til.",
        },
        Kind.NETWORK_MEETING: {
            "occurred_on": _day(-6),
            "team_participants": "Sygeplejerske og læge fra botilbudsteamet",
            "facility_participants": "Kontaktperson og afdelingsleder",
            "others": "Rusmiddelkonsulent fra kommunen",
            "agenda": "Status på behandlingsplanen; samarbejde om medicin.",
            "outcome": "Fælles plan for weekender; nyt møde om tre måneder.",
        },
        Kind.EXTERNAL_CONTACT: {
            "occurred_on": _day(-1),
            "subtype": "gp",
            "who": "Lægehuset Testby",
            "note": "Aftalt blodprøvekontrol hos egen læge i næste uge.",
        },
        Kind.ADMISSION: {
            "occurred_on": _day(-20),
            "subtype": "voluntary",
            "ward": "Psykiatrisk sengeafsnit P1",
            "occurred_until": _day(-12),
            "planned": "acute",
            "note": "Indlagt efter tiltagende psykotiske symptomer.",
        },
        Kind.ADMISSION_ROLE: {
            "occurred_on": _day(-12),
            "subtype": "discharge_talk",
            "ward": "Psykiatrisk sengeafsnit P1",
            "note": "Deltog i udskrivningssamtalen; aftalt besøg dagen efter udskrivelsen.",
        },
        Kind.FORCE: {
            "occurred_on": _day(-3),
            "subtype": "holding",
            "duration_minutes": "5",
            "situation": "Beboeren slog ud efter en anden beboer og blev holdt kortvarigt.",
            "reported": "on",
        },
        Kind.COMPULSORY: {
            "occurred_on": _day(-19),
            "subtype": "detention",
            "ward": "Psykiatrisk sengeafsnit P1",
            "note": "Tvangstilbageholdt i to døgn.",
        },
        Kind.MEDICATION_FAILURE: {
            "occurred_on": _day(-2),
            "drug": "Olanzapin",
            "days_missed": "4",
            "description": "Tabletterne fundet i skraldespanden på værelset.",
            "action": "Teamet er orienteret; medicin gives nu under observation.",
        },
        Kind.CRISIS: {
            "occurred_on": _day(-1),
            "subtype": "yellow",
            "description": "Urolig om natten og råbte på gangen.",
            "action": "Fulgte kriseplanens gule fase; ringede til teamet om morgenen.",
            "crisis_plan_used": "on",
        },
        Kind.SPECIALISED_REFERRAL: {
            "occurred_on": _day(-4),
            "subtype": "integrated_substance",
            "recipient": "Regionens enhed for dobbeltdiagnoser",
            "reason": "Vedvarende hashforbrug, der forværrer de psykotiske symptomer.",
        },
        Kind.HEALTH_CHECK: {
            "occurred_on": _day(-8),
            "gp": "Lægehuset Testby",
            "findings": "Blodtryk og blodsukker normale; næste tjek om et år.",
        },
    }


# Computed at import; ``post_data`` computes the dates afresh on every call.
SAMPLES: dict[str, dict] = _samples()

# The field of each kind whose (long, unique) sample text tests look for on pages.
MARKER_FIELD: dict[str, str] = {
    Kind.PSYCHIATRIC: "background",
    Kind.SUICIDE_RISK: "protective_factors",
    Kind.SUBSTANCE: "pattern",
    Kind.SOMATIC: "findings",
    Kind.KRAM: "diet",
    Kind.TREATMENT_PLAN: "goals",
    Kind.CRISIS_PLAN: "red_signs",
    Kind.END_PLAN: "plan",
    Kind.MEDICATION: "reason",
    Kind.MEDICATION_REVIEW: "findings",
    Kind.MEDICATION_OBSERVATION: "effect",
    Kind.TAPERING_PLAN: "steps",
    Kind.MEDICATION_AGREEMENT: "handling",
    Kind.VISIT: "note",
    Kind.ADVICE: "question",
    Kind.NETWORK_MEETING: "agenda",
    Kind.EXTERNAL_CONTACT: "note",
    Kind.ADMISSION: "note",
    Kind.ADMISSION_ROLE: "note",
    Kind.FORCE: "situation",
    Kind.COMPULSORY: "note",
    Kind.MEDICATION_FAILURE: "description",
    Kind.CRISIS: "description",
    Kind.SPECIALISED_REFERRAL: "reason",
    Kind.HEALTH_CHECK: "findings",
}
MARKERS: dict[str, str] = {kind: SAMPLES[kind][name] for kind, name in MARKER_FIELD.items()}


def post_data(kind: str, **overrides) -> dict:
    """The kind's payload with ``overrides`` applied; an override of ``None`` drops the field."""
    data = _samples()[kind]
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def writer_for(world, kind: str):
    """A team A persona who may write ``kind`` (the nurse, or the doctor where needed)."""
    professions = TEAM_WRITERS.get(kind)
    if professions is None or "nurse" in professions:
        return world.team_nurse
    return world.team_doctor


def make_entry(user, resident, kind: str, **overrides):
    """Save the kind's sample (with overrides) through its form and ``entry_create``."""
    from record import services
    from record.forms import FORMS

    form = FORMS[kind](post_data(kind, **overrides))
    if not form.is_valid():  # pragma: no cover - a broken sample is a bug in this file
        raise AssertionError(f"sample for {kind} is invalid: {form.errors.as_json()}")
    columns, data = form.split()
    return services.entry_create(
        user=user, resident=resident, kind=kind, columns=columns, data=data
    )


def correct_entry(user, entry, *, reason: str = "Rettet", fields: dict | None = None, **overrides):
    """Correct ``entry`` with the kind's sample (plus overrides) through ``entry_correct``.

    ``reason`` is the reason for the correction; a form field that is itself called ``reason``
    (medication, specialised referral) goes in ``fields``."""
    from record import services
    from record.forms import FORMS

    overrides = {**overrides, **(fields or {})}
    form = FORMS[entry.kind](post_data(entry.kind, **overrides))
    if not form.is_valid():  # pragma: no cover
        raise AssertionError(f"sample for {entry.kind} is invalid: {form.errors.as_json()}")
    columns, data = form.split()
    return services.entry_correct(
        user=user, entry=entry, version=entry.version, columns=columns, data=data, reason=reason
    )


def new_resident_in_course(world, *, facility=None, doctor=None, **names):
    """A fresh resident living at ``facility`` (default A1) in an active course of its team,
    with no course-record entries and not on the board."""
    import datetime

    from tests import factories as f

    facility = facility or world.facility_a1
    resident = f.ResidentFactory(facility=facility, **names)
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=facility,
        referral__received_on=timezone.localdate() - datetime.timedelta(days=60),
        responsible_doctor=doctor or world.team_doctor,
    )
    return resident
