"""What one audit row costs to write with an empty log and with a log of ten years' rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/btt_bench .venv/bin/python -m bench.audit_partitions
    BENCH_AUDIT_ROWS=100000000 ... .venv/bin/python -m bench.audit_partitions   # 100 million

It makes a throw-away test database on DATABASE_URL's server (its role must be a superuser:
it creates the past months' partitions and loads rows with triggers, foreign-key checks
included, off), seeds the small demo set, and makes two twins of the log's table: an empty
one partitioned the same way, with the same indexes and foreign keys, and a small plain one
(the control). It then writes a board view's rows (``BENCH_AUDIT_BATCH`` residents, default
30, one transaction) ``BENCH_N`` times (default 300), each time four ways in turn: through
``audit.services.record_shown`` (what the site does) and with a bare INSERT into the log, into
the empty twin and into the control -- once with the log empty, and again after loading
``BENCH_AUDIT_ROWS`` rows (default 20 million) spread evenly over the 120 monthly partitions
ending this month.

The figure to read is the ratio, per row, of the INSERT into the loaded log to the INSERT into
its empty twin, measured interleaved at the same moment (1.00: the size of the log costs
nothing). Timings on a shared machine are noisy: compare only ratios within one run.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import TYPE_CHECKING

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btt.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

if TYPE_CHECKING:
    from accounts.models import User

ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "20000000"))
N = int(os.environ.get("BENCH_N", "300"))
BATCH = int(os.environ.get("BENCH_AUDIT_BATCH", "30"))
MONTHS = 120
# residents a national log spreads over (the (resident, at) index); foreign keys are not
# checked during the load, so these ids need not exist in the throw-away database
RESIDENTS = 100_000

LOAD_MONTH = """
    INSERT INTO audit_auditevent (at, actor_name, organisation, role, action, object_type,
        object_id, object_version, purpose, outcome, request_id, detail, resident_id, user_id)
    SELECT lo + (hi - lo) * (g::float8 / %(n)s), 'Bench Bruger', 'Botilbudsteam Nord',
        'team_staff', 'list', '', '', NULL, 'treatment', 'allowed',
        md5(g::text), '{}'::jsonb, 1 + (hashint4(g) & 2147483647) %% %(residents)s, NULL
    FROM (SELECT %(lo)s::timestamptz AS lo, LEAST(%(hi)s::timestamptz, now()) AS hi) AS b,
        generate_series(1, %(n)s) AS g
"""

CONTROL_TABLE = """
    CREATE TABLE bench_audit_control (LIKE audit_auditevent INCLUDING DEFAULTS INCLUDING INDEXES
        INCLUDING IDENTITY INCLUDING CONSTRAINTS)
"""


def _log(message: str) -> None:
    print(message, flush=True)


def _months() -> list[tuple[str, str]]:
    """(first day, first day of the next month) of the last 120 months, this one last, UTC."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT m::date::text, (m + interval '1 month')::date::text
            FROM generate_series(
                date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => %s),
                date_trunc('month', now() AT TIME ZONE 'UTC'), interval '1 month') AS m
            ORDER BY m
            """,
            [MONTHS - 1],
        )
        return [(str(a), str(b)) for a, b in cursor.fetchall()]


def load(rows: int) -> float:
    """Load ``rows`` audit rows over the last 120 months (the current one up to now).
    Returns the seconds it took."""
    started = time.perf_counter()
    months = _months()
    per_month = max(1, rows // len(months))
    with connection.cursor() as cursor:
        for first, _next in months:
            cursor.execute("SELECT audit_auditevent_create_partition(%s::date)", [first])
        cursor.execute("SET synchronous_commit = off")
        for i, (first, following) in enumerate(months, 1):
            with transaction.atomic():
                # no foreign-key (or other) triggers during the load: superuser only
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute(
                    LOAD_MONTH,
                    {
                        "n": per_month,
                        "residents": RESIDENTS,
                        "lo": f"{first} 00:00+00",
                        "hi": f"{following} 00:00+00",
                    },
                )
            if i % 12 == 0:
                _log(f"  loaded {i}/{len(months)} months ({time.perf_counter() - started:.0f} s)")
        cursor.execute("SET synchronous_commit = on")
        cursor.execute("ANALYZE audit_auditevent")
    return time.perf_counter() - started


RAW_INSERT = """
    INSERT INTO {} (at, actor_name, organisation, role, action, object_type, object_id,
        purpose, outcome, request_id, detail, resident_id, user_id)
    SELECT now(), 'Bench Bruger', 'Botilbudsteam Nord', 'team_staff', 'list', '', '',
        'treatment', 'allowed', '', '{{}}', unnest(%s::bigint[]), %s
