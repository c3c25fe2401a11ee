"""Readiness: may a load balancer send this instance requests? (Liveness, ``/healthz``,
asks nothing of the database: a database outage must not make the orchestrator restart every
instance; it takes them out of rotation through ``/readyz`` instead.)"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor


def readiness() -> tuple[bool, dict[str, str | int]]:
    """(ready, details): the database answers and every migration this code knows is
    applied. The details name the reason only, never data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return False, {"status": "unavailable", "reason": "database unreachable"}
    if plan:
        return False, {
            "status": "unavailable",
            "reason": "migrations pending",
            "pending_migrations": len(plan),
        }
    return True, {"status": "ok", "database": "ok", "migrations": "ok"}
