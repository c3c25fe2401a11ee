"""manage.py grant_app_role [ROLE]: give the application's database role its privileges.

Run as the owner of the tables after ``migrate`` (``migrate`` does it by itself when
MIGRATION_DATABASE_URL is set). Idempotent. See docs/database-roles.md.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from audit.roles import OWNER_ALIAS, RoleSetupError, grant_app_role


class Command(BaseCommand):
    help = (
        "Grant the application role SELECT/INSERT/UPDATE/DELETE on the tables and only "
        "SELECT/INSERT on the audit log. Run as the tables' owner, after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "role",
            nargs="?",
            help="the application role (default: the user of DATABASE_URL)",
        )
        parser.add_argument(
            "--database",
            help="connection to run as (default: MIGRATION_DATABASE_URL's if set, else DATABASE_URL's)",
        )

    def handle(self, *args, role=None, database=None, **options):
        alias = database or (OWNER_ALIAS if OWNER_ALIAS in settings.DATABASES else DEFAULT_DB_ALIAS)
        if alias not in settings.DATABASES:
            raise CommandError(f"unknown database {alias!r}")
        role = role or settings.DATABASES[DEFAULT_DB_ALIAS].get("USER")
        if not role:
            raise CommandError("name the application role (DATABASE_URL has no user)")
        try:
            report = grant_app_role(connections[alias], role)
        except RoleSetupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{report.app_role}: ordinary privileges in schema {report.schema}; "
                f"SELECT and INSERT only on {', '.join(report.append_only)} "
                f"(owner {report.owner})."
            )
