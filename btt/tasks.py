"""Jobs of the project itself: housekeeping of the job queue."""

from __future__ import annotations

from django.conf import settings
from procrastinate import builtin_tasks, job_context
from procrastinate.contrib.django import app

from lib.jobs import RETRY


@app.periodic(cron=settings.JOB_SCHEDULES["remove_old_jobs"], periodic_id="nightly")
@app.task(name="btt.remove_old_jobs", retry=RETRY, pass_context=True, lock="btt.remove_old_jobs")
async def remove_old_jobs(context: job_context.JobContext, timestamp: int) -> None:
    """Delete succeeded jobs (and their events) older than ``JOBS_KEEP_SUCCEEDED_HOURS``;
    failed jobs stay until an operator has looked at them (retry or delete in the admin)."""
    await builtin_tasks.remove_old_jobs(context, max_hours=settings.JOBS_KEEP_SUCCEEDED_HOURS)
