"""The weekly meeting through its pages: the agenda, walking it, notes with versions, actions,
attendance, closing and the minutes; what housing staff see under consent; audit rows; query
counts; and that no input gives a 500."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import Action as AuditAction
from audit.models import AuditEvent
from board import services
from board.models import (
    Action,
    AgendaItem,
    AgendaReason,
    Attendance,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    Sector,
)
from consent.services import consent_record, consent_withdraw
from tests import factories as f

TODAY = timezone.localdate()
WITHHELD = "deles ikke – samtykke mangler"
CLOSED_TEXT = "Mødet er afsluttet, og referatet er arkiveret. Det kan ikke ændres."


# --- helpers -------------------------------------------------------------------------------


def on_board(w, *, first_name="Test", placed_days_ago=60, review_in_days=30, **changes):
    """A new resident at facility A1 in an active course, put on the board."""
    resident = f.ResidentFactory(facility=w.facility_a1, first_name=first_name)
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=w.facility_a1,
        responsible_doctor=w.team_doctor,
        facility_contact=w.housing_staff,
        team_contacts=[w.team_nurse],
    )
    data = {"criteria": ["early_signs"], "review_on": TODAY + datetime.timedelta(review_in_days)}
    data.update(changes)
    return services.board_entry_create(
        user=w.team_nurse,
        resident=resident,
        placed_on=TODAY - datetime.timedelta(placed_days_ago),
        **data,
    )


def share_board(w, resident, *, categories=("board", "goals"), expires_on=None, given_days_ago=30):
    return consent_record(
        user=w.team_nurse,
        resident=resident,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=TODAY - datetime.timedelta(given_days_ago),
        facility=w.facility_a1,
        direction="both",
        categories=list(categories),
        purpose="Tavlemøder",
        legal_basis="sul_43",
        expires_on=expires_on,
    )


def open_meeting(client, w, user=None):
    client.force_login(user or w.team_nurse)
    response = client.post(reverse("board:meeting_open", args=[w.facility_a1.pk]))
    assert response.status_code == 302, response.status_code
    meeting = Meeting.objects.get(facility=w.facility_a1, status=MeetingStatus.OPEN)
    assert response["Location"] == reverse("board:meeting", args=[meeting.pk])
    return meeting


def item_of(meeting, resident):
    return AgendaItem.objects.get(meeting=meeting, resident=resident)


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def meeting_url(meeting, position=None):
    url = reverse("board:meeting", args=[meeting.pk])
    return f"{url}?punkt={position}" if position is not None else url


# --- opening and the agenda --------------------------------------------------------------


def test_meeting_list_shows_open_first_then_past_and_the_schedule(world, client):
    w = world
    client.force_login(w.housing_staff)
    url = reverse("board:meetings", args=[w.facility_a1.pk])
    body = page(client, url)
    assert "Der er ikke et tavlemøde i gang." in body
    assert "Start tavlemøde" in body
    assert f'action="{reverse("board:meeting_open", args=[w.facility_a1.pk])}"' in body
    assert reverse("board:minutes", args=[w.meeting_closed.pk]) in body
    assert "Der er ikke sat et fast mødetidspunkt." in body
    assert reverse("board:schedule", args=[w.facility_a1.pk]) in body
    # no resident data on this page, so no audit rows needed; names are not shown
    assert w.resident_in_course.full_name not in body

    meeting = open_meeting(client, w)
    body = page(client, url)
    assert body.index("Igangværende møde") < body.index("Afholdte møder")
    assert reverse("board:meeting", args=[meeting.pk]) in body
    assert "Start tavlemøde" not in body


def test_start_meeting_is_post_only(world, client):
    client.force_login(world.team_nurse)
    url = reverse("board:meeting_open", args=[world.facility_a1.pk])
    assert client.get(url).status_code == 405
    assert not Meeting.objects.filter(status=MeetingStatus.OPEN).exists()


def test_agenda_reasons_and_order(world, client):
    """New on the board, review due, questions, open actions, expiring consent, the rest."""
    w = world
    plain = on_board(w, first_name="Rolig", placed_days_ago=90)
    expiring = on_board(w, first_name="Udløber", placed_days_ago=80)
    share_board(w, expiring.resident, given_days_ago=300, expires_on=TODAY + datetime.timedelta(10))
    due = on_board(w, first_name="Forfalden", placed_days_ago=70, review_in_days=-1)
    new = on_board(w, first_name="Nyhed", placed_days_ago=2)
    services.question_ask(
        user=w.housing_staff, resident=w.resident_plain, kind="update", text="Lone sover dårligt."
    )
    # w.resident_in_course: placed 20 days ago (before last meeting), an open question from
    # housing staff and an open action from last week's meeting.
    meeting = open_meeting(client, w)

    items = list(meeting.items.order_by("position"))
    assert [i.resident_id for i in items] == [
        new.resident_id,
        due.resident_id,
        w.resident_in_course.pk,
        w.resident_plain.pk,  # a question but not on the board: after those on the board
        expiring.resident_id,
        plain.resident_id,
    ]
    assert [i.reasons for i in items] == [
        [AgendaReason.NEW],
        [AgendaReason.REVIEW_DUE],
        [AgendaReason.QUESTION, AgendaReason.OPEN_ACTION],
        [AgendaReason.QUESTION],
        [AgendaReason.CONSENT_EXPIRING],
        [AgendaReason.ON_BOARD],
    ]
    assert [i.position for i in items] == [1, 2, 3, 4, 5, 6]
    assert items[3].entry_id is None and items[0].entry_id == new.pk
    # the meeting page shows the labels in Danish
    body = page(client, meeting_url(meeting))
    for label in (
        "Ny på tavlen",
        "Opfølgning forfalden",
        "Spørgsmål eller opdatering",
        "Åben handling fra tidligere møde",
        "Samtykke udløber snart",
        "På tavlen",
    ):
        assert label in body, label
    # the one who opened takes part, in their sector
    assert Attendance.objects.get(meeting=meeting).user == w.team_nurse


def test_second_open_meeting_refused_with_message(world, client):
    w = world
    meeting = open_meeting(client, w)
    client.force_login(w.housing_staff)
    response = client.post(reverse("board:meeting_open", args=[w.facility_a1.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("board:meetings", args=[w.facility_a1.pk])
    assert "Der er allerede et tavlemøde i gang for botilbuddet." in response.content.decode()
    assert (
        Meeting.objects.filter(facility=w.facility_a1, status=MeetingStatus.OPEN).get() == meeting
    )


def test_start_refuses_posted_fields(world, client):
    w = world
    client.force_login(w.team_nurse)
    response = client.post(
        reverse("board:meeting_open", args=[w.facility_a1.pk]),
        {"facility": w.facility_b1.pk},
        follow=True,
    )
    assert "Formularen indeholdt felter, du ikke kan ændre" in response.content.decode()
    assert not Meeting.objects.filter(status=MeetingStatus.OPEN).exists()


# --- schedule ------------------------------------------------------------------------------


def test_schedule_set_and_time_box(world, client):
    w = world
    client.force_login(w.housing_leader)
    url = reverse("board:schedule", args=[w.facility_a1.pk])
    body = page(client, url)
    assert 'name="weekday"' in body and 'type="time"' in body  # empty: no agreement yet
    response = client.post(url, {"weekday": "9", "starts_at": "25:00", "minutes_per_resident": "0"})
    body = response.content.decode()
    assert response.status_code == 200 and "Der er fejl i formularen" in body
    assert not MeetingSchedule.objects.exists()
    response = client.post(
        url, {"weekday": "2", "starts_at": "13:30", "minutes_per_resident": "10"}
    )
    assert response.status_code == 302
    schedule = MeetingSchedule.objects.get(facility=w.facility_a1)
    assert (schedule.weekday, schedule.starts_at, schedule.minutes_per_resident) == (
        2,
        datetime.time(13, 30),
        10,
    )
    assert AuditEvent.objects.filter(object_type="meetingschedule", action="create").exists()
    body = page(client, reverse("board:meetings", args=[w.facility_a1.pk]))
    assert "Onsdag" in body and "13:30" in body
    # changed later; the form starts from the saved values
    assert 'value="13:30"' in page(client, url)
    client.post(url, {"weekday": "3", "starts_at": "09:00", "minutes_per_resident": ""})
    schedule.refresh_from_db()
    assert schedule.weekday == 3 and schedule.minutes_per_resident is None
    client.post(url, {"weekday": "3", "starts_at": "09:00", "minutes_per_resident": "8"})

    on_board(w, first_name="Anden")
    meeting = open_meeting(client, w)
    assert meeting.minutes_per_resident == 8
    body = page(client, meeting_url(meeting))
    assert "tidsramme 8 min. pr. beboer, 16 min. i alt" in body
    assert "Planlagt tid: 8 min." in body


# --- walking the agenda --------------------------------------------------------------------


def test_walk_items_with_previous_and_next(world, client):
    w = world
    on_board(w, first_name="Anna", placed_days_ago=2)
    on_board(w, first_name="Bent", placed_days_ago=3)
    meeting = open_meeting(client, w)
    items = list(meeting.items.order_by("position").select_related("resident"))
    assert len(items) == 3
    body = page(client, meeting_url(meeting))
    assert "Punkt 1 af 3" in body and items[0].resident.full_name in body
    assert 'aria-current="step"' in body
    assert f'href="?punkt={items[1].position}">Næste beboer' in body
    assert "Forrige" not in body

    body = page(client, meeting_url(meeting, items[1].position))
    assert "Punkt 2 af 3" in body
    assert f'href="?punkt={items[0].position}">Forrige' in body
    assert f'href="?punkt={items[2].position}">Næste beboer' in body

    body = page(client, meeting_url(meeting, items[2].position))
    assert "Punkt 3 af 3" in body and "Næste beboer" not in body
    # the current resident's board entry: the columns from the board
    assert "Årsag til at være på tavlen (kriterier)" in body
    assert "Tidlige tegn på forværring" in body


@pytest.mark.parametrize("bad", ["abc", "99999", "0", "-1", "1e309", "", " ", "\x00", "2.5"])
def test_bad_position_shows_first_item_with_notice(world, client, bad):
    w = world
    meeting = open_meeting(client, w)
    response = client.get(reverse("board:meeting", args=[meeting.pk]), {"punkt": bad})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Punkt 1 af 1" in body
    if bad.strip("\x00 "):
        assert "Punktet findes ikke på dagsordenen" in body


def test_unknown_query_parameters_do_not_break_the_page(world, client):
    meeting = open_meeting(client, world)
    response = client.get(reverse("board:meeting", args=[meeting.pk]), {"x": "1", "punkt": "1"})
    assert response.status_code == 200


def test_meeting_mode_shows_questions_and_open_actions_with_links(world, client):
    w = world
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    body = page(client, meeting_url(meeting, item.position))
    assert w.question_open.text in body
    assert reverse("board:question_answer", args=[w.question_open.pk]) in body
    assert w.action_open.text in body
    assert reverse("board:action_done", args=[w.action_open.pk]) in body
    assert f"fra mødet {w.meeting_closed.held_on:%d.%m.%Y}" in body
    assert reverse("board:entry_end", args=[w.board_entry.pk]) in body  # "Tag af tavlen"
    assert w.board_entry.treatment_interventions in body  # the team sees every column


# --- note and decisions --------------------------------------------------------------------


def test_note_and_decisions_saved(world, client):
    w = world
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    url = reverse("board:item", args=[item.pk])
    response = client.post(
        url,
        {"version": item.version, "note": "Sover bedre.", "decisions": "Følges næste uge."},
    )
    assert response.status_code == 302
    assert response["Location"] == meeting_url(meeting, item.position)
    item.refresh_from_db()
    assert (item.note, item.decisions, item.discussed, item.version) == (
        "Sover bedre.",
        "Følges næste uge.",
        True,
        2,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="agendaitem", object_id=str(item.pk)
    ).exists()
    body = page(client, meeting_url(meeting, item.position))
    assert "Sover bedre." in body and "(drøftet)" in body


def test_note_inline_save_with_htmx_returns_the_partial(world, client):
    w = world
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    response = client.post(
        reverse("board:item", args=[item.pk]),
        {"version": item.version, "note": "Inline", "decisions": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and f'id="note-{item.pk}"' in body
    assert "Notat og beslutninger er gemt." in body
    assert 'name="version" value="2"' in body
    assert "HX-Request" in response["Vary"]


def test_stale_note_shows_both_texts_and_keeps_the_edit(world, client):
    w = world
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    loaded = item.version
    services.agenda_item_update(
        user=w.housing_staff, item=item, version=loaded, note="Husets tekst", decisions="Husets"
    )
    url = reverse("board:item", args=[item.pk])
    response = client.post(url, {"version": loaded, "note": "Min tekst", "decisions": "Mine"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "En anden har gemt notatet, mens du skrev" in body
    assert "Husets tekst" in body  # the saved one
    assert "Min tekst</textarea>" in body  # what the user typed, still in the form
    assert f'name="version" value="{loaded + 1}"' in body  # saving again is a choice
    assert "Behold den gemte tekst" in body
    item.refresh_from_db()
    assert item.note == "Husets tekst"
    # choosing to keep mine
    response = client.post(url, {"version": loaded + 1, "note": "Min tekst", "decisions": "Mine"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.note == "Min tekst"
    # htmx: the same conflict, as a partial
    response = client.post(
        url, {"version": loaded, "note": "Tredje", "decisions": ""}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Min tekst" in body and "Tredje</textarea>" in body


def test_item_form_refuses_unknown_fields_and_bad_versions(world, client):
    w = world
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    url = reverse("board:item", args=[item.pk])
    for data in (
        {"version": "abc", "note": "x", "decisions": ""},
        {"version": "-1", "note": "x", "decisions": ""},
        {"version": str(2**40), "note": "x", "decisions": ""},
        {"version": item.version, "note": "x" * 5001, "decisions": ""},
        {"version": item.version, "note": "a\x00b", "decisions": ""},
        {"version": item.version, "note": "x", "decisions": "", "discussed": "on"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert "Der er fejl i formularen" in response.content.decode()
    item.refresh_from_db()
    assert item.note == "" and item.version == 1


# --- actions -------------------------------------------------------------------------------


def test_action_owner_from_either_sector_due_date_and_done(world, client):
    w = world
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    url = reverse("board:action_create", args=[item.pk])
    body = page(client, url)
    assert '<optgroup label="Botilbudsteam">' in body and '<optgroup label="Botilbud">' in body
    assert w.housing_staff.get_full_name() in body and w.team_doctor.get_full_name() in body
    assert w.other_housing_staff.get_full_name() not in body

    due = (TODAY + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        url, {"text": "Ringer til egen læge.", "owner": w.housing_staff.pk, "due_on": due}
    )
    assert response.status_code == 302
    assert response["Location"] == meeting_url(meeting, item.position) + "#handlinger"
    response = client.post(
        url, {"text": "Justerer medicin.", "owner": w.team_doctor.pk, "due_on": due}
    )
    assert response.status_code == 302
    created = {a.text: a for a in Action.objects.filter(meeting=meeting)}
    assert created["Ringer til egen læge."].owner_sector == Sector.FACILITY
    assert created["Justerer medicin."].owner_sector == Sector.TEAM

    # refused, with Danish messages and what was typed kept
    before = Action.objects.count()
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url, {"text": "For tidligt", "owner": w.team_nurse.pk, "due_on": yesterday}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fristen kan ikke ligge før mødets dato" in body and "For tidligt</textarea>" in body
    response = client.post(
        url, {"text": "Udefra", "owner": w.other_housing_staff.pk, "due_on": due}
    )
    assert "Marker en gyldig valgmulighed." in response.content.decode()
    assert Action.objects.count() == before

    # done: POST only, back where the user was
    action = created["Ringer til egen læge."]
    done_url = reverse("board:action_done", args=[action.pk])
    assert client.get(done_url).status_code == 405
    client.force_login(w.housing_staff)
    back = meeting_url(meeting, item.position)
    response = client.post(done_url, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    action.refresh_from_db()
    assert action.done_at is not None and action.done_by == w.housing_staff
    response = client.post(done_url, {"next": "https://evil.example/"}, follow=True)
    assert "Handlingen er allerede udført." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("board:meetings", args=[w.facility_a1.pk])


def test_open_actions_come_back_on_the_next_agenda(world, client):
    w = world
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    services.action_create(
        user=w.team_nurse, item=item, text="Ny aftale", owner=w.team_nurse, due_on=TODAY
    )
    services.action_done(user=w.team_nurse, action=w.action_open)
    services.question_answer(user=w.team_nurse, question=w.question_open, answer="Godt.")
    services.meeting_close(user=w.team_nurse, meeting=meeting)
    # an untouched board entry far from review: only the open action brings her back
    nxt = open_meeting(client, w)
    assert item_of(nxt, w.resident_in_course).reasons == [AgendaReason.OPEN_ACTION]
    body = page(client, meeting_url(nxt))
    assert "Ny aftale" in body and w.action_open.text not in body


# --- attendance ----------------------------------------------------------------------------


def test_attendance_from_both_sectors_and_outsiders_refused(world, client):
    w = world
    meeting = open_meeting(client, w)
    url = reverse("board:attendance", args=[meeting.pk])
    body = page(client, url)
    assert "Fra botilbudsteamet" in body and "Fra botilbuddet" in body
    assert w.other_team_nurse.get_full_name() not in body
    response = client.post(
        url, {"team": [w.team_nurse.pk, w.team_doctor.pk], "facility": [w.housing_staff.pk]}
    )
    assert response.status_code == 302
    rows = {(a.user_id, a.sector) for a in Attendance.objects.filter(meeting=meeting)}
    assert rows == {
        (w.team_nurse.pk, Sector.TEAM),
        (w.team_doctor.pk, Sector.TEAM),
        (w.housing_staff.pk, Sector.FACILITY),
    }
    for data in (
        {"team": [w.other_team_nurse.pk]},
        {"facility": [w.other_housing_staff.pk]},
        {"facility": [w.team_nurse.pk]},  # a team member is not offered as housing staff
        {"team": ["abc"]},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert "Der er fejl i formularen" in response.content.decode()
    assert {(a.user_id, a.sector) for a in Attendance.objects.filter(meeting=meeting)} == rows
    with pytest.raises(ValidationError):
        services.attendance_set(user=w.team_nurse, meeting=meeting, users=[w.other_team_nurse])
    body = page(client, meeting_url(meeting))
    assert w.housing_staff.get_full_name() in body and w.team_doctor.get_full_name() in body


# --- closing and minutes -------------------------------------------------------------------


def test_close_then_minutes_then_read_only(world, client):
    w = world
    second = on_board(w, first_name="Bodil", placed_days_ago=3)
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    client.post(
        reverse("board:item", args=[item.pk]),
        {"version": item.version, "note": "Medicin taget alle dage.", "decisions": "Ned i tempo."},
    )
    client.post(
        reverse("board:action_create", args=[item.pk]),
        {
            "text": "Følger op på søvnen.",
            "owner": w.housing_staff.pk,
            "due_on": (TODAY + datetime.timedelta(days=7)).isoformat(),
        },
    )
    client.post(
        reverse("board:attendance", args=[meeting.pk]),
        {"team": [w.team_nurse.pk], "facility": [w.housing_staff.pk]},
    )
    services.question_answer(user=w.team_nurse, question=w.question_open, answer="Det gik fint.")

    close_url = reverse("board:meeting_close", args=[meeting.pk])
    body = page(client, close_url)
    assert re.search(r"<dt>Drøftet</dt><dd>1</dd>", body)
    assert re.search(r"<dt>Ikke drøftet</dt><dd>1</dd>", body)
    assert re.search(r"<dt>Handlinger oprettet</dt><dd>1</dd>", body)
    assert second.resident.full_name in body
    response = client.post(close_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("board:minutes", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED and meeting.closed_by == w.team_nurse

    body = page(client, reverse("board:minutes", args=[meeting.pk]))
    for text in (
        "Medicin taget alle dage.",
        "Ned i tempo.",
        "Følger op på søvnen.",
        w.housing_staff.get_full_name(),
        (TODAY + datetime.timedelta(days=7)).strftime("%d.%m.%Y"),
        w.team_nurse.get_full_name(),
        "Det gik fint.",  # a question answered while the meeting was open
        w.question_open.text,
        "Spørgsmål eller opdatering",
        second.resident.full_name,
        "Ikke drøftet",
    ):
        assert text in body, text
    attendance = body[body.index('id="attendance-heading"') : body.index('id="residents-heading"')]
    assert (
        w.team_nurse.get_full_name() in attendance and w.housing_staff.get_full_name() in attendance
    )

    # read-only: every write answers 409 with the refusal and keeps what was typed
    response = client.post(
        reverse("board:item", args=[item.pk]),
        {"version": 2, "note": "Efter mødet", "decisions": ""},
    )
    body = response.content.decode()
    assert response.status_code == 409 and CLOSED_TEXT in body and "Efter mødet" in body
    response = client.post(
        reverse("board:item", args=[item.pk]),
        {"version": 2, "note": "Efter mødet", "decisions": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and CLOSED_TEXT in response.content.decode()
    response = client.post(
        reverse("board:action_create", args=[item.pk]),
        {"text": "Sent", "owner": w.team_nurse.pk, "due_on": TODAY.isoformat()},
    )
    assert response.status_code == 409 and CLOSED_TEXT in response.content.decode()
    assert client.post(reverse("board:attendance", args=[meeting.pk]), {}).status_code == 409
    assert client.post(close_url).status_code == 409
    item.refresh_from_db()
    assert item.note == "Medicin taget alle dage."
    assert not Action.objects.filter(text="Sent").exists()
    # the pages say so, without forms
    body = page(client, meeting_url(meeting))
    assert "Mødet er afsluttet og kan ikke ændres." in body and "<textarea" not in body
    with pytest.raises(ValidationError):
        services.agenda_item_update(
            user=w.team_nurse, item=item, version=item.version, note="x", decisions=""
        )


def test_minutes_hold_what_the_resident_history_needs(world):
    """The history page lists agenda items of closed meetings: they carry the date, facility,
    reasons, note and decisions; actions are found by meeting and resident."""
    w = world
    item = AgendaItem.objects.select_related("meeting__facility").get(pk=w.agenda_item.pk)
    assert item.meeting.status == MeetingStatus.CLOSED
    assert item.meeting.held_on and item.meeting.facility == w.facility_a1
    assert item.reasons and item.note and item.decisions
    assert Action.objects.filter(meeting=item.meeting, resident=item.resident).exists()


# --- housing staff and consent -------------------------------------------------------------


def test_housing_staff_see_only_what_consent_allows(world, client):
    w = world
    hidden = on_board(
        w,
        first_name="Skjult",
        placed_days_ago=2,
        need_text="Paranoide tanker om naboen.",
        treatment_interventions="Depotmedicin hver 14. dag.",
    )  # no sharing consent with the facility
    meeting = open_meeting(client, w)
    shared_item = item_of(meeting, w.resident_in_course)
    hidden_item = item_of(meeting, hidden.resident)
    services.agenda_item_update(
        user=w.team_nurse,
        item=hidden_item,
        version=1,
        note="Lægen overvejer indlæggelse.",
        decisions="Øget dosis.",
    )
    services.action_create(
        user=w.team_nurse,
        item=hidden_item,
        text="Lægen ringer til GP.",
        owner=w.team_doctor,
        due_on=TODAY,
    )
    services.action_create(
        user=w.team_nurse,
        item=hidden_item,
        text="Botilbuddet tilbyder gåtur.",
        owner=w.housing_staff,
        due_on=TODAY,
    )
    services.agenda_item_update(
        user=w.team_nurse, item=shared_item, version=1, note="Delt notat.", decisions=""
    )

    client.force_login(w.housing_staff)
    # an item the consent covers (board and goals): everything but the plans column
    body = page(client, meeting_url(meeting, shared_item.position))
    assert w.board_entry.need_text in body and w.board_entry.goals_short in body
    assert w.board_entry.social_interventions in body and "Delt notat." in body
    assert w.board_entry.treatment_interventions not in body
    assert body.count(WITHHELD) == 1
    # an item without consent: the name, the reasons, questions, the housing side's actions
    body = page(client, meeting_url(meeting, hidden_item.position))
    assert hidden.resident.full_name in body and "Ny på tavlen" in body
    assert "Botilbuddet tilbyder gåtur." in body
    for secret in (
        "Paranoide tanker om naboen.",
        "Depotmedicin hver 14. dag.",
        "Lægen overvejer indlæggelse.",
        "Øget dosis.",
        "Lægen ringer til GP.",
    ):
        assert secret not in body, secret
    assert WITHHELD in body and "<textarea" not in body
    assert reverse("board:entry_end", args=[hidden.pk]) not in body
    # ... and they cannot write to it
    assert client.get(reverse("board:item", args=[hidden_item.pk])).status_code == 200
    response = client.post(
        reverse("board:item", args=[hidden_item.pk]), {"version": 2, "note": "x", "decisions": ""}
    )
    assert response.status_code == 403
    assert client.get(reverse("board:action_create", args=[hidden_item.pk])).status_code == 403
    team_action = Action.objects.get(text="Lægen ringer til GP.")
    assert client.post(reverse("board:action_done", args=[team_action.pk])).status_code == 404

    services.meeting_close(user=w.team_nurse, meeting=meeting)
    body = page(client, reverse("board:minutes", args=[meeting.pk]))
    assert "Delt notat." in body and "Botilbuddet tilbyder gåtur." in body
    for secret in ("Lægen overvejer indlæggelse.", "Øget dosis.", "Lægen ringer til GP."):
        assert secret not in body, secret
    assert w.board_entry.treatment_interventions not in body

    # consent withdrawn: her notes are withheld at once, in meeting mode and minutes
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    body = page(client, reverse("board:minutes", args=[meeting.pk]))
    assert "Delt notat." not in body and w.agenda_item.note not in body
    body = page(client, meeting_url(w.meeting_closed))
    assert w.agenda_item.note not in body and w.board_entry.need_text not in body
    assert w.action_open.text in body  # the housing side's own action


def test_team_of_another_facility_and_other_housing_get_404(world, client):
    w = world
    meeting = open_meeting(client, w)
    item = item_of(meeting, w.resident_in_course)
    for user in (w.other_team_nurse, w.other_housing_staff, w.ward_staff, w.region_admin):
        client.force_login(user)
        for url in (
            meeting_url(meeting),
            reverse("board:item", args=[item.pk]),
            reverse("board:minutes", args=[meeting.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert w.resident_in_course.full_name not in response.content.decode()
        assert client.post(reverse("board:item", args=[item.pk]), {}).status_code == 404


# --- audit ---------------------------------------------------------------------------------


def test_audit_rows_for_pages_with_resident_data(world, client):
    w = world
    other = on_board(w, first_name="Audit", placed_days_ago=2)
    meeting = open_meeting(client, w)
    client.force_login(w.housing_staff)
    start = AuditEvent.objects.count()
    item = item_of(meeting, w.resident_in_course)
    page(client, meeting_url(meeting, item.position))
    rows = list(AuditEvent.objects.order_by("id")[start:])
    listed = {r.resident_id for r in rows if r.action == AuditAction.LIST}
    assert listed == {w.resident_in_course.pk, other.resident_id}
    viewed = [r for r in rows if r.action == AuditAction.VIEW]
    assert [(r.resident_id, r.object_type, r.purpose) for r in viewed] == [
        (w.resident_in_course.pk, "agendaitem", "sharing")
    ]
    start = AuditEvent.objects.count()
    page(client, reverse("board:minutes", args=[meeting.pk]))
    rows = AuditEvent.objects.order_by("id")[start:]
    assert {r.resident_id for r in rows} == {w.resident_in_course.pk, other.resident_id}
    assert all(r.detail == {"page": "minutes", "meeting_id": meeting.pk} for r in rows)
    start = AuditEvent.objects.count()
    page(client, reverse("board:item", args=[item.pk]))
    assert AuditEvent.objects.filter(
        id__gt=AuditEvent.objects.order_by("id")[start - 1].id,
        action=AuditAction.VIEW,
        object_type="agendaitem",
    ).exists()


# --- query counts --------------------------------------------------------------------------

# Pinned: meeting mode and minutes with 5 and with 50 agenda items. Both: session, user, second
# factor, memberships, the meeting, the agenda, attendance, the audit rows (meeting mode: the
# agenda list and the current item). Meeting mode adds the current item's entry and its team
# contacts, its questions and actions, and the two owner lists; the minutes add the meeting's
# actions and questions. Housing staff add residence and consent (twice in meeting mode: the
# agenda and the entry's columns).
PINNED = {
    ("team_nurse", "meeting"): 16,
    ("team_nurse", "minutes"): 11,
    ("housing_staff", "meeting"): 18,
    ("housing_staff", "minutes"): 12,
}


def _fill(w, meeting_residents: int):
    for n in range(meeting_residents):
        entry = on_board(w, first_name=f"Mængde{n}", placed_days_ago=2)
        share_board(w, entry.resident)


def _add_agenda_content(w, meeting):
    """Actions and answered questions for every item, so the minutes have something to load."""
    for item in meeting.items.select_related("resident"):
        services.agenda_item_update(
            user=w.team_nurse, item=item, version=item.version, note="N", decisions="D"
        )
        services.action_create(
            user=w.team_nurse, item=item, text="H", owner=w.housing_staff, due_on=TODAY
        )
        services.action_create(
            user=w.team_nurse, item=item, text="T", owner=w.team_doctor, due_on=TODAY
        )
        question = services.question_ask(
            user=w.housing_staff, resident=item.resident, kind="question", text="Q"
        )
        services.question_answer(user=w.team_nurse, question=question, answer="A")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["team_nurse", "housing_staff"])
def test_constant_queries_with_5_and_50_agenda_items(world, client, persona):
    w = world
    counts = {}
    for size in (5, 50):
        Meeting.objects.filter(status=MeetingStatus.OPEN).update(
            status=MeetingStatus.CLOSED, closed_at=timezone.now()
        )
        _fill(w, size - w.facility_a1.board_entries.filter(status="active").count())
        meeting = open_meeting(client, w)
        assert meeting.items.count() == size
        _add_agenda_content(w, meeting)
        client.force_login(getattr(w, persona))
        item = meeting.items.order_by("position")[size // 2]
        counts[size] = (
            _count(client, meeting_url(meeting, item.position)),
            _count(client, reverse("board:minutes", args=[meeting.pk])),
        )
    assert counts[5] == counts[50], counts
    assert counts[5] == (PINNED[(persona, "meeting")], PINNED[(persona, "minutes")]), counts


# --- no 500 on any input -------------------------------------------------------------------

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def anything(*valid):
    return st.one_of(
        st.sampled_from([str(v) for v in valid]) if valid else st.nothing(),
        st.text(max_size=40),
        st.text(max_size=6000),
        st.sampled_from(
            ["", " ", "\x00", "-1", "0", "1e309", "9999-12-31", "0001-01-01", "2026-02-30", "<b>"]
        ),
    )


@pytest.mark.django_db
class TestNoServerErrors:
    @PROPERTY
    @given(
        data=st.fixed_dictionaries(
            {"text": anything("Ring til lægen"), "owner": anything(), "due_on": anything()}
        )
    )
    def test_action_form(self, world, client, data):
        meeting = Meeting.objects.filter(status=MeetingStatus.OPEN).first() or open_meeting(
            client, world
        )
        client.force_login(world.team_nurse)
        item = item_of(meeting, world.resident_in_course)
        before = Action.objects.count()
        response = client.post(reverse("board:action_create", args=[item.pk]), data)
        assert response.status_code in (200, 302)
        assert Action.objects.count() - before == (1 if response.status_code == 302 else 0)

    @PROPERTY
    @given(
        data=st.fixed_dictionaries(
            {"version": anything("1", "2"), "note": anything("x"), "decisions": anything()}
        ),
        htmx=st.booleans(),
    )
    def test_item_form(self, world, client, data, htmx):
        meeting = Meeting.objects.filter(status=MeetingStatus.OPEN).first() or open_meeting(
            client, world
        )
        client.force_login(world.team_nurse)
        item = item_of(meeting, world.resident_in_course)
        extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.post(reverse("board:item", args=[item.pk]), data, **extra)
        assert response.status_code in (200, 302)

    @PROPERTY
    @given(
        data=st.fixed_dictionaries(
            {
                "weekday": anything("0", "4"),
                "starts_at": anything("13:30"),
                "minutes_per_resident": anything("10"),
            }
        ),
        punkt=anything("1"),
    )
    def test_schedule_and_position(self, world, client, data, punkt):
        client.force_login(world.housing_staff)
        response = client.post(reverse("board:schedule", args=[world.facility_a1.pk]), data)
        assert response.status_code in (200, 302)
        response = client.get(
            reverse("board:meeting", args=[world.meeting_closed.pk]), {"punkt": punkt}
        )
        assert response.status_code == 200

    @PROPERTY
    @given(
        team=st.lists(anything(), max_size=3),
        facility=st.lists(anything(), max_size=3),
        next_url=anything("/", "//evil.example", "javascript:alert(1)"),
    )
    def test_attendance_and_done(self, world, client, team, facility, next_url):
        meeting = Meeting.objects.filter(status=MeetingStatus.OPEN).first() or open_meeting(
            client, world
        )
        client.force_login(world.team_nurse)
        response = client.post(
            reverse("board:attendance", args=[meeting.pk]), {"team": team, "facility": facility}
        )
        assert response.status_code in (200, 302)
        response = client.post(
            reverse("board:action_done", args=[world.action_open.pk]), {"next": next_url}
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/") and not response["Location"].startswith("//")


# --- at the same time (PostgreSQL) ---------------------------------------------------------


def _in_threads(n: int, work) -> tuple[list, list[str]]:
    """Run ``work(i)`` in n threads at once, each with its own connection."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(n)
    results: list = []
    errors: list[str] = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results.append(work(i))
        except Exception as exc:  # reported by the test
            errors.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_people_start_the_meeting_at_once():
    """Both sides press "Start tavlemøde" at the same moment: one meeting, one clear refusal."""
    from accounts.models import User
    from tests.personas import build_world

    w = build_world()
    users = [w.team_nurse.pk, w.housing_staff.pk, w.team_doctor.pk, w.housing_leader.pk]

    def start(i):
        facility = type(w.facility_a1).objects.get(pk=w.facility_a1.pk)
        return services.meeting_open(user=User.objects.get(pk=users[i]), facility=facility)

    results, errors = _in_threads(len(users), start)
    assert len(results) == 1 and errors == ["TransitionError"] * (len(users) - 1), errors
    assert Meeting.objects.filter(facility=w.facility_a1, status=MeetingStatus.OPEN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_notes_saved_at_once_on_the_same_version_one_wins_the_rest_see_the_conflict():
    from accounts.models import User
    from tests.personas import build_world

    w = build_world()
    meeting = services.meeting_open(user=w.team_nurse, facility=w.facility_a1)
    item = item_of(meeting, w.resident_in_course)
    users = [w.team_nurse.pk, w.housing_staff.pk, w.team_doctor.pk, w.housing_leader.pk]

    def save(i):
        fresh = AgendaItem.objects.select_related("meeting", "resident").get(pk=item.pk)
        return services.agenda_item_update(
            user=User.objects.get(pk=users[i]),
            item=fresh,
            version=1,
            note=f"Notat {i}",
            decisions="",
        )

    results, errors = _in_threads(len(users), save)
    assert len(results) == 1 and errors == ["StaleEdit"] * (len(users) - 1), errors
    item.refresh_from_db()
    assert item.version == 2 and item.note == results[0].note
