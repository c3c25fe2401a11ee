"""manage.py verify_restore --manifest FILE [--username U]: is a restored copy usable?

Run with DATABASE_URL pointing at a RESTORED copy of the database (never at production: it
signs a user in, although everything it writes is rolled back). Five checks, each reported on
a line of its own; the command exits non-zero when any fails:

1. **rows**: every table of the manifest (``manage.py db_manifest``) exists with exactly its
   number of rows, and the copy has no table the manifest lacks. Differences are listed by
   table name (names of tables, never of people).
2. **migrations**: no migration of this code is unapplied, and the last migration per app in
   the manifest is applied in the copy.
3. **check**: Django's system checks, with the database checks, find no error.
4. **app**: the application answers a request: ``GET /readyz`` (``/healthz`` where there is no
   readiness endpoint) through Django's test client, i.e. the real WSGI handler with every
   middleware, answers 200.
5. **login**: the break-glass administrator signs in with both factors through the real pages
   and the start page answers 200. The user is ``--username`` (default: the oldest active
   superuser). With the environment variable ``VERIFY_PASSWORD`` set, the password is posted to
   the login page (so the restored password hash is checked); without it the session is
   started with Django's ``login()`` as the test client's ``force_login`` does. Either way the
   second factor is the real step: the code is computed from the user's restored
   authenticator secret and posted to the code page, which proves the secrets survived the
   restore. The user must have an authenticator that counts.

Checks 4 and 5 run in one transaction that is rolled back, so the copy is left exactly as it
was restored (no session, audit row, lockout counter or ``last_login`` stays behind) and the
command can be run again. Output names no user: no username, name or id.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser, SystemCheckError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponseBase
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django_otp.oath import totp

from accounts.selectors import accepted_totp_device
from btt.management.commands.db_manifest import MANIFEST_FORMAT, table_counts

READINESS_PATHS = ("/readyz", "/healthz")
PASSWORD_VARIABLE = "VERIFY_PASSWORD"  # noqa: S105  # nosec B105 - a variable name


class CheckFailed(Exception):
    """A check's failure, with the lines that say why."""

    def __init__(self, *lines: str) -> None:
        super().__init__(lines[0] if lines else "failed")
        self.lines = list(lines)


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    lines: list[str]


class _Rollback(Exception):
    """Raised to leave the transaction of the request checks without committing."""


