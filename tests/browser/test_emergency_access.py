"""Emergency access in the browser: a nurse of another team opens a resident with a reason
and her password, works under a visible banner, and her leader reviews it afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

from . import CHROMIUM_PATH
from .test_referral_flow import current_cpr, log_in, log_out, screenshot

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser


def test_emergency_access_with_reason_banner_and_review(page: Page, live_world):
    from organisation.models import Profession, Role
    from tests.factories import MembershipFactory

    w = live_world
    leader_b = MembershipFactory(
        role=Role.TEAM_LEADER, profession=Profession.LEADER, team=w.team_b
    ).user
    resident = w.resident_in_course

    log_in(page, w.other_team_nurse)
    page.get_by_role("link", name="Nødadgang", exact=True).click()
    expect(
        page.get_by_role("heading", name="Nødadgang til en beboer uden for dit team")
    ).to_be_visible()
    page.get_by_label("CPR-nummer eller erstatnings-CPR").fill(current_cpr(resident))
    page.get_by_label("Akut indlæggelse eller udskrivelse").check()
    page.get_by_label("Begrundelse").fill("Indlagt akut i nat; Nord kan ikke træffes.")
    # a wrong password is refused and nothing typed is lost
    page.get_by_label("Bekræft med din adgangskode").fill("forkert-adgangskode")
    page.get_by_role("button", name="Åbn nødadgang").click()
    expect(page.get_by_text("Adgangskoden er forkert.").first).to_be_visible()
    expect(page.get_by_label("Begrundelse")).to_have_value(
        "Indlagt akut i nat; Nord kan ikke træffes."
    )
    page.get_by_label("Bekræft med din adgangskode").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Åbn nødadgang").click()

    expect(page.get_by_role("heading", name=resident.full_name, level=1)).to_be_visible()
    banner = page.get_by_role("alert").filter(has_text="Nødadgang aktiv")
    expect(banner).to_contain_text(resident.full_name)
    screenshot(page, "emergency_banner.png")
    # the banner stays on every page while the access lasts
    page.get_by_role("link", name="Forside").click()
    expect(page.get_by_role("alert").filter(has_text="Nødadgang aktiv")).to_be_visible()
    log_out(page)

    log_in(page, leader_b)
    page.get_by_role("link", name="Nødadgange til gennemgang").click()
    row = page.get_by_role("row").filter(has_text=w.other_team_nurse.get_full_name())
    expect(row).to_contain_text("Akut indlæggelse eller udskrivelse")
    row.get_by_role("link", name="Gennemgå").click()
    expect(page.get_by_text("Indlagt akut i nat; Nord kan ikke træffes.")).to_be_visible()
    expect(page.get_by_role("cell", name="Visning").first).to_be_visible()
    page.get_by_label("Leders vurdering").fill("Berettiget: akut indlæggelse om natten.")
    page.get_by_role("button", name="Marker som gennemgået").click()
    expect(page.get_by_text("Ingen nødadgange venter på gennemgang.")).to_be_visible()
