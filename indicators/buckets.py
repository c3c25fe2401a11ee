"""Figures per bucket of a period, computed by PostgreSQL through the ORM.

A period is cut into buckets (calendar months or quarters, or the whole period as one bucket),
each a half-open range [start, end) of days or of aware moments. PostgreSQL places a row in its
bucket with ``width_bucket`` (a binary search in the array of the bucket bounds), and groups:
conditional counts, medians (``percentile_cont``), and a window over each resident's admissions
for the readmissions. Residents active over spans of days are counted once per bucket by a
window over each resident's spans (the buckets a span adds to the earlier ones) and running
sums of the steps, so no row is repeated per bucket. What comes back is one row per bucket
(and unit: a team or a facility), never the rows themselves, and every value is a query
parameter. The statements the ORM cannot write as fast are composed: ``entry_counts`` with
``psycopg.sql``, and ``distinct_active`` around the SQL of the ORM's own query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.expressions import Combinable, RowRange
from django.db.models.functions import Coalesce, Greatest, Least
from psycopg import sql

from record.models import Entry

Day = datetime.date  # a datetime.datetime too: aware moments as bucket bounds
Bounds = Sequence[tuple[Day, Day]]
Key = tuple[Any, int]  # (unit or None, bucket index)
Row = dict[str, Any]
EPOCH = datetime.date(2000, 1, 1)  # days are summed as numbers from here
DATES: ArrayField[Any, Any] = ArrayField(DateField())
MOMENTS: ArrayField[Any, Any] = ArrayField(DateTimeField())
NUMBERS: ArrayField[Any, Any] = ArrayField(IntegerField())


# --- expressions ------------------------------------------------------------------------------


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (end - start) of two dates (date - date is an
    integer in PostgreSQL)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def __init__(self, end: Combinable, start: Combinable, **extra: Any) -> None:
        super().__init__(end, start, **extra)


def add_days(expression: Combinable, days: int) -> ExpressionWrapper[Any]:
    """A date plus a whole number of days (negative: minus), as a date."""
    return ExpressionWrapper(expression + Value(int(days)), output_field=DateField())


def date_value(day: datetime.date) -> Value:
    return Value(day, output_field=DateField())


class WidthBucket(Func):
    """How many of the sorted ``thresholds`` are at or before ``operand``."""

    function = "width_bucket"
    arity = 2
    output_field = IntegerField()


class TrimArray(Func):
    """The array without its last ``n`` elements."""

    function = "trim_array"
    arity = 2


class Unnest(Func):
    """One row per element of the array: in a SELECT list it repeats the row for each."""

    function = "unnest"
    arity = 1
    output_field = IntegerField()


class Median(Aggregate):
    """The median of the values (NULLs left out): the middle value, or the mean of the two
    middle values."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class Buckets:
    """The buckets of a period, sorted and disjoint, as SQL expressions."""

    def __init__(self, bounds: Bounds) -> None:
        self.starts = [start for start, _end in bounds]
        self.ends = [end for _start, end in bounds]
        if any(s >= e for s, e in bounds) or any(
            e > s for e, s in zip(self.ends, self.starts[1:], strict=False)
        ):
            raise ValueError("Buckets must be sorted, non-empty and disjoint.")
        moments = isinstance(self.starts[0], datetime.datetime)
        self.array_field = MOMENTS if moments else DATES

    def __len__(self) -> int:
        return len(self.starts)

    def _array(self, values: Iterable[Day]) -> Value:
        # a tuple: hashed as it is when Django compares expressions
        return Value(tuple(values), output_field=self.array_field)

    def require_contiguous(self) -> None:
        if self.ends[:-1] != self.starts[1:]:
            raise ValueError("The buckets must be contiguous.")

    def of(self, point: Combinable) -> Combinable:
        """The index of the bucket that holds ``point`` (a date or a moment): -1 before the
        first bucket, len(self) after the last. The buckets must be contiguous."""
        self.require_contiguous()
        return WidthBucket(point, self._array([*self.starts, self.ends[-1]])) - 1

    def first(self, day: Combinable) -> Combinable:
        """The index of the first bucket that ends after ``day``."""
        return WidthBucket(day, self._array(self.ends))

    def last(self, day: Combinable) -> Combinable:
        """The index of the last bucket that starts on or before ``day``."""
        return WidthBucket(day, self._array(self.starts)) - 1

    def spanned(self, first: Combinable, last: Combinable) -> Combinable:
        """The index of each bucket that has a day from ``first`` to ``last`` (dates, both
        included, ``first`` <= ``last``; ``last`` NULL: no end), one row each: a
        set-returning expression.

        The indexes are counted down from the last bucket's, for as many buckets as are
        spanned (from none to all): the unnested first elements of the array 1, 2, ..., n.
        (PostgreSQL expects ten rows from ``unnest`` of an array it does not know, but a
        thousand from ``generate_series`` with bounds it does not know, and with that guess
        it plans parallel scans of the whole table.)"""
        n = len(self)
        # the buckets that start on or before the last day (no end: all of them)
        upto = Coalesce(WidthBucket(last, self._array(self.starts)), n)
        steps = TrimArray(
            Value(tuple(range(1, n + 1)), output_field=NUMBERS), n - upto + self.first(first)
        )
        return upto - Unnest(steps)


