"""The two PostgreSQL roles (docs/database-roles.md).

- The **owner** role runs migrations and owns every table, sequence, function and trigger.
- The **application** role is what the running site connects as: SELECT, INSERT, UPDATE and
  DELETE on the ordinary tables, and on the append-only tables below only SELECT and INSERT.
  It owns nothing, so it can neither ALTER nor DROP a table or trigger; it has no TRUNCATE,
  TRIGGER or REFERENCES anywhere.

``grant_app_role`` runs as the owner after ``migrate`` (the ``migrate`` command does it by
itself when MIGRATION_DATABASE_URL is set). It is idempotent: it takes back anything more than
the above, also on tables a later migration added.

With MIGRATION_DATABASE_URL set, those two commands make the whole process the owner
(``act_as_owner``): the default connection logs in as the owner, so a data migration that
queries without ``.using(schema_editor.connection.alias)`` does not run as the application
role.

Every statement is composed with ``psycopg.sql`` (identifiers quoted by the driver); role and
schema names never reach SQL as plain strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg import sql

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.utils import CursorWrapper

from .models import AuditEvent

# Tables whose rows are never changed or deleted by the application.
APPEND_ONLY_MODELS = (AuditEvent,)
# Functions the application may execute: SECURITY DEFINER functions of the owner, each a
# narrow, fixed task (audit/migrations/0005_partition_by_month.py), as (name, argument types).
APP_FUNCTIONS: tuple[tuple[str, sql.SQL], ...] = (
    ("audit_auditevent_add_partitions", sql.SQL("integer")),
)
# Tables the application only reads (the migration history is the owner's business).
READ_ONLY_TABLES = ("django_migrations",)

TABLE_PRIVILEGES = sql.SQL("SELECT, INSERT, UPDATE, DELETE")
# UPDATE on a sequence allows setval (the demo data loader resets one after a bulk load).
SEQUENCE_PRIVILEGES = sql.SQL("USAGE, SELECT, UPDATE")
# Privileges the application must never hold on an append-only table.
FORBIDDEN_ON_APPEND_ONLY = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")


HAS_TABLE_PRIVILEGE = """
    SELECT has_table_privilege(%s, c.oid, %s)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %s AND c.relname = %s
