"""The production start: `manage.py check --deploy` clean with production settings, the gunicorn
configuration, and deploy/serve started for real (gunicorn, production settings, the test
database) while a user posts personal data: none of it in the process's output, every request
line complete, the metrics summed over the workers."""

from __future__ import annotations

import datetime
import json
import os
import re
import runpy
import secrets
import subprocess  # nosec B404 - our own interpreter and scripts
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from record.kinds import Kind
from record.tests.samples import new_resident_in_course, post_data, writer_for
from tests.factories import TEST_PASSWORD, make_cpr
from tests.personas import build_world
from tests.production import (
    HtmlForm,
    ProductionServer,
    WebClient,
    _Process,
    database_url,
    free_port,
    production_env,
    production_static,  # noqa: F401 - a fixture: the static files collected once
    totp_code,
    use_production_passwords,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TOKEN = "metrics-token-for-the-served-test-0123456789"
# As a production deployment sets it (behind a TLS proxy), no TLS switches turned off.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "btt.settings",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "btt.region.example.dk",
    "DATABASE_URL": "postgres://btt@db.region.example.dk:5432/btt",  # check does not connect
    "BEHIND_TLS_PROXY": "1",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SILENCED_"))}
    for name in (
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "ENVIRONMENT_LABEL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # conftest.py sets it for Playwright; never in production
    ):
        base.pop(name, None)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def _make_serve_local_http() -> dict[str, str]:
    """The variables `make serve` sets for plain http on a developer's machine (Makefile)."""
    makefile = (BASE_DIR / "Makefile").read_text()
    match = re.search(r"^SERVE_LOCAL_HTTP = ((?:.*\\\n)*.*)$", makefile, flags=re.MULTILINE)
    assert match, "SERVE_LOCAL_HTTP not found in the Makefile"
    words = match.group(1).replace("\\\n", " ").split()
    return dict(word.split("=", 1) for word in words)


def test_make_serve_switches_off_only_tls_and_silences_only_its_three_checks():
    local = _make_serve_local_http()
    assert set(local) == {"SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SILENCED_SYSTEM_CHECKS"}
    env = {**PRODUCTION, "BEHIND_TLS_PROXY": "0", **local}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(3 silenced)" in result.stdout
    without = {k: v for k, v in env.items() if k != "SILENCED_SYSTEM_CHECKS"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=without)
    assert result.returncode != 0
    found = set(re.findall(r"security\.W\d{3}", result.stdout + result.stderr))
    assert found == {"security.W008", "security.W012", "security.W016"}


def test_gunicorn_config_reads_the_environment_and_logs_no_query_strings(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # else it makes one
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("HOST", "10.0.0.7")
    monkeypatch.setenv("WEB_TIMEOUT", "45")
    conf = runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))
    assert conf["bind"] == "10.0.0.7:8123"
    assert conf["workers"] == 3 and conf["timeout"] == 45
    assert conf["max_requests"] > 0 and 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["preload_app"] is False and conf["control_socket_disable"] is True
    for atom in ("r", "q", "f", "a", "h", "u"):  # request line, query, referrer, agent, ...
        assert f"%({atom})s" not in conf["access_log_format"]
    monkeypatch.delenv("WEB_WORKERS")
    assert runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))["workers"] == (
        2 * len(os.sched_getaffinity(0)) + 1
    )


# --- deploy/serve for real --------------------------------------------------------------------


