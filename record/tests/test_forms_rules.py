"""The course record's input rules through the real pages: a Danish message at the field, what
was typed kept in the form, and nothing saved."""

from __future__ import annotations

import datetime
import html as htmllib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.services import consent_record
from record.kinds import Kind
from record.models import Entry, EntryVersion

from .samples import make_entry, new_resident_in_course, post_data, writer_for

pytestmark = pytest.mark.django_db

ERROR_SUMMARY = "Der er fejl i formularen"


def day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


@pytest.fixture
def resident(world):
    return new_resident_in_course(
        world, first_name="Jonas", last_name="Regelsen", birth_date=datetime.date(1995, 5, 5)
    )


def refused(client, world, resident, kind, message, *, kept=(), **overrides):
    """Post the kind's sample with ``overrides``; assert the refusal and return the HTML."""
    client.force_login(writer_for(world, kind))
    before = (Entry.objects.count(), EntryVersion.objects.count())
    response = client.post(
        reverse("record:create", args=[resident.pk, kind]), post_data(kind, **overrides)
    )
    assert response.status_code == 200, response.get("Location")
    html = htmllib.unescape(response.content.decode())
    assert ERROR_SUMMARY in html
    assert message in html, html[html.find(ERROR_SUMMARY) : html.find(ERROR_SUMMARY) + 1500]
    for value in kept:
        assert value in html, f"typed value {value!r} was not kept"
    assert (Entry.objects.count(), EntryVersion.objects.count()) == before
    return html


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [Kind.VISIT, Kind.ADMISSION, Kind.MEDICATION, Kind.CRISIS, Kind.SUICIDE_RISK]
)
def test_event_date_in_the_future_is_refused(client, world, resident, kind):
    refused(
        client,
        world,
        resident,
        kind,
        "Datoen kan ikke ligge i fremtiden.",
        kept=[f'value="{day(1)}"'],
        occurred_on=day(1),
    )


def test_review_and_expected_end_may_lie_ahead(client, world, resident):
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("record:create", args=[resident.pk, Kind.END_PLAN]),
        post_data(Kind.END_PLAN, occurred_until=day(200)),
    )
    assert response.status_code == 302


def test_date_before_1990_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.HEALTH_CHECK,
        "Datoen kan ikke ligge før 01.01.1990.",
        occurred_on="1989-12-31",
    )


def test_date_before_the_residents_birth_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.HEALTH_CHECK,
        "Datoen ligger før beboerens fødsel.",
        kept=['value="1994-06-01"'],
        occurred_on="1994-06-01",
    )


def test_nonsense_date_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.VISIT,
        "Indtast en gyldig dato.",
        kept=['value="31.02.2025"'],
        occurred_on="31.02.2025",
    )


def test_discharge_before_admission_is_refused(client, world, resident):
    html = refused(
        client,
        world,
        resident,
        Kind.ADMISSION,
        "Udskrivelsen kan ikke ligge før indlæggelsen.",
        kept=[f'value="{day(-5)}"', f'value="{day(-6)}"', "Psykiatrisk sengeafsnit P1"],
        occurred_on=day(-5),
        occurred_until=day(-6),
    )
    assert 'aria-describedby="id_occurred_until_error' in html


def test_discharge_on_the_day_of_admission_is_allowed(client, world, resident):
    client.force_login(world.housing_staff)
    response = client.post(
        reverse("record:create", args=[resident.pk, Kind.ADMISSION]),
        post_data(Kind.ADMISSION, occurred_on=day(-2), occurred_until=day(-2)),
    )
    assert response.status_code == 302


def test_end_plan_end_before_start_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.END_PLAN,
        "Slutdatoen kan ikke ligge før startdatoen.",
        occurred_on=day(-2),
        occurred_until=day(-3),
    )


@pytest.mark.parametrize("review", [-1, 0])
def test_review_on_or_before_the_event_is_refused(client, world, resident, review):
    refused(
        client,
        world,
        resident,
        Kind.SUICIDE_RISK,
        "Datoen for revurdering skal ligge efter datoen ovenfor.",
        occurred_on=day(-1),
        review_on=day(-1 + review),
    )


def test_review_more_than_two_years_ahead_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.TREATMENT_PLAN,
        "Revurdering skal ske inden for to år.",
        kept=[f'value="{day(800)}"'],
        review_on=day(800),
    )


def test_review_within_two_years_is_allowed(client, world, resident):
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("record:create", args=[resident.pk, Kind.TREATMENT_PLAN]),
        post_data(Kind.TREATMENT_PLAN, occurred_on=day(0), review_on=day(700)),
    )
    assert response.status_code == 302


def test_missing_required_review_is_refused(client, world, resident):
    refused(client, world, resident, Kind.CRISIS_PLAN, "Dette felt er påkrævet.", review_on=None)


# --- medication ----------------------------------------------------------------------------


def test_dose_without_unit_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.MEDICATION,
        "Angiv en enhed for dosis.",
        kept=['value="2.5"', 'value="Olanzapin"'],
        dose_amount="2.5",
        dose_unit="",
    )


def test_unit_without_dose_is_refused(client, world, resident):
    html = refused(
        client,
        world,
        resident,
        Kind.MEDICATION,
        "Angiv dosis til enheden.",
        dose_amount="",
        dose_unit="mg",
    )
    assert re.search(r'<option value="mg" selected\s*>', html)


