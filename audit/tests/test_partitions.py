"""The audit log is partitioned by month and stays append-only (PostgreSQL).

audit/migrations/0005_partition_by_month.py; the nightly job audit.tasks.add_partitions_nightly.
"""

from __future__ import annotations

import datetime
import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg import errors

from audit.models import Action, AuditEvent, Purpose
from audit.services import record
from audit.tasks import AUDIT_PARTITIONS_AHEAD, add_partitions, add_partitions_nightly

# the scratch database with an owner and an application role, migrated as in production
from audit.tests.test_database_roles import _insert_row, as_app, as_owner, roles  # noqa: F401

pytestmark = pytest.mark.django_db


def _month(moment: datetime.datetime, ahead: int = 0) -> tuple[int, int]:
    moment = moment.astimezone(datetime.UTC)
    index = moment.year * 12 + moment.month - 1 + ahead
    return index // 12, index % 12 + 1


def _partition_name(year: int, month: int) -> str:
    return f"audit_auditevent_p{year:04d}_{month:02d}"


def _partition_of(row_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM audit_auditevent WHERE id = %s", [row_id]
        )
        return str(cursor.fetchone()[0])


def _partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'audit_auditevent'::regclass"
        )
        return {str(r[0]) for r in cursor.fetchall()}


def _row_at(at: datetime.datetime) -> AuditEvent:
    row = AuditEvent(at=at, action=Action.VIEW, purpose=Purpose.ADMINISTRATION)
    row.save(force_insert=True)
    return row


def test_the_table_is_partitioned_by_month_with_a_default_partition():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef('audit_auditevent'::regclass), "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'audit_auditevent'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone() == ("RANGE (at)", "PRIMARY KEY (id, at)")
    now = timezone.now()
    expected = {_partition_name(*_month(now, ahead)) for ahead in range(AUDIT_PARTITIONS_AHEAD + 1)}
    assert expected | {"audit_auditevent_default"} <= _partitions()


def test_a_row_lands_in_the_partition_of_its_month(world):
    row = record(user=world.team_nurse, action=Action.VIEW, resident=world.resident_in_course)
    assert _partition_of(row.pk) == _partition_name(*_month(row.at))
    later = _row_at(timezone.now() + datetime.timedelta(days=100))
    assert _partition_of(later.pk) == _partition_name(*_month(later.at))
    # a month boundary in UTC: the last microsecond of a month and the first of the next
    year, month = _month(timezone.now(), 3)
    first = datetime.datetime(year, month, 1, tzinfo=datetime.UTC)
    before = _row_at(first - datetime.timedelta(microseconds=1))
    at_start = _row_at(first)
    assert _partition_of(before.pk) == _partition_name(*_month(first, -1))
    assert _partition_of(at_start.pk) == _partition_name(year, month)


def test_a_far_future_row_goes_to_the_default_partition_and_reads_back():
    far = _row_at(timezone.now() + datetime.timedelta(days=365 * 30))
    assert _partition_of(far.pk) == "audit_auditevent_default"
    assert AuditEvent.objects.get(pk=far.pk).at == far.at


@pytest.mark.parametrize("where", ["this month", "default"])
@pytest.mark.parametrize("statement", ["UPDATE {} SET purpose = 'treatment'", "DELETE FROM {}"])
def test_a_partition_refuses_update_and_delete_too(where, statement):
    if where == "default":
        row = _row_at(timezone.now() + datetime.timedelta(days=365 * 30))
        table = "audit_auditevent_default"
    else:
        row = _row_at(timezone.now())
        table = _partition_name(*_month(row.at))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table) + " WHERE id = %s", [row.pk])  # fixed names only
    assert AuditEvent.objects.filter(pk=row.pk, purpose=Purpose.ADMINISTRATION).exists()


