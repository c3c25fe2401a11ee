"""The board poll's fingerprint (``board.fingerprint``): a poll that finds nothing changed answers
204 from one SQL query, without loading or rendering the rows; every kind of change the board
shows (an entry saved in each sector's columns, a question asked or answered, a meeting action
agreed or done, a consent given, withdrawn or lapsing, a resident moving out or in) changes the
fingerprint, and the next poll answers 200 with the new rows. ``?v=`` and ``If-None-Match``
both carry what the page has; the answer carries ``ETag``."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from board import services
from board.fingerprint import board_fingerprint
from board.models import AgendaItem, BoardEntry
from consent.services import consent_record, consent_withdraw
from residents.services import move_record
from tests import factories as f

TODAY = timezone.localdate()
WITHHELD = "deles ikke – samtykke mangler"


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def rows_url(w) -> str:
    return reverse("board:facility_rows", args=[w.facility_a1.pk])


def first_poll(client, address: str, **params) -> str:
    """The rows as the page has them: their fingerprint (the poll's ETag, also in hx-vals)."""
    response = client.get(address, params)
    assert response.status_code == 200
    etag = response["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert f'"v": "{etag.strip(chr(34))}"' in response.content.decode()
    return etag.strip('"')


def assert_unchanged(client, address: str, fingerprint: str, **params) -> None:
    same = client.get(address, {**params, "v": fingerprint})
    assert same.status_code == 204 and same.content == b""
    assert same["ETag"] == f'"{fingerprint}"'
    by_header = client.get(address, params, headers={"If-None-Match": f'"{fingerprint}"'})
    assert by_header.status_code == 204


def next_poll(client, address: str, fingerprint: str, **params) -> str:
    """After a change: the poll with the old fingerprint answers 200 with new rows."""
    response = client.get(address, {**params, "v": fingerprint})
    assert response.status_code == 200, "the change did not reach the poll"
    new = response["ETag"].strip('"')
    assert new != fingerprint
    assert f'"v": "{new}"' in response.content.decode()
    return response.content.decode()


def in_course(w, *, facility=None, first="Bent", last="Beboersen"):
    facility = facility or w.facility_a1
    resident = f.ResidentFactory(facility=facility, first_name=first, last_name=last)
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=facility,
        responsible_doctor=w.team_doctor,
        team_contacts=[w.team_nurse],
    )
    return resident


def share(w, resident, categories=("board",), **extra):
    return consent_record(
        user=w.team_nurse,
        resident=resident,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=days(-10),
        facility=w.facility_a1,
        direction="both",
        categories=list(categories),
        purpose="Tavlemøder",
        legal_basis="sul_43",
        **extra,
    )


def on_board(w, resident, **columns) -> BoardEntry:
    return services.board_entry_create(
        user=w.team_nurse,
        resident=resident,
        placed_on=days(-3),
        criteria=["early_signs"],
        review_on=days(7),
        **columns,
    )


def save(entry, user, **changes) -> None:
    entry.refresh_from_db()
    services.board_entry_update(user=user, entry=entry, version=entry.version, changes=changes)


# --- no change --------------------------------------------------------------------------------


def test_unchanged_board_answers_204_without_audit_or_rendering(world, client):
    w = world
    client.force_login(w.housing_staff)
    fp = first_poll(client, rows_url(w))
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    with CaptureQueriesContext(connection) as ctx:
        assert_unchanged(client, rows_url(w), fp)
    assert AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() == before
    assert not any(
        "board_boardentry" in q["sql"] and "STRING_AGG" not in q["sql"]
        for q in ctx.captured_queries
    ), "the 204 loaded the entries"
    # a weak or listed If-None-Match matches too; another fingerprint does not
    listed = client.get(rows_url(w), headers={"If-None-Match": f'"x", W/"{fp}"'})
    assert listed.status_code == 204
    assert client.get(rows_url(w), {"v": "0" * 32}).status_code == 200


def test_page_and_poll_agree_on_the_fingerprint(world, client):
    w = world
    client.force_login(w.team_nurse)
    for page, rows, params in (
        ("board:facility", "board:facility_rows", {"visning": "kompakt", "sort": "days"}),
        ("board:team", "board:team_rows", {"facility": w.facility_a1.pk, "sort": "review"}),
    ):
        pk = w.facility_a1.pk if page == "board:facility" else w.team_a.pk
        body = client.get(reverse(page, args=[pk]), params).content.decode()
        fp = re.search(r'hx-vals=\'\{"v": "([0-9a-f]+)"\}\'', body).group(1)
        assert_unchanged(client, reverse(rows, args=[pk]), fp, **params)
        # another column set or sort is another page: it does not match
        other = client.get(reverse(rows, args=[pk]), {"v": fp})
        assert other.status_code == 200


# --- an entry saved, per sector -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("writer", "column", "text"),
    [
        ("team_nurse", "treatment_interventions", "Ny depotmedicin aftalt"),  # the team's
        ("housing_staff", "social_interventions", "Fast gåtur hver morgen"),  # the facility's
        ("housing_staff", "others_involved", "Søster inddrages"),  # shared
    ],
)
def test_entry_saved_in_each_sector_reaches_the_next_poll(world, client, writer, column, text):
    w = world
    client.force_login(w.team_nurse)
    fp = first_poll(client, rows_url(w))
    assert_unchanged(client, rows_url(w), fp)
    save(w.board_entry, getattr(w, writer), **{column: text})
    assert text in next_poll(client, rows_url(w), fp)