def test_neither_dose_nor_as_needed_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.MEDICATION,
        "Angiv dosis, eller markér at medicinen gives efter behov.",
        dose_amount="",
        dose_unit="",
    )


def test_as_needed_without_dose_is_allowed(client, world, resident):
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("record:create", args=[resident.pk, Kind.MEDICATION]),
        post_data(Kind.MEDICATION, dose_amount="", dose_unit="", as_needed="on"),
    )
    assert response.status_code == 302


def test_fmk_source_without_fmk_date_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.MEDICATION,
        "Angiv hvornår FMK blev tjekket.",
        subtype="fmk",
        fmk_checked_on="",
    )


def test_other_source_needs_no_fmk_date(client, world, resident):
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("record:create", args=[resident.pk, Kind.MEDICATION]),
        post_data(Kind.MEDICATION, subtype="facility_list", fmk_checked_on=""),
    )
    assert response.status_code == 302


def test_medication_observation_needs_effect_or_side_effects(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.MEDICATION_OBSERVATION,
        "Beskriv virkning eller bivirkninger.",
        effect="",
        side_effects="",
    )


# --- somatic -------------------------------------------------------------------------------


@pytest.mark.parametrize("diastolic", ["130", "131"])
def test_diastolic_not_below_systolic_is_refused(client, world, resident, diastolic):
    refused(
        client,
        world,
        resident,
        Kind.SOMATIC,
        "Det diastoliske tryk skal være lavere end det systoliske.",
        kept=['value="130"', f'value="{diastolic}"'],
        blood_pressure_systolic="130",
        blood_pressure_diastolic=diastolic,
    )


def test_half_a_blood_pressure_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.SOMATIC,
        "Angiv både systolisk og diastolisk blodtryk.",
        blood_pressure_diastolic="",
    )


def test_implausible_pulse_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.SOMATIC,
        "Denne værdi skal være mindre end eller lig 250.",
        pulse="900",
    )


# --- network meeting: relatives only with consent (a rule in the service) ------------------


def test_relatives_without_consent_are_refused_on_the_form(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.NETWORK_MEETING,
        "Beboeren har ikke givet samtykke til at inddrage pårørende.",
        kept=["Søster, Anne Prøvegaard", "Status på behandlingsplanen"],
        relatives="Søster, Anne Prøvegaard",
    )


def test_relatives_with_consent_are_saved(client, world, resident):
    consent_record(
        user=world.team_nurse,
        resident=resident,
        kind="relatives",
        form="written",
        given_by="resident",
        given_on=timezone.localdate(),
        relatives="Søster, Anne Prøvegaard",
    )
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("record:create", args=[resident.pk, Kind.NETWORK_MEETING]),
        post_data(Kind.NETWORK_MEETING, relatives="Søster, Anne Prøvegaard"),
    )
    assert response.status_code == 302
    assert Entry.objects.get(resident=resident).data["relatives"] == "Søster, Anne Prøvegaard"


def test_relatives_rule_also_holds_on_correction(client, world, resident):
    meeting = make_entry(world.team_nurse, resident, Kind.NETWORK_MEETING)
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("record:correct", args=[meeting.pk]),
        post_data(
            Kind.NETWORK_MEETING,
            relatives="Mor",
            version="1",
            correction_reason="Pårørende tilføjet",
        ),
    )
    assert response.status_code == 200
    assert "Beboeren har ikke givet samtykke" in htmllib.unescape(response.content.decode())
    meeting.refresh_from_db()
    assert meeting.version == 1 and meeting.data["relatives"] == ""


# --- length, choices, tampering ------------------------------------------------------------


def test_overlong_text_is_refused_not_truncated(client, world, resident):
    long_note = "Lang note. " * 500  # 5500 characters; the visit note allows 5000
    html = refused(
        client,
        world,
        resident,
        Kind.VISIT,
        "Denne værdi må højst have 5000 tegn (den har 5499).",
        note=long_note,
    )
    assert long_note.strip() in html  # kept whole, for the user to shorten


def test_overlong_line_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.MEDICATION,
        "Denne værdi må højst have 150 tegn (den har 151).",
        drug="x" * 151,
    )


def test_unknown_choice_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.CRISIS_PLAN,
        "Marker en gyldig valgmulighed. purple er ikke en af de tilgængelige valgmuligheder.",
        subtype="purple",
    )


@pytest.mark.parametrize("field", ["team", "sector", "recorded_by", "facility", "category"])
def test_unknown_posted_field_is_refused(client, world, resident, field):
    refused(
        client,
        world,
        resident,
        Kind.VISIT,
        f"Formularen indeholdt felter, du ikke kan ændre: {field}",
        **{field: "1"},
    )


def test_posting_a_version_on_create_is_refused(client, world, resident):
    refused(
        client,
        world,
        resident,
        Kind.VISIT,
        "Formularen indeholdt felter, du ikke kan ændre: version",
        version="7",
    )


def test_correction_needs_a_reason(client, world, resident):
    entry = make_entry(world.team_nurse, resident, Kind.VISIT)
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("record:correct", args=[entry.pk]),
        post_data(Kind.VISIT, note="Ny tekst til notatet", version="1"),
    )
    assert response.status_code == 200
    html = htmllib.unescape(response.content.decode())
    assert "Årsag til rettelsen" in html and "Dette felt er påkrævet." in html
    assert "Ny tekst til notatet" in html
    entry.refresh_from_db()
    assert entry.version == 1
