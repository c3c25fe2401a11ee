"""The weekly tavlemøde in a real browser.

(a) A team nurse opens the meeting from the facility's meetings page, walks three residents,
    writes a note (saved inline), adds an action owned by the housing staff member, takes one
    resident off the board with the afslutning text, sets the attendance, closes the meeting and
    reads the printable minutes.
(b) A question left by housing staff appears on the team's agenda of the next meeting with the
    reason "Spørgsmål eller opdatering" and is answered from there.
(c) axe-core finds no serious or critical problems on the meeting page and the minutes.
(d) The meeting page's main actions are reachable by Tab and work with Enter and Space.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from . import CHROMIUM_PATH
from .axe import assert_accessible
from .test_referral_flow import log_in, log_out, screenshot

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()
NOTE = "Sover igen om natten; spiser med i fællesskabet."
DECISIONS = "Fortsætter på tavlen to uger endnu."
ACTION = "Kontaktpersonen aftaler tandlægetid med Aksel."
ENDING = "Talt med Birte i dag; hun er enig i, at indsatsen kan stoppe."
QUESTION = "Karen har været urolig om natten siden mandag. Skal medicinen ses efter?"
ANSWER = "Lægen ser på medicinen torsdag; ring, hvis det bliver værre."


def put_on_board(w, first_name: str, last_name: str, *, placed_days_ago: int):
    """A resident at Bostedet Egely in an active course, put on the board by the team nurse."""
    from board import services
    from tests import factories as f

    resident = f.ResidentFactory(facility=w.facility_a1, first_name=first_name, last_name=last_name)
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=w.facility_a1,
        responsible_doctor=w.team_doctor,
        facility_contact=w.housing_staff,
        team_contacts=[w.team_nurse],
    )
    return services.board_entry_create(
        user=w.team_nurse,
        resident=resident,
        placed_on=TODAY - datetime.timedelta(days=placed_days_ago),
        criteria=["early_signs"],
        need_text=f"{first_name} trækker sig fra fællesskabet.",
        review_on=TODAY + datetime.timedelta(days=14),
    )


def start_meeting(page: Page, w) -> None:
    page.goto(reverse("board:meetings", args=[w.facility_a1.pk]))
    expect(
        page.get_by_role("heading", name="Tavlemøder på Bostedet Egely", level=1)
    ).to_be_visible()
    page.get_by_role("button", name="Start tavlemøde").click()
    expect(page).to_have_url(re.compile(r"/tavle/moeder/\d+/$"))
    expect(
        page.get_by_role("heading", name=re.compile(r"^Tavlemøde på Bostedet Egely"), level=1)
    ).to_be_visible()


def current(page: Page):
    return page.get_by_role("region", name=re.compile(r"^Punkt \d+ af \d+"))


def expect_current(page: Page, number: int, total: int, name: str) -> None:
    heading = page.get_by_role("heading", level=2, name=re.compile(rf"^Punkt {number} af {total}"))
    expect(heading).to_contain_text(name)


# --- (a) a full meeting ------------------------------------------------------------------


def test_full_meeting_as_team_nurse(page: Page, live_world):
    w = live_world
    aksel = put_on_board(w, "Aksel", "Nielund", placed_days_ago=3)
    birte = put_on_board(w, "Birte", "Skovgaard", placed_days_ago=2)
    log_in(page, w.team_nurse)
    start_meeting(page, w)

    agenda = page.get_by_role("navigation", name="Dagsorden")
    expect(agenda.get_by_role("listitem")).to_have_count(3)
    expect(agenda.get_by_role("listitem").nth(0)).to_contain_text("Ny på tavlen")
    expect(agenda.get_by_role("listitem").nth(2)).to_contain_text("Spørgsmål eller opdatering")

    # 1: Aksel – a note, saved inline, and an action for the housing staff member
    expect_current(page, 1, 3, aksel.resident.full_name)
    item = current(page)
    expect(item).to_contain_text("Aksel trækker sig fra fællesskabet.")
    item.get_by_role("textbox", name="Notat", exact=True).fill(NOTE)
    item.get_by_role("textbox", name="Beslutninger", exact=True).fill(DECISIONS)
    item.get_by_role("button", name="Gem notat og beslutninger").click()
    expect(
        item.get_by_role("status").filter(has_text="Notat og beslutninger er gemt.")
    ).to_be_visible()
    expect(item.get_by_role("textbox", name="Notat", exact=True)).to_have_value(NOTE)

    item.get_by_role("textbox", name="Handling", exact=True).fill(ACTION)
    owner = item.get_by_label("Ansvarlig")
    owner.select_option(label=w.housing_staff.get_full_name())
    item.get_by_label("Frist").fill((TODAY + datetime.timedelta(days=7)).isoformat())
    item.get_by_role("button", name="Tilføj handling").click()
    expect(page.get_by_text("Handlingen er tilføjet.")).to_be_visible()
    actions = current(page).get_by_role("region", name="Handlinger")
    expect(actions).to_contain_text(ACTION)
    expect(actions).to_contain_text(f"{w.housing_staff.get_full_name()} (Botilbud)")
    screenshot(page, "meeting_item.png")

    # 2: Birte – taken off the board from the meeting
    current(page).get_by_role("link", name=re.compile("^Næste beboer")).click()
    expect_current(page, 2, 3, birte.resident.full_name)
    meeting_url = page.url
    current(page).get_by_role("link", name="Tag af tavlen").click()
    expect(
        page.get_by_role("heading", name=f"Tag {birte.resident.full_name} af tavlen")
    ).to_be_visible()
    page.get_by_label("Målene er nået").check()
    page.get_by_label("Afslutning af indsats med beboer").fill(ENDING)
    page.get_by_role("button", name="Tag af tavlen").click()
    expect(page.get_by_text(f"{birte.resident.full_name} er taget af tavlen.")).to_be_visible()
    page.goto(meeting_url)
    expect(current(page)).to_contain_text(f"Taget af tavlen {TODAY:%d.%m.%Y}")
    expect(current(page).get_by_role("link", name="Tag af tavlen")).to_have_count(0)

    # 3: Dorte – last on the agenda
    current(page).get_by_role("link", name=re.compile("^Næste beboer")).click()
    expect_current(page, 3, 3, w.resident_in_course.full_name)
    expect(current(page)).to_contain_text(w.question_open.text)
    expect(current(page).get_by_role("link", name=re.compile("^Næste beboer"))).to_have_count(0)

    # attendance from both sectors
    page.get_by_role("link", name="Ret deltagere").click()
    page.get_by_role("group", name="Fra botilbuddet").get_by_label(
        w.housing_staff.get_full_name()
    ).check()
    page.get_by_role("group", name="Fra botilbudsteamet").get_by_label(
        w.team_doctor.get_full_name()
    ).check()
    page.get_by_role("button", name="Gem deltagere").click()
    expect(page.get_by_text("Deltagerne er gemt.")).to_be_visible()

    # close, then the minutes
    page.get_by_role("link", name="Afslut mødet").click()
    expect(page.get_by_role("heading", name=re.compile("^Afslut tavlemødet"))).to_be_visible()
    expect(page.locator("dl.app-dl dt:text-is('Handlinger oprettet') + dd")).to_have_text("1")
    page.get_by_role("button", name="Afslut mødet").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Referat af tavlemøde"), level=1)
    ).to_be_visible()
    attendance = page.get_by_role("region", name="Deltagere")
    for person in (w.team_nurse, w.team_doctor, w.housing_staff):
        expect(attendance).to_contain_text(person.get_full_name())
    aksel_minutes = page.get_by_role("region", name=re.compile(rf"1\. {aksel.resident.full_name}"))
    expect(aksel_minutes).to_contain_text(NOTE)
    expect(aksel_minutes).to_contain_text(DECISIONS)
    birte_minutes = page.get_by_role("region", name=re.compile(rf"2\. {birte.resident.full_name}"))
    expect(birte_minutes).to_contain_text(f"Taget af tavlen {TODAY:%d.%m.%Y}: Målene er nået.")
    expect(birte_minutes).to_contain_text(ENDING)
    row = aksel_minutes.get_by_role("row").filter(has_text=ACTION)
    expect(row).to_contain_text(w.housing_staff.get_full_name())
    expect(row).to_contain_text((TODAY + datetime.timedelta(days=7)).strftime("%d.%m.%Y"))
    # printed on A4: the header, navigation and footer are left out
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_hidden()
    expect(aksel_minutes).to_be_visible()
    screenshot(page, "meeting_minutes_print.png")
    page.emulate_media(media="screen")

    # the meeting is read-only now
    page.goto(meeting_url)
    expect(page.get_by_text("Mødet er afsluttet og kan ikke ændres.")).to_be_visible()
    expect(page.get_by_role("button", name="Gem notat og beslutninger")).to_have_count(0)


# --- (b) a question from housing staff -----------------------------------------------------


def test_question_from_housing_staff_is_answered_at_the_next_meeting(page: Page, live_world):
    w = live_world
    karen = put_on_board(w, "Karen", "Bakholm", placed_days_ago=30)  # before last meeting
    log_in(page, w.housing_staff)
    page.goto(reverse("board:question_create", args=[karen.resident_id]))
    expect(page.get_by_role("heading", name=re.compile(karen.resident.full_name))).to_be_visible()
    page.get_by_label("Tekst").fill(QUESTION)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Sendt.")).to_be_visible()
    log_out(page)

    log_in(page, w.team_nurse)
    start_meeting(page, w)
    agenda = page.get_by_role("navigation", name="Dagsorden")
    entry = agenda.get_by_role("listitem").filter(has_text=karen.resident.full_name)
    expect(entry).to_contain_text("Spørgsmål eller opdatering")
    entry.get_by_role("link", name=karen.resident.full_name).click()
    item = current(page)
    expect(item.get_by_role("heading", level=2)).to_contain_text(karen.resident.full_name)
    expect(item.get_by_role("list", name="Årsager til at være på dagsordenen")).to_have_text(
        "Spørgsmål eller opdatering"
    )
    questions = item.get_by_role("region", name="Spørgsmål og opdateringer")
    expect(questions).to_contain_text(QUESTION)
    expect(questions).to_contain_text(w.housing_staff.get_full_name())
    meeting_url = page.url
    questions.get_by_role("link", name=re.compile("^Besvar")).click()

    page.get_by_label("Svar").fill(ANSWER)
    page.get_by_role("button", name="Gem svar").click()
    expect(page.get_by_text("Svaret er gemt.")).to_be_visible()
    page.goto(meeting_url)
    questions = current(page).get_by_role("region", name="Spørgsmål og opdateringer")
    expect(questions).to_contain_text(ANSWER)
    expect(questions.get_by_role("link", name=re.compile("^Besvar"))).to_have_count(0)

    page.get_by_role("link", name="Referat (udkast)").click()
    expect(page.get_by_role("region", name=re.compile(karen.resident.full_name))).to_contain_text(
        ANSWER
    )


# --- (c) accessibility -------------------------------------------------------------------


def test_meeting_page_and_minutes_are_accessible(page: Page, live_world):
    w = live_world
    put_on_board(w, "Aksel", "Nielund", placed_days_ago=3)
    log_in(page, w.team_nurse)
    start_meeting(page, w)
    expect(current(page)).to_be_visible()
    assert_accessible(page)
    # with errors shown in the action form
    current(page).get_by_role("button", name="Tilføj handling").click()
    expect(page.get_by_role("alert").filter(has_text="Der er fejl i formularen")).to_be_visible()
    assert_accessible(page)
    page.goto(reverse("board:minutes", args=[w.meeting_closed.pk]))
    expect(page.get_by_role("heading", name=re.compile("^Referat af tavlemøde"))).to_be_visible()
    assert_accessible(page)
    log_out(page)
    # housing staff, with a withheld column
    log_in(page, w.housing_staff)
    page.goto(reverse("board:meetings", args=[w.facility_a1.pk]))
    page.get_by_role("link", name="Fortsæt mødet").click()
    expect(current(page)).to_contain_text("deles ikke – samtykke mangler")
    assert_accessible(page)
    screenshot(page, "meeting_housing_withheld.png")


# --- (d) keyboard ------------------------------------------------------------------------


def tab_to(page: Page, target, limit: int = 200) -> None:
    """Press Tab until ``target`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"not reachable by Tab: {target}")


def test_meeting_page_works_with_the_keyboard(page: Page, live_world):
    w = live_world
    put_on_board(w, "Aksel", "Nielund", placed_days_ago=3)
    log_in(page, w.team_nurse)
    start_meeting(page, w)
    expect_current(page, 1, 2, "Aksel Nielund")

    # Næste beboer with Enter
    page.locator("body").focus()
    tab_to(page, current(page).get_by_role("link", name=re.compile("^Næste beboer")))
    page.keyboard.press("Enter")
    expect_current(page, 2, 2, w.resident_in_course.full_name)

    # write the note and save it with Space
    page.locator("body").focus()
    note = current(page).get_by_role("textbox", name="Notat", exact=True)
    tab_to(page, note)
    page.keyboard.type("Skrevet med tastaturet.")
    save = current(page).get_by_role("button", name="Gem notat og beslutninger")
    tab_to(page, save)
    page.keyboard.press("Space")
    expect(page.get_by_text("Notat og beslutninger er gemt.")).to_be_visible()

    # mark the open action from last week done with Enter
    done = current(page).get_by_role("button", name=re.compile("^Udført"))
    expect(done).to_have_count(1)
    page.locator("body").focus()
    tab_to(page, done)
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("er udført"))).to_be_visible()
    expect(current(page).get_by_role("button", name=re.compile("^Udført"))).to_have_count(0)

    # Forrige with Enter, then to the closing page
    page.locator("body").focus()
    tab_to(page, current(page).get_by_role("link", name=re.compile("^Forrige")))
    page.keyboard.press("Enter")
    expect_current(page, 1, 2, "Aksel Nielund")
    page.locator("body").focus()
    tab_to(page, page.get_by_role("link", name="Afslut mødet"))
    page.keyboard.press("Enter")
    close = page.get_by_role("button", name="Afslut mødet")
    tab_to(page, close)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Referat af tavlemøde"))).to_be_visible()
    expect(page.get_by_text("Skrevet med tastaturet.")).to_be_visible()