def test_adding_partitions_is_idempotent_and_strips_privileges():
    assert add_partitions().created == 0  # the migration made 24 months ahead already
    before = _partitions()
    report = add_partitions(months_ahead=AUDIT_PARTITIONS_AHEAD + 3)
    assert report.created == 3
    added = _partitions() - before
    assert added == {
        _partition_name(*_month(timezone.now(), ahead))
        for ahead in range(AUDIT_PARTITIONS_AHEAD + 1, AUDIT_PARTITIONS_AHEAD + 4)
    }
    assert add_partitions(months_ahead=AUDIT_PARTITIONS_AHEAD + 3).created == 0
    assert _partitions() - before == added
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a "
            "WHERE c.relname = ANY(%s) AND a.grantee <> c.relowner",
            [sorted(added)],
        )
        assert cursor.fetchone()[0] == 0


def test_months_ahead_is_bounded():
    with pytest.raises(DatabaseError, match="between 0 and 120"), transaction.atomic():
        add_partitions(months_ahead=121)


def test_a_month_with_rows_in_the_default_partition_is_not_created_and_warned_of(caplog):
    ahead = AUDIT_PARTITIONS_AHEAD + 2
    year, month = _month(timezone.now(), ahead)
    _row_at(datetime.datetime(year, month, 10, tzinfo=datetime.UTC))
    with caplog.at_level(logging.INFO, logger="audit.tasks"):
        report = add_partitions(months_ahead=ahead)
        assert add_partitions_nightly(timestamp=int(timezone.now().timestamp())) == 0
    assert report.default_has_rows
    assert report.created == 1  # the month before; not the one with a row in the default
    assert _partition_name(year, month) not in _partitions()
    assert any(
        r.levelno == logging.WARNING and "default partition" in r.getMessage()
        for r in caplog.records
    )


def test_the_nightly_job_is_scheduled():
    from procrastinate.contrib.django import app

    assert "audit.add_partitions" in app.tasks
    assert any(
        p.task.name == "audit.add_partitions" for p in app.periodic_registry.periodic_tasks.values()
    )


# --- as the application role, in a database set up as in production --------------------------


@pytest.mark.django_db(False)
def test_the_application_role_adds_partitions_but_cannot_touch_one(as_app, as_owner):  # noqa: F811
    row_id = _insert_row(as_app)
    part = as_owner.execute(
        "SELECT tableoid::regclass::text FROM audit_auditevent WHERE id = %s", [row_id]
    ).fetchone()[0]
    assert part.startswith("audit_auditevent_p")
    for statement in (
        f"SELECT count(*) FROM {part}",  # noqa: S608 - a partition name from the catalog
        f"UPDATE {part} SET purpose = 'administration'",  # noqa: S608
        f"DELETE FROM {part}",  # noqa: S608
        f"TRUNCATE {part}",
        "TRUNCATE audit_auditevent_default",
        f"ALTER TABLE {part} DISABLE TRIGGER ALL",
        f"ALTER TABLE audit_auditevent DETACH PARTITION {part}",
        "SELECT audit_auditevent_create_partition('2099-01-01')",
    ):
        with pytest.raises(errors.InsufficientPrivilege):
            as_app.execute(statement)
    # the nightly job's function runs as the owner for it: new partitions, none for the app
    created, _ = as_app.execute("SELECT * FROM audit_auditevent_add_partitions(30)").fetchone()
    assert created == 30 - AUDIT_PARTITIONS_AHEAD
    newest = as_owner.execute(
        "SELECT c.relname, pg_get_userbyid(c.relowner), "
        "has_table_privilege(%s, c.oid, 'SELECT'), has_table_privilege(%s, c.oid, 'INSERT') "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'audit_auditevent'::regclass ORDER BY c.relname DESC LIMIT 1",
        [as_app.info.user, as_app.info.user],
    ).fetchone()
    assert newest[1:] == (as_owner.info.user, False, False)
    assert as_app.execute("SELECT * FROM audit_auditevent_add_partitions(30)").fetchone()[0] == 0
    # the application role still writes and reads through the parent
    assert as_app.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 1
