"""JSON logs without personal data, the request log line, and the Prometheus metrics.

The log tests capture everything (every logger at DEBUG) through the handler, filter and
formatter of settings.LOGGING while real views receive a CPR number, a name, free text, a
password, a TOTP code and a session cookie; none of it may reach the log. The production server
variant (real gunicorn) is in test_serving.py.
"""

from __future__ import annotations

import copy
import datetime
import io
import json
import logging
import logging.config
import re
import sys
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from procrastinate.contrib.django import app
from prometheus_client.parser import text_string_to_metric_families

from btt.observability.logs import AccessJsonFormatter, JsonFormatter, PersonNumberFilter
from btt.observability.scrub import scrub
from record.kinds import Kind
from record.tests.samples import new_resident_in_course, post_data, writer_for
from tests.clients import SignInClient
from tests.factories import TEST_PASSWORD, make_cpr
from tests.production import totp_code

TOKEN = "metrics-token-for-tests-0123456789abcdef"
QUEUE = "btt-observability-test"


@app.task(name="btt.tests.observability_probe", queue=QUEUE)
def probe(*, fail: bool) -> None:
    """A test-only task: fails when asked to."""
    if fail:
        raise RuntimeError("probe failed on purpose")


# --- scrubbing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "cpr 0101701234 here",
        "cpr 010170-1234 here",
        "replacement 3006751AB2.",
        "/beboere/2902801234/",
        "a0101701234b",  # letters around it do not hide it
    ],
)
def test_person_numbers_are_scrubbed(text):
    scrubbed = scrub(text)
    assert "[cpr?]" in scrubbed
    assert not re.search(r"\d{6}-?\d[0-9A-Z]{2}\d", scrubbed)


