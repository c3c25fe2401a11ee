"""Concern → referral → visitation → course, and the ward look-up, in a real browser.

Acceptance criteria, as the personas in tests/personas.py experience them:

1. Housing staff at Bostedet Egely see their residents on the start page and raise a concern
   about Lone Fiktivsen; the concern awaits the team's assessment.
2. The team nurse finds the concern on the start page and creates a referral from it. A
   missing consent confirmation is refused with a Danish message, and what was typed is kept.
3. The nurse (a nurse may decide) accepts the referral; a course is created and is active.
4. The nurse finds the resident by CPR number and sees the active course on her page.
5. Ward staff are sent to the look-up page and learn whether a patient has a team.
"""

from __future__ import annotations

import datetime
import os
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

from . import CHROMIUM_PATH, SCREENSHOT_DIR

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":  # CI: a missing browser is a failure
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser

CONCERN_TEXT = (
    "Lone har de sidste to uger trukket sig fra fællesskabet, sover dårligt og har ikke "
    "taget sin medicin i fire dage."
)
REFERRER = "Sygeplejerske i botilbudsteamet"
CONSENT_REQUIRED = "Henvisning kræver, at beboeren er informeret og har samtykket."
CONSENT_LABEL = "Beboeren er informeret om tilbuddet og har givet samtykke til henvisningen"


# --- helpers -----------------------------------------------------------------------------


def log_in(page: Page, user) -> None:
    """Password, then the code from the user's authenticator (enrolled here if missing)."""
    from accounts.selectors import confirmed_totp_device
    from accounts.services import totp_device_create

    device = confirmed_totp_device(user) or totp_device_create(user, confirmed=True)
    page.goto("/konto/login/")
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", name="Bekræft med kode")).to_be_visible()
    page.get_by_label("Kode fra din autentificeringsapp").fill(totp_code(device))
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("button", name="Log af")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()


def totp_code(device) -> str:
    """The code an authenticator app shows now, computed from the device's key. A code is
    accepted once: if this time step was used already (the same user signing in twice within
    30 seconds), take the next step's code, which the server's tolerance accepts."""
    device.refresh_from_db()
    now_t = int(time.time() - device.t0) // device.step + device.drift
    ahead = 1 if now_t <= device.last_t else 0
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{code:0{device.digits}d}"


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log af").click()
    expect(page).to_have_url(re.compile(r"/konto/login/"))
    expect(page.get_by_role("button", name="Log af")).to_have_count(0)


def current_cpr(resident) -> str:
    """The resident's current number (a CPR number for the personas) as a user types it, with
    the hyphen: DDMMYY-SSSS."""
    from residents.models import ResidentIdentifier

    value = ResidentIdentifier.objects.get(resident=resident, valid_to__isnull=True).value
    return f"{value[:6]}-{value[6:]}"


def definition(page: Page, term: str):
    """The <dd> that follows the <dt> with this text in the page's description list."""
    return page.locator(f"dl.app-dl dt:text-is('{term}') + dd").first


def screenshot(page: Page, name: str) -> None:
    directory = Path(SCREENSHOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / name), full_page=True)


# --- the steps of the flow ---------------------------------------------------------------


def housing_staff_raise_concern(page: Page, world) -> None:
    log_in(page, world.housing_staff)
    residents = page.get_by_role("region", name="Beboere på Bostedet Egely")
    expect(residents).to_be_visible()
    for resident in (world.resident_plain, world.resident_in_course, world.resident_concern):
        expect(residents.get_by_role("link", name=resident.full_name)).to_be_visible()
    expect(residents.get_by_role("link", name=world.resident_other_team.full_name)).to_have_count(0)

    residents.get_by_role("link", name="Lone Fiktivsen").click()
    expect(page.get_by_role("heading", name="Lone Fiktivsen", level=1)).to_be_visible()
    page.get_by_role("link", name="Rejs bekymring til botilbudsteamet").click()

    expect(page.get_by_role("heading", name="Bekymring om Lone Fiktivsen")).to_be_visible()
    page.get_by_label("Hvad er I bekymrede for?").fill(CONCERN_TEXT)
    page.get_by_role("button", name="Send bekymring til teamet").click()

    expect(page).to_have_url(re.compile(r"/bekymringer/\d+/$"))
    expect(page.get_by_role("heading", name="Bekymring om Lone Fiktivsen")).to_be_visible()
    expect(definition(page, "Status")).to_have_text("Afventer teamets vurdering")
    expect(definition(page, "Sendt til")).to_have_text("Botilbudsteam Nord")
    expect(page.get_by_text(CONCERN_TEXT)).to_be_visible()
    log_out(page)


