"""Small portable SQL building blocks for the indicators (SQLite and PostgreSQL).

Everything here keeps the work in the database: a month number to group by, the days between
two dates, a bucket number for a list of periods, and a median per bucket computed with window
functions (neither database is asked to send the rows to Python).
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import (
    DateField,
    F,
    Func,
    IntegerField,
    Max,
    QuerySet,
    Value,
    Window,
)
from django.db.models.expressions import RowRange


class MonthIndex(Func):
    """year * 12 + month - 1 of a date, computed natively (no Python function on SQLite)."""

    output_field = IntegerField()
    arity = 1

    def _twice(self, compiler, connection, template: str):
        sql, params = compiler.compile(self.source_expressions[0])
        return template.format(e=sql), (*params, *params)

    def as_sqlite(self, compiler, connection, **extra_context):
        # dates are stored as 'YYYY-MM-DD' text on SQLite
        return self._twice(
            compiler,
            connection,
            "(CAST(substr({e}, 1, 4) AS INTEGER) * 12 + CAST(substr({e}, 6, 2) AS INTEGER) - 1)",
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self._twice(
            compiler,
            connection,
            "(EXTRACT(YEAR FROM {e})::integer * 12 + EXTRACT(MONTH FROM {e})::integer - 1)",
        )


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (end - start), for two dates."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "((%(expressions)s))"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=")::date - (", **extra_context
        )


class AddDays(Func):
    """A date plus a whole number of days (negative: minus), as a date."""

    output_field = DateField()
    arity = 1

    def __init__(self, expression, days: int, **extra):
        super().__init__(expression, **extra)
        self.days = int(days)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", (*params, f"{self.days:+d} days")

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql})::date + %s)", (*params, self.days)


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def date_value(day: datetime.date) -> Value:
    return Value(day, output_field=DateField())


# --- queries over a list of buckets ----------------------------------------------------------
#
# The ORM writes the inner query (one row per observation, each expression computed once and
# materialised in a CTE); around it a small CTE of the buckets, b(idx, s, e) with s the first
# day and e the day after the last, is joined in and the database groups per bucket. Only
# quoted names, integers and the ORM's own SQL are put into the text; every value is a
# parameter.


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if _pg() else f"MAX({a}, {b})"


def _least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if _pg() else f"MIN({a}, {b})"


def _days(end: str, start: str) -> str:
    if _pg():
        return f"({end} - {start})"
    return f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)"


def _with(
    qs: QuerySet, annotations: dict, bounds: list[tuple], *, moments: bool = False
) -> tuple[str, list]:
    """'WITH b(...) AS (VALUES ...), i AS MATERIALIZED (...)' and its parameters. The bounds
    are dates, or aware datetimes with ``moments``."""
    inner = qs.annotate(**annotations).order_by().values(*annotations)
    inner_sql, inner_params = inner.query.sql_with_params()
    if moments:
        adapt = connection.ops.adapt_datetimefield_value
        cast = "CAST(%s AS TIMESTAMP WITH TIME ZONE)" if _pg() else "%s"
    else:
        adapt = connection.ops.adapt_datefield_value
        cast = "CAST(%s AS DATE)" if _pg() else "%s"
    rows = ", ".join(f"({int(i)}, {cast}, {cast})" for i in range(len(bounds)))
    params = [adapt(day) for start, end in bounds for day in (start, end)]
    sql = f"WITH b(idx, s, e) AS (VALUES {rows}), i AS MATERIALIZED ({inner_sql}) "  # noqa: S608  # nosec B608
    return sql, [*params, *inner_params]


def _run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _unit_parts(unit: str | None, annotations: dict) -> tuple[str, str]:
    if unit is None:
        return "", ""
    annotations["_unit"] = F(unit)
    return f"i.{connection.ops.quote_name('_unit')}, ", f"i.{connection.ops.quote_name('_unit')}, "


def _keyed(rows, unit: str | None) -> dict:
    if unit is None:
        return {(None, row[0]): row[1:] for row in rows}
    return {(row[0], row[1]): row[2:] for row in rows}


def entry_counts(team_ids: list[int], kinds: list[str], bounds: list[tuple]) -> dict[tuple, int]:
    """{(team, kind, bucket): record entries of the kind by the team dated in the bucket}.

    One count per cell, each a range of the index on (team, kind, date): the database reads
    index entries only, and never groups a large set of rows."""
    from record.models import Entry

    q = connection.ops.quote_name
    meta = Entry._meta
    table = q(meta.db_table)
    team, kind, day = (q(meta.get_field(f).column) for f in ("team", "kind", "occurred_on"))
    adapt = connection.ops.adapt_datefield_value
    cast = "CAST(%s AS DATE)" if _pg() else "%s"
    buckets = ", ".join(f"({int(i)}, {cast}, {cast})" for i in range(len(bounds)))
    units = ", ".join(f"({int(pk)})" for pk in team_ids)
    kind_rows = ", ".join("(%s)" for _k in kinds)
    params = [adapt(day_) for start, end in bounds for day_ in (start, end)] + list(kinds)
    sql = (
        f"WITH b(idx, s, e) AS (VALUES {buckets}), u(id) AS (VALUES {units}), "  # noqa: S608  # nosec B608
        f"k(kind) AS (VALUES {kind_rows}) "
        f"SELECT u.id, k.kind, b.idx, (SELECT COUNT(*) FROM {table} e WHERE e.{team} = u.id "
        f"AND e.{kind} = k.kind AND e.{day} >= b.s AND e.{day} < b.e) FROM b, u, k"
    )
    return {(row[0], row[1], row[2]): row[3] for row in _run(sql, params) if row[3]}


def count_by_bucket(
    qs: QuerySet, moment, flags: dict, bounds: list[tuple], *, unit: str | None = None
) -> dict[tuple, tuple[int, ...]]:
    """{(unit, bucket): (rows matching each flag, in order)}: ``moment`` (a DateTimeField)
    places each row in a bucket of aware [start, end) ``bounds``, compared as stored (no
    conversion of every row to local time); ``flags`` are 0/1 expressions per row."""
    q = connection.ops.quote_name
    annotations = {"_at": moment}
    names = []
    for i, flag in enumerate(flags.values()):
        annotations[f"_f{i}"] = flag
        names.append(f"SUM(i.{q(f'_f{i}')})")
    pick, group = _unit_parts(unit, annotations)
    head, params = _with(qs, annotations, bounds, moments=True)
    sql = (
        f"{head}SELECT {pick}b.idx, {', '.join(names)} FROM i "  # noqa: S608  # nosec B608
        f"JOIN b ON i.{q('_at')} >= b.s AND i.{q('_at')} < b.e GROUP BY {group}b.idx"
    )
    return _keyed(_run(sql, params), unit)


def distinct_active(
    qs: QuerySet,
    who,
    start,
    end,
    bounds: list[tuple],
    *,
    unit: str | None = None,
    moved_out=None,
) -> dict[tuple, int]:
    """{(unit, bucket): distinct ``who`` with a row active at least one day in the bucket}.

    A row is active from ``start`` to ``end`` (both included; no end: still active). With
    ``moved_out`` (exclusive, may be NULL) the row is active only before that day too: used to
    require that a resident lived at a facility on a day they were in course (``start`` is
    then the later of the two start days)."""
    q = connection.ops.quote_name
    annotations = {"_who": who, "_s": start, "_ce": end}
    if moved_out is not None:
        annotations["_ro"] = moved_out
    pick, group = _unit_parts(unit, annotations)
    first = _greatest(f"i.{q('_s')}", "b.s")
    conditions = [f"i.{q('_s')} < b.e", f"(i.{q('_ce')} IS NULL OR i.{q('_ce')} >= {first})"]
    if moved_out is not None:
        conditions.append(f"(i.{q('_ro')} IS NULL OR i.{q('_ro')} > {first})")
    head, params = _with(qs, annotations, bounds)
    sql = (
        f"{head}SELECT {pick}b.idx, COUNT(DISTINCT i.{q('_who')}) FROM i "  # noqa: S608  # nosec B608
        f"JOIN b ON {' AND '.join(conditions)} GROUP BY {group}b.idx"
    )
    return {key: values[0] for key, values in _keyed(_run(sql, params), unit).items()}


def overlap_days(
    qs: QuerySet, start, end_excl, bounds: list[tuple], *, unit: str | None = None
) -> dict[tuple, tuple[int, int]]:
    """{(unit, bucket): (days of [start, end_excl) inside the bucket, rows with such days)}."""
    q = connection.ops.quote_name
    annotations = {"_s": start, "_e": end_excl}
    pick, group = _unit_parts(unit, annotations)
    s, e = f"i.{q('_s')}", f"i.{q('_e')}"
    head, params = _with(qs, annotations, bounds)
    sql = (
        f"{head}SELECT {pick}b.idx, SUM({_days(_least(e, 'b.e'), _greatest(s, 'b.s'))}), "  # noqa: S608  # nosec B608
        f"COUNT(*) FROM i JOIN b ON {s} < b.e AND {e} > b.s AND {s} < {e} "
        f"GROUP BY {group}b.idx"
    )
    return {key: (int(v[0] or 0), v[1]) for key, v in _keyed(_run(sql, params), unit).items()}


def medians_by_bucket(
    qs: QuerySet, day, since, bounds: list[tuple], *, unit: str | None = None
) -> dict[tuple, tuple[float, int]]:
    """{(unit, bucket): (median days from ``since`` to ``day``, number of observations)};
    ``day`` places each observation in a bucket. The rows of each bucket are numbered in
    value order (ROW_NUMBER) and counted (COUNT over the bucket); only the one or two middle
    rows come back."""
    q = connection.ops.quote_name
    annotations = {"_day": day, "_since": since}
    pick, _group = _unit_parts(unit, annotations)
    day, since = f"i.{q('_day')}", f"i.{q('_since')}"
    outer = "u, " if unit is not None else ""
    keep = f"{pick[:-2]} AS u, " if unit is not None else ""
    part = "u, b" if unit is not None else "b"
    head, params = _with(qs, annotations, bounds)
    sql = (
        f"{head}SELECT {outer}b, v, n FROM ("  # noqa: S608  # nosec B608
        f"SELECT {outer}b, v, ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY v) AS rn, "
        f"COUNT(*) OVER (PARTITION BY {part}) AS n FROM ("
        f"SELECT {keep}b.idx AS b, {_days(day, since)} AS v "
        f"FROM i JOIN b ON {day} >= b.s AND {day} < b.e "
        f"WHERE {since} IS NOT NULL"
        f") j) k WHERE rn >= (n + 1) / 2 AND rn <= (n + 2) / 2"
    )
    middles: dict[tuple, list] = {}
    for row in _run(sql, params):
        key = (None, row[0]) if unit is None else (row[0], row[1])
        middles.setdefault(key, [row[-1]]).append(row[-2])
    return {k: (sum(v[1:]) / len(v[1:]), v[0]) for k, v in middles.items()}


def readmissions_by_bucket(
    qs: QuerySet, bounds: list[tuple], days: int, *, unit: str | None = None
) -> dict[tuple, int]:
    """{(unit, bucket): admissions that began 0-``days`` days after the latest discharge of
    the resident's earlier admissions}. ``qs`` holds every admission of the residents
    concerned (earlier ones too, in any team) annotated with ``_in`` (1: counts for the scope)
    and, with ``unit``, ``_unit``; the latest earlier discharge is a window over them."""
    q = connection.ops.quote_name
    annotations = {
        "_day": F("occurred_on"),
        "_prev": Window(
            Max("occurred_until"),
            partition_by=[F("resident_id")],
            order_by=[F("occurred_on").asc(), F("pk").asc()],
            frame=RowRange(start=None, end=-1),
        ),
        "_in": F("_in"),
    }
    pick, group = "", ""
    if unit is not None:
        annotations["_unit"] = F(unit)
        pick = group = f"i.{q('_unit')}, "
    day, prev = f"i.{q('_day')}", f"i.{q('_prev')}"
    head, params = _with(qs, annotations, bounds)
    sql = (
        f"{head}SELECT {pick}b.idx, COUNT(*) FROM i "  # noqa: S608  # nosec B608
        f"JOIN b ON {day} >= b.s AND {day} < b.e "
        f"WHERE i.{q('_in')} = 1 AND {prev} IS NOT NULL AND {day} >= {prev} "
        f"AND {_days(day, prev)} <= {int(days)} GROUP BY {group}b.idx"
    )
    return {key: values[0] for key, values in _keyed(_run(sql, params), unit).items()}
