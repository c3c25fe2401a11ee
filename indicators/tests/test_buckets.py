"""The bucket building blocks (indicators/buckets.py) in PostgreSQL, and the figures of a
period that starts or ends inside a stay, a course or a board entry."""

import datetime

import pytest
from django.db.models import Value
from django.utils import timezone

from indicators.adherence import coverage
from indicators.buckets import DATES, Buckets
from indicators.periods import make_period
from indicators.registry import INDICATORS, compute
from organisation.models import Region
from tests import shared_data

from .helpers import D, build_dataset
from .test_indicators import scopes, series

pytestmark = pytest.mark.django_db

MONTHS = [(D(2024, 1, 1), D(2024, 2, 1)), (D(2024, 2, 1), D(2024, 3, 1))]
# three single days with gaps between them, as the coverage over time asks
DAYS = [
    (D(2024, 1, 31), D(2024, 2, 1)),
    (D(2024, 2, 29), D(2024, 3, 1)),
    (D(2024, 3, 31), D(2024, 4, 1)),
]


_ds_module = shared_data.module_fixture("_ds_module", build_dataset)


@pytest.fixture
def ds(_ds_module, db):
    """The dataset, built once for the module (tests/shared_data.py)."""
    return shared_data.fresh(_ds_module, build_dataset)


@pytest.fixture
def one_row(ds):
    """A query set of one row to evaluate expressions on (filtered, not sliced: a LIMIT
    would cut the rows a set-returning expression makes)."""
    return Region.objects.filter(pk=ds.org.region.pk)


def _day(day):
    return Value(day, output_field=DATES.base_field)


def test_a_point_falls_in_its_bucket_or_outside_them(one_row):
    buckets = Buckets(MONTHS)
    for day, expected in [
        (D(2023, 12, 31), -1),
        (D(2024, 1, 1), 0),
        (D(2024, 1, 31), 0),
        (D(2024, 2, 1), 1),
        (D(2024, 2, 29), 1),
        (D(2024, 3, 1), 2),
    ]:
        assert one_row.annotate(b=buckets.of(_day(day))).get().b == expected, day


def test_points_need_contiguous_buckets():
    with pytest.raises(ValueError):
        Buckets(DAYS).of(_day(D(2024, 2, 29)))
    with pytest.raises(ValueError):
        Buckets([(D(2024, 2, 1), D(2024, 3, 1)), (D(2024, 1, 1), D(2024, 2, 1))])  # unsorted


@pytest.mark.parametrize(
    "first,last,expected",
    [
        (D(2024, 1, 1), D(2024, 12, 31), [0, 1, 2]),
        (D(2023, 1, 1), None, [0, 1, 2]),  # no end: to the last bucket
        (D(2024, 2, 1), D(2024, 2, 28), []),  # between two of the days
        (D(2024, 2, 29), D(2024, 2, 29), [1]),
        (D(2024, 1, 31), D(2024, 2, 29), [0, 1]),
        (D(2024, 4, 1), None, []),  # after the last
        (D(2023, 1, 1), D(2024, 1, 30), []),  # before the first
    ],
)
def test_a_span_of_days_is_repeated_for_each_bucket_it_touches(one_row, first, last, expected):
    buckets = Buckets(DAYS)
    last_day = _day(last) if last else Value(None, output_field=DATES.base_field)
    rows = one_row.annotate(b=buckets.spanned(_day(first), last_day)).values_list("b", flat=True)
    assert sorted(rows) == expected


@pytest.mark.parametrize("scope_name", ["region", "team_a", "team_b", "a1", "a2", "b1"])
def test_a_period_starting_mid_stay_counts_only_what_lies_inside_it(ds, scope_name):
    """February to June month by month gives the same figures as January to June does for
    those months: r1's stay from 31 January to 5 February has 4 nights in February, the
    course and the board entries running since January count from 1 February, and the
    readmission in April still sees the stay in March."""
    scope = scopes(ds)[scope_name]
    whole = make_period(D(2024, 1, 1), D(2024, 6, 30), "maaned")
    later = make_period(D(2024, 2, 1), D(2024, 6, 30), "maaned")
    results_whole = compute(INDICATORS, scope, whole)
    results_later = compute(INDICATORS, scope, later)
    for indicator in INDICATORS:
        code = indicator.code
        assert series(results_later, code, later) == series(results_whole, code, whole)[1:], code
    if scope_name == "team_a":
        assert series(results_later, "bed_days", later) == [4, 3, 22, 31, 30]


def test_coverage_of_a_period_reaching_past_today_repeats_today(ds):
    today = timezone.localdate()
    period = make_period(today - datetime.timedelta(days=70), today + datetime.timedelta(days=70))
    points = coverage(scopes(ds)["region"], period)
    assert len(points) == len(period.buckets)
    future = [p for p, b in zip(points, period.buckets, strict=True) if b.start > today]
    assert future and all(p.day == today for p in future)
    assert {(p.residents, p.residents_covered) for p in future} == {
        (points[-1].residents, points[-1].residents_covered)
    }
