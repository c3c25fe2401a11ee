"""Jobs of the audit app: keep the audit log's monthly partitions ahead of the clock.

The log is partitioned by month (audit/migrations/0005_partition_by_month.py). Every night
``audit.add_partitions`` makes sure this month and the next ``AUDIT_PARTITIONS_AHEAD`` months
have their partition. It runs as the application role: the database function it calls is the
owner's (SECURITY DEFINER) and creates nothing but empty future partitions. Should it not run
for two years, rows land in the default partition (an INSERT never fails); the job then logs a
warning, and that month's partition is not created until an operator moves the rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from procrastinate.contrib.django import app

from lib.jobs import RETRY

logger = logging.getLogger(__name__)

#: Months ahead of the current one that always have a partition.
AUDIT_PARTITIONS_AHEAD = 24
#: The cron (UTC) of the nightly run: ``JOB_SCHEDULES["audit_partitions"]``.
PARTITIONS_CRON = settings.JOB_SCHEDULES["audit_partitions"]


@dataclass(frozen=True)
class PartitionReport:
    created: int
    default_has_rows: bool


def add_partitions(*, months_ahead: int = AUDIT_PARTITIONS_AHEAD) -> PartitionReport:
    """Create the missing partitions from this month to ``months_ahead`` months ahead.
    Idempotent; one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent_add_partitions(%s)", [months_ahead])
        created, default_has_rows = cursor.fetchone()
    return PartitionReport(created=int(created), default_has_rows=bool(default_has_rows))


@app.periodic(cron=PARTITIONS_CRON, periodic_id="nightly")
@app.task(name="audit.add_partitions", retry=RETRY, lock="audit.partitions")
def add_partitions_nightly(timestamp: int) -> int:
    """The nightly run of :func:`add_partitions`. Logs counts only. Returns the number of
    partitions created."""
    report = add_partitions()
    logger.info("audit partitions checked", extra={"partitions_created": report.created})
    if report.default_has_rows:
        logger.warning(
            "audit rows in the default partition: the partitions were not created in time",
            extra={"partitions_created": report.created},
        )
    return report.created
