"""Follow-up in a real browser: the team leader opens the dashboard, drills down to a facility,
downloads the Excel file and reads a figure in it, and then accepts an early-warning suggestion
onto the board."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from . import CHROMIUM_PATH
from .axe import assert_accessible
from .test_referral_flow import log_in, screenshot

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser


def _flagged_resident(world):
    """Bent lives at Bostedet Egely, is in team A's course, not on the board, and force was
    used yesterday: the early-warning rule for force suggests him for the board."""
    from django.utils import timezone

    from record.kinds import CATEGORY
    from record.models import Entry
    from tests import factories as f

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    resident = f.ResidentFactory(
        facility=world.facility_a1, first_name="Bent", last_name="Browsersen"
    )
    course = f.CourseFactory(
        referral__resident=resident,
        referral__facility=world.facility_a1,
        referral__received_on=yesterday - datetime.timedelta(days=200),
        responsible_doctor=world.team_doctor,
        team_contacts=[world.team_nurse],
    )
    for kind, subtype in (("force", "holding"), ("admission", "voluntary")):
        Entry.objects.create(
            resident=resident,
            course=course,
            team=course.team,
            facility=world.facility_a1,
            kind=kind,
            category=CATEGORY[kind] or "",
            sector="facility" if kind == "force" else "team",
            occurred_on=yesterday,
            subtype=subtype,
            data={},
            recorded_by=world.team_nurse,
            updated_by=world.team_nurse,
        )
    from earlywarning.tests.helpers import recompute

    recompute(world.team_a)  # what the worker does after those entries
    return resident


def test_leader_drills_down_exports_and_accepts_a_suggestion(page: Page, live_world, tmp_path):
    from board.models import BoardEntry

    w = live_world
    bent = _flagged_resident(w)
    log_in(page, w.team_leader)

    # the dashboard: the team's figures, charts with tables beside them
    page.get_by_role("link", name="Opfølgning", exact=True).click()
    expect(
        page.get_by_role("heading", name="Opfølgning: Botilbudsteam Nord", level=1)
    ).to_be_visible()
    expect(page.get_by_role("img", name="Beboere i forløb og på tavlen")).to_be_visible()
    screenshot(page, "indicators-team.png")
    assert_accessible(page)

    # drill down to the facility
    facilities = page.get_by_role("region", name="Botilbud, som teamet betjener")
    facilities.get_by_role("link", name="Bostedet Egely").click()
    expect(page.get_by_role("heading", name="Opfølgning: Bostedet Egely", level=1)).to_be_visible()
    crumbs = page.get_by_role("navigation", name="Niveau")
    expect(crumbs.get_by_role("link", name="Botilbudsteam Nord")).to_be_visible()
    screenshot(page, "indicators-facility.png")

    # Excel: every table; small numbers are hidden in files that leave the team
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent alle tabeller (Excel)").click()
    download = info.value
    assert re.fullmatch(
        r"opfoelgning-botilbud-\d+-alle-tabeller-\d{8}\.xlsx", download.suggested_filename
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = load_workbook(path)
    assert "indikatorer" in book.sheetnames and "efterlevelse" in book.sheetnames
    rows = {r[0].value: [c.value for c in r] for r in book["indikatorer"].iter_rows(min_row=3)}
    in_course = rows["Beboere i forløb"]
    assert in_course[1].startswith("Antal forskellige beboere")  # the definition beside it
    assert in_course[-1] == "<5"  # Dorte and Bent this month
    assert "<5" in rows["Magtanvendelser på botilbud"][-2:]  # Bent, yesterday

    # the early-warning suggestions, from the team's board
    page.get_by_role("link", name="Tavle", exact=True).click()
    page.get_by_role("link", name="Forslag til tavlen (tidlig opsporing)").click()
    expect(
        page.get_by_role("heading", name="Forslag til tavlen: Botilbudsteam Nord")
    ).to_be_visible()
    page.get_by_role("button", name="Sæt Bent Browsersen på tavlen").click()
    expect(page.get_by_text("Forslaget er accepteret")).to_be_visible()
    need = page.get_by_label("Uddybning af behov for intensiveret indsats")
    expect(need).to_have_value(re.compile("Foreslået af tidlig opsporing"))
    review_on = datetime.date.today() + datetime.timedelta(days=14)  # noqa: DTZ011
    page.get_by_label("Næste opfølgning").fill(review_on.isoformat())
    page.get_by_role("button", name="Sæt på tavlen").click()
    expect(page.get_by_text("Forslaget er accepteret")).to_have_count(0)
    entry = BoardEntry.objects.get(resident=bent, status="active")
    assert "aggression_force" in entry.criteria  # force used yesterday
    assert "Magtanvendelse" in entry.need_text