class Served(ProductionServer):
    """deploy/serve (the deployment checks, then gunicorn in its place) on a free port."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        _Process.__init__(self, [str(BASE_DIR / "deploy" / "serve")], env, f"serve-{port}")
        self.port = port
        self.url = f"http://127.0.0.1:{port}"


def _metric(body: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


@pytest.fixture
def jobs_left_alone(transactional_db):
    """Jobs the requests defer (procrastinate's rows are not flushed after the test)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        (before,) = cursor.fetchone()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [before])


@pytest.mark.usefixtures("production_static", "jobs_left_alone")
def test_served_production_server_logs_json_without_personal_data():
    world = build_world()
    resident = new_resident_in_course(world, first_name="Oline", last_name="Krogsbøl-Vestergaard")
    use_production_passwords()
    writer = writer_for(world, Kind.PSYCHIATRIC)
    cpr = make_cpr(datetime.date(1968, 3, 14))
    hyphenated = f"{cpr[:6]}-{cpr[6:]}"
    first, last = "Ingeborg", "Tvingsholm-Østergaard"
    note = "Beboeren fortalte om søsterens skilsmisse og sin frygt for naboen Kaj"
    wrong_password = "Forkert-Kodeord-Med-Hemmelighed-77"

    port = free_port()
    env = production_env(
        database=database_url(),
        port=port,
        workers=2,
        secret_key=secrets.token_urlsafe(50),  # check --deploy wants 50 random characters
        extra={
            "BTT_PYTHON": sys.executable,
            "SERVE_COLLECTSTATIC": "0",  # the production_static fixture collected them
            "SILENCED_SYSTEM_CHECKS": "security.W008,security.W012,security.W016",  # http
            "METRICS_TOKEN": TOKEN,
            "LOG_LEVEL": "DEBUG",
        },
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest.py for Playwright only
    server = Served(env, port)
    codes: list[str] = []
    sessions: list[str] = []
    try:
        server.wait_ready()
        housing = WebClient(server.url)
        page = housing.get("/konto/login/")
        form = HtmlForm.find(page, field="username")
        form["username"] = world.housing_staff.username
        form["password"] = wrong_password
        assert housing.submit(form).status == 200
        form["password"] = TEST_PASSWORD
        assert housing.submit(form).status == 302
        codes.append(totp_code(world.housing_staff))
        assert housing.post("/konto/login/kode/", {"token": codes[-1]}).status == 302
        sessions.append(housing.cookie("sessionid") or "")

        response = housing.post(
            "/beboere/ny/",
            {
                "first_name": first,
                "last_name": last,
                "identifier": cpr,
                "moved_in": datetime.date.today().isoformat(),
            },
        )
        assert response.status == 302, response.text[:2000]
        assert housing.get(f"/beboere/soeg/?q={cpr}").status == 200
        assert housing.get(f"/beboere/soeg/?q={quote_plus(first + ' ' + last)}").status == 200
        missing = housing.get(f"/beboere/987654321/?cpr={hyphenated}&navn={quote_plus(last)}")
        assert missing.status == 404

        nurse = WebClient(server.url)
        page = nurse.get("/konto/login/")
        form = HtmlForm.find(page, field="username")
        form["username"] = writer.username
        form["password"] = TEST_PASSWORD
        assert nurse.submit(form).status == 302
        codes.append(totp_code(writer))
        assert nurse.post("/konto/login/kode/", {"token": codes[-1]}).status == 302
        sessions.append(nurse.cookie("sessionid") or "")
        url = f"/beboere/{resident.pk}/journal/ny/{Kind.PSYCHIATRIC.value}/"
        response = nurse.post(url, post_data(Kind.PSYCHIATRIC, background=note))
        assert response.status == 302, response.text[:2000]

        metrics = WebClient(server.url).get(
            "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert metrics.status == 200
        assert WebClient(server.url).get("/metrics").status == 404
        assert WebClient(server.url).get("/readyz").status == 200
    finally:
        code = server.stop()
        output = server.log_path.read_text(errors="replace")
        server.log_path.unlink(missing_ok=True)
    assert code == 0, output[-4000:]

    # the metrics: both workers' samples added up (multiprocess mode)
    body = metrics.text
    assert _metric(body, "btt_http_responses_total", view="residents:create", status="302") == 1
    assert _metric(body, "btt_http_responses_total", view="accounts:otp_verify", status="302") == 2
    assert _metric(body, "btt_http_request_duration_seconds_count", view="record:create") == 1
    assert "/beboere/" not in body

    # the output: JSON lines (besides the check's one line of text), no personal data
    personal = {
        "CPR number": cpr,
        "CPR number with hyphen": hyphenated,
        "first name": first,
        "last name": last,
        "other resident's name": "Krogsbøl-Vestergaard",
        "free text": note,
        "a word of the free text": "skilsmisse",
        "wrong password": wrong_password,
        "password": TEST_PASSWORD,
        "metrics token": TOKEN,
        **{f"TOTP code {i}": c for i, c in enumerate(codes)},
        **{f"session key {i}": s for i, s in enumerate(sessions)},
    }
    lines = []
    for raw in output.splitlines():
        if raw.startswith("System check identified no issues"):
            continue
        lines.append(json.loads(raw))
    decoded = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for what, value in personal.items():
        assert value, what
        for form in {value, quote(value), quote_plus(value)}:
            pattern = rf"(?<!\d){re.escape(form)}(?!\d)" if form.isdigit() else re.escape(form)
            for text in (output, decoded):
                assert not re.search(pattern, text, flags=re.IGNORECASE), f"{what} in the log"

    requests = [line for line in lines if line["logger"] == "btt.request"]
    assert {line["view_name"] for line in requests} >= {
        "accounts:login",
        "accounts:otp_verify",
        "residents:create",
        "residents:search",
        "record:create",
        "metrics",
    }
    for line in requests:
        assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"]), line
        assert {"user_id", "view_name", "duration_ms", "db_ms", "db_queries"} <= set(line)
    created = next(line for line in requests if line["view_name"] == "record:create")
    assert created["user_id"] == writer.pk and created["status"] == 302
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert len(access) == len(requests)
    assert all("?" not in line["path"] and "?" not in line["message"] for line in access)
    assert {line["request_id"] for line in access} == {line["request_id"] for line in requests}
    assert any(line["message"] == "Shutting down: Master" for line in lines)
