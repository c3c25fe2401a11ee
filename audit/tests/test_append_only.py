"""Audit rows are append-only: refused by the model everywhere, by the database on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import Action, AuditEvent
from audit.services import record


@pytest.fixture
def row(world):
    return record(user=world.team_nurse, action=Action.VIEW, resident=world.resident_in_course)


def test_model_refuses_update_and_delete(row):
    row.purpose = "administration"
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()


def test_row_records_who_and_where(row, world):
    assert row.user == world.team_nurse
    assert row.organisation == "Botilbudsteam Nord"
    assert row.role == "team_staff"
    assert row.resident == world.resident_in_course
    assert row.outcome == "allowed"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET purpose = 'administration' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete(row, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk, purpose="treatment").exists()


def test_queryset_update_is_refused_on_postgresql_too(row):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=row.pk).update(purpose="administration")
