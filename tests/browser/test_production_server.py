"""The critical flow in Chromium against the production server (gunicorn, deploy/gunicorn.conf.py,
production settings; tests/production.py), on every run: the nurse signs in with password and
code, opens the team board (htmx and the stylesheets come from whitenoise, under the
Content-Security-Policy), edits Dorte's entry, sees the change and signs out.

The whole browser suite runs against the production server with ``BROWSER_SERVER=production``
(tests/browser/conftest.py); this module does so whatever the setting.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.production import production_live_server_fixture, use_production_passwords

from . import CHROMIUM_PATH
from .test_referral_flow import log_in, log_out

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":  # CI: a missing browser is a failure
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser

# this module's ``page`` (tests/browser/conftest.py) opens the production server
live_server = production_live_server_fixture("module")

TEXT = "Egen læge, dr. Holm, ser Dorte torsdag (gunicorn)."


def test_sign_in_and_edit_the_board_on_the_production_server(page: Page, live_server, live_world):
    w = live_world
    use_production_passwords()
    static_misses: list[str] = []
    page.on(
        "response",
        lambda r: static_misses.append(r.url) if "/static/" in r.url and r.status != 200 else None,
    )
    log_in(page, w.team_nurse)
    assert page.url.startswith(live_server.url)

    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Tavle", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Tavle: Botilbudsteam Nord", level=1)).to_be_visible()
    # htmx ran (its script came from whitenoise with the page's nonce) and the board polls
    assert page.evaluate("typeof window.htmx") == "object"
    expect(page.locator("#board-rows[hx-trigger='every 15s']")).to_have_count(1)

    page.get_by_role("link", name="Ret Dorte Testesen").click()
    expect(page.get_by_role("heading", name="Tavlen: Dorte Testesen", level=1)).to_be_visible()
    page.get_by_label("Øvrige relevante involverede").fill(TEXT)
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/tavle/botilbud/{w.facility_a1.pk}/$"))
    expect(page.get_by_text("Ændringerne er gemt.")).to_be_visible()
    expect(page.locator("#board-rows")).to_contain_text(TEXT)

    log_out(page)
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    assert static_misses == []
