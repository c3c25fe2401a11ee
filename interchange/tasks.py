"""Background jobs of the inbox (procrastinate; ``python manage.py procrastinate worker``).

- ``interchange.process_message``: deferred when a message is received (on commit); runs the
  type's handler (``interchange.processing``); retried with exponential backoff (lib/jobs.py
  ``RETRY``); after the last attempt the message is ``failed``, for the operator.
- ``interchange.clear_old_bodies``: nightly; deletes the bodies of processed and failed
  messages older than ``INTERCHANGE_KEEP_DAYS`` days and keeps their metadata rows.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from procrastinate import JobContext
from procrastinate.contrib.django import app

from lib.jobs import RETRY

from . import processing, retention

#: Cron (UTC) of the body retention: ``JOB_SCHEDULES["interchange_retention"]``.
RETENTION_CRON = settings.JOB_SCHEDULES["interchange_retention"]


@app.task(name="interchange.process_message", retry=RETRY, pass_context=True)
def process_message(context: JobContext, *, message_id: int) -> None:
    job = context.job

    def is_last_attempt(exc: BaseException) -> bool:
        return RETRY.get_retry_decision(exception=exc, job=job) is None

    processing.process_message(message_id=message_id, is_last_attempt=is_last_attempt)


@app.periodic(cron=RETENTION_CRON, periodic_id="interchange.clear_old_bodies")
@app.task(
    name="interchange.clear_old_bodies",
    retry=RETRY,
    lock="interchange.clear_old_bodies",
)
def clear_old_bodies(timestamp: int) -> int:
    """Clear the bodies past their keep period as of the schedule's tick; returns how many."""
    return retention.clear_old_bodies(now=datetime.datetime.fromtimestamp(timestamp, datetime.UTC))
