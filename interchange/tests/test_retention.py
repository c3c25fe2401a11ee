"""Bodies are cleared after INTERCHANGE_KEEP_DAYS; the metadata rows stay."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app

from interchange.models import IncomingMessage, Status
from interchange.retention import clear_old_bodies
from interchange.services import message_receive, parse_body
from interchange.tasks import clear_old_bodies as clear_old_bodies_task

from .sample import TEST_TYPE, bundle, encode

NOW = datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def make(sender, handler):
    system, _ = sender

    def _make(status, processed_days_ago):
        message = message_receive(
            system=system, message_type=TEST_TYPE, body=parse_body(encode(bundle()))
        ).message
        processed_at = (
            NOW - datetime.timedelta(days=processed_days_ago)
            if processed_days_ago is not None
            else None
        )
        IncomingMessage.objects.filter(pk=message.pk).update(
            status=status, processed_at=processed_at
        )
        return message.pk

    return _make


def kept(pk):
    return IncomingMessage.objects.filter(pk=pk, body__isnull=False).exists()


def test_bodies_past_the_keep_period_are_cleared_and_the_rows_kept(make):
    old_processed = make(Status.PROCESSED, 31)
    old_failed = make(Status.FAILED, 31)
    young_processed = make(Status.PROCESSED, 29)
    waiting = make(Status.RECEIVED, None)
    assert clear_old_bodies(now=NOW) == 2
    assert not kept(old_processed) and not kept(old_failed)
    assert kept(young_processed) and kept(waiting)
    assert IncomingMessage.objects.count() == 4
    cleared = IncomingMessage.objects.get(pk=old_processed)
    assert cleared.body_cleared_at == NOW
    assert cleared.status == Status.PROCESSED and len(cleared.body_sha256) == 64
    assert clear_old_bodies(now=NOW) == 0  # a second run finds nothing


def test_the_keep_period_is_a_setting(make, settings):
    settings.INTERCHANGE_KEEP_DAYS = 5
    six_days = make(Status.PROCESSED, 6)
    four_days = make(Status.PROCESSED, 4)
    clear_old_bodies(now=NOW)
    assert not kept(six_days) and kept(four_days)


def test_the_nightly_job_clears_as_of_its_tick(make):
    old = make(Status.PROCESSED, 31)
    assert clear_old_bodies_task(timestamp=int(NOW.timestamp())) == 1
    assert not kept(old)
    assert IncomingMessage.objects.get(pk=old).body_cleared_at == NOW


def test_the_job_is_scheduled_periodically():
    names = {task.task.name for task in app.periodic_registry.periodic_tasks.values()}
    assert "interchange.clear_old_bodies" in names


def test_a_default_keep_period_of_30_days(make, settings):
    assert settings.INTERCHANGE_KEEP_DAYS == 30  # btt/settings.py, unless the environment says
    assert clear_old_bodies(now=NOW + datetime.timedelta(days=0)) == 0
    pk = make(Status.PROCESSED, 30)
    assert clear_old_bodies(now=NOW + datetime.timedelta(seconds=1)) == 1
    assert not kept(pk)
    assert timezone.is_aware(IncomingMessage.objects.get(pk=pk).body_cleared_at)
