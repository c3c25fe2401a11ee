"""Jobs of early warning: recompute one team's suggestions, and every team's each night.

``recompute_team`` is deferred after a record entry the rules read and after a threshold change
(``defer_recompute``, on commit), and once a night for every team (``recompute_all`` fans out
one job per team). Each team's job carries the team's lock and queueing lock
(``team_lock``): two workers never recompute one team at once, and while a team's recompute is
still waiting in the queue, another request for it adds nothing (the waiting job reads the
record when it runs, after the change that asked for it was committed).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from lib.jobs import RETRY
from organisation.models import Team

from . import compute

logger = logging.getLogger(__name__)

# Cron in UTC: after midnight in Copenhagen all year, so "the last N days" moves on.
NIGHTLY_CRON = settings.JOB_SCHEDULES["earlywarning"]


def team_lock(team_id: int) -> str:
    return f"earlywarning.recompute.team-{team_id}"


@app.task(name="earlywarning.recompute_team", retry=RETRY)
def recompute_team(*, team_id: int) -> dict[str, int]:
    """Store the team's open suggestions as the rules find them now (``compute``)."""
    if not Team.objects.filter(pk=team_id).exists():
        logger.info("earlywarning recompute skipped: no such team", extra={"team_id": team_id})
        return {}
    result = compute.recompute_team(team_id=team_id)
    return {"opened": result.opened, "kept": result.kept, "lapsed": result.lapsed}


def defer_team_now(team_id: int) -> int | None:
    """Queue the team's recompute now, with its lock; None when one is already waiting."""
    lock = team_lock(team_id)
    try:
        # a savepoint inside a transaction: the refused insert must not abort the caller's
        with transaction.atomic():
            return recompute_team.configure(lock=lock, queueing_lock=lock).defer(team_id=team_id)
    except AlreadyEnqueued:
        return None


def defer_recompute(*, team_id: int) -> None:
    """Queue the team's recompute when the current transaction commits (nothing on rollback).

    Like ``lib.jobs.defer_on_commit``, which takes no per-job options: this one sets the team's
    lock and queueing lock, and treats a recompute already waiting as done."""
    transaction.on_commit(lambda: defer_team_now(team_id))


@app.periodic(cron=NIGHTLY_CRON, periodic_id="earlywarning-nightly")
@app.task(
    name="earlywarning.recompute_all", retry=RETRY, queueing_lock="earlywarning.recompute_all"
)
def recompute_all(timestamp: int) -> int:
    """Every team's recompute, one job per team; returns how many were queued."""
    queued = 0
    for team_id in Team.objects.order_by("pk").values_list("pk", flat=True):
        if defer_team_now(team_id) is not None:
            queued += 1
    logger.info("earlywarning nightly fan-out", extra={"queued": queued})
    return queued
