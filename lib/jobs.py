"""Background jobs: defer a procrastinate task once the transaction commits, and the one retry
strategy every task uses.

Jobs live in the PostgreSQL database itself (procrastinate); a worker process runs them
(``python manage.py procrastinate worker``, ``make worker``). Tasks are defined in
``<app>/tasks.py`` (autodiscovered) with::

    from procrastinate.contrib.django import app
    from lib.jobs import RETRY

    @app.task(name="myapp.do_thing", retry=RETRY)
    def do_thing(*, thing_id: int) -> None: ...

Rules:

- A service defers with :func:`defer_on_commit`, never ``task.defer()`` directly: a job is
  written only when the transaction that asked for it commits, so a rolled-back change defers
  nothing, and the worker never picks up a job whose rows are not visible yet. Never defer on
  a GET.
- Task arguments are ids and codes only (JSON), never names, CPR numbers or free text: the
  arguments are stored in ``procrastinate_jobs.args`` and shown in the jobs admin.
- A task must be idempotent (a retry or a second delivery changes nothing the first did not).

Tests: ``defer_on_commit`` inside pytest-django's ``db`` fixture never fires (the test
transaction is rolled back); use ``django_capture_on_commit_callbacks(execute=True)`` to run
the callback, which inserts a row in ``procrastinate_jobs`` of the test database. To get the
job's *effect* without a worker, call the task's function directly: ``my_task(thing_id=1)``
(a ``Task`` is callable; ``my_task.func`` is the plain function). Tests that need a real
worker start ``manage.py procrastinate worker`` as a subprocess against the test database
with ``transactional_db`` (see ``btt/tests/test_jobs_workers.py``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.jobs import Job
from procrastinate.tasks import Task

__all__ = ["RETRY", "RetryFromSettings", "defer_on_commit", "tick_date"]


class RetryFromSettings(BaseRetryStrategy):
    """Exponential backoff read from settings when a job fails (so an operator, or a test
    worker, can tune it without code): ``JOBS_RETRY_MAX_ATTEMPTS`` runs in total, waiting
    ``JOBS_RETRY_BASE_SECONDS ** n`` seconds before the n-th retry (5 s, 25 s, 125 s, ... with
    the default base 5). After the last attempt the job's status is ``failed``: visible in the
    jobs admin, in ``manage.py jobs_status`` and in the metrics."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        max_attempts = int(getattr(settings, "JOBS_RETRY_MAX_ATTEMPTS", 5))
        base = int(getattr(settings, "JOBS_RETRY_BASE_SECONDS", 5))
        # ``job.attempts`` counts the attempts that ended before this one.
        if job.attempts + 1 >= max_attempts:
            return None
        return RetryDecision(retry_in={"seconds": base ** (job.attempts + 1)})


#: The retry strategy for every task: ``@app.task(..., retry=RETRY)``.
RETRY = RetryFromSettings()


def defer_on_commit(task: Task[Any, Any, Any], /, **kwargs: Any) -> None:
    """Defer ``task`` with ``kwargs`` (JSON: ids and codes only) when the current transaction
    commits; at once when there is none (autocommit). Nothing is deferred on rollback."""
    transaction.on_commit(lambda: task.defer(**kwargs))


def tick_date(timestamp: int) -> datetime.date:
    """The local (Copenhagen) date of a periodic job's schedule tick (its ``timestamp``)."""
    return timezone.localdate(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))
