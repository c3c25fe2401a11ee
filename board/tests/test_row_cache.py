"""The board's row cache (board/rows.py): each row's HTML is rendered once per content and kept
per process, keyed by everything the row shows to the viewer. A row rendered for team staff is
never served to housing staff who may see less, consent withdrawn shows on the next request, and
an edit or a renamed resident is a new row, not a stale one."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from board import rows, services
from board.views.entries import columns_for
from consent.services import consent_record, consent_withdraw

WITHHELD = "deles ikke – samtykke mangler"


@pytest.fixture(autouse=True)
def empty_row_cache():
    caches[rows.CACHE_ALIAS].clear()
    yield
    caches[rows.CACHE_ALIAS].clear()


def facility_board(client, w):
    response = client.get(reverse("board:facility", args=[w.facility_a1.pk]))
    assert response.status_code == 200
    return response


def the_row(response, entry) -> rows.Row:
    found = [row for row in response.context["rows"] if row.pk == entry.pk]
    assert len(found) == 1
    return found[0]


def test_housing_staff_without_consent_never_get_a_row_rendered_for_the_team(world, client):
    w = world
    entry = w.board_entry  # the resident's consent covers the board and goals, not plans
    secret = entry.treatment_interventions
    assert secret
    cache = caches[rows.CACHE_ALIAS]

    client.force_login(w.team_nurse)
    team_page = facility_board(client, w)
    team_row = the_row(team_page, entry)
    assert secret in team_page.content.decode()
    assert secret in team_row.html and cache.get(team_row.cache_key) == team_row.html
    team_board = client.get(reverse("board:team", args=[w.team_a.pk]))
    assert secret in team_board.content.decode()

    client.force_login(w.housing_staff)
    housing_page = facility_board(client, w)
    housing_row = the_row(housing_page, entry)
    body = housing_page.content.decode()
    assert secret not in body and WITHHELD in housing_row.html
    assert entry.goals_short in housing_row.html  # what the consent covers is shown
    assert housing_row.cache_key != team_row.cache_key
    assert team_row.html not in body
    assert secret not in cache.get(housing_row.cache_key)
    # and the poll's rows partial, served from the cache now, is the housing staff's
    poll = client.get(reverse("board:facility_rows", args=[w.facility_a1.pk]))
    assert poll.status_code == 200
    assert secret not in poll.content.decode() and WITHHELD in poll.content.decode()


def test_the_key_holds_the_viewers_sector_and_withheld_columns(world):
    w = world
    entry = w.board_entry
    entry.withheld = frozenset()
    today = timezone.localdate()
    full = columns_for(compact=False, team_board=False)
    (row,) = rows.build_rows([entry], full, today)
    team_key = rows.row_cache_key(row, sector="team", printing=False, today=today)
    assert team_key == rows.row_cache_key(row, sector="team", printing=False, today=today)
    assert team_key != rows.row_cache_key(row, sector="facility", printing=False, today=today)
    assert team_key != rows.row_cache_key(
        row, sector="team", printing=False, today=today + datetime.timedelta(days=1)
    )
    entry.withheld = frozenset({"treatment_interventions"})
    (redacted,) = rows.build_rows([entry], full, today)
    assert team_key != rows.row_cache_key(redacted, sector="team", printing=False, today=today)
    compact = columns_for(compact=True, team_board=False)
    (short,) = rows.build_rows([entry], compact, today)
    assert team_key != rows.row_cache_key(short, sector="team", printing=False, today=today)


def test_narrowed_consent_drops_the_columns_on_the_next_request(world, client):
    w = world
    entry = w.board_entry
    client.force_login(w.housing_staff)
    before = the_row(facility_board(client, w), entry)
    assert entry.goals_short in before.html

    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    gone = facility_board(client, w).content.decode()
    assert entry.goals_short not in gone and entry.need_text not in gone

    consent_record(  # the board again, but not the goals
        user=w.team_nurse,
        resident=w.resident_in_course,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=timezone.localdate(),
        facility=w.facility_a1,
        direction="both",
        categories=["board"],
        purpose="Tavlen",
        legal_basis="sul_43",
    )
    page = facility_board(client, w)
    after = the_row(page, entry)
    assert entry.goals_short not in page.content.decode() and WITHHELD in after.html
    assert after.cache_key != before.cache_key


def test_an_edit_or_a_renamed_resident_is_a_new_row_not_a_stale_one(world, client):
    w = world
    entry = w.board_entry
    client.force_login(w.team_nurse)
    first = the_row(facility_board(client, w), entry)

    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=entry.version,
        changes={"social_interventions": "Ny aftale om morgenkaffe"},
    )
    edited = the_row(facility_board(client, w), entry)
    assert "Ny aftale om morgenkaffe" in edited.html and edited.cache_key != first.cache_key

    resident = w.resident_in_course
    resident.first_name = "Omdøbt"
    resident.save(update_fields=["first_name"])  # not a change of the entry's version
    renamed = the_row(facility_board(client, w), entry)
    assert "Omdøbt" in renamed.html and renamed.cache_key != edited.cache_key


def test_a_cached_row_is_the_same_html_as_a_fresh_one(world, client):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("board:facility_rows", args=[w.facility_a1.pk])
    fresh = client.get(url).content.decode()
    assert w.board_entry.need_text in fresh
    assert client.get(url).content.decode() == fresh  # from the cache
    caches[rows.CACHE_ALIAS].clear()
    assert client.get(url).content.decode() == fresh  # rendered again
