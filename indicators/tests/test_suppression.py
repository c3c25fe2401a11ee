"""Secondary suppression: a hidden small number cannot be worked out by subtracting the shown
figures from a total (issue 11), in the tables, the pages and the exports."""

from __future__ import annotations

import csv
import datetime
import io
import itertools

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import suppression as sup
from indicators.periods import make_period
from indicators.registry import BY_CODE, KEY_INDICATORS, Cell
from indicators.tables import COMPLEMENT, SMALL, children_table, indicator_table
from indicators.tests import helpers as h

D = datetime.date
HALF_YEAR = make_period(D(2024, 1, 1), D(2024, 6, 30))  # six months, two quarters


def _results(**rows):
    """{code: {None: {bucket: Cell}}} for the indicator table from lists of counts."""
    return {
        code: {None: {i: Cell(n, n) for i, n in enumerate(values)}} for code, values in rows.items()
    }


def _row(table, code):
    return next(r for r in table.rows if r.code == code)


def _texts(table, code):
    return [v.text for v in _row(table, code).values]


# --- an attacker who knows the rules -----------------------------------------------------------


def _domain(text: str, limit: int) -> range | list:
    """What a reader can say about a cell from its text."""
    if text == SMALL:
        return range(1, 5)
    if text == COMPLEMENT:
        return [0, *range(5, limit + 1)]
    return [int(text.replace(".", ""))]


def _recoverable(texts: list[str], groups: list[tuple[list[int], int]]) -> dict[int, set]:
    """Every value each hidden cell can take, given the known totals of the groups (brute force
    over all hidden cells). A "<5" cell with one possible value has been recovered."""
    limit = max(total for _cells, total in groups)
    hidden = [i for i, t in enumerate(texts) if t in (SMALL, COMPLEMENT)]
    domains = [_domain(texts[i], limit) for i in hidden]
    shown = {i: int(t.replace(".", "")) for i, t in enumerate(texts) if i not in hidden}
    possible: dict[int, set] = {i: set() for i in hidden}
    for values in itertools.product(*domains):
        cells = {**shown, **dict(zip(hidden, values, strict=True))}
        if all(sum(cells[i] for i in members) == total for members, total in groups):
            for i, v in zip(hidden, values, strict=True):
                possible[i].add(v)
    return {i: v for i, v in possible.items() if texts[i] == SMALL}


def _half_year_groups(values):
    """The totals a reader can get: the half year, and each quarter (by choosing quarters)."""
    return [
        (list(range(6)), sum(values)),
        ([0, 1, 2], sum(values[:3])),
        ([3, 4, 5], sum(values[3:])),
    ]


# --- the tables ---------------------------------------------------------------------------------


def test_one_small_month_gets_a_complement_and_cannot_be_recovered():
    values = [3, 7, 9, 0, 12, 6]
    table = indicator_table(_results(admissions=values), HALF_YEAR, True)
    texts = _texts(table, "admissions")
    assert texts == ["<5", "x", "9", "0", "12", "6"]
    possible = _recoverable(texts, _half_year_groups(values))
    assert all(len(v) >= 2 for v in possible.values()), possible


def test_without_secondary_suppression_the_small_month_would_be_recovered():
    """The attack the complement prevents: the quarter's total minus the two shown months."""
    values = [3, 7, 9, 0, 12, 6]
    exact = indicator_table(_results(admissions=values), HALF_YEAR, False)
    primary_only = [
        SMALL if 1 <= v <= 4 else t
        for v, t in zip(values, _texts(exact, "admissions"), strict=True)
    ]
    assert _recoverable(primary_only, _half_year_groups(values)) == {0: {3}}


def test_the_team_sees_exact_figures_without_complements():
    table = indicator_table(_results(admissions=[3, 7, 9, 0, 12, 6]), HALF_YEAR, False)
    assert _texts(table, "admissions") == ["3", "7", "9", "0", "12", "6"]


def test_a_small_part_of_the_concerns_is_not_the_only_one_hidden():
    """Concerns = referred + closed + open, month by month."""
    months = lambda first: [first, 0, 0, 0, 0, 0]  # noqa: E731
    table = indicator_table(
        _results(
            concerns=months(9),
            concerns_referred=months(2),
            concerns_closed=months(7),
            concerns_open=months(0),
        ),
        HALF_YEAR,
        True,
    )
    january = [
        _texts(table, code)[0]
        for code in ("concerns", "concerns_referred", "concerns_closed", "concerns_open")
    ]
    assert january.count(SMALL) == 1 and january.count(COMPLEMENT) >= 1
    # concerns = the sum of its parts: the referred ones cannot be recovered
    texts = january
    possible = _recoverable(
        [*texts[1:], texts[0]],
        [([0, 1, 2], 9), ([3], 9)],
    )
    assert all(len(v) >= 2 for v in possible.values()), possible


