"""Fixtures for the browser tests: one Chromium per session, a fresh context per test, and the
persona world built in a transactional database that the live server thread can see.

``BROWSER_SERVER=production`` runs them against the production server instead of Django's live
server thread: gunicorn with deploy/gunicorn.conf.py and the production settings, one for the
session (tests/production.py); the passwords the tests set are then hashed with PBKDF2."""

from __future__ import annotations

import os

import factory.random
import faker.generator
import pytest
from playwright.sync_api import expect, sync_playwright

from . import CHROMIUM_ARGS, CHROMIUM_PATH

DEFAULT_TIMEOUT_MS = 10_000
WORLD_SEED = "btt-browser-tests"
PRODUCTION_SERVER = os.environ.get("BROWSER_SERVER", "live") == "production"

if PRODUCTION_SERVER:
    from tests.production import production_live_server_fixture

    live_server = production_live_server_fixture("session")

    @pytest.fixture(autouse=True)
    def _production_password_hashes(settings):
        """Passwords set in the tests are hashed as the production settings accept them."""
        settings.PASSWORD_HASHERS = ["tests.production.QuickPBKDF2PasswordHasher"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def live_world(transactional_db):
    """The persona world (tests.personas) in a database the live server can read.

    Faker is seeded while the world is built so the personas' names are the same on every run
    (the tests pick people by name, as a user would); the global random state is restored
    afterwards so the rest of the suite is unaffected.
    """
    from tests.personas import build_world

    factory_state = factory.random.randgen.getstate()
    faker_state = faker.generator.random.getstate()
    factory.random.reseed_random(WORLD_SEED)
    try:
        return build_world()
    finally:
        factory.random.randgen.setstate(factory_state)
        faker.generator.random.setstate(faker_state)


@pytest.fixture
def page(browser, live_server):
    """A new browser context (Danish locale, Copenhagen time) and page per test.

    Uncaught JavaScript errors and server errors (5xx) fail the test.
    """
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status} from {response.url}")
            if response.status >= 500
            else None
        ),
    )
    yield page
    context.close()
    if problems:
        pytest.fail("Problems seen in the browser:\n" + "\n".join(problems))