def nurse_creates_referral_from_concern(page: Page, world) -> None:
    log_in(page, world.team_nurse)
    concerns = page.get_by_role("region", name="Bekymringer fra botilbud")
    concerns.get_by_role("link", name="Lone Fiktivsen").click()

    expect(page.get_by_role("heading", name="Bekymring om Lone Fiktivsen")).to_be_visible()
    page.get_by_role("link", name="Opret henvisning ud fra bekymringen").click()

    expect(page.get_by_role("heading", name="Henvisning af Lone Fiktivsen")).to_be_visible()
    expect(page.get_by_text("Henvisningen oprettes ud fra en bekymring")).to_be_visible()
    expect(page.get_by_label("Årsag til henvisning")).to_have_value(CONCERN_TEXT)

    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page.get_by_role("group", name="Henvisende instans").get_by_label("Almen praksis").check()
    page.get_by_label("Henviser (navn og funktion)").fill(REFERRER)
    page.get_by_label("Henvisning modtaget").fill(yesterday)
    page.get_by_role("group", name="Målgruppekriterier").get_by_label(
        "Manglende sygdomsindsigt og dermed medicinsvigt"
    ).check()
    page.get_by_role("group", name="Samtykke givet af").get_by_label("Beboeren").check()
    page.get_by_role("group", name="Samtykkets form").get_by_label("Mundtligt").check()
    page.get_by_label("Informeret og samtykket den").fill(yesterday)
    screenshot(page, "referral_form.png")

    # First without the consent confirmation: refused, with the typed values kept.
    consent = page.get_by_label(CONSENT_LABEL)
    expect(consent).not_to_be_checked()
    page.get_by_role("button", name="Opret henvisning").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Der er fejl i formularen")
    expect(summary).to_contain_text(CONSENT_REQUIRED)
    expect(consent).to_have_accessible_description(re.compile(re.escape(CONSENT_REQUIRED)))
    expect(page.get_by_label("Henviser (navn og funktion)")).to_have_value(REFERRER)
    expect(page.get_by_label("Årsag til henvisning")).to_have_value(CONCERN_TEXT)
    expect(page.get_by_label("Almen praksis")).to_be_checked()
    screenshot(page, "referral_form_error.png")

    consent.check()
    page.get_by_role("button", name="Opret henvisning").click()

    expect(page).to_have_url(re.compile(r"/henvisninger/\d+/$"))
    expect(page.get_by_role("heading", name="Henvisning af Lone Fiktivsen")).to_be_visible()
    expect(definition(page, "Status")).to_have_text("Afventer visitation")
    expect(definition(page, "Henvisende instans")).to_have_text(f"Almen praksis – {REFERRER}")


def nurse_accepts_referral(page: Page, world) -> None:
    page.get_by_role("link", name="Visiter").click()
    expect(page.get_by_role("heading", name="Visitation af Lone Fiktivsen")).to_be_visible()

    page.get_by_role("group", name="Afgørelse").get_by_label("Visiteret – forløb oprettes").check()
    page.get_by_label("Begrundelse").fill("Opfylder målgruppekriterierne; beboeren ønsker forløb.")
    page.get_by_role("group", name="Kontaktperson(er) i teamet").get_by_label(
        world.team_nurse.get_full_name(), exact=True
    ).check()
    page.get_by_label("Behandlingsansvarlig læge").select_option(
        label=world.team_doctor.get_full_name()
    )
    page.get_by_role("button", name="Gem afgørelse").click()

    expect(page).to_have_url(re.compile(r"/forloeb/\d+/$"))
    expect(page.get_by_role("heading", name="Forløb: Lone Fiktivsen")).to_be_visible()
    expect(definition(page, "Status")).to_have_text("Aktivt")
    expect(definition(page, "Team")).to_have_text("Botilbudsteam Nord")
    expect(definition(page, "Kontaktperson(er) BTT")).to_have_text(world.team_nurse.get_full_name())
    expect(definition(page, "Behandlingsansvarlig læge")).to_have_text(
        world.team_doctor.get_full_name()
    )
    screenshot(page, "course_detail.png")


def nurse_finds_resident_by_cpr(page: Page, world) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Find beboer").click()
    expect(page.get_by_role("heading", name="Find beboer", level=1)).to_be_visible()

    cpr = current_cpr(world.resident_plain)
    page.get_by_label("Navn eller CPR-nummer").fill(cpr)
    page.get_by_role("button", name="Søg").click()

    results = page.locator("#search-results")
    expect(results.get_by_role("heading")).to_have_text("1 beboer fundet")
    rows = results.get_by_role("row")
    expect(rows).to_have_count(2)  # the header row and one resident
    expect(rows.nth(1)).to_contain_text(cpr)
    expect(rows.nth(1)).to_contain_text("Bostedet Egely")

    results.get_by_role("link", name="Lone Fiktivsen").click()
    expect(page.get_by_role("heading", name="Lone Fiktivsen", level=1)).to_be_visible()
    course = page.get_by_role("region", name="Forløb i botilbudsteam")
    expect(course.get_by_text("Aktivt forløb")).to_be_visible()
    expect(course).to_contain_text("Botilbudsteam Nord")


# --- tests -------------------------------------------------------------------------------


def test_concern_becomes_referral_then_active_course(page: Page, live_world):
    housing_staff_raise_concern(page, live_world)
    nurse_creates_referral_from_concern(page, live_world)
    nurse_accepts_referral(page, live_world)
    nurse_finds_resident_by_cpr(page, live_world)


def test_ward_staff_look_up_whether_patient_has_a_team(page: Page, live_world):
    log_in(page, live_world.ward_staff)
    expect(page).to_have_url(re.compile(r"/opslag/$"))
    expect(page.get_by_role("heading", name="Har patienten et botilbudsteam?")).to_be_visible()

    identifier = page.get_by_label("CPR-nummer eller erstatnings-CPR")
    result = page.locator("#lookup-result")

    identifier.fill(current_cpr(live_world.resident_in_course))
    page.get_by_role("button", name="Slå op").click()
    expect(result.get_by_role("heading")).to_have_text("Ja – aktivt forløb i Botilbudsteam Nord")
    expect(result).to_contain_text(live_world.team_nurse.get_full_name())
    expect(result).to_contain_text(live_world.team_doctor.get_full_name())

    identifier.fill(current_cpr(live_world.resident_plain))
    page.get_by_role("button", name="Slå op").click()
    expect(result.get_by_role("heading")).to_have_text(re.compile(r"^Nej – intet aktivt forløb"))
    expect(result).not_to_contain_text("Botilbudsteam Nord")
