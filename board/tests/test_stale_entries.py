"""Board writes follow who acts for the resident NOW (issue 11, red-team finding).

Team A's course with resident_in_course ends and the resident moves to facility B1, where
team B opens a course. A1's entry is then stale: team A may take it off the board, but no
longer edit or follow it up. Team B puts the resident on B1's board without learning of the
stale entry (it is taken off by itself as "course_ended"). A question is answered only while
the resident lives at its facility.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import Action as AuditAction
from audit.models import AuditEvent
from board import access, services
from board.models import BoardEntry, EndReason, EntryStatus, Question
from consent.tests.test_acting_now import course_ended_and_moved_to_b1
from courses.services import course_end

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def team_edit(entry, **changes) -> dict:
    data = {
        "version": str(entry.version),
        "others_involved": entry.others_involved,
        "criteria": list(entry.criteria),
        "need_text": entry.need_text,
        "goals_short": entry.goals_short,
        "goals_long": entry.goals_long,
        "resident_goals": entry.resident_goals,
        "resident_informed": entry.resident_informed,
        "treatment_interventions": entry.treatment_interventions,
        "review_on": entry.review_on.isoformat(),
    }
    data.update(changes)
    return data


def state(entry):
    return BoardEntry.objects.filter(pk=entry.pk).values_list(
        "version", "status", "need_text", "review_on", "last_reviewed_on"
    )[0]


def test_former_team_cannot_edit_or_follow_up_the_stale_entry(world, client):
    w = world
    entry = w.board_entry
    course_ended_and_moved_to_b1(w)
    entry.refresh_from_db()
    before = state(entry)
    client.force_login(w.team_nurse)
    edit = team_edit(entry, need_text="Skrevet efter fraflytningen.")
    response = client.post(reverse("board:entry_edit", args=[entry.pk]), edit)
    assert response.status_code == 403
    review = {"version": str(entry.version), "next_review_on": days(14).isoformat()}
    response = client.post(reverse("board:entry_review", args=[entry.pk]), review)
    assert response.status_code == 403
    assert state(entry) == before
    assert not access.entries.can(w.team_nurse, access.EDIT, entry)
    with pytest.raises(PermissionDenied):
        services.board_entry_review(
            user=w.team_nurse, entry=entry, version=entry.version, next_review_on=days(14)
        )
    assert state(entry) == before


def test_ended_course_entry_is_not_written_even_where_the_resident_still_lives(world, client):
    """Course ended, resident still at A1: neither side writes the entry; both may take it off."""
    w = world
    entry = w.board_entry
    w.course.refresh_from_db()
    course_end(
        user=w.team_doctor,
        course=w.course,
        version=w.course.version,
        ended_on=TODAY,
        end_reason="completed",
        transition="gp",
        end_summary="Afsluttet efter planen.",
    )
    for user in (w.team_nurse, w.housing_staff):
        assert not access.entries.can(user, access.EDIT, entry)
        assert access.entries.can(user, access.END, entry)
    client.force_login(w.housing_staff)
    response = client.post(
        reverse("board:entry_review", args=[entry.pk]),
        {"version": str(entry.version), "next_review_on": days(14).isoformat()},
    )
    assert response.status_code == 403
    assert BoardEntry.objects.get(pk=entry.pk).version == entry.version


def test_former_team_may_take_its_stale_entry_off_the_board(world, client):
    w = world
    entry = w.board_entry
    course_ended_and_moved_to_b1(w)
    entry.refresh_from_db()
    client.force_login(w.team_nurse)
    response = client.post(
        reverse("board:entry_end", args=[entry.pk]),
        {"version": str(entry.version), "end_reason": "moved", "ending_text": "Fraflyttet."},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ENDED and entry.end_reason == EndReason.MOVED


def test_new_team_places_the_resident_and_the_stale_entry_is_taken_off(world, client):
    w = world
    entry = w.board_entry
    course_ended_and_moved_to_b1(w)
    client.force_login(w.other_team_nurse)
    url = reverse("board:entry_create", args=[w.resident_in_course.pk])
    page = client.get(url).content.decode()
    assert "allerede på tavlen" not in page
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.post(url, {"criteria": ["early_signs"], "review_on": days(7).isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    new = BoardEntry.objects.get(resident=w.resident_in_course, status=EntryStatus.ACTIVE)
    assert new.facility == w.facility_b1 and new.team == w.team_b
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ENDED
    assert entry.end_reason == EndReason.COURSE_ENDED
    # exactly one audit row of a change (the create), naming the entry it took off
    changes = AuditEvent.objects.filter(pk__gt=last).exclude(action=AuditAction.VIEW)
    assert [(e.action, e.object_id) for e in changes] == [(AuditAction.CREATE, str(new.pk))]
    assert changes[0].detail.get("ended_stale_entries") == [entry.pk]


def test_former_team_cannot_answer_a_question_after_the_move(world, client):
    w = world
    question = w.question_open  # A1's housing staff asked team A
    course_ended_and_moved_to_b1(w)
    assert not access.questions.can(w.team_nurse, access.ANSWER, question)
    client.force_login(w.team_nurse)
    response = client.post(
        reverse("board:question_answer", args=[question.pk]), {"answer": "Det gik fint."}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.question_answer(user=w.team_nurse, question=question, answer="Det gik fint.")
    assert Question.objects.get(pk=question.pk).answered_at is None


def test_the_board_offers_no_edit_links_on_a_stale_entry(world, client):
    """The links follow the policy: a stale entry shows "Tag af tavlen", not "Ret"/"Følg op"."""
    w = world
    entry = w.board_entry
    client.force_login(w.team_nurse)
    edit_url = f'href="{reverse("board:entry_edit", args=[entry.pk])}"'
    page = client.get(reverse("board:team", args=[w.team_a.pk])).content.decode()
    assert edit_url in page
    course_ended_and_moved_to_b1(w)
    page = client.get(reverse("board:team", args=[w.team_a.pk])).content.decode()
    assert edit_url not in page
    assert f'href="{reverse("board:entry_review", args=[entry.pk])}"' not in page
    assert f'href="{reverse("board:entry_end", args=[entry.pk])}"' in page
    history = client.get(reverse("board:history", args=[entry.resident_id])).content.decode()
    assert edit_url not in history
