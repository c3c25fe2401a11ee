"""Questions and updates between meetings: asked by one sector, answered by the other, listed
for the facility's visit day and meeting ("Må jeg lige spørge dig om noget vedrørende Dorte?")."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from board import services
from board.models import Question, QuestionDirection

PAYLOAD = '<script>alert("x")</script>'


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def html(response) -> str:
    return response.content.decode()


def section(body: str, heading_id: str) -> str:
    """The HTML of the page section labelled by ``heading_id``."""
    start = body.index(f'id="{heading_id}"')
    end = body.find("</section>", start)
    return body[start:end]


def test_housing_staff_ask_the_team_and_the_team_answers(world, client):
    w = world
    client.force_login(w.housing_staff)
    form = html(client.get(url("board:question_create", w.resident_in_course.pk)))
    assert "Til botilbudsteamet" in form
    response = client.post(
        url("board:question_create", w.resident_in_course.pk),
        {"kind": "question", "text": "Hvordan har Dorte det med den nye medicin?"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("board:questions", w.facility_a1.pk)
    question = Question.objects.get(text="Hvordan har Dorte det med den nye medicin?")
    assert question.direction == QuestionDirection.TO_TEAM and question.asked_by == w.housing_staff
    listing = html(client.get(url("board:questions", w.facility_a1.pk)))
    assert "Hvordan har Dorte det med den nye medicin?" in section(listing, "to-them-h")

    client.force_login(w.team_nurse)
    listing = html(client.get(url("board:questions", w.facility_a1.pk)))
    assert "Hvordan har Dorte det med den nye medicin?" in section(listing, "to-us-h")
    board = html(client.get(url("board:facility", w.facility_a1.pk)))
    assert "2 åbne spørgsmål og opdateringer til jer" in board  # this and the world's question
    detail = html(client.get(url("board:question_answer", question.pk)))
    assert 'name="answer"' in detail
    empty = client.post(url("board:question_answer", question.pk), {"answer": "  "})
    assert "Skriv svaret." in html(empty)
    answered = client.post(
        url("board:question_answer", question.pk), {"answer": "Bedre; sover igen om natten."}
    )
    assert answered.status_code == 302
    question.refresh_from_db()
    assert (
        question.answer == "Bedre; sover igen om natten." and question.answered_by == w.team_nurse
    )

    client.force_login(w.housing_staff)
    shown = html(client.get(url("board:question_answer", question.pk)))
    assert "Bedre; sover igen om natten." in shown and 'name="answer"' not in shown
    listing = html(client.get(url("board:questions", w.facility_a1.pk)))
    assert "Bedre; sover igen om natten." in section(listing, "answered-h")
    assert "Hvordan har Dorte det med den nye medicin?" not in section(listing, "to-them-h")


def test_team_gives_an_update_and_housing_staff_answer(world, client):
    w = world
    client.force_login(w.team_doctor)
    response = client.post(
        url("board:question_create", w.resident_in_course.pk),
        {"kind": "update", "text": "Medicinen er ændret i dag; hold øje med svimmelhed."},
    )
    assert response.status_code == 302
    update = Question.objects.get(kind="update")
    assert update.direction == QuestionDirection.TO_FACILITY
    client.force_login(w.housing_leader)
    board = html(client.get(url("board:facility", w.facility_a1.pk)))
    assert "1 åbent spørgsmål eller opdatering til jer" in board
    listing = html(client.get(url("board:questions", w.facility_a1.pk)))
    assert "hold øje med svimmelhed" in section(listing, "to-us-h")
    assert (
        client.post(url("board:question_answer", update.pk), {"answer": "Set, tak."}).status_code
        == 302
    )
    update.refresh_from_db()
    assert update.answered_by == w.housing_leader


def test_the_asking_side_cannot_answer(world, client):
    w = world
    question = w.question_open  # housing staff asked the team
    client.force_login(w.housing_leader)
    page = html(client.get(url("board:question_answer", question.pk)))
    assert question.text in page and 'name="answer"' not in page
    assert "Venter på svar fra den anden side." in page
    assert (
        client.post(url("board:question_answer", question.pk), {"answer": "x"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        services.question_answer(user=w.housing_staff, question=question, answer="Selvsvar")
    question.refresh_from_db()
    assert question.is_open


def test_an_answered_question_is_not_answered_twice(world, client):
    w = world
    services.question_answer(user=w.team_nurse, question=w.question_open, answer="Første svar")
    client.force_login(w.team_doctor)
    response = client.post(url("board:question_answer", w.question_open.pk), {"answer": "Andet"})
    assert response.status_code == 200
    assert "Spørgsmålet er allerede besvaret." in html(response)
    w.question_open.refresh_from_db()
    assert w.question_open.answer == "Første svar"


def test_ask_refuses_empty_text_and_unknown_kind(world, client):
    w = world
    client.force_login(w.housing_staff)
    before = Question.objects.count()
    empty = client.post(
        url("board:question_create", w.resident_in_course.pk), {"kind": "question", "text": " "}
    )
    assert "Skriv spørgsmålet eller opdateringen." in html(empty)
    odd = client.post(
        url("board:question_create", w.resident_in_course.pk), {"kind": "gossip", "text": "Hej"}
    )
    assert odd.status_code == 200 and "Der er fejl i formularen" in html(odd)
    sneaky = client.post(
        url("board:question_create", w.resident_in_course.pk),
        {"kind": "question", "text": "Hej", "direction": "to_facility"},
    )
    assert "Formularen indeholdt felter, du ikke kan ændre" in html(sneaky)
    assert Question.objects.count() == before


def test_answered_list_covers_the_last_30_days(world, client):
    w = world
    services.question_answer(user=w.team_nurse, question=w.question_open, answer="Gammelt svar")
    Question.objects.filter(pk=w.question_open.pk).update(
        answered_at=timezone.now() - datetime.timedelta(days=31)
    )
    recent = services.question_ask(
        user=w.housing_staff, resident=w.resident_in_course, kind="update", text="Ny opdatering"
    )
    services.question_answer(user=w.team_nurse, question=recent, answer="Nyt svar")
    client.force_login(w.team_nurse)
    listing = html(client.get(url("board:questions", w.facility_a1.pk)))
    assert "Nyt svar" in section(listing, "answered-h")
    assert "Gammelt svar" not in listing


def test_question_pages_write_audit_rows(world, client):
    w = world
    client.force_login(w.team_nurse)
    for address, action in (
        (url("board:questions", w.facility_a1.pk), "list"),
        (url("board:question_answer", w.question_open.pk), "view"),
        (url("board:question_create", w.resident_in_course.pk), "view"),
    ):
        before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        assert client.get(address).status_code == 200
        rows = list(AuditEvent.objects.filter(pk__gt=before).values_list("action", "resident_id"))
        assert rows == [(action, w.resident_in_course.pk)], address
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    client.post(url("board:question_answer", w.question_open.pk), {"answer": "Svar"})
    rows = list(AuditEvent.objects.filter(pk__gt=before).values_list("action", "object_type"))
    assert rows == [("update", "question")]


@pytest.mark.parametrize(
    "persona", ["other_team_nurse", "other_housing_staff", "ward_staff", "region_admin"]
)
def test_outsiders_get_not_found(world, client, persona):
    w = world
    client.force_login(getattr(w, persona))
    for address in (
        url("board:questions", w.facility_a1.pk),
        url("board:question_answer", w.question_open.pk),
        url("board:question_create", w.resident_in_course.pk),
    ):
        response = client.get(address)
        assert response.status_code == 404, address
        assert w.question_open.text not in html(response)


def test_stored_markup_in_questions_renders_escaped(world, client):
    w = world
    question = services.question_ask(
        user=w.housing_staff, resident=w.resident_in_course, kind="question", text=PAYLOAD
    )
    services.question_answer(user=w.team_nurse, question=question, answer=PAYLOAD)
    client.force_login(w.team_nurse)
    for address in (
        url("board:questions", w.facility_a1.pk),
        url("board:question_answer", question.pk),
    ):
        body = html(client.get(address))
        assert "&lt;script&gt;" in body and "<script>alert(" not in body, address


def test_moved_out_resident_drops_out_of_old_facility_lists(world, client):
    """After a move, the old facility's staff no longer see the resident's questions or actions."""
    from board.selectors import open_actions, open_questions
    from residents.services import move_record

    w = world
    assert open_questions(w.housing_staff).filter(resident=w.resident_in_course).exists()
    assert open_actions(w.housing_staff).filter(resident=w.resident_in_course).exists()
    move_record(
        user=w.team_nurse,
        resident=w.resident_in_course,
        to_facility=w.facility_a2,
        moved_in=w.resident_in_course.residences.get().moved_in,
    )
    assert not open_questions(w.housing_staff).filter(resident=w.resident_in_course).exists()
    assert not open_actions(w.housing_staff).filter(resident=w.resident_in_course).exists()
    # the team still sees them
    assert open_questions(w.team_nurse).filter(resident=w.resident_in_course).exists()
