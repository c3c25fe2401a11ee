"""A compulsory admission registered by housing staff puts the resident on the next board
meeting's agenda, in a real browser.

Housing staff at Bostedet Egely open a resident in a course from their start page, go to the
course record (Forløbsjournal) and register an admission (Tvangsindlæggelse). Then the team
nurse opens the facility's meeting from the meetings page: the resident is first on the agenda
with the reason "Indlagt eller udskrevet siden sidste møde", which housing staff see too.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from . import CHROMIUM_PATH
from .test_meeting import start_meeting
from .test_referral_flow import log_in, log_out, screenshot

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser

REASON = "Indlagt eller udskrevet siden sidste møde"
WARD = "Psykiatrisk sengeafsnit P1"
NOTE = "Hentet af politi og læge efter to urolige døgn."


def test_compulsory_admission_comes_on_the_agenda(page: Page, live_world):
    w = live_world
    resident = w.resident_in_course
    name = resident.full_name
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    log_in(page, w.housing_staff)
    residents = page.get_by_role("region", name="Beboere på Bostedet Egely")
    residents.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    page.get_by_role("link", name="Forløbsjournal").click()

    expect(page.get_by_role("heading", name=f"Forløbsjournal: {name}", level=1)).to_be_visible()
    new = page.get_by_role("complementary", name="Ny registrering").or_(
        page.get_by_role("region", name="Ny registrering")
    )
    new.get_by_role("link", name="Indlæggelse", exact=True).click()

    expect(page.get_by_role("heading", name="Indlæggelse", level=1)).to_be_visible()
    page.get_by_label("Indlagt den").fill(yesterday.isoformat())
    page.get_by_label("Tvangsindlæggelse").check()
    page.get_by_label("Afsnit").fill(WARD)
    page.get_by_label("Akut").check()
    page.get_by_label("Bemærkning").fill(NOTE)
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page.get_by_text("Indlæggelse er gemt.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/journal/\d+/$"))
    expect(page.get_by_text(NOTE)).to_be_visible()
    log_out(page)

    log_in(page, w.team_nurse)
    start_meeting(page, w)
    agenda = page.get_by_role("navigation", name="Dagsorden")
    first = agenda.get_by_role("listitem").first
    expect(first).to_contain_text(name)
    expect(first).to_contain_text(REASON)
    reasons = page.get_by_role("list", name="Årsager til at være på dagsordenen")
    expect(reasons.get_by_role("listitem").first).to_have_text(REASON)
    screenshot(page, "admission_agenda.png")
    meeting_url = page.url
    log_out(page)

    # the agenda is shared: housing staff see the same reason
    log_in(page, w.housing_staff)
    page.goto(meeting_url)
    agenda = page.get_by_role("navigation", name="Dagsorden")
    expect(agenda.get_by_role("listitem").filter(has_text=name)).to_contain_text(REASON)