def _keyed(rows: Iterable[Row], unit: str | None) -> dict[Key, Row]:
    """{(unit, bucket): row} of the rows of ``values(unit, "_b")``, without rows that fall
    outside every bucket."""
    return {(row[unit] if unit else None, row["_b"]): row for row in rows if row["_b"] is not None}


def _grouped(qs: QuerySet[Any], unit: str | None, **aggregates: Aggregate) -> dict[Key, Row]:
    keys = [unit, "_b"] if unit else ["_b"]
    return _keyed(qs.values(*keys).annotate(**aggregates).order_by(), unit)


def _in_range(result: dict[Key, Row], buckets: Buckets) -> dict[Key, Row]:
    return {key: row for key, row in result.items() if 0 <= key[1] < len(buckets)}


# --- queries ----------------------------------------------------------------------------------


# Counted per cell: for every team, kind and bucket, one range of the index on (team, kind,
# date), which the database answers from the index alone. The ORM has no way to make a row per
# cell to hang a correlated count on (a scalar subquery per cell costs a planning step and a
# compilation each: some 200 for 36 months of one team), and grouping the entries instead reads
# the same index entries but hashes every one of them (2.7 times slower over ten years of a
# region). So this one statement is composed with psycopg's ``sql`` module: the names come from
# the model and are quoted by ``sql.Identifier``, and every value is a parameter.
_CELL_COUNTS = sql.SQL(
    "SELECT u.id, k.kind, b.idx - 1, "
    "(SELECT COUNT(*) FROM {table} e WHERE e.{team} = u.id AND e.{kind} = k.kind "
    "AND e.{day} >= b.s AND e.{day} < b.e) "
    "FROM unnest(%s::bigint[]) AS u(id), unnest(%s::text[]) AS k(kind), "
    "unnest(%s::date[], %s::date[]) WITH ORDINALITY AS b(s, e, idx)"
)


def entry_counts(
    team_ids: list[int], kinds: list[str], bounds: Bounds
) -> dict[tuple[int, str, int], int]:
    """{(team, kind, bucket): record entries of the kind by the team dated in the bucket}.

    One count per cell, each a range of the index on (team, kind, date): the database reads
    index entries only, and never groups a large set of rows."""
    meta = Entry._meta
    query = _CELL_COUNTS.format(
        table=sql.Identifier(meta.db_table),
        team=sql.Identifier(meta.get_field("team").column),
        kind=sql.Identifier(meta.get_field("kind").column),
        day=sql.Identifier(meta.get_field("occurred_on").column),
    )
    params = (list(team_ids), list(kinds), [s for s, _e in bounds], [e for _s, e in bounds])
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {(team, kind, i): n for team, kind, i, n in cursor.fetchall() if n}


