from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from residents.models import Resident
from residents.retention import resident_set_legal_hold


class Command(BaseCommand):
    help = "Set or lift the legal hold (complaint or compensation case) on a resident's records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("resident_id", type=int)
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--on", action="store_true")
        group.add_argument("--off", action="store_true")
        parser.add_argument("--reason", default="")
        parser.add_argument("--by", required=True, help="username of the person deciding")

    def handle(
        self,
        *args: Any,
        resident_id: int,
        on: bool,
        off: bool,
        reason: str,
        by: str,
        **options: Any,
    ) -> None:
        if on and not reason.strip():
            raise CommandError("--reason is required with --on")
        try:
            resident = Resident.objects.get(pk=resident_id)
            user = get_user_model().objects.get(username=by)
        except (Resident.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        resident_set_legal_hold(user=user, resident=resident, on=on, reason=reason)
        self.stdout.write(
            f"Retligt tilbagehold {'sat' if on else 'ophævet'} for beboer {resident_id}."
        )
