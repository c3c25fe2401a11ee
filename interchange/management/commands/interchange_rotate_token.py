"""Give a sending system a new bearer token (printed once); the old one stops at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interchange.models import SendingSystem
from interchange.services import system_rotate_token


class Command(BaseCommand):
    help = "Replace a sending system's bearer token and print the new one (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            system, token = system_rotate_token(name=options["name"])
        except SendingSystem.DoesNotExist:
            raise CommandError(f"no sending system named {options['name']!r}") from None
        self.stderr.write(f"new token for {system.name!r} (shown once; the old one is revoked):")
        self.stdout.write(token)