def test_follow_up_and_taking_off_reach_the_team_board_poll(world, client):
    w = world
    client.force_login(w.team_nurse)
    address = reverse("board:team_rows", args=[w.team_a.pk])
    fp = first_poll(client, address)
    assert_unchanged(client, address, fp)
    entry = w.board_entry
    entry.refresh_from_db()
    services.board_entry_review(
        user=w.team_nurse, entry=entry, version=entry.version, next_review_on=days(30)
    )
    body = next_poll(client, address, fp)
    assert days(30).strftime("%d.%m.%Y") in body
    fp = first_poll(client, address)
    entry.refresh_from_db()
    services.board_entry_end(
        user=w.team_nurse,
        entry=entry,
        version=entry.version,
        end_reason="stable",
        ending_text="Stabil igen",
    )
    assert w.resident_in_course.full_name not in next_poll(client, address, fp)


# --- questions and actions ------------------------------------------------------------------------


def test_question_asked_and_answered_reach_the_next_poll(world, client):
    w = world
    client.force_login(w.team_nurse)
    fp = first_poll(client, rows_url(w))
    question = services.question_ask(
        user=w.housing_staff, resident=w.resident_in_course, kind="question", text="Kan I ringe?"
    )
    next_poll(client, rows_url(w), fp)
    fp = first_poll(client, rows_url(w))
    assert_unchanged(client, rows_url(w), fp)
    services.question_answer(user=w.team_nurse, question=question, answer="Ja, i morgen.")
    next_poll(client, rows_url(w), fp)


def test_meeting_action_agreed_and_done_reach_the_next_poll(world, client):
    w = world
    client.force_login(w.housing_staff)
    meeting = services.meeting_open(user=w.team_nurse, facility=w.facility_a1)
    item = AgendaItem.objects.get(meeting=meeting, resident=w.resident_in_course)
    fp = first_poll(client, rows_url(w))
    action = services.action_create(
        user=w.team_nurse,
        item=item,
        text="Ring til egen læge",
        owner=w.housing_staff,
        due_on=days(3),
    )
    next_poll(client, rows_url(w), fp)
    fp = first_poll(client, rows_url(w))
    assert_unchanged(client, rows_url(w), fp)
    services.action_done(user=w.housing_staff, action=action)
    next_poll(client, rows_url(w), fp)


# --- consent ------------------------------------------------------------------------------------


def test_consent_given_shows_the_entry_to_housing_staff_on_the_next_poll(world, client):
    w = world
    resident = in_course(w, first="Uden", last="Samtykke")
    on_board(w, resident, others_involved="Kun teamet ser dette")
    client.force_login(w.housing_staff)
    fp = first_poll(client, rows_url(w))
    assert_unchanged(client, rows_url(w), fp)
    share(w, resident)
    assert "Kun teamet ser dette" in next_poll(client, rows_url(w), fp)


def test_consent_widened_unblanks_a_column_on_the_next_poll(world, client):
    w = world
    save(w.board_entry, w.team_nurse, treatment_interventions="Depotmedicin hver 14. dag")
    client.force_login(w.housing_staff)
    fp = first_poll(client, rows_url(w))
    share(w, w.resident_in_course, categories=("board", "goals", "plans"))
    assert "Depotmedicin hver 14. dag" in next_poll(client, rows_url(w), fp)


def test_consent_withdrawn_hides_the_entry_on_the_next_poll(world, client):
    w = world
    client.force_login(w.housing_staff)
    fp = first_poll(client, rows_url(w))
    assert w.resident_in_course.full_name in client.get(rows_url(w)).content.decode()
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial, note="Trukket")
    assert w.resident_in_course.full_name not in next_poll(client, rows_url(w), fp)


def test_consent_lapsing_hides_the_entry_on_the_next_day(world, client, monkeypatch):
    w = world
    resident = in_course(w, first="Udloeber", last="Snart")
    share(w, resident, expires_on=days(1))
    on_board(w, resident)
    client.force_login(w.housing_staff)
    fp = first_poll(client, rows_url(w))
    assert "Udloeber Snart" in client.get(rows_url(w)).content.decode()
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: days(1) if value is None else real(value)
    )
    assert "Udloeber Snart" not in next_poll(client, rows_url(w), fp)


