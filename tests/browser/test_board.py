"""The overview board (beboeroverblikstavlen) in a real browser.

1. The team nurse and the housing staff of Bostedet Egely edit Dorte's entry at the same time.
   The nurse saves first; the housing staff's save shows the conflict with both texts side by
   side, and she keeps her own text: it is saved, and the nurse's text stays in the history.
2. The facility board and the team board pass axe-core (no serious or critical violations).
3. The open board shows another user's change within 15 seconds, without a reload.
4. Keyboard only: Tab reaches the first row's edit link, Enter opens it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import CHROMIUM_PATH
from .axe import assert_accessible
from .conftest import DEFAULT_TIMEOUT_MS
from .test_referral_flow import log_in, screenshot

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser

NURSE_TEXT = "Egen læge, dr. Holm, ser Dorte torsdag."
HOUSING_TEXT = "Mor ringer hver søndag; aftalt med Dorte."


@pytest.fixture
def second_page(browser, live_server):
    """A second browser context: another person at another computer."""
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def open_entry(page: Page, world) -> None:
    page.goto(f"/tavle/indgange/{world.board_entry.pk}/")
    expect(page.get_by_role("heading", name="Tavlen: Dorte Testesen", level=1)).to_be_visible()


def test_two_people_save_the_same_entry_and_nothing_is_lost(
    page: Page, second_page: Page, live_world
):
    from board.models import BoardEntry, BoardEntryChange

    w = live_world
    nurse, housing = page, second_page
    log_in(nurse, w.team_nurse)
    log_in(housing, w.housing_staff)
    open_entry(nurse, w)
    open_entry(housing, w)
    # housing staff do not get the team's column as a field
    expect(housing.get_by_label("Botilbudsteam-behandlingsinterventioner")).to_have_count(0)

    nurse.get_by_label("Øvrige relevante involverede").fill(NURSE_TEXT)
    housing.get_by_label("Øvrige relevante involverede").fill(HOUSING_TEXT)
    nurse.get_by_role("button", name="Gem", exact=True).click()
    expect(nurse).to_have_url(re.compile(rf"/tavle/botilbud/{w.facility_a1.pk}/$"))
    expect(nurse.get_by_text("Ændringerne er gemt.")).to_be_visible()

    housing.get_by_role("button", name="Gem", exact=True).click()
    conflict = housing.get_by_role("alert").filter(
        has_text="En anden har gemt i de samme felter, mens du skrev"
    )
    expect(conflict).to_be_visible()
    field = housing.get_by_role("region", name="Øvrige relevante involverede")
    expect(field.locator("[data-version=saved]")).to_have_text(NURSE_TEXT)
    expect(field.locator("[data-version=mine]")).to_have_text(HOUSING_TEXT)
    expect(field).to_contain_text(f"Gemt af {w.team_nurse.get_full_name()}")
    expect(housing.get_by_role("textbox", name="Øvrige relevante involverede")).to_have_value(
        HOUSING_TEXT
    )
    screenshot(housing, "board_conflict.png")

    housing.get_by_role("button", name="Gem min tekst").click()
    expect(housing).to_have_url(re.compile(rf"/tavle/botilbud/{w.facility_a1.pk}/$"))
    expect(housing.locator("#board-rows")).to_contain_text(HOUSING_TEXT)

    entry = BoardEntry.objects.get(pk=w.board_entry.pk)
    assert entry.others_involved == HOUSING_TEXT
    assert entry.version == w.board_entry.version + 2
    assert BoardEntryChange.objects.filter(
        entry=entry, field="others_involved", old_value=NURSE_TEXT, new_value=HOUSING_TEXT
    ).exists()
    # the nurse's text is in the history, as the text that was replaced
    housing.goto(f"/tavle/beboere/{w.resident_in_course.pk}/historik/")
    expect(housing.get_by_role("table", name="Ændringer")).to_contain_text(NURSE_TEXT)


def test_boards_are_accessible(page: Page, live_world):
    w = live_world
    log_in(page, w.team_nurse)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Tavle", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Tavle: Botilbudsteam Nord", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Dorte Testesen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "team_board.png")
    # the filters swap the table in place (htmx) and keep the address bookmarkable
    page.get_by_label("Botilbud", exact=True).select_option(label="Bofællesskabet Lyngen")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("#board-region")).to_contain_text(
        "Ingen beboere på tavlen matcher filtrene."
    )
    expect(page).to_have_url(re.compile(rf"facility={w.facility_a2.pk}"))
    expect(page.get_by_label("Botilbud", exact=True)).to_have_value(str(w.facility_a2.pk))

    page.goto(f"/tavle/botilbud/{w.facility_a1.pk}/")
    expect(page.get_by_role("heading", name="Tavle: Bostedet Egely", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Dorte Testesen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "facility_board.png")

    page.get_by_role("link", name="Kompakt").click()
    expect(page.get_by_role("columnheader", name="Kortsigtede indsatsmål")).to_have_count(0)
    assert_accessible(page)


def test_board_shows_changes_by_others_without_reload(page: Page, live_world):
    from board import services

    w = live_world
    log_in(page, w.housing_staff)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Tavle", exact=True
    ).click()
    rows = page.locator("#board-rows")
    expect(rows).to_contain_text("Dorte Testesen")
    expect(rows).to_contain_text("deles ikke – samtykke mangler")
    page.evaluate("window.__notReloaded = true")
    text = "Tættere opfølgning fra teamet: besøg mandag og torsdag."
    entry = w.board_entry
    entry.refresh_from_db()
    services.board_entry_update(
        user=w.team_nurse, entry=entry, version=entry.version, changes={"goals_short": text}
    )
    expect(rows).to_contain_text(text, timeout=20_000)
    assert page.evaluate("window.__notReloaded === true")


def test_keyboard_reaches_and_opens_the_edit_link(page: Page, live_world):
    w = live_world
    log_in(page, w.team_nurse)
    page.goto(f"/tavle/botilbud/{w.facility_a1.pk}/")
    edit = page.get_by_role("link", name="Ret Dorte Testesen")
    expect(edit).to_be_visible()
    target = f"/tavle/indgange/{w.board_entry.pk}/"
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        pytest.fail("Tab never reached the first row's edit link")
    expect(edit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{target}$"))
    expect(page.get_by_role("heading", name="Tavlen: Dorte Testesen", level=1)).to_be_visible()
