"""Browser tests: the system Chromium driven through Playwright against pytest-django's live
server. Run with ``.venv/bin/pytest tests/browser``; never ``playwright install``."""

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=da-DK",  # Danish date format in date inputs, as users see it
]
SCREENSHOT_DIR = "/tmp/screens"  # noqa: S108 - for a human to look at; nothing reads them back