def test_a_region_is_the_sum_of_its_teams():
    admissions = BY_CODE["admissions"]
    column = KEY_INDICATORS.index(admissions)

    class Unit:
        def __init__(self, pk, name):
            self.pk, self.name = pk, name

    units = [Unit(1, "Team 1"), Unit(2, "Team 2"), Unit(3, "Team 3")]
    counts = {1: 2, 2: 11, 3: 8}
    results = {
        i.code: {u.pk: {0: Cell(counts[u.pk], counts[u.pk])} for u in units} for i in KEY_INDICATORS
    }
    table = children_table(results, [(u, True, "") for u in units], "Team", "teams", "Teams")
    texts = [r.values[column].text for r in table.rows]
    assert texts == ["<5", "11", "x"]
    possible = _recoverable(texts, [([0, 1, 2], 21)])
    assert all(len(v) >= 2 for v in possible.values()), possible


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=6, max_size=6))
def test_no_small_month_can_be_recovered_from_the_totals(values):
    """For any six months: after suppression, a "<5" month has two or more possible values given
    the half year's and the quarters' totals, whenever that is possible at all, that is unless
    even hiding every other month of its quarter would leave it one value (a hidden 1 beside
    one shown 5, a quarter of 4 + 4: see the limits in indicators.suppression)."""
    table = indicator_table(_results(visits=values), HALF_YEAR, True)
    texts = _texts(table, "visits")
    groups = _half_year_groups(values)
    possible = _recoverable(texts, groups)
    for i, options in possible.items():
        if len(options) >= 2:
            continue
        quarter = range(0, 3) if i < 3 else range(3, 6)
        everything = [
            COMPLEMENT if j in quarter and j != i and t not in (SMALL, "0") else t
            for j, t in enumerate(texts)
        ]
        assert len(_recoverable(everything, groups)[i]) < 2, (values, texts, i, options)


def test_the_check_agrees_with_brute_force():
    """suppression.feasible against counting every assignment, on a relation with every kind of
    cell."""
    slots = {
        "a": sup.Slot(2, sup.PRIMARY),
        "b": sup.Slot(6, sup.SECONDARY),
        "c": sup.Slot(9),
        "d": sup.Slot(1, sup.PRIMARY),
    }
    relation = sup.total(["a", "b", "c", "d"])
    brute = {
        a
        for a in range(1, 5)
        for b in [0, *range(5, 20)]
        for d in range(1, 5)
        if a + b + 9 + d == 18
    }
    found = sup.feasible(slots, relation, "a")
    assert {v for lo, hi in found for v in range(lo, hi + 1)} == brute


# --- through the pages and exports --------------------------------------------------------------


@pytest.mark.django_db
def test_exports_and_the_region_page_hide_a_complement(client):
    ds = h.build_dataset()
    for day in (2, 5, 8, 12, 19, 26):  # six more visits in February: 7 with the one there
        h.entry(ds.c1, "visit", D(2024, 2, day), subtype="visit")
    for day in (2, 6, 9, 14, 21, 28):  # six in May
        h.entry(ds.c1, "visit", D(2024, 5, day), subtype="visit")
    period = "?fra=2024-01-01&til=2024-06-30&inddeling=maaned"

    client.force_login(ds.org.nurse_a)
    response = client.get(
        reverse("indicators:export", args=["team", ds.org.team_a.pk, "csv"]) + period
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    visits = next(r for r in rows if r[0] == "Besøg og samtaler")[2:]
    assert visits == ["<5", "x", "0", "0", "6", "0"]
    totals = [1, 7, 0, 0, 6, 0]
    possible = _recoverable(visits, _half_year_groups(totals))
    assert all(len(v) >= 2 for v in possible.values()), possible
    assert "x: vises ikke" in response.content.decode("utf-8-sig")

    client.force_login(ds.org.planner)
    page = client.get(reverse("indicators:region", args=[ds.org.region.pk]) + period)
    teams = page.context["children_table"]
    column = [str(i.label) for i in KEY_INDICATORS].index("Besøg og samtaler")
    assert [r.values[column].text for r in teams.rows] == ["x", "<5"]  # team A 14, team B 2
