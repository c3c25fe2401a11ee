"""The nightly retention job applies exactly what ``manage.py apply_retention`` applies."""

from __future__ import annotations

import logging
import time

from django.utils import timezone

from residents.models import Resident
from residents.retention import due_for_deletion, resident_set_legal_hold
from residents.tasks import apply_retention
from residents.tests.test_retention import age_everything


def test_job_erases_exactly_the_residents_the_command_would(world, caplog):
    w = world
    age_everything(11)
    resident_set_legal_hold(user=w.team_leader, resident=w.resident_plain, on=True, reason="Klage")
    due = set(due_for_deletion(timezone.localdate()))
    assert due and w.resident_plain.pk not in due and w.resident_in_course.pk not in due
    names = {r.pk: (r.first_name, r.last_name) for r in Resident.objects.all()}

    with caplog.at_level(logging.INFO, logger="residents.tasks"):
        assert apply_retention(timestamp=int(time.time())) == len(due)
    erased = set(Resident.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    assert erased == due
    # counts only in the log: no names of the erased
    (record,) = [r for r in caplog.records if r.name == "residents.tasks"]
    assert record.erased == len(due)
    logged = caplog.text
    assert not any(first in logged or last in logged for first, last in names.values())

    assert apply_retention(timestamp=int(time.time())) == 0  # a second run: nothing left
