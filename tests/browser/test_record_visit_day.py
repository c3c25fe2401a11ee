"""The visit day in a real browser: a team nurse visiting Bostedet Egely on its agreed day.

She opens Besøgsdage from the menu, opens the facility's visit day, writes a visit note for a
resident from the list (the form comes preselected as a planned visit at the facility, dated
today), saves, lands back on the visit-day list where the resident is marked as visited today,
and finds the note in the resident's journal. axe-core finds no serious problems on the way.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from . import CHROMIUM_PATH
from .axe import assert_accessible
from .test_referral_flow import log_in, screenshot

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser

NOTE = "Rolig samtale på værelset. Sover bedre og har taget medicinen hver morgen."


def agree_visits_today(w) -> None:
    """Today is one of the agreed visit days in the agreement in force (9–12)."""
    import datetime

    from agreements.models import AgreementVersion

    version = AgreementVersion.objects.get(agreement=w.agreement, in_force_from__isnull=False)
    version.visit_days = sorted({timezone.localdate().weekday(), 1})
    version.visit_from, version.visit_to = datetime.time(9, 0), datetime.time(12, 0)
    version.save(update_fields=["visit_days", "visit_from", "visit_to"])


def test_visit_note_from_the_visit_day_list(page: Page, live_world):
    from record.tests.samples import new_resident_in_course

    w = live_world
    agree_visits_today(w)
    resident = new_resident_in_course(w, first_name="Henrik", last_name="Havemann")
    resident.courses.get().team_contacts.add(w.team_nurse)
    name = resident.full_name

    log_in(page, w.team_nurse)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Besøgsdage").click()
    expect(page.get_by_role("heading", name="Besøgsdage", level=1)).to_be_visible()
    facilities = page.locator("#visit-days")
    egely = facilities.get_by_role("row").filter(has_text="Bostedet Egely")
    expect(egely).to_contain_text("I dag")
    expect(egely).to_contain_text("kl. 09.00–12.00")
    expect(facilities.get_by_role("row").filter(has_text="Bofællesskabet Lyngen")).to_contain_text(
        "Ingen samarbejdsaftale i kraft"
    )
    assert_accessible(page)
    egely.get_by_role("link", name="Åbn besøgsdag på Bostedet Egely").click()

    expect(page.get_by_role("heading", name="Besøgsdag på Bostedet Egely", level=1)).to_be_visible()
    expect(page.get_by_text("Aftalt besøgsdag kl. 09.00–12.00.")).to_be_visible()
    residents = page.get_by_role("region", name="Beboere at se")
    row = residents.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text("Din kontaktbeboer")
    expect(row).to_contain_text("Ikke endnu")
    # the resident on the board comes first
    expect(residents.get_by_role("row").nth(1)).to_contain_text(w.resident_in_course.full_name)
    expect(page.get_by_role("region", name="Åbne spørgsmål fra botilbuddet")).to_contain_text(
        w.question_open.text
    )
    assert_accessible(page)
    visit_day_url = page.url
    row.get_by_role("link", name=f"Skriv besøgsnotat om {name}").click()

    expect(page.get_by_role("heading", name="Besøg eller samtale", level=1)).to_be_visible()
    expect(page.get_by_label("Dato")).to_have_value(timezone.localdate().isoformat())
    expect(page.get_by_label("Besøg på botilbuddet")).to_be_checked()
    expect(page.get_by_label("Planlagt", exact=True)).to_be_checked()
    page.get_by_label("Notat").fill(NOTE)
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page).to_have_url(visit_day_url)
    expect(page.get_by_text("Besøg eller samtale er gemt.")).to_be_visible()
    row = page.get_by_role("region", name="Beboere at se").get_by_role("row").filter(has_text=name)
    expect(row.get_by_role("link", name="Besøgsnotat skrevet")).to_be_visible()
    screenshot(page, "visit_day.png")

    row.get_by_role("link", name=f"Journal for {name}").click()
    expect(page).to_have_url(reverse("record:overview", args=[resident.pk]))
    recent = page.get_by_role("region", name="Seneste kontakter og hændelser")
    recent.get_by_role("link", name="Besøg eller samtale").click()
    expect(page).to_have_url(re.compile(r"/journal/\d+/$"))
    expect(page.get_by_text(NOTE)).to_be_visible()
