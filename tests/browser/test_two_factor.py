"""Two-factor sign-in in a real browser.

1. A user signing in for the first time sets up an authenticator app with the activation code
   their leader issued: the page shows the key (and a QR code); the code computed from the
   shown key confirms it and the start page opens.
2. A wrong code is refused with a Danish message and the code page stays.
"""

from __future__ import annotations

import os
import re
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

from . import CHROMIUM_PATH
from .test_referral_flow import screenshot

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":  # CI: a missing browser is a failure
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser

CODE_LABEL = "Kode fra din autentificeringsapp"
WRONG_CODE = "Koden er forkert eller allerede brugt"


def enter_password(page: Page, user) -> None:
    page.goto("/konto/login/")
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def test_first_login_sets_up_the_authenticator(page: Page, live_world):
    from accounts.services import activation_issue

    nurse = live_world.team_nurse
    code = activation_issue(user=live_world.team_leader, target=nurse).code  # from the leader
    enter_password(page, nurse)

    expect(page.get_by_role("heading", name="Sæt autentificeringsapp op")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_have_count(0)
    page.get_by_role("button", name="Fortsæt").click()  # the password alone is not enough
    expect(page.get_by_role("alert")).to_contain_text("Skriv aktiveringskoden, du har fået.")
    page.get_by_label("Aktiveringskode").fill(code)
    page.get_by_role("button", name="Fortsæt").click()

    expect(page.get_by_role("img", name="QR-kode til autentificeringsappen")).to_be_visible()
    secret_text = page.locator("#totp-secret")
    expect(secret_text).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{4})+$"))
    screenshot(page, "totp_enrolment.png")
    secret = secret_text.inner_text().replace(" ", "")
    code = totp(b32decode(secret))  # what the app computes from the typed-in key
    page.get_by_label(CODE_LABEL).fill(f"{code:06d}")
    page.get_by_role("button", name="Bekræft").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Din autentificeringsapp er sat op.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Velkommen"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()


def test_wrong_code_is_refused_in_danish(page: Page, live_world):
    from accounts.services import totp_device_create
    from accounts.tests.otp import wrong_code

    doctor = live_world.team_doctor
    device = totp_device_create(doctor, confirmed=True)
    enter_password(page, doctor)

    expect(page.get_by_role("heading", name="Bekræft med kode")).to_be_visible()
    page.get_by_label(CODE_LABEL).fill(wrong_code(device))  # no step near now accepts it
    page.get_by_role("button", name="Bekræft").click()

    expect(page.get_by_role("alert")).to_contain_text("Der er fejl i formularen")
    expect(page.get_by_role("alert")).to_contain_text(WRONG_CODE)
    expect(page.get_by_label(CODE_LABEL)).to_have_accessible_description(
        re.compile(re.escape(WRONG_CODE))
    )
    expect(page.get_by_role("heading", name="Bekræft med kode")).to_be_visible()
    expect(page.get_by_role("button", name="Log af")).to_be_visible()  # may give up here
    screenshot(page, "totp_wrong_code.png")
    page.goto("/")
    expect(page.get_by_role("heading", name="Bekræft med kode")).to_be_visible()  # not through
