"""The application's database role may only INSERT and SELECT audit rows (PostgreSQL).

End to end, as in production: a scratch database owned by a NON-superuser owner role,
``manage.py migrate`` with DATABASE_URL = the application role and MIGRATION_DATABASE_URL = the
owner (so migrate runs as the owner and grants afterwards), then the application role tries
everything that could erase or rewrite the log. The roles and the database are dropped
afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess  # nosec B404 - runs this project's manage.py only
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import errors, sql

BASE_DIR = Path(settings.BASE_DIR)
TABLE = "audit_auditevent"


def _server():
    """Connection parameters of the test server, as the suite's (superuser) role."""
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }


def _url(role: str, password: str, dbname: str) -> str:
    server = _server()
    host = quote(server["host"], safe="")  # a Unix socket directory (the embedded server) too
    return f"postgres://{quote(role)}:{quote(password)}@{host}:{server['port']}/{dbname}"


def _connect(dbname: str, role: str | None = None, password: str | None = None):
    params = _server()
    if role is not None:
        params["user"], params["password"] = role, password
    return psycopg.connect(dbname=dbname, autocommit=True, **params)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = ("DATABASE_URL", "MIGRATION_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    full_env = {k: v for k, v in os.environ.items() if k not in inherited}
    full_env.update(env, DJANGO_SETTINGS_MODULE="btt.settings_test")
    return subprocess.run(  # noqa: S603  # nosec B603 - fixed argv, our own manage.py
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def roles():
    """A scratch database owned by a non-superuser owner role, migrated by it, and an
    application role granted by ``migrate``. Dropped afterwards."""
    suffix = secrets.token_hex(4)
    owner, app = f"btt_t_owner_{suffix}", f"btt_t_app_{suffix}"
    owner_pw, app_pw = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    dbname = f"btt_t_roles_{suffix}"
    with _connect("postgres") as admin:
        for role, password in ((owner, owner_pw), (app, app_pw)):
            admin.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}"
                ).format(sql.Identifier(role), sql.Literal(password))
            )
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(dbname), sql.Identifier(owner)
            )
        )
        try:
            migrated = _manage(
                "migrate",
                "--no-input",
                env={
                    "DATABASE_URL": _url(app, app_pw, dbname),
                    "MIGRATION_DATABASE_URL": _url(owner, owner_pw, dbname),
                },
            )
            assert migrated.returncode == 0, migrated.stderr[-3000:]
            yield {
                "owner": owner,
                "owner_pw": owner_pw,
                "app": app,
                "app_pw": app_pw,
                "db": dbname,
                "migrate_output": migrated.stdout,
            }
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )
            for role in (app, owner):
                admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture
def as_app(roles):
    with _connect(roles["db"], roles["app"], roles["app_pw"]) as c:
        yield c


@pytest.fixture
def as_owner(roles):
    with _connect(roles["db"], roles["owner"], roles["owner_pw"]) as c:
        yield c


def _insert_row(conn) -> int:
    return conn.execute(
        """
        INSERT INTO audit_auditevent (at, actor_name, organisation, role, action, object_type,
            object_id, purpose, outcome, request_id, detail)
        VALUES (now(), '', '', '', 'view', '', '', 'treatment', 'allowed', 'roles-test', '{}')
        RETURNING id
        """
    ).fetchone()[0]


def test_the_tables_belong_to_the_owner_and_the_roles_are_not_superusers(roles, as_owner):
    row = as_owner.execute(
        "SELECT tableowner FROM pg_tables WHERE tablename = %s", [TABLE]
    ).fetchone()
    assert row == (roles["owner"],)
    supers = as_owner.execute(
        "SELECT rolname, rolsuper FROM pg_roles WHERE rolname = ANY(%s)",
        [[roles["owner"], roles["app"]]],
    ).fetchall()
    assert sorted(supers) == sorted([(roles["owner"], False), (roles["app"], False)])
    assert "SELECT and INSERT only on audit_auditevent" in roles["migrate_output"]


def test_the_application_role_may_insert_and_select_audit_rows(as_app):
    row_id = _insert_row(as_app)
    assert as_app.execute("SELECT id FROM audit_auditevent WHERE id = %s", [row_id]).fetchone() == (
        row_id,
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET purpose = 'administration'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
        "DROP TABLE audit_auditevent",
        "ALTER TABLE audit_auditevent RENAME TO audit_gone",
        "CREATE TRIGGER t_sneaky BEFORE INSERT ON audit_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
        "DROP FUNCTION audit_auditevent_append_only()",
        "CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "CREATE TABLE sneaky (id int)",
    ],
)
def test_the_application_role_cannot_change_or_erase_the_log(as_app, statement):
    _insert_row(as_app)
    with pytest.raises(errors.InsufficientPrivilege):
        as_app.execute(statement)
    assert as_app.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 1


def test_the_application_role_works_normally_on_other_tables(as_app):
    as_app.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date) "
        "VALUES ('rolestest', 'x', now() + interval '1 hour')"
    )
    as_app.execute("UPDATE django_session SET session_data = 'y' WHERE session_key = 'rolestest'")
    as_app.execute("DELETE FROM django_session WHERE session_key = 'rolestest'")
    with pytest.raises(errors.InsufficientPrivilege):
        as_app.execute("TRUNCATE django_session")
    with pytest.raises(errors.InsufficientPrivilege):
        as_app.execute("DELETE FROM django_migrations")
    assert as_app.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 0


def test_tables_the_owner_adds_later_get_ordinary_privileges(as_owner, as_app):
    as_owner.execute("CREATE TABLE later_table (id bigint GENERATED BY DEFAULT AS IDENTITY, x int)")
    as_app.execute("INSERT INTO later_table (x) VALUES (1)")
    as_app.execute("UPDATE later_table SET x = 2")
    as_app.execute("DELETE FROM later_table")
    as_owner.execute("DROP TABLE later_table")


def test_granting_again_is_idempotent_and_refuses_bad_set_ups(roles):
    as_owner_env = {"DATABASE_URL": _url(roles["owner"], roles["owner_pw"], roles["db"])}
    again = _manage("grant_app_role", roles["app"], env=as_owner_env)
    assert again.returncode == 0, again.stderr[-3000:]
    # the owner itself, or a superuser, cannot be the application role
    for role in (roles["owner"], _server()["user"]):
        refused = _manage("grant_app_role", role, env=as_owner_env)
        assert refused.returncode != 0
        assert "CommandError" in refused.stderr or "application role" in refused.stderr


def test_the_application_role_can_check_the_migration_history(roles):
    """Without the owner's URL the site runs as the application role and still reads which
    migrations are applied (runserver's and deploy checks' question)."""
    with_app = {"DATABASE_URL": _url(roles["app"], roles["app_pw"], roles["db"])}
    checked = _manage("migrate", "--check", env=with_app)
    assert checked.returncode == 0, checked.stderr[-3000:]  # it can read the history
