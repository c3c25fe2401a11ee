import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from residents.retention import due_for_deletion, resident_erase


class Command(BaseCommand):
    help = (
        "Delete the records of residents whose last entry is more than 10 years old and who "
        "are not on legal hold; keep an anonymous stub. Run nightly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only list what is due")
        parser.add_argument("--today", help="YYYY-MM-DD (for testing and catch-up runs)")

    def handle(
        self, *args: Any, dry_run: bool = False, today: str | None = None, **options: Any
    ) -> None:
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--today must be YYYY-MM-DD") from exc
        due = due_for_deletion(day)
        if dry_run:
            self.stdout.write(f"{len(due)} beboere er klar til sletning (tør kørsel).")
            return
        for resident_id in due:
            resident_erase(resident_id=resident_id, today=day)
        self.stdout.write(f"{len(due)} beboere slettet og anonymiseret.")
