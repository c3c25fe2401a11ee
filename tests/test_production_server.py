"""The production server (gunicorn, deploy/gunicorn.conf.py) with the production settings
(``btt.settings``, DEBUG off), started as a subprocess against the test database
(tests/production.py): a nurse signs in with password and code, opens the team board, saves a
board edit and sees it, signs out; the answers carry the security headers and no debug page;
static files come from whitenoise with a long cache lifetime; SIGTERM stops it cleanly."""

from __future__ import annotations

import re

import pytest

from tests.personas import build_world
from tests.production import (
    STOP_DEADLINE_S,
    HtmlForm,
    ProductionServer,
    WebClient,
    sign_in,
    use_production_passwords,
)
from tests.production import production_static as production_static  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

EDITED = "Egen læge ser beboeren torsdag (gemt via gunicorn)."
ONE_YEAR_OR_MORE = re.compile(r"max-age=(\d+)")


def test_production_server_signs_in_uses_the_board_and_stops_cleanly(production_static):  # noqa: F811
    w = build_world()
    use_production_passwords()
    server = ProductionServer.start(workers=2)
    try:
        client = WebClient(server.url)
        sign_in(client, w.team_nurse)
        assert client.cookie("sessionid")  # SECURE_COOKIES=0: no __Host- prefix over http

        board = client.get(f"/tavle/team/{w.team_a.pk}/")
        assert board.status == 200
        assert "Tavle: Botilbudsteam Nord" in board.text
        assert w.resident_in_course.full_name in board.text
        # the production headers on a signed-in page
        assert "no-store" in board.headers["Cache-Control"]
        assert board.headers["X-Content-Type-Options"] == "nosniff"
        assert board.headers["X-Frame-Options"] == "DENY"
        assert board.headers["Referrer-Policy"] == "same-origin"
        csp = board.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
        # HSTS goes out on https only; this test speaks http to gunicorn (TLS is the proxy's)
        assert "Strict-Transport-Security" not in board.headers

        # a board edit through the form, as the browser posts it
        edit = client.get(f"/tavle/indgange/{w.board_entry.pk}/")
        assert edit.status == 200
        form = HtmlForm.find(edit, field="version")
        assert form["version"] == str(w.board_entry.version)
        form["others_involved"] = EDITED
        saved = client.submit(form)
        assert saved.status == 302, saved.text[:2000]
        assert saved.location == f"{server.url}/tavle/botilbud/{w.facility_a1.pk}/"
        facility_board = client.get(saved.location)
        assert "Ændringerne er gemt." in facility_board.text
        assert EDITED in facility_board.text
        assert EDITED in client.get(f"/tavle/team/{w.team_a.pk}/").text

        # static files: the page links the hashed names, whitenoise serves them compressed
        # and cacheable for good
        links = re.findall(r'(?:src|href)="(/static/vendor/[^"]+)"', board.text)
        assert links, "no vendored static file linked from the board"
        assert all(re.search(r"\.[0-9a-f]{12}\.(?:js|css)$", link) for link in links), links
        static = client.get(links[0], headers={"Accept-Encoding": "gzip"})
        assert static.status == 200
        assert static.headers["Content-Encoding"] == "gzip"
        cache = static.headers["Cache-Control"]
        assert "immutable" in cache and int(ONE_YEAR_OR_MORE.search(cache)[1]) >= 365 * 86400

        # no debug pages: an unknown address gets the generic 404 page
        missing = client.get("/findes-ikke/")
        assert missing.status == 404
        for debug_text in ("Traceback", "DEBUG = True", "URLconf", "Page not found"):
            assert debug_text not in missing.text

        # sign out: the session ends, the board sends to the login page
        out = client.post("/konto/logout/")
        assert out.status == 302 and out.location.startswith(f"{server.url}/konto/login/")
        after = client.get(f"/tavle/team/{w.team_a.pk}/")
        assert after.status == 302 and "/konto/login/" in after.location
    finally:
        exit_code = server.stop()
    assert exit_code == 0, f"gunicorn exited {exit_code} on SIGTERM:\n{server.log()}"
    assert server.stop_seconds is not None and server.stop_seconds < STOP_DEADLINE_S
    server.log_path.unlink()
