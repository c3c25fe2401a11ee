"""Add a system that may post messages to the inbox; prints its bearer token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from interchange import handlers
from interchange.services import system_add


class Command(BaseCommand):
    help = (
        "Add a sending system allowed the given message types and print its bearer token "
        "(shown only this once; only its SHA-256 is stored)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--types", required=True, help="comma-separated message types, e.g. a,b"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        types = [t for t in options["types"].split(",") if t.strip()]
        if not types:
            raise CommandError("--types names no message type")
        try:
            system, token = system_add(name=options["name"], message_types=types)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except IntegrityError:
            raise CommandError(f"a sending system named {options['name']!r} exists") from None
        missing = sorted(set(system.message_types) - handlers.registered_types())
        if missing:
            self.stderr.write(
                f"note: no handler is registered for {', '.join(missing)}: the inbox refuses "
                "those types until an app registers one"
            )
        self.stderr.write(f"sending system {system.name!r} added; its token (shown once):")
        self.stdout.write(token)
