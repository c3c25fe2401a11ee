"""The timeline's paging is done by PostgreSQL through the ORM: one aggregate over the union
counts the rows and cuts the page out of the ordered keys. These tests pin what the page
query returns against the ORM's own ordered union, page by page, and what it costs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from record import timeline as tl

pytestmark = pytest.mark.django_db

EVERYTHING: dict[str, Any] = {"groups": set(), "kind": "", "until": None}


def _pages(user, resident, opts, size):
    scope = tl._scope(user, resident)
    keys = [(r["tl_src"], r["tl_id"]) for r in tl.merged(user, resident, opts, scope)]
    return scope, keys, [keys[i : i + size] for i in range(0, len(keys), size)]


@pytest.mark.parametrize("opts", [EVERYTHING, {**EVERYTHING, "groups": {"board", "meetings"}}])
def test_every_page_is_the_matching_slice_of_the_ordered_union(world, monkeypatch, opts):
    monkeypatch.setattr(tl, "PAGE_SIZE", 2)
    user, resident = world.team_nurse, world.resident_in_course
    scope, keys, expected = _pages(user, resident, opts, 2)
    assert len(expected) >= 2 and len({src for src, _ in keys}) >= 2  # several pages, sources
    for number, want in enumerate(expected, 1):
        page, rows = tl.page_rows(user, resident, opts, number, scope)
        assert page.number == number and page.paginator.count == len(keys)
        assert [(r["tl_src"], r["tl_id"]) for r in rows] == want


def test_a_lone_source_is_paged_without_a_union(world, monkeypatch):
    """A single source is aggregated on its own (no UNION): its source column still has a
    type PostgreSQL can aggregate."""
    monkeypatch.setattr(tl, "PAGE_SIZE", 2)
    user, resident = world.team_nurse, world.resident_in_course
    opts = {**EVERYTHING, "groups": {"contacts", "plans", "medication"}}
    scope, keys, expected = _pages(user, resident, opts, 2)
    assert len(expected) >= 2
    page, rows = tl.page_rows(user, resident, opts, 2, scope)
    assert [(r["tl_src"], r["tl_id"]) for r in rows] == expected[1]


def test_one_query_for_a_page_and_two_for_a_page_past_the_end(world, monkeypatch):
    monkeypatch.setattr(tl, "PAGE_SIZE", 3)
    user, resident = world.team_nurse, world.resident_in_course
    scope, keys, expected = _pages(user, resident, EVERYTHING, 3)
    with CaptureQueriesContext(connection) as ctx:
        page, rows = tl.page_rows(user, resident, EVERYTHING, 2, scope)
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    assert "UNION ALL" in sql and "COUNT(*)" in sql and "ARRAY_AGG(" in sql
    assert "OVER" not in sql  # no window over a hand-written wrapper
    with CaptureQueriesContext(connection) as ctx:
        page, rows = tl.page_rows(user, resident, EVERYTHING, 10**6, scope)
    assert len(ctx.captured_queries) == 2  # the count says "past the end"; the last page
    assert page.number == len(expected)
    assert [(r["tl_src"], r["tl_id"]) for r in rows] == expected[-1]


def test_nothing_to_see_is_one_empty_page(world):
    user, resident = world.team_nurse, world.resident_in_course
    opts = {**EVERYTHING, "kind": "crisis"}
    scope = tl._scope(user, resident)
    assert not tl.merged(user, resident, opts, scope).exists()
    page, rows = tl.page_rows(user, resident, opts, 3, scope)
    assert rows == [] and page.number == 1 and page.paginator.count == 0
