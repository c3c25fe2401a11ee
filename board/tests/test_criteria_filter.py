"""The team board's criterion filter runs in PostgreSQL (JSONB containment on
``BoardEntry.criteria``): only the matching entries are read, a code matches whole codes only,
and the board's query count does not change with the filter or with the size of the board."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from board import selectors, services
from board.models import BoardCriterion, BoardEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The team board's queries (board/tests/test_entries.py, TEAM_BOARD_QUERIES): the criterion
# filter adds none, whatever the board's size.
TEAM_BOARD_QUERIES = 11


def _put_on_board(w, i: int, criteria: list[str]) -> BoardEntry:
    facility = w.facility_a1 if i % 2 else w.facility_a2
    resident = f.ResidentFactory(facility=facility, first_name=f"Beboer{i:03d}", last_name="Test")
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=facility,
        responsible_doctor=w.team_doctor,
        team_contacts=[w.team_nurse],
    )
    return services.board_entry_create(
        user=w.team_nurse,
        resident=resident,
        placed_on=TODAY - datetime.timedelta(days=i % 30),
        criteria=criteria,
        review_on=TODAY + datetime.timedelta(days=7),
    )


def _fill(w, n: int) -> list[BoardEntry]:
    """``n`` entries; every fifth has "admissions" (with another code), the others only codes
    that look like it ("admission_near") or none of it."""
    return [
        _put_on_board(
            w,
            i,
            ["admissions", "substance"] if i % 5 == 0 else ["admission_near", "early_signs"],
        )
        for i in range(n)
    ]


def _team_board_queries(client, w, query: str = "") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("board:team", args=[w.team_a.pk]) + query)
    assert response.status_code == 200
    audit = [q for q in ctx.captured_queries if 'INSERT INTO "audit_auditevent"' in q["sql"]]
    return len(ctx.captured_queries) - len(audit), response.content.decode()


def test_the_criterion_filter_is_a_containment_test_in_the_entries_query(world):
    entries = _fill(world, 20)
    wanted = {e.pk for e in entries if "admissions" in e.criteria}
    flt = selectors.BoardFilter(criterion=BoardCriterion.ADMISSIONS)
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.board_entries(world.team_nurse, team_ids=[world.team_a.pk], flt=flt)
    assert {e.pk for e in found} == wanted and len(wanted) == 4
    # one read of the board's entries, and it carries the filter: the database sends only
    # the matching rows (no code filters them in Python any more)
    board_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "board_boardentry"' in q["sql"]]
    assert len(board_reads) == 1
    assert '"board_boardentry"."criteria" @> \'["admissions"]\'' in board_reads[0]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (BoardCriterion.ADMISSIONS, {"both"}),
        (BoardCriterion.ADMISSION_NEAR, {"near"}),
        (BoardCriterion.SUBSTANCE, {"both"}),
        (BoardCriterion.CRISIS_RED, set()),
    ],
)
def test_a_code_matches_whole_codes_only(world, code, expected):
    both = _put_on_board(world, 1, ["admissions", "substance"])
    near = _put_on_board(world, 2, ["admission_near"])
    names = {both.pk: "both", near.pk: "near"}
    flt = selectors.BoardFilter(criterion=code)
    found = selectors.board_entries(world.team_nurse, team_ids=[world.team_a.pk], flt=flt)
    assert {names[e.pk] for e in found if e.pk in names} == expected
    assert BoardEntry.objects.filter(criteria__contains=[code]).count() == len(expected) + (
        code in world.board_entry.criteria
    )


@pytest.mark.parametrize("n", [10, 60])
def test_filtered_team_board_keeps_its_query_count(world, client, n):
    _fill(world, n)
    client.force_login(world.team_nurse)
    plain, _ = _team_board_queries(client, world)
    filtered, body = _team_board_queries(client, world, "?criterion=admissions")
    assert plain == filtered == TEAM_BOARD_QUERIES
    shown = {f"Beboer{i:03d}" for i in range(n) if f"Beboer{i:03d} Test" in body}
    assert shown == {f"Beboer{i:03d}" for i in range(0, n, 5)}