"""


class RoleSetupError(Exception):
    """The roles are not set up so that the grants would mean anything."""


@dataclass(frozen=True)
class GrantReport:
    owner: str
    app_role: str
    schema: str
    append_only: tuple[str, ...]


_app_role_of_this_process: list[str] = []


def act_as_owner() -> str | None:
    """Make this process's default connection log in as the owner role of
    MIGRATION_DATABASE_URL (same database; settings checked that). Returns the application
    role's name (DATABASE_URL's user), or None when MIGRATION_DATABASE_URL is not set.
    For ``migrate`` and ``grant_app_role`` only; idempotent."""
    owner = getattr(settings, "MIGRATION_DATABASE", None)
    if not owner:
        return None
    if not _app_role_of_this_process:
        connection = connections[DEFAULT_DB_ALIAS]
        _app_role_of_this_process.append(connection.settings_dict["USER"])
        connection.close()
        connection.settings_dict["USER"] = owner["USER"]
        connection.settings_dict["PASSWORD"] = owner["PASSWORD"]
    return _app_role_of_this_process[0]


def append_only_tables() -> tuple[str, ...]:
    return tuple(model._meta.db_table for model in APPEND_ONLY_MODELS)


def _one(cursor: CursorWrapper, query: str, params: Sequence[str] = ()) -> Any:
    """The first row (a tuple), or None."""
    cursor.execute(query, params)
    return cursor.fetchone()


def _check_roles(cursor: CursorWrapper, app_role: str, schema: str) -> str:
    """Refuse set-ups where privileges would not bind the application role."""
    owner: str = _one(cursor, "SELECT current_user")[0]
    row = _one(cursor, "SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
    if row is None:
        raise RoleSetupError(f"role {app_role!r} does not exist")
    if app_role == owner:
        raise RoleSetupError(
            "the application role must not be the role running this command (the owner)"
        )
    if row[0]:
        raise RoleSetupError(f"role {app_role!r} is a superuser: privileges do not bind it")
    if _one(cursor, "SELECT pg_has_role(%s, current_user, 'MEMBER')", [app_role])[0]:
        raise RoleSetupError(
            f"role {app_role!r} is a member of the owner role {owner!r} and would act as owner"
        )
    for table in append_only_tables():
        found = _one(
            cursor,
            "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s",
            [schema, table],
        )
        if found is None:
            raise RoleSetupError(f"table {schema}.{table} does not exist: run migrate first")
        if not _one(cursor, "SELECT pg_has_role(current_user, %s, 'USAGE')", [found[0]])[0]:
            raise RoleSetupError(
                f"{schema}.{table} is owned by {found[0]!r}, not by {owner!r}: "
                "reassign ownership first (docs/database-roles.md)"
            )
    cursor.execute(
        """
        SELECT p.proname, pg_get_userbyid(p.proowner)
        FROM pg_trigger g
        JOIN pg_class c ON c.oid = g.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_proc p ON p.oid = g.tgfoid
        WHERE NOT g.tgisinternal AND n.nspname = %s AND c.relname = ANY(%s)
        """,
        [schema, list(append_only_tables())],
    )
    for function, function_owner in cursor.fetchall():
        if not _one(cursor, "SELECT pg_has_role(current_user, %s, 'USAGE')", [function_owner])[0]:
            raise RoleSetupError(
                f"trigger function {function}() is owned by {function_owner!r}, not by {owner!r}"
            )
    return owner


def _sequences_of(cursor: CursorWrapper, schema: str, table: str) -> list[str]:
    cursor.execute(
        """
        SELECT s.relname
        FROM pg_class s
        JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE s.relkind = 'S' AND n.nspname = %s AND t.relname = %s
        """,
        [schema, table],
    )
    return [r[0] for r in cursor.fetchall()]


def _partitions_of(cursor: CursorWrapper, schema: str, table: str) -> list[str]:
    """The partitions (at any depth) of a partitioned table; none for a plain table."""
    cursor.execute(
        """
        WITH RECURSIVE parts(oid) AS (
            SELECT i.inhrelid FROM pg_inherits i
            JOIN pg_class t ON t.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = %s AND t.relname = %s
            UNION
            SELECT i.inhrelid FROM pg_inherits i JOIN parts p ON i.inhparent = p.oid
        )
        SELECT c.relname FROM parts p JOIN pg_class c ON c.oid = p.oid ORDER BY c.relname
        """,
        [schema, table],
    )
    return [r[0] for r in cursor.fetchall()]


def grant_app_role(connection: BaseDatabaseWrapper, app_role: str) -> GrantReport:
    """Give ``app_role`` exactly the application's privileges in the connection's schema.

    Run as the owner of the tables. Raises ``RoleSetupError`` when the set-up would make the
    grants meaningless (superuser, member of the owner, tables owned by someone else).
    """
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        schema: str = _one(cursor, "SELECT current_schema()")[0]
        owner = _check_roles(cursor, app_role, schema)
        app = sql.Identifier(app_role)
        nsp = sql.Identifier(schema)
        statements = [
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(nsp, app),
            sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(nsp, app),
            sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(TABLE_PRIVILEGES, nsp, app),
            sql.SQL(
                "REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA {} FROM {}"
            ).format(nsp, app),
            sql.SQL("GRANT {} ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                SEQUENCE_PRIVILEGES, nsp, app
            ),
            # Tables and sequences the owner creates later (the next migration) start alike.
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
                nsp, TABLE_PRIVILEGES, app
            ),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA {} "
                "REVOKE TRUNCATE, TRIGGER, REFERENCES ON TABLES FROM {}"
            ).format(nsp, app),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON SEQUENCES TO {}").format(
                nsp, SEQUENCE_PRIVILEGES, app
            ),
        ]
        for table in append_only_tables():
            name = sql.Identifier(schema, table)
            statements += [
                sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(name, app),
                sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC").format(name),
                sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(name, app),
            ]
            # rows are reached only through the parent, whose privileges govern that access
            for partition in _partitions_of(cursor, schema, table):
                part = sql.Identifier(schema, partition)
                statements += [
                    sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(part, app),
                    sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC").format(part),
                ]
            for sequence in _sequences_of(cursor, schema, table):
                seq = sql.Identifier(schema, sequence)
                statements += [
                    sql.SQL("REVOKE ALL ON SEQUENCE {} FROM {}").format(seq, app),
                    sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(seq, app),
                ]
        for function, arguments in APP_FUNCTIONS:
            exists = _one(
                cursor,
                "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = %s AND p.proname = %s",
                [schema, function],
            )
            if exists:
                statements.append(
                    sql.SQL("GRANT EXECUTE ON FUNCTION {}({}) TO {}").format(
                        sql.Identifier(schema, function), arguments, app
                    )
                )
        for table in READ_ONLY_TABLES:
            name = sql.Identifier(schema, table)
            statements += [
                sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(name, app),
                sql.SQL("GRANT SELECT ON TABLE {} TO {}").format(name, app),
            ]
        for statement in statements:
            cursor.execute(statement)
        _verify(cursor, app_role, schema)
    return GrantReport(
        owner=owner, app_role=app_role, schema=schema, append_only=append_only_tables()
    )


def _verify(cursor: CursorWrapper, app_role: str, schema: str) -> None:
    """Read the privileges back: the append-only tables must be exactly SELECT and INSERT,
    and the application may not create objects in the schema."""
    for table in append_only_tables():
        for privilege in ("SELECT", "INSERT", *FORBIDDEN_ON_APPEND_ONLY):
            held = _one(cursor, HAS_TABLE_PRIVILEGE, [app_role, privilege, schema, table])[0]
            if held != (privilege in ("SELECT", "INSERT")):
                raise RoleSetupError(
                    f"{app_role!r} {'holds' if held else 'lacks'} {privilege} on "
                    f"{schema}.{table} (granted to PUBLIC or to a role it belongs to?)"
                )
        for partition in _partitions_of(cursor, schema, table):
            for privilege in ("SELECT", "INSERT", *FORBIDDEN_ON_APPEND_ONLY):
                if _one(cursor, HAS_TABLE_PRIVILEGE, [app_role, privilege, schema, partition])[0]:
                    raise RoleSetupError(
                        f"{app_role!r} holds {privilege} on the partition {schema}.{partition}"
                    )
    if _one(cursor, "SELECT has_schema_privilege(%s, %s, 'CREATE')", [app_role, schema])[0]:
        raise RoleSetupError(
            f"{app_role!r} may create objects in schema {schema!r} (through PUBLIC or another "
            f"role): REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC, as the schema's owner"
        )
