"""Jobs of the residents app: nightly retention (what ``manage.py apply_retention`` does)."""

from __future__ import annotations

import logging

from django.conf import settings
from procrastinate.contrib.django import app

from lib.jobs import RETRY, tick_date

from .retention import due_for_deletion, resident_erase

logger = logging.getLogger(__name__)


@app.periodic(cron=settings.JOB_SCHEDULES["retention"], periodic_id="nightly")
@app.task(name="residents.apply_retention", retry=RETRY, lock="residents.retention")
def apply_retention(timestamp: int) -> int:
    """Erase every resident due on the tick's date, exactly as ``manage.py apply_retention``
    does (each erase re-checks the rule under a row lock, so a retry or a concurrent run does
    no harm). Logs the count only. Returns the number erased."""
    day = tick_date(timestamp)
    due = due_for_deletion(day)
    for resident_id in due:
        resident_erase(resident_id=resident_id, today=day)
    logger.info("retention applied", extra={"erased": len(due)})
    return len(due)