"""
# the bare INSERTs, by target (fixed table names only)
TARGETS = {
    "log": RAW_INSERT.format("audit_auditevent"),
    "empty": RAW_INSERT.format("bench_audit_empty"),
    "control": RAW_INSERT.format("bench_audit_control"),
}

# An empty twin of the log (same columns, indexes, foreign keys, partitioned the same way, a
# partition for this month and a default one), and a small plain table (the control).
TWINS = [
    """
    CREATE TABLE bench_audit_empty (LIKE audit_auditevent INCLUDING DEFAULTS INCLUDING INDEXES
        INCLUDING IDENTITY INCLUDING CONSTRAINTS) PARTITION BY RANGE (at)
    """,
    """
    CREATE TABLE bench_audit_empty_month PARTITION OF bench_audit_empty FOR VALUES
        FROM (date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
        TO ((date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC')
    """,
    "CREATE TABLE bench_audit_empty_default PARTITION OF bench_audit_empty DEFAULT",
    """
    CREATE TABLE bench_audit_control (LIKE audit_auditevent INCLUDING DEFAULTS INCLUDING INDEXES
        INCLUDING IDENTITY INCLUDING CONSTRAINTS)
    """,
    *(
        f"""
        ALTER TABLE {table}
            ADD FOREIGN KEY (resident_id) REFERENCES residents_resident (id)
                DEFERRABLE INITIALLY DEFERRED,
            ADD FOREIGN KEY (user_id) REFERENCES accounts_user (id) DEFERRABLE INITIALLY DEFERRED
        """
        for table in ("bench_audit_empty", "bench_audit_control")
    ),
]


def measure(user: User, resident_ids: list[int], n: int) -> dict[str, list[float]]:
    """``n`` rounds, each writing a board view's rows four ways in turn (the order rotates):
    through ``record_shown`` into the log (what the site does, "service"), and the bare INSERT
    into the log, into its empty twin and into the control. In ms per row; for the bare
    INSERTs also the statement alone, without the commit's flush to disk ("... statement")."""
    import audit.services
    from audit.models import Action

    times: dict[str, list[float]] = {"service": []}
    for target in TARGETS:
        times[target] = []
        times[f"{target} statement"] = []
    ids = (resident_ids * (BATCH // max(1, len(resident_ids)) + 1))[:BATCH]
    order = ["service", *TARGETS]
    with connection.cursor() as cursor:
        for i in range(n):
            for key in order[i % len(order) :] + order[: i % len(order)]:
                started = time.perf_counter()
                with transaction.atomic():
                    if key == "service":
                        audit.services.record_shown(user=user, action=Action.LIST, resident_ids=ids)
                    else:
                        cursor.execute(TARGETS[key], [ids, user.pk])
                    executed = time.perf_counter()
                times[key].append((time.perf_counter() - started) * 1000 / BATCH)
                if key != "service":
                    times[f"{key} statement"].append((executed - started) * 1000 / BATCH)
        # keep the control small (the same size in both phases)
        cursor.execute("TRUNCATE bench_audit_control")
    return times


def main() -> None:
    from django.conf import settings

    from accounts.models import User
    from residents.models import Resident

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    settings.DEBUG = True  # seed_demo refuses otherwise
    try:
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        settings.DEBUG = False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                raise SystemExit("the bench loads rows as a superuser (DATABASE_URL's role)")
            for statement in TWINS:
                cursor.execute(statement)
        user = User.objects.get(username="sygeplejerske")
        resident_ids = list(Resident.objects.values_list("pk", flat=True)[:BATCH])
        _log(
            f"database {connection.settings_dict['NAME']}: {N} board views of {BATCH} "
            f"residents per phase, {ROWS:,} rows over {MONTHS} monthly partitions"
        )
        measure(user, resident_ids, 20)  # warm up
        before = measure(user, resident_ids, N)
        seconds = load(ROWS)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            total = cursor.fetchone()[0]
            cursor.execute(
                "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits "
                "WHERE inhparent = 'audit_auditevent'::regclass"
            )
            size = cursor.fetchone()[0]
        _log(f"loaded {total:,} rows ({size} with indexes) in {seconds:.0f} s")
        measure(user, resident_ids, 20)  # warm up
        after = measure(user, resident_ids, N)
        _report(before, after, total)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _report(before: dict[str, list[float]], after: dict[str, list[float]], total: int) -> None:
    med = {
        (phase, key): statistics.median(values)
        for phase, result in (("before", before), ("after", after))
        for key, values in result.items()
    }
    for phase, label in (("before", "log empty"), ("after", f"log of {total:,} rows")):
        _log(
            f"{label}: median ms per row: record_shown {med[phase, 'service']:.4f}; "
            + "; ".join(
                f"INSERT into {t} {med[phase, t]:.4f} (statement {med[phase, t + ' statement']:.4f})"
                for t in TARGETS
            )
        )
    _log(
        f"THE FIGURE -- interleaved, same moment: log of {total:,} rows / its empty twin, per row:"
    )
    for suffix, label in (("", "INSERT with commit"), (" statement", "INSERT statement alone")):
        same_before = med["before", "log" + suffix] / med["before", "empty" + suffix]
        same_after = med["after", "log" + suffix] / med["after", "empty" + suffix]
        _log(f"  {label}: {same_after:.2f} (before the load, both empty: {same_before:.2f})")
    control = med["after", "control"] / med["before", "control"]
    service = med["after", "service"] / med["before", "service"]
    _log(
        f"record_shown, after/before the load: {service:.2f} raw; the machine (control) "
        f"changed by {control:.2f} meanwhile"
    )


if __name__ == "__main__":
    main()
