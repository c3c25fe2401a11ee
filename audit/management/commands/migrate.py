"""``migrate``, run as the owner role when there is one (docs/database-roles.md).

Django's own command, with two additions:

- without ``--database`` it connects through MIGRATION_DATABASE_URL (the ``owner`` alias) when
  that is set, else through DATABASE_URL as before;
- after migrating as the owner it runs ``grant_app_role`` for DATABASE_URL's user, so tables
  a migration added get the application's privileges (and the audit log its restrictions)
  before the application uses them.

With ``--database`` given (the test runner always gives it) it is Django's command unchanged.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS

from audit.roles import OWNER_ALIAS


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Runs as MIGRATION_DATABASE_URL's owner role when set."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def execute(self, *args, **options):
        # resolved before Django's system checks, which are run per database
        if options.get("database") is None:
            has_owner = OWNER_ALIAS in settings.DATABASES
            options["database"] = OWNER_ALIAS if has_owner else DEFAULT_DB_ALIAS
        return super().execute(*args, **options)

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if options["database"] == OWNER_ALIAS and not options["plan"]:
            call_command(
                "grant_app_role",
                database=OWNER_ALIAS,
                verbosity=options["verbosity"],
                stdout=self.stdout,
                stderr=self.stderr,
            )
