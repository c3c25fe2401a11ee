"""The job queue at a glance for the operator: counts per task and status, the latest
failures. Job arguments are never printed (they are ids, but nothing here needs them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate.contrib.django.models import ProcrastinateJob

from interchange import selectors as interchange_selectors

STATUSES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")


class Command(BaseCommand):
    help = (
        "Show the background-job queue: jobs per task and status and the latest failed jobs "
        "(task, attempts, time). With --check, exit 1 when a job has failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--failures", type=int, default=10, help="how many failed jobs to list (default 10)"
        )
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 when any job has failed"
        )

    def handle(self, *args: Any, failures: int = 10, check: bool = False, **options: Any) -> None:
        counts: dict[str, dict[str, int]] = {}
        rows = ProcrastinateJob.objects.values_list("task_name", "status").annotate(n=Count("id"))
        for task_name, status, n in rows.order_by():
            counts.setdefault(task_name, {})[status] = n
        width = max([len(_("Opgave")), *map(len, counts)])
        header = "  ".join(f"{s:>9}" for s in STATUSES)
        self.stdout.write(f"{_('Opgave'):<{width}}  {header}")
        for task_name in sorted(counts):
            cells = "  ".join(f"{counts[task_name].get(s, 0):>9}" for s in STATUSES)
            self.stdout.write(f"{task_name:<{width}}  {cells}")
        if not counts:
            self.stdout.write(_("Ingen job i køen."))

        failed = (
            ProcrastinateJob.objects.filter(status="failed")
            .annotate(failed_at=Max("procrastinateevent__at"))
            .order_by("-failed_at", "-id")
            .values_list("id", "task_name", "attempts", "failed_at")
        )
        total_failed = failed.count()
        self.stdout.write("")
        self.stdout.write(_("Fejlede job: %(n)d") % {"n": total_failed})
        for job_id, task_name, attempts, failed_at in failed[: max(failures, 0)]:
            when = timezone.localtime(failed_at).strftime("%Y-%m-%d %H:%M:%S") if failed_at else "-"
            self.stdout.write(
                _("  #%(id)d %(task)s, %(attempts)d forsøg, fejlede %(when)s")
                % {"id": job_id, "task": task_name, "attempts": attempts, "when": when}
            )
        messages = interchange_selectors.counts_by_status()
        self.stdout.write("")
        self.stdout.write(
            _("Modtagne meddelelser: %(counts)s")
            % {"counts": ", ".join(f"{status} {n}" for status, n in sorted(messages.items()))}
        )
        if check and (total_failed or messages.get("failed")):
            raise CommandError(
                _("%(n)d job og %(m)d modtagne meddelelser er fejlet.")
                % {"n": total_failed, "m": messages.get("failed", 0)},
                returncode=1,
            )