def count_by_bucket(
    qs: QuerySet[Any],
    moment: Combinable,
    counts: dict[str, Q | None],
    bounds: Bounds,
    *,
    unit: str | None = None,
) -> dict[Key, dict[str, int]]:
    """{(unit, bucket): {name: rows matching the condition}}: ``moment`` (a date or a moment)
    places each row in a bucket of contiguous ``bounds``; a moment is compared as stored (no
    conversion of every row to local time)."""
    buckets = Buckets(bounds)
    qs = qs.annotate(_b=buckets.of(moment))
    aggregates = {name: Count("pk", filter=where) for name, where in counts.items()}
    result = _in_range(_grouped(qs, unit, **aggregates), buckets)
    return {key: {name: row[name] for name in counts} for key, row in result.items()}


def distinct_active(
    qs: QuerySet[Any],
    who: Combinable,
    start: Combinable,
    end: Combinable,
    bounds: Bounds,
    *,
    unit: str | None = None,
    moved_out: Combinable | None = None,
) -> dict[Key, int]:
    """{(unit, bucket): distinct ``who`` with a row active at least one day in the bucket}.

    A row is active from ``start`` to ``end`` (both included; no end: still active). With
    ``moved_out`` (exclusive, may be NULL) the row is active only before that day too: used to
    require that a resident lived at a facility on a day they were in course (``start`` is
    then the later of the two start days). The buckets need not be contiguous."""
    buckets = Buckets(bounds)
    last: Combinable = end
    if moved_out is not None:
        last = Least(end, add_days(moved_out, -1))  # LEAST leaves NULLs out
    qs = qs.annotate(_s=start, _l=last).filter(Q(_l__isnull=True) | Q(_l__gte=F("_s")))
    n = len(buckets)
    qs = qs.annotate(
        _lo=buckets.first(F("_s")),
        _hi=Coalesce(buckets.last(F("_l")), n - 1),  # no end: to the last bucket
        _w=who,
    )
    keys = [unit, "_lo", "_hi", "_w"] if unit else ["_lo", "_hi", "_w"]
    inner, params = qs.values(*keys).order_by().query.sql_with_params()
    # Each row spans the buckets lo..hi (none when lo > hi). Taken in the order of their first
    # buckets, the buckets of a row that an earlier row of the same ``who`` (and unit) spans
    # are the first ones, up to the latest last bucket of those rows: so each row adds only
    # the buckets from the one after that, and every ``who`` is counted once per bucket. The
    # database returns, per unit, +1 at the first bucket a row adds and -1 after its last;
    # running sums give the counts. So it sorts the rows (one per course or stay) for the
    # window, never a row per bucket (some 40,000 for ten years of a region by quarter).
    # Composed with psycopg's ``sql`` module around the ORM's own SQL (``inner``, whose values
    # are parameters): the names are quoted by ``sql.Identifier``; nothing comes from input.
    columns = ["u", "lo", "hi", "w"] if unit else ["lo", "hi", "w"]
    statement = sql.SQL(
        "SELECT t.u, v.i, SUM(v.d) FROM ("
        "SELECT {unit_col} AS u, hi, GREATEST(lo, 1 + MAX(hi) OVER (PARTITION BY {partition} "
        "ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS lo "
        "FROM ({inner}) AS s({names}) WHERE s.lo <= s.hi) AS t "
        "CROSS JOIN LATERAL (VALUES (t.lo, 1), (t.hi + 1, -1)) AS v(i, d) "
        "WHERE t.lo <= t.hi GROUP BY t.u, v.i"
    ).format(
        unit_col=sql.Identifier("u") if unit else sql.NULL,
        partition=sql.SQL(", ").join(map(sql.Identifier, ["u", "w"] if unit else ["w"])),
        inner=sql.SQL(inner),
        names=sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        steps: dict[Any, dict[int, int]] = {}
        for u, i, d in cursor.fetchall():
            steps.setdefault(u, {})[i] = d
    out: dict[Key, int] = {}
    for u, by_bucket in steps.items():
        running = 0
        for i in range(n):
            running += by_bucket.get(i, 0)
            if running:
                out[(u, i)] = running
    return out


def overlap_days(
    qs: QuerySet[Any],
    start: Combinable,
    end_excl: Combinable,
    bounds: Bounds,
    *,
    unit: str | None = None,
) -> dict[Key, tuple[int, int]]:
    """{(unit, bucket): (days of [start, end_excl) inside the bucket, rows with such days)}.

    The rows are clipped to the period and grouped by the buckets of their first and their
    last day, with the sums of their start and end days. A row has days in every bucket from
    its first to its last: from its start (in its first bucket) or the bucket's first day, to
    its end (in its last bucket) or the bucket's end. So each group's days are split over the
    buckets it spans from the sums and the bucket bounds, without a row per day or bucket."""
    buckets = Buckets(bounds)
    buckets.require_contiguous()
    qs = qs.annotate(
        _s=Greatest(start, date_value(buckets.starts[0])),
        _e=Least(end_excl, date_value(buckets.ends[-1])),
    ).filter(_s__lt=F("_e"))
    qs = qs.annotate(_lo=buckets.first(F("_s")), _hi=buckets.last(add_days(F("_e"), -1)))
    keys = [unit, "_lo", "_hi"] if unit else ["_lo", "_hi"]
    rows = (
        qs.values(*keys)
        .annotate(
            n=Count("pk"),
            starts=Sum(DaysBetween(F("_s"), date_value(EPOCH))),
            ends=Sum(DaysBetween(F("_e"), date_value(EPOCH))),
        )
        .order_by()
    )
    first_days = [(day - EPOCH).days for day in buckets.starts]
    ends = [(day - EPOCH).days for day in buckets.ends]
    out: dict[Key, tuple[int, int]] = {}
    for row in rows:
        lo, hi, n = row["_lo"], row["_hi"], row["n"]
        for i in range(lo, hi + 1):
            days = (row["ends"] if i == hi else n * ends[i]) - (
                row["starts"] if i == lo else n * first_days[i]
            )
            key = (row[unit] if unit else None, i)
            total, count = out.get(key, (0, 0))
            out[key] = (total + days, count + n)
    return out


def medians_by_bucket(
    qs: QuerySet[Any],
    day: Combinable,
    since: Combinable,
    bounds: Bounds,
    *,
    unit: str | None = None,
) -> dict[Key, tuple[float, int]]:
    """{(unit, bucket): (median days from ``since`` to ``day``, number of observations)};
    ``day`` places each observation in a bucket of contiguous ``bounds``. It is written twice
    into the SQL (the bucket and the days), so it should be a column: a subquery would run
    twice per row (see ``registry._first_visit``)."""
    buckets = Buckets(bounds)
    qs = qs.annotate(_since=since).filter(_since__isnull=False)
    qs = qs.annotate(_b=buckets.of(day))
    days = DaysBetween(day, F("_since"))
    result = _in_range(_grouped(qs, unit, median=Median(days), n=Count("pk")), buckets)
    return {key: (row["median"], row["n"]) for key, row in result.items()}


def readmitted(admissions: QuerySet[Any], days: int) -> QuerySet[Any, dict[str, Any]]:
    """The ids of the ``admissions`` that began 0-``days`` days after the latest discharge of
    the resident's earlier admissions among them: a window over each resident's admissions in
    date order, filtered on its result (PostgreSQL runs it as a subquery)."""
    latest = Window(
        Max("occurred_until"),
        partition_by=[F("resident_id")],
        order_by=[F("occurred_on").asc(), F("pk").asc()],
        frame=RowRange(start=None, end=-1),
    )
    readmissions: QuerySet[Any, dict[str, Any]] = (
        admissions.annotate(_prev=latest)
        .filter(_prev__lte=F("occurred_on"), _prev__gte=add_days(F("occurred_on"), -days))
        .values("pk")
    )
    return readmissions
