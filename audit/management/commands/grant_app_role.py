"""manage.py grant_app_role [ROLE]: give the application's database role its privileges.

Run as the owner of the tables after ``migrate`` (``migrate`` does it by itself when
MIGRATION_DATABASE_URL is set). Idempotent. See docs/database-roles.md.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from audit.roles import RoleSetupError, act_as_owner, grant_app_role


class Command(BaseCommand):
    help = (
        "Grant the application role SELECT/INSERT/UPDATE/DELETE on the tables and only "
        "SELECT/INSERT on the audit log. Run as the tables' owner (MIGRATION_DATABASE_URL if "
        "set, else DATABASE_URL), after migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "role",
            nargs="?",
            help="the application role (default: the user of DATABASE_URL)",
        )

    def handle(self, *args: Any, role: str | None = None, **options: Any) -> None:
        app_role = act_as_owner() or settings.DATABASES[DEFAULT_DB_ALIAS].get("USER")
        role = role or app_role
        if not role:
            raise CommandError("name the application role (DATABASE_URL has no user)")
        try:
            report = grant_app_role(connections[DEFAULT_DB_ALIAS], role)
        except RoleSetupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{report.app_role}: ordinary privileges in schema {report.schema}; "
                f"SELECT and INSERT only on {', '.join(report.append_only)} "
                f"(owner {report.owner})."
            )