@pytest.mark.parametrize(
    "text",
    [
        "duration 1234567890123 us",  # part of a longer number
        "3213701234",  # no day 32
        "0113701234",  # no month 13
        "request 9f2c61a0e4b84f7d93c1d2e3f4a5b6c7",
        "2026-12-07T22:34:57.754068+00:00",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert scrub(text) == text


def _record(msg, args=(), **extra):
    record = logging.LogRecord("t", logging.WARNING, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_filter_scrubs_message_arguments_and_exception_text():
    try:
        raise ValueError("duplicate key (cpr)=(0101701234)")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "saving %s failed", ("010170-1234",), sys.exc_info()
        )
    assert PersonNumberFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "0101701234" not in line and "010170-1234" not in line
    assert json.loads(line)["message"] == "saving [cpr?] failed"
    assert "ValueError" in json.loads(line)["exc_info"]


def test_json_formatter_drops_the_request_object_and_job_arguments():
    class Request:
        def __str__(self):
            return "<WSGIRequest: GET '/beboere/soeg/?q=Jensen'>"

    record = _record(
        "Not Found: %s",
        ("/x/",),
        request=Request(),
        status_code=404,
        job={"id": 7, "task_name": "t", "task_kwargs": {"note": "fri tekst"}, "call_string": "x"},
    )
    data = json.loads(JsonFormatter().format(record))
    assert "request" not in data and "Jensen" not in json.dumps(data)
    assert data["job"] == {"id": 7, "task_name": "t"}
    assert data["status_code"] == 404
    assert list(data)[:4] == ["time", "level", "logger", "message"]


def test_access_formatter_keeps_the_path_without_query_string():
    """gunicorn's access record: the atoms are the arguments (gunicorn.glogging)."""
    atoms = {
        "m": "GET",
        "U": "/beboere/soeg/",
        "q": "q=0101701234&navn=Jensen",
        "r": "GET /beboere/soeg/?q=0101701234&navn=Jensen HTTP/1.1",
        "s": "200",
        "M": 12,
        "B": 512,
        "h": "192.0.2.10",
        "f": "https://btt.example.dk/beboere/?navn=Jensen",
        "a": "Mozilla/5.0",
        "{x-request-id}o": "9f2c61a0e4b84f7d93c1d2e3f4a5b6c7",
    }
    record = _record("%(m)s %(U)s %(s)s %(M)sms", atoms)
    record.args = atoms  # LogRecord unwraps a single mapping argument the same way
    PersonNumberFilter().filter(record)
    line = AccessJsonFormatter().format(record)
    data = json.loads(line)
    assert data["message"] == "GET /beboere/soeg/ 200 12ms"
    assert data["path"] == "/beboere/soeg/"
    assert data["status"] == 200 and data["duration_ms"] == 12 and data["method"] == "GET"
    assert data["request_id"] == "9f2c61a0e4b84f7d93c1d2e3f4a5b6c7"
    for secret in ("0101701234", "Jensen", "192.0.2.10", "Mozilla"):
        assert secret not in line


# --- everything logged at DEBUG while real views receive personal data ---------------------


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """settings.LOGGING with every logger at DEBUG, its handler writing into a buffer."""
    buffer = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["stream"] = buffer
    config["handlers"]["console"]["formatter"] = "json"
    config["root"]["level"] = "DEBUG"
    for logger in config["loggers"].values():
        logger["level"] = "DEBUG"
    logging.config.dictConfig(config)
    try:
        yield buffer
    finally:
        logging.config.dictConfig(settings.LOGGING)


def _lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def _assert_absent(log: str, secrets: dict[str, str]) -> None:
    """None of the values in the log as written, nor in its lines decoded from JSON (\\u
    escapes), nor URL-encoded (as a query string would carry them)."""
    decoded = "\n".join(
        json.dumps(json.loads(line), ensure_ascii=False) for line in log.splitlines() if line
    )
    for what, value in secrets.items():
        for form in {value, quote(value), quote_plus(value)}:
            pattern = rf"(?<!\d){re.escape(form)}(?!\d)" if form.isdigit() else re.escape(form)
            for text in (log, decoded):
                assert not re.search(pattern, text, flags=re.IGNORECASE), f"{what} reached the log"


@pytest.fixture
def resident_in_course(world):
    """Built before the log capture starts (factory_boy logs what it builds at DEBUG)."""
    return new_resident_in_course(world, first_name="Oline", last_name="Krogsbøl-Vestergaard")


def test_personal_data_posted_to_real_views_never_reaches_the_log(
    world, resident_in_course, debug_log
):
    w = world
    cpr = make_cpr(datetime.date(1968, 3, 14))
    first, last = "Ingeborg", "Tvingsholm-Østergaard"
    note = "Beboeren fortalte om søsterens skilsmisse og sin frygt for naboen Kaj"
    wrong_password = "Forkert-Kodeord-Med-Hemmelighed-77"

    # login: a wrong password, then the right one and the TOTP code
    browser = Client()
    login_url = reverse("accounts:login")
    browser.post(login_url, {"username": w.housing_staff.username, "password": wrong_password})
    response = browser.post(
        login_url, {"username": w.housing_staff.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    code = totp_code(w.housing_staff)
    response = browser.post(reverse("accounts:otp_verify"), {"token": code})
    assert response.status_code == 302, response.content.decode()[:2000]
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value

    # a resident registered with CPR number and name; searches and a 404 with query strings
    response = browser.post(
        reverse("residents:create"),
        {
            "first_name": first,
            "last_name": last,
            "identifier": cpr,
            "moved_in": datetime.date.today().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    browser.get(reverse("residents:search"), {"q": cpr})
    browser.get(reverse("residents:search"), {"q": f"{first} {last}"})
    hyphenated = f"{cpr[:6]}-{cpr[6:]}"
    missing = browser.get("/beboere/987654321/", {"cpr": hyphenated, "navn": f"{first} {last}"})
    assert missing.status_code == 404

    # a course-record entry with free text, by a team nurse
    writer = SignInClient()
    writer.force_login(writer_for(w, Kind.PSYCHIATRIC))
    response = writer.post(
        reverse("record:create", args=[resident_in_course.pk, Kind.PSYCHIATRIC]),
        post_data(Kind.PSYCHIATRIC, background=note),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    log = debug_log.getvalue()
    lines = _lines(debug_log)  # every line is one JSON object
    _assert_absent(
        log,
        {
            "CPR number": cpr,
            "CPR number with hyphen": hyphenated,
            "first name": first,
            "last name": last,
            "other resident's name": "Krogsbøl-Vestergaard",
            "free text": note,
            "a word of the free text": "skilsmisse",
            "wrong password": wrong_password,
            "password": TEST_PASSWORD,
            "TOTP code": code,
            "session key": session_key,
        },
    )
    requests = [line for line in lines if line["logger"] == "btt.request"]
    assert len(requests) >= 8
    for line in requests:
        assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
        assert {"user_id", "view_name", "duration_ms", "db_ms", "db_queries"} <= set(line)
        assert line["user_id"] is None or isinstance(line["user_id"], int)
    by_view = {line["view_name"]: line for line in requests}
    assert by_view["residents:create"]["user_id"] == w.housing_staff.pk
    assert by_view["residents:create"]["status"] == 302
    assert by_view["record:create"]["user_id"] == writer_for(w, Kind.PSYCHIATRIC).pk
    assert by_view["residents:search"]["method"] == "GET"
    assert any(line["logger"] == "btt.security" for line in lines)  # the login was logged
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and all("?" not in line["message"] for line in not_found)


def test_request_log_line_names_the_view_and_costs_no_query_for_anonymous_probes(debug_log):
    Client().get(reverse("healthz"), HTTP_X_REQUEST_ID="probe-request-0001")
    (line,) = [line for line in _lines(debug_log) if line["logger"] == "btt.request"]
    assert line["request_id"] == "probe-request-0001"
    assert line["view_name"] == "healthz"
    assert line["user_id"] is None
    assert line["status"] == 200 and line["method"] == "GET"
    assert line["db_queries"] == 0
    assert isinstance(line["duration_ms"], float)


# --- metrics ------------------------------------------------------------------------------


def _samples(body: bytes) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def _value(body: bytes, name: str, **labels: str) -> float | None:
    return _samples(body).get((name, frozenset(labels.items())))


def _scrape(**extra) -> bytes:
    response = Client(**extra).get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content


@pytest.mark.django_db
def test_metrics_are_off_without_token_or_network():
    assert Client().get(reverse("metrics")).status_code == 404
    response = Client().get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=["10.20.0.0/16"])
def test_metrics_need_the_token_or_an_address_in_the_network():
    url = reverse("metrics")
    assert Client().get(url).status_code == 404
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}x").status_code == 404
    assert Client().get(url, HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404
    # the client writes X-Forwarded-For: it opens nothing
    assert Client().get(url, HTTP_X_FORWARDED_FOR="10.20.1.1").status_code == 404
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert Client(REMOTE_ADDR="10.20.1.1").get(url).status_code == 200
    assert Client(REMOTE_ADDR="10.21.1.1").get(url).status_code == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_hold_per_view_latency_status_and_database_time_never_paths(world, client):
    client.force_login(world.team_nurse)
    before = _value(_scrape(), "btt_http_responses_total", view="residents:detail", status="200")
    url = reverse("residents:detail", args=[world.resident_in_course.pk])
    assert client.get(url).status_code == 200
    assert client.get("/findes-ikke/?cpr=0101701234").status_code == 404
    body = _scrape()
    assert (
        _value(body, "btt_http_responses_total", view="residents:detail", status="200")
        == (before or 0) + 1
    )
    assert _value(body, "btt_http_request_duration_seconds_count", view="residents:detail") >= 1
    assert _value(body, "btt_http_request_db_seconds_count", view="residents:detail") >= 1
    assert _value(body, "btt_http_request_db_queries_sum", view="residents:detail") >= 1
    assert _value(body, "btt_http_responses_total", view="<unresolved>", status="404") >= 1
    text = body.decode()
    assert "/beboere/" not in text and "findes-ikke" not in text and "0101701234" not in text


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_queue_depth_counts_a_deferred_job():
    assert _value(_scrape(), "btt_jobs", queue=QUEUE, status="todo") is None
    probe.defer(fail=False)
    probe.defer(fail=False)
    body = _scrape()
    assert _value(body, "btt_jobs", queue=QUEUE, status="todo") == 2
    assert _value(body, "btt_jobs", queue=QUEUE, status="failed") == 0
    assert _value(body, "btt_jobs_scrape_ok") == 1


@pytest.fixture
def probe_jobs_removed(transactional_db) -> Iterator[None]:
    """Jobs are not Django-managed rows: the flush after a transactional test leaves them, so
    the test removes what it (or the worker's periodic deferrer) added."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        (before,) = cursor.fetchone()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [before])


@override_settings(METRICS_TOKEN=TOKEN)
def test_failed_jobs_are_counted_after_a_real_worker_ran_them(probe_jobs_removed):
    probe.defer(fail=True)
    probe.defer(fail=False)
    worker_app = app.with_connector(app.connector.get_worker_connector())
    worker_app.run_worker(
        queues=[QUEUE], wait=False, install_signal_handlers=False, listen_notify=False
    )
    body = _scrape()
    assert _value(body, "btt_jobs", queue=QUEUE, status="failed") == 1
    assert _value(body, "btt_jobs", queue=QUEUE, status="succeeded") == 1
    assert _value(body, "btt_jobs", queue=QUEUE, status="todo") == 0
