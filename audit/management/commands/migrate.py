"""``migrate``, run as the owner role when there is one (docs/database-roles.md).

Django's own command, with one addition when MIGRATION_DATABASE_URL is set and no
``--database`` is given: the process connects as the owner role (``audit.roles.act_as_owner``),
migrates, and then runs ``grant_app_role`` for DATABASE_URL's user, so tables a migration added
get the application's privileges (and the audit log its restrictions) before the site uses
them.

Without MIGRATION_DATABASE_URL, or with ``--database`` (the test runner always gives it), it is
Django's command unchanged.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS

from audit.roles import act_as_owner


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Runs as MIGRATION_DATABASE_URL's owner role when set."
    _app_role: str | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def execute(self, *args: Any, **options: Any) -> str | None:
        # decided before Django's system checks, which run per database
        self._app_role = None
        if options.get("database") is None:
            options["database"] = DEFAULT_DB_ALIAS
            self._app_role = act_as_owner()
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if self._app_role and not options["plan"]:
            call_command(
                "grant_app_role",
                self._app_role,
                verbosity=options["verbosity"],
                stdout=self.stdout,
                stderr=self.stderr,
            )
