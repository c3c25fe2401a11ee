"""A real procrastinate worker (a subprocess with the production settings, against the test
database) computes a team's suggestions after a record entry is committed: the entry queues the
team's job, the worker runs it, and the list's stored suggestion appears."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from earlywarning import selectors
from earlywarning.models import EarlyWarningRun
from record.tests.samples import make_entry
from tests.production import JobWorker

from .helpers import contact, new_course

pytestmark = pytest.mark.django_db(transaction=True)

DEADLINE_S = 60.0
NEVER_IN_A_TEST = "0 0 29 2 1"  # a Monday 29 February, at midnight UTC


def _wait_for(condition: Callable[[], bool], what: str, worker: JobWorker) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.running(), f"the worker exited:\n{worker.log()}"
        time.sleep(0.2)  # polling for a condition, with a deadline
    raise AssertionError(f"not within {DEADLINE_S:.0f} s: {what}\n{worker.log()}")


def _job_statuses(team_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM procrastinate_jobs WHERE task_name = %s AND args->>'team_id' = %s",
            ["earlywarning.recompute_team", str(team_id)],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def worker() -> Iterator[JobWorker]:
    """One worker; stopped (process group) afterwards, and the job tables, which the test
    database flush does not know, emptied."""
    process = JobWorker.start(
        extra_env={
            "JOBS_POLL_SECONDS": "1",
            "JOBS_CLEANUP_CRON": NEVER_IN_A_TEST,
            "JOBS_RETENTION_CRON": NEVER_IN_A_TEST,
            "JOBS_CONSENT_REMINDERS_CRON": NEVER_IN_A_TEST,
            "JOBS_EARLYWARNING_CRON": NEVER_IN_A_TEST,
        }
    )
    try:
        yield process
    finally:
        process.stop()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE procrastinate_events, procrastinate_periodic_defers, "
                "procrastinate_jobs, procrastinate_workers CASCADE"
            )


def test_a_worker_computes_the_suggestion_after_a_record_entry(worker):
    from tests.personas import build_world

    world = build_world()
    course = new_course(world)
    contact(world, course)
    make_entry(world.team_nurse, course.resident, "force")  # commits: the job is queued

    def stored() -> bool:
        return any(
            s.resident_id == course.resident_id and s.rule == "force"
            for s in selectors.open_suggestions(world.team_a)
        )

    _wait_for(stored, "the force suggestion stored by the worker", worker)
    _wait_for(
        lambda: set(_job_statuses(world.team_a.pk)) == {"succeeded"},
        "the team's jobs succeeded",
        worker,
    )
    assert EarlyWarningRun.objects.filter(team=world.team_a).exists()
