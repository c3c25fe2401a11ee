"""manage.py db_manifest [--output FILE] [--dump FILE [--pg-dump PATH]]: what a backup holds.

Writes a JSON manifest of the database: the number of rows in every table of the current
schema (``public``), the last migration applied per app, the server version and the time.
``manage.py verify_restore --manifest FILE`` compares a restored copy with it
(docs/operations.md, "Backup" and "Restore").

The counts are taken in one REPEATABLE READ, READ ONLY transaction, so they describe one
moment of the database. With ``--dump FILE`` the command also runs ``pg_dump -Fc`` on that very
moment (the transaction's snapshot is exported and handed to ``pg_dump --snapshot``): the
manifest then describes the dump exactly, even while the site keeps writing. The manifest
records the dump's size and SHA-256.

Run it as the owner of the tables (the role that takes the backup). Tables are listed from the
catalog and counted with ``psycopg.sql.Identifier``; no SQL is built from strings.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess  # nosec B404 - runs pg_dump with a fixed argument list
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql

MANIFEST_FORMAT = 1

# Ordinary and partitioned tables of the connection's current schema, from the catalog.
_TABLES = """
    SELECT c.relname
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    ORDER BY c.relname
"""


def current_schema(connection: BaseDatabaseWrapper) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    if row is None or row[0] is None:
        raise CommandError("the connection has no current schema (search_path is empty)")
    return str(row[0])


def table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows per table of the current schema, by table name."""
    schema = current_schema(connection)
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(_TABLES)
        names = [str(row[0]) for row in cursor.fetchall()]
        for name in names:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, name))
            cursor.execute(query)
            row = cursor.fetchone()
            counts[name] = int(row[0]) if row else 0
    return counts


def latest_migrations(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The last migration applied per app (in the order they were applied)."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    latest: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("applied", "id").values_list("app", "name"):
        latest[app] = name
    return dict(sorted(latest.items()))


def server_version_num(connection: BaseDatabaseWrapper) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::integer")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def libpq_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Environment for a libpq client program (pg_dump) that reaches the same database as
    ``connection`` (host, port or socket directory, user, database, TLS options) as the same
    role. The password goes in PGPASSWORD, never on a command line."""
    connection.ensure_connection()
    info = connection.connection.info  # psycopg's ConnectionInfo: what was actually used
    env = dict(os.environ)  # libpq variables set there (PGSSLROOTCERT, ...) apply as well
    env["PGDATABASE"] = info.dbname
    env["PGHOST"] = info.host
    env["PGPORT"] = str(info.port)
    env["PGUSER"] = info.user
    if info.password:
        env["PGPASSWORD"] = info.password
    for key, value in info.get_parameters().items():
        if key in {"sslmode", "sslrootcert", "sslcert", "sslkey"}:
            env["PG" + key.upper()] = value
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Write a JSON manifest of the database (rows per table, the last migration per app, "
        "the time) for verify_restore; with --dump, also run pg_dump -Fc on the same snapshot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="write the manifest to this file (default: stdout)")
        parser.add_argument(
            "--dump",
            help="also write a pg_dump -Fc of the database to this file, from the same snapshot",
        )
        parser.add_argument(
            "--pg-dump",
            default="pg_dump",
            help="the pg_dump program (default: pg_dump on PATH; its major version must be at "
            "least the server's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.in_atomic_block:
            raise CommandError("db_manifest must run outside a transaction")
        dump_path = Path(options["dump"]).resolve() if options["dump"] else None
        pg_dump = shutil.which(options["pg_dump"]) if dump_path else None
        if dump_path and not pg_dump:
            raise CommandError(f"pg_dump not found: {options['pg_dump']}")
        connection.ensure_connection()
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                # The first statement of the transaction: every count sees the same moment.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_catalog.pg_export_snapshot()")
                row = cursor.fetchone()
                snapshot = str(row[0]) if row else ""
            created_at = datetime.datetime.now(datetime.UTC)
            manifest: dict[str, Any] = {
                "format": MANIFEST_FORMAT,
                "created_at": created_at.isoformat(timespec="seconds"),
                "server_version_num": server_version_num(connection),
                "schema": current_schema(connection),
                "tables": table_counts(connection),
                "migrations": latest_migrations(connection),
            }
            if dump_path and pg_dump:
                # pg_dump joins the snapshot while this transaction is still open.
                self._dump(pg_dump, dump_path, snapshot, libpq_environment(connection))
        if dump_path:
            manifest["dump"] = {
                "file": dump_path.name,
                "bytes": dump_path.stat().st_size,
                "sha256": _sha256(dump_path),
            }
        text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            if options["verbosity"] >= 1:
                tables = manifest["tables"]
                self.stderr.write(
                    f"db_manifest: {len(tables)} tables, {sum(tables.values())} rows"
                    + (f"; dump {manifest['dump']['bytes']} bytes" if dump_path else "")
                )
        else:
            self.stdout.write(text, ending="")

    def _dump(self, pg_dump: str, path: Path, snapshot: str, env: dict[str, str]) -> None:
        argv = [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"]
        result = subprocess.run(  # noqa: S603  # nosec B603 - fixed argv, no shell
            argv, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            sys.stderr.write(result.stderr[-4000:])
            raise CommandError(f"pg_dump failed with exit code {result.returncode}")