# --- residence --------------------------------------------------------------------------------


def test_resident_moving_out_and_back_reaches_both_sectors_polls(world, client):
    w = world
    resident = w.resident_in_course
    moved_in = resident.residences.get(moved_out__isnull=True).moved_in
    edit = f'href="{reverse("board:entry_edit", args=[w.board_entry.pk])}"'
    client.force_login(w.team_nurse)
    team_fp = first_poll(client, rows_url(w))
    client.force_login(w.housing_staff)
    housing_fp = first_poll(client, rows_url(w))

    move_record(user=w.team_nurse, resident=resident, to_facility=w.facility_a2, moved_in=moved_in)
    # housing staff lose the entry; the team keeps it, no longer to be written ("Ret" gone)
    assert resident.full_name not in next_poll(client, rows_url(w), housing_fp)
    housing_fp = first_poll(client, rows_url(w))
    client.force_login(w.team_nurse)
    body = next_poll(client, rows_url(w), team_fp)
    assert resident.full_name in body and edit not in body
    team_fp = first_poll(client, rows_url(w))

    move_record(user=w.team_nurse, resident=resident, to_facility=w.facility_a1, moved_in=moved_in)
    assert edit in next_poll(client, rows_url(w), team_fp)
    client.force_login(w.housing_staff)
    assert resident.full_name in next_poll(client, rows_url(w), housing_fp)


# --- viewers ------------------------------------------------------------------------------------


def test_two_viewers_whose_rows_differ_get_different_fingerprints(world, client):
    w = world
    save(w.board_entry, w.team_nurse, treatment_interventions="Kun for teamet")
    hidden = in_course(w, first="Ingen", last="Deling")
    on_board(w, hidden)
    client.force_login(w.team_nurse)
    team_body = client.get(rows_url(w)).content.decode()
    team_fp = first_poll(client, rows_url(w))
    client.force_login(w.housing_staff)
    housing_body = client.get(rows_url(w)).content.decode()
    housing_fp = first_poll(client, rows_url(w))
    assert "Kun for teamet" in team_body and "Ingen Deling" in team_body
    assert "Kun for teamet" not in housing_body and "Ingen Deling" not in housing_body
    assert WITHHELD in housing_body
    assert team_fp != housing_fp
    # neither one's fingerprint is "unchanged" for the other
    assert client.get(rows_url(w), {"v": team_fp}).status_code == 200
    assert board_fingerprint(
        w.team_nurse, facility_ids=[w.facility_a1.pk], sector="team"
    ) != board_fingerprint(w.housing_staff, facility_ids=[w.facility_a1.pk], sector="team")


def test_poll_of_a_board_the_user_may_not_see_is_404_before_any_fingerprint(world, client):
    w = world
    client.force_login(w.other_housing_staff)
    assert client.get(rows_url(w), {"v": "0" * 32}).status_code == 404
    client.force_login(w.other_team_nurse)
    team_rows = reverse("board:team_rows", args=[w.team_a.pk])
    assert client.get(team_rows, {"v": "0" * 32}).status_code == 404


# --- cost: constant queries -------------------------------------------------------------------


def _fill(w, n: int) -> None:
    for i in range(n):
        resident = in_course(w, first=f"Beboer{i:03d}", last="Test")
        share(w, resident, categories=("board", "goals"))
        on_board(w, resident, others_involved=f"Involveret {i}")


# Pinned: the 204 answer of a poll. Session, user, second factor, memberships (+ emergency
# access for team health professionals), the gatekeeper's facility (facility board; the team
# board's gatekeeper is the memberships), and the fingerprint (1). Nothing grows with the board.
FACILITY_POLL_204_QUERIES = {"team_nurse": 7, "housing_staff": 6}
TEAM_POLL_204_QUERIES = 6


@pytest.mark.parametrize("n", [5, 50])
def test_204_poll_query_count_is_constant(world, client, n, django_assert_num_queries):
    w = world
    _fill(w, n)
    for persona, expected in FACILITY_POLL_204_QUERIES.items():
        client.force_login(getattr(w, persona))
        fp = first_poll(client, rows_url(w))
        with django_assert_num_queries(expected):
            assert client.get(rows_url(w), {"v": fp}).status_code == 204
    client.force_login(w.team_nurse)
    address = reverse("board:team_rows", args=[w.team_a.pk])
    fp = first_poll(client, address)
    with django_assert_num_queries(TEAM_POLL_204_QUERIES):
        assert client.get(address, {"v": fp}).status_code == 204
