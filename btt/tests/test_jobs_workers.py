"""Real procrastinate workers against the test database (subprocesses, production settings).

- Two workers at once: each runs the periodic deferrer, yet every schedule tick of the
  nightly retention and the consent reminders becomes exactly one job, run exactly once
  (procrastinate_periodic_defers is unique per task and tick). The test sets the cron of both
  to every 5 seconds (``JOBS_RETENTION_CRON``, ``JOBS_CONSENT_REMINDERS_CRON``; a sixth cron
  field is seconds) and waits until ticks have passed while both workers were up.
- A failing job is retried with growing waits and ends "failed", and ``jobs_status`` lists it.
"""

from __future__ import annotations

import datetime
import io
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from consent.models import Consent
from consent.tasks import dedupe_key
from notifications.models import Notification
from notifications.tasks import fan_out
from residents.models import Resident, ResidentIdentifier
from tests import factories as f
from tests.production import JobWorker

EVERY_5_SECONDS = "* * * * * */5"
NEVER_IN_A_TEST = "0 0 29 2 1"  # a Monday 29 February, at midnight UTC
DEADLINE_S = 60.0

pytestmark = pytest.mark.django_db(transaction=True)


def _sql(query: str, *params: Any) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall()) if cursor.description else []


def _wait_for(condition: Callable[[], bool], what: str, workers: list[JobWorker]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if condition():
            return
        for worker in workers:
            assert worker.running(), f"a worker exited:\n{worker.log()}"
        time.sleep(0.2)  # polling for a condition, with a deadline
    logs = "\n".join(worker.log() for worker in workers)
    raise AssertionError(f"not within {DEADLINE_S:.0f} s: {what}\n{logs}")


@pytest.fixture
def start_worker() -> Iterator[Callable[..., JobWorker]]:
    """Start workers with extra environment; all are stopped (process group) afterwards and
    the job tables, which the test database flush does not know, are emptied."""
    started: list[JobWorker] = []

    def start(**env: str) -> JobWorker:
        worker = JobWorker.start(
            extra_env={
                "JOBS_POLL_SECONDS": "1",
                "JOBS_CLEANUP_CRON": NEVER_IN_A_TEST,
                "JOBS_RETENTION_CRON": NEVER_IN_A_TEST,
                "JOBS_CONSENT_REMINDERS_CRON": NEVER_IN_A_TEST,
                **env,
            }
        )
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
        _sql(
            "TRUNCATE procrastinate_events, procrastinate_periodic_defers, "
            "procrastinate_jobs, procrastinate_workers CASCADE"
        )


def _old_resident():
    """A resident whose last entry is 20 years old: due for retention."""
    resident = f.ResidentFactory()
    long_ago = timezone.now() - datetime.timedelta(days=365 * 20)
    ResidentIdentifier.objects.filter(resident=resident).update(valid_from=long_ago.date())
    Resident.objects.filter(pk=resident.pk).update(created_at=long_ago)
    return resident


def _lapsing_consent():
    """A sharing consent lapsing in 10 days, of a resident with an active course whose team
    contact is returned."""
    nurse = f.UserFactory()
    course = f.CourseFactory(team_contacts=[nurse])
    today = timezone.localdate()
    consent = Consent.objects.create(
        resident=course.resident,
        kind="sharing",
        facility=course.facility,
        direction="both",
        form="written",
        given_by="resident",
        given_on=today - datetime.timedelta(days=355),
        expires_on=today + datetime.timedelta(days=10),
        recorded_by=nurse,
    )
    return consent, nurse.pk


PERIODIC = ("residents.apply_retention", "consent.remind_lapsing")


def test_periodic_jobs_run_once_per_tick_with_two_workers(start_worker):
    resident = _old_resident()
    consent, nurse_id = _lapsing_consent()
    schedules = {
        "JOBS_RETENTION_CRON": EVERY_5_SECONDS,
        "JOBS_CONSENT_REMINDERS_CRON": EVERY_5_SECONDS,
    }
    workers = [start_worker(**schedules), start_worker(**schedules)]
    _wait_for(
        lambda: _sql("SELECT count(*) FROM procrastinate_workers")[0][0] == 2,
        "both workers registered",
        workers,
    )
    both_up = int(time.time())

    def ticks_done_with_both_up() -> int:
        """Ticks after both workers were up whose jobs of both tasks have succeeded."""
        rows = _sql(
            "SELECT (args->>'timestamp')::bigint AS tick FROM procrastinate_jobs "
            "WHERE task_name = ANY(%s) AND status = 'succeeded' "
            "AND (args->>'timestamp')::bigint > %s "
            "GROUP BY tick HAVING count(DISTINCT task_name) = 2",
            list(PERIODIC),
            both_up,
        )
        return len(rows)

    _wait_for(lambda: ticks_done_with_both_up() >= 2, "two ticks with both workers", workers)
    for worker in workers:
        worker.stop_cleanly()

    for task_name in PERIODIC:
        # procrastinate_periodic_defers keeps only the latest tick; the jobs keep their tick
        jobs_per_tick = _sql(
            "SELECT (args->>'timestamp')::bigint, count(*) FROM procrastinate_jobs "
            "WHERE task_name = %s GROUP BY 1",
            task_name,
        )
        assert sum(tick > both_up for tick, _ in jobs_per_tick) >= 2
        # one job per tick, though two deferrers asked for every tick
        assert [n for _, n in jobs_per_tick] == [1] * len(jobs_per_tick)
        jobs = _sql(
            "SELECT status, attempts FROM procrastinate_jobs WHERE task_name = %s", task_name
        )
        assert jobs == [("succeeded", 1)] * len(jobs_per_tick)
        started = _sql(
            "SELECT e.job_id, count(*) FROM procrastinate_events e "
            "JOIN procrastinate_jobs j ON j.id = e.job_id "
            "WHERE j.task_name = %s AND e.type = 'started' GROUP BY e.job_id",
            task_name,
        )
        assert sorted(n for _, n in started) == [1] * len(jobs)  # each run exactly once

    # retention erased the old resident once; the reminder reached the contact once
    resident.refresh_from_db()
    assert resident.anonymised_at is not None
    erased = AuditEvent.objects.filter(resident=resident, detail__retention="erased")
    assert erased.count() == 1
    reminders = Notification.objects.filter(dedupe_key=dedupe_key(consent.pk, "30"))
    assert list(reminders.values_list("recipient_id", "kind")) == [(nurse_id, "consent_lapsing")]


def test_failed_job_is_retried_with_backoff_then_failed_and_listed(start_worker):
    job_id = fan_out.defer(kind="no-such-kind", recipient_ids=[1], url="/", dedupe_key="x")
    worker = start_worker(JOBS_RETRY_MAX_ATTEMPTS="3", JOBS_RETRY_BASE_SECONDS="2")
    _wait_for(
        lambda: (
            _sql("SELECT status FROM procrastinate_jobs WHERE id = %s", job_id)[0][0] == "failed"
        ),
        "the job failed for good",
        [worker],
    )
    worker.stop_cleanly()

    attempts = _sql("SELECT attempts FROM procrastinate_jobs WHERE id = %s", job_id)[0][0]
    assert attempts == 3
    events = _sql("SELECT type, at FROM procrastinate_events WHERE job_id = %s ORDER BY id", job_id)
    kinds = [kind for kind, _ in events]
    assert kinds.count("started") == 3
    assert kinds.count("deferred_for_retry") == 2
    assert kinds[-1] == "failed"
    starts = [at for kind, at in events if kind == "started"]
    waits = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    assert waits[0] >= 2 and waits[1] >= 4  # 2 ** 1, then 2 ** 2 seconds: a growing wait

    out = io.StringIO()
    call_command("jobs_status", stdout=out)
    text = out.getvalue()
    row = next(line for line in text.splitlines() if line.startswith("notifications.fan_out"))
    assert row.split()[1:] == ["0", "0", "0", "1", "0", "0"]  # todo doing succeeded failed ...
    assert f"#{job_id} notifications.fan_out, 3 forsøg" in text
    assert "no-such-kind" not in text  # arguments are never printed
    with pytest.raises(CommandError):  # `manage.py jobs_status --check` exits 1
        call_command("jobs_status", "--check", stdout=io.StringIO())
