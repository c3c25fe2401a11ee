"""``manage.py earlywarning_recompute``: compute the early-warning suggestions now, for every
team or the given ones (after a deploy, or when the worker has been down); ``--defer`` queues
the jobs for the worker instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from earlywarning import services, tasks
from organisation.models import Team


class Command(BaseCommand):
    help = "Recompute the early-warning suggestions of every team (or --team ID ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", type=int, action="append", help="a team id (repeatable)")
        parser.add_argument(
            "--defer", action="store_true", help="queue one job per team for the worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        teams = Team.objects.order_by("pk")
        if options["team"]:
            teams = teams.filter(pk__in=options["team"])
        for team_id in teams.values_list("pk", flat=True):
            if options["defer"]:
                queued = tasks.defer_team_now(team_id) is not None
                self.stdout.write(f"team {team_id}: {'queued' if queued else 'already queued'}")
            else:
                result = services.recompute_team(team_id=team_id)
                self.stdout.write(
                    f"team {team_id}: {result.opened} new, {result.kept} still open, "
                    f"{result.lapsed} lapsed"
                )