def compare_counts(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """The differences between two ``{table: rows}`` maps, one line per table."""
    lines = []
    for table in sorted(expected.keys() | found.keys()):
        if table not in found:
            lines.append(f"{table}: missing in the restored copy ({expected[table]} rows expected)")
        elif table not in expected:
            lines.append(f"{table}: not in the manifest ({found[table]} rows here)")
        elif expected[table] != found[table]:
            lines.append(f"{table}: {expected[table]} rows in the manifest, {found[table]} here")
    return lines


def _request_host() -> str:
    """A host name the site accepts (ALLOWED_HOSTS), for the requests of the checks."""
    for host in settings.ALLOWED_HOSTS:
        if host and "*" not in host:
            return host.lstrip(".")
    return "localhost"


class Command(BaseCommand):
    help = (
        "Verify a restored copy of the database against a db_manifest file: row counts, "
        "migrations, system checks, a request to the app and a login. Exits non-zero on any "
        "failure. Run with DATABASE_URL pointing at the copy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--manifest", required=True, help="the JSON file from db_manifest")
        parser.add_argument(
            "--username",
            help="the break-glass administrator to sign in as (default: the oldest active "
            f"superuser); the password is read from ${PASSWORD_VARIABLE} when set",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = json.loads(Path(options["manifest"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the manifest: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
            raise CommandError(f"not a db_manifest file of format {MANIFEST_FORMAT}")
        self.connection = connections[DEFAULT_DB_ALIAS]
        if self.connection.in_atomic_block:
            raise CommandError("verify_restore must run outside a transaction")
        outcomes = [
            self._run("rows", lambda: self._check_rows(manifest)),
            self._run("migrations", lambda: self._check_migrations(manifest)),
            self._run("check", self._check_system),
        ]
        # The request checks write (a session, audit rows, last_login): undo it all.
        try:
            with transaction.atomic(using=self.connection.alias):
                outcomes.append(self._run("app", self._check_app))
                outcomes.append(self._run("login", lambda: self._check_login(options)))
                raise _Rollback
        except _Rollback:
            pass
        failed = [o.name for o in outcomes if not o.ok]
        if failed:
            raise CommandError(
                f"verify_restore: {len(failed)} of {len(outcomes)} checks failed: "
                + ", ".join(failed)
            )
        self.stdout.write(f"verify_restore: all {len(outcomes)} checks passed")

    def _run(self, name: str, check: Callable[[], str]) -> Outcome:
        try:
            summary = check()
        except CheckFailed as failure:
            outcome = Outcome(name, False, failure.lines)
        except Exception as exc:  # noqa: BLE001 - any error is that check's failure
            outcome = Outcome(name, False, [f"{type(exc).__name__}: {exc}"])
        else:
            outcome = Outcome(name, True, [summary])
        label = "OK  " if outcome.ok else "FAIL"
        write = self.stdout.write if outcome.ok else self.stderr.write
        for i, line in enumerate(outcome.lines):
            write(f"{label} {name}: {line}" if i == 0 else f"     {name}: {line}")
        return outcome

    # --- the checks ------------------------------------------------------------------------

    def _check_rows(self, manifest: dict[str, Any]) -> str:
        expected = {str(k): int(v) for k, v in manifest.get("tables", {}).items()}
        if not expected:
            raise CheckFailed("the manifest lists no tables")
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            found = table_counts(self.connection)
        differences = compare_counts(expected, found)
        if differences:
            raise CheckFailed(
                f"{len(differences)} of {len(expected)} tables differ from the manifest",
                *differences,
            )
        return f"{len(expected)} tables, {sum(expected.values())} rows, as in the manifest"

    def _check_migrations(self, manifest: dict[str, Any]) -> str:
        executor = MigrationExecutor(self.connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        applied = set(MigrationRecorder(self.connection).applied_migrations())
        lines = [f"unapplied: {m.app_label}.{m.name}" for m, _backwards in plan]
        for app, name in sorted(manifest.get("migrations", {}).items()):
            if (app, name) not in applied:
                lines.append(f"applied when the backup was taken, not here: {app}.{name}")
        if lines:
            raise CheckFailed(f"{len(lines)} migration differences", *lines)
        return f"none unapplied; {len(manifest.get('migrations', {}))} apps as in the manifest"

    def _check_system(self) -> str:
        output = io.StringIO()
        try:
            call_command("check", databases=[self.connection.alias], stdout=output, stderr=output)
        except SystemCheckError as exc:
            raise CheckFailed(*[line for line in str(exc).splitlines() if line.strip()]) from exc
        if "WARNINGS:" in output.getvalue():
            return "no errors (warnings: see manage.py check)"
        return "no errors"

    def _client(self) -> Client:
        return Client(HTTP_HOST=_request_host())

    def _check_app(self) -> str:
        for path in READINESS_PATHS:
            try:
                resolve(path)
            except Resolver404:
                continue
            response = self._client().get(path, secure=True)
            if response.status_code != 200:
                raise CheckFailed(f"GET {path} answered {response.status_code}")
            return f"GET {path} answered 200"
        raise CheckFailed(f"no readiness endpoint ({', '.join(READINESS_PATHS)})")

    def _check_login(self, options: dict[str, Any]) -> str:
        user_model = get_user_model()
        users = user_model._default_manager.filter(is_active=True)
        if options["username"]:
            user = users.filter(**{user_model.USERNAME_FIELD: options["username"]}).first()
            if user is None:
                raise CheckFailed("the user given by --username is not an active user here")
        else:
            user = users.filter(is_superuser=True).order_by("pk").first()
            if user is None:
                raise CheckFailed("no active superuser here; give --username")
        device = accepted_totp_device(user)
        if device is None:
            raise CheckFailed("the user has no authenticator that counts for signing in")

        client = self._client()
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if password:
            response = client.post(
                reverse("accounts:login"),
                {"username": user.get_username(), "password": password},
                secure=True,
            )
            if not _redirects_to(response, reverse("accounts:otp_verify")):
                raise CheckFailed(
                    f"the login page refused the password from ${PASSWORD_VARIABLE} "
                    f"(answered {response.status_code})"
                )
            how = "password posted to the login page"
        else:
            client.force_login(user)
            how = f"session started with login() (no ${PASSWORD_VARIABLE})"

        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        response = client.post(
            reverse("accounts:otp_verify"), {"token": f"{code:0{device.digits}d}"}, secure=True
        )
        if response.status_code != 302 or _redirects_to(response, reverse("accounts:otp_verify")):
            raise CheckFailed(f"the second-factor step answered {response.status_code}")

        start = reverse(settings.LOGIN_REDIRECT_URL)
        response = client.get(start, secure=True)
        if response.status_code == 302 and not _is_sign_in_page(response["Location"]):
            # A start page that sends this kind of user on (the ward's look-up page).
            start = urlsplit(response["Location"]).path
            response = client.get(start, secure=True)
        if response.status_code != 200:
            raise CheckFailed(f"the start page answered {response.status_code} after signing in")
        return f"{how}, second factor accepted, start page answered 200"


def _redirects_to(response: HttpResponseBase, path: str) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == path


def _is_sign_in_page(location: str) -> bool:
    path = urlsplit(location).path
    return path.startswith(reverse("accounts:login"))
