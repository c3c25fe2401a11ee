"""The visit-day list (besøgsdage): the team's facilities with their agreed visit days, one
facility's visit day with residents, questions, actions, reviews and events; who may open it;
the quick visit note that returns to the list; audit rows and a constant number of queries."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion
from audit.models import Action as AuditAction
from audit.models import AuditEvent
from board import services as board_services
from board.models import Question, QuestionDirection
from record.models import Entry
from record.visit_day import next_visit
from residents.models import Residence

from .samples import make_entry, new_resident_in_course, post_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST_URL = reverse("record:visit_days")


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def day_url(facility, when: datetime.date | None = None) -> str:
    url = reverse("record:visit_day", args=[facility.pk])
    return f"{url}?dato={when.isoformat()}" if when else url


def set_visit_days(world, days, start=datetime.time(9, 0), end=datetime.time(12, 0)):
    version = AgreementVersion.objects.filter(
        agreement=world.agreement, in_force_from__isnull=False
    ).get()
    version.visit_days = sorted(days)
    version.visit_from, version.visit_to = start, end
    version.save(update_fields=["visit_days", "visit_from", "visit_to"])
    return version


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def row_of(body: str, resident) -> str:
    match = re.search(rf'<tr data-resident="{resident.pk}">(.*?)</tr>', body, re.S)
    assert match, f"{resident} not listed"
    return match.group(1)


def section(body: str, heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


# --- the agreed days ------------------------------------------------------------------------


def test_next_visit_is_the_first_agreed_weekday_on_or_after_the_day():
    version = AgreementVersion(visit_days=[1, 3])  # Tuesday, Thursday
    monday = datetime.date(2024, 5, 13)
    assert next_visit(version, monday) == datetime.date(2024, 5, 14)
    assert next_visit(version, datetime.date(2024, 5, 14)) == datetime.date(2024, 5, 14)
    assert next_visit(version, datetime.date(2024, 5, 17)) == datetime.date(2024, 5, 21)
    assert next_visit(AgreementVersion(visit_days=[]), monday) is None
    assert next_visit(None, monday) is None


# --- the list of facilities -----------------------------------------------------------------


def test_list_shows_the_teams_facilities_with_days_and_next_visit(client, world):
    set_visit_days(world, [day(2).weekday()])
    body = get(client, world.team_nurse, LIST_URL)
    assert "Bostedet Egely" in body and "Bofællesskabet Lyngen" in body
    assert "Botilbuddet Strandly" not in body  # team B's
    assert "kl. 09.00–12.00" in body
    assert day_url(world.facility_a1, day(2)) in body
    # A2 has no agreement: still listed, said so, opened on today
    assert "Ingen samarbejdsaftale i kraft" in body
    assert day_url(world.facility_a2, TODAY) in body
    # the soonest visit first
    assert body.index("Bostedet Egely") < body.index("Bofællesskabet Lyngen")
    # no resident data on the list: no names, no audit rows
    assert world.resident_in_course.full_name not in body
    assert not AuditEvent.objects.filter(detail__page="visit_days").exists()


def test_list_says_today_and_when_the_agreement_has_no_days(client, world):
    body = get(client, world.team_nurse, LIST_URL)
    assert "Ingen faste besøgsdage i aftalen" in body
    set_visit_days(world, [TODAY.weekday()])
    body = get(client, world.team_nurse, LIST_URL)
    assert "I dag" in body
    assert day_url(world.facility_a1, TODAY) in body


def test_nav_link_for_team_staff_only(client, world):
    body = get(client, world.team_nurse, reverse("residents:search"))
    assert f'href="{LIST_URL}"' in body and "Besøgsdage" in body
    body = get(client, world.housing_staff, reverse("residents:search"))
    assert f'href="{LIST_URL}"' not in body


# --- who may open it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["housing_staff", "housing_leader", "ward_staff", "region_admin"]
)
def test_others_get_404(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(LIST_URL).status_code == 404
    assert client.get(day_url(world.facility_a1)).status_code == 404


def test_team_member_of_another_team_gets_404(client, world):
    client.force_login(world.other_team_nurse)
    assert client.get(day_url(world.facility_a1)).status_code == 404
    assert client.get(day_url(world.facility_a2)).status_code == 404
    assert client.get(day_url(world.facility_b1)).status_code == 200
    body = client.get(LIST_URL).content.decode()
    assert "Botilbuddet Strandly" in body and "Bostedet Egely" not in body


def test_unknown_facility_404_and_anonymous_redirected(client, world):
    client.force_login(world.team_nurse)
    assert client.get(reverse("record:visit_day", args=[999999])).status_code == 404
    client.logout()
    response = client.get(day_url(world.facility_a1))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["team_leader", "team_mentor", "team_doctor"])
def test_every_team_member_may_open_it(client, world, persona):
    body = get(client, getattr(world, persona), day_url(world.facility_a1, TODAY))
    assert world.resident_in_course.full_name in body


def test_post_is_refused(client, world):
    client.force_login(world.team_nurse)
    assert client.post(day_url(world.facility_a1)).status_code == 405
    assert client.post(LIST_URL).status_code == 405


# --- the day: which day -------------------------------------------------------------------


def test_default_day_is_today_on_a_visit_day_else_the_next(client, world):
    set_visit_days(world, [TODAY.weekday()])
    client.force_login(world.team_nurse)
    response = client.get(day_url(world.facility_a1))
    assert response.context["day"] == TODAY
    assert "Aftalt besøgsdag kl. 09.00–12.00" in response.content.decode()
    set_visit_days(world, [day(3).weekday()])
    response = client.get(day_url(world.facility_a1))
    assert response.context["day"] == day(3)
    assert response.context["is_visit_day"]


def test_without_agreement_the_default_is_today_and_it_says_so(client, world):
    client.force_login(world.team_nurse)
    response = client.get(day_url(world.facility_a2))
    assert response.context["day"] == TODAY
    assert "ingen samarbejdsaftale i kraft" in response.content.decode()


def test_a_chosen_day_that_is_not_agreed_is_shown_and_said(client, world):
    set_visit_days(world, [day(1).weekday()])
    client.force_login(world.team_nurse)
    response = client.get(day_url(world.facility_a1, TODAY))
    assert response.context["day"] == TODAY
    body = response.content.decode()
    assert "Ikke en aftalt besøgsdag" in body
    assert day_url(world.facility_a1, day(1)) in body  # "Næste besøgsdag"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("i-morgen", "Indtast en gyldig dato."),
        ("2024-02-30", "Indtast en gyldig dato."),
        ("1800-01-01", "Vælg en dato mellem 01.01.2000 og et år frem."),
        ("9999-12-31", "Vælg en dato mellem 01.01.2000 og et år frem."),
    ],
)
def test_bad_dates_are_reported_and_the_default_day_shown(client, world, value, message):
    client.force_login(world.team_nurse)
    url = reverse("record:visit_day", args=[world.facility_a1.pk])
    response = client.get(url, {"dato": value})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'value="{value}"' in body  # the input is kept
    assert response.context["day"] == TODAY  # no visit days in the world's agreement


def test_unknown_parameters_are_reported_not_used(client, world):
    client.force_login(world.team_nurse)
    url = reverse("record:visit_day", args=[world.facility_a1.pk])
    response = client.get(url, {"team": "99"})
    assert response.status_code == 200
    assert "Formularen indeholdt felter, du ikke kan ændre" in response.content.decode()


# --- the day: residents --------------------------------------------------------------------


def test_residents_in_the_teams_courses_living_there_board_first(client, world):
    w = world
    aase = new_resident_in_course(w, first_name="Aase", last_name="Abildgaard")
    moved = new_resident_in_course(w, first_name="Flemming", last_name="Flyttet")
    Residence.objects.filter(resident=moved).update(moved_out=day(-1))
    Residence.objects.create(resident=moved, facility=w.facility_a2, moved_in=TODAY)
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    residents = section(body, "residents-h")
    assert w.resident_in_course.full_name in residents
    assert aase.full_name in residents
    # on the board first, although "Aase" comes before "Dorte"
    assert residents.index(w.resident_in_course.full_name) < residents.index(aase.full_name)
    for absent in (w.resident_pending, w.resident_concern, w.resident_plain, moved):
        assert absent.full_name not in residents
    assert "På tavlen" in row_of(body, w.resident_in_course)
    assert "På tavlen" not in row_of(body, aase)


def test_own_contact_residents_are_marked(client, world):
    w = world
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    assert "Din kontaktbeboer" in row_of(body, w.resident_in_course)
    body = get(client, w.team_doctor, day_url(w.facility_a1, TODAY))
    assert "Din kontaktbeboer" not in row_of(body, w.resident_in_course)


def test_visit_note_of_the_day_is_shown(client, world):
    """The world's visit note about resident_in_course is dated today."""
    w = world
    other = new_resident_in_course(w, first_name="Ole")
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    row = row_of(body, w.resident_in_course)
    assert "Besøgsnotat skrevet" in row
    assert reverse("record:detail", args=[w.visit_note.pk]) in row
    assert "Ikke endnu" in row_of(body, other)
    body = get(client, w.team_nurse, day_url(w.facility_a1, day(-1)))
    assert "Ikke endnu" in row_of(body, w.resident_in_course)


def test_admitted_residents_are_marked(client, world):
    w = world
    resident = new_resident_in_course(w, first_name="Inge")
    make_entry(
        w.housing_staff, resident, "admission", occurred_on=day(-2).isoformat(), occurred_until=None
    )
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    assert "Indlagt" in row_of(body, resident)
    assert "Indlagt" not in row_of(body, w.resident_in_course)  # discharged on day -12


def test_write_visit_note_link_returns_to_this_day(client, world):
    w = world
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    row = row_of(body, w.resident_in_course)
    match = re.search(r'href="([^"]+)"[^>]*>Skriv besøgsnotat<', row)
    assert match
    link = match.group(1).replace("&amp;", "&")
    parts = urlsplit(link)
    assert parts.path == reverse("record:create", args=[w.resident_in_course.pk, "visit"])
    params = parse_qs(parts.query)
    assert params["subtype"] == ["visit"] and params["planned"] == ["planned"]
    assert params["next"] == [day_url(w.facility_a1, TODAY)]
    assert "occurred_on" not in params  # today is the form's default
    # a past day dates the note on that day; a future day offers no note yet
    body = get(client, w.team_nurse, day_url(w.facility_a1, day(-2)))
    assert f"occurred_on={day(-2).isoformat()}" in row_of(body, w.resident_in_course)
    body = get(client, w.team_nurse, day_url(w.facility_a1, day(2)))
    assert "Skriv besøgsnotat" not in row_of(body, w.resident_in_course)
    assert "Besøgsnotater skrives på dagen for besøget." in body


# --- the quick visit note -----------------------------------------------------------------


def test_visit_form_is_quick_and_preselected_from_the_list(client, world):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("record:create", args=[w.resident_in_course.pk, "visit"])
    body = client.get(url).content.decode()
    assert f'value="{TODAY.isoformat()}"' in body
    assert re.search(r'value="planned"[^>]*checked', body)  # planned by default
    assert not re.search(r'value="visit"[^>]*checked', body)
    names = re.findall(r'name="(occurred_on|subtype|planned|note|participants)"', body)
    order = list(dict.fromkeys(names))
    assert order == ["occurred_on", "subtype", "planned", "note", "participants"]

    body = client.get(url, {"subtype": "visit", "planned": "planned"}).content.decode()
    assert re.search(r'value="visit"[^>]*checked', body)
    body = client.get(url, {"subtype": "phone", "planned": "ad_hoc"}).content.decode()
    assert re.search(r'value="phone"[^>]*checked', body)
    assert re.search(r'value="ad_hoc"[^>]*checked', body)


@pytest.mark.parametrize(
    "params",
    [
        {"subtype": "teleport"},
        {"subtype": ""},
        {"planned": "<script>"},
        {"occurred_on": "i-går"},
        {"occurred_on": "2999-01-01"},
        {"occurred_on": "1900-01-01"},
        {"note": "forudfyldt tekst"},
    ],
)
def test_unknown_initial_values_are_ignored(client, world, params):
    client.force_login(world.team_nurse)
    url = reverse("record:create", args=[world.resident_in_course.pk, "visit"])
    response = client.get(url, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{TODAY.isoformat()}"' in body
    assert not re.search(r'name="subtype" value="[^"]*"[^>]*checked', body)
    assert "forudfyldt tekst" not in body and "teleport" not in body


def test_past_day_from_the_list_dates_the_note(client, world):
    client.force_login(world.team_nurse)
    url = reverse("record:create", args=[world.resident_in_course.pk, "visit"])
    body = client.get(url, {"occurred_on": day(-3).isoformat()}).content.decode()
    assert f'value="{day(-3).isoformat()}"' in body


def test_saving_the_note_returns_to_the_list_marked_visited(client, world):
    w = world
    resident = new_resident_in_course(w, first_name="Hanne")
    back = day_url(w.facility_a1, TODAY)
    client.force_login(w.team_nurse)
    url = reverse("record:create", args=[resident.pk, "visit"])
    data = post_data("visit", participants=None, note="Rolig samtale på værelset.")
    response = client.post(f"{url}?subtype=visit&planned=planned", {**data, "next": back})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == back
    entry = Entry.objects.get(resident=resident, kind="visit")
    assert entry.occurred_on == TODAY and entry.subtype == "visit"
    response = client.get(back)
    body = response.content.decode()
    assert "Besøg eller samtale er gemt." in body
    row = row_of(body, resident)
    assert "Besøgsnotat skrevet" in row
    assert reverse("record:detail", args=[entry.pk]) in row


# --- the day: questions, actions, reviews, events ------------------------------------------


def test_open_questions_from_housing_staff(client, world):
    w = world
    answered = board_services.question_ask(
        user=w.housing_staff, resident=w.resident_in_course, kind="update", text="Besvaret sag"
    )
    board_services.question_answer(user=w.team_nurse, question=answered, answer="Tak.")
    Question.objects.create(
        resident=w.resident_in_course,
        facility=w.facility_a1,
        team=w.team_a,
        kind="question",
        direction=QuestionDirection.TO_FACILITY,
        text="Teamets spørgsmål til botilbuddet",
        asked_by=w.team_nurse,
    )
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    questions = section(body, "questions-h")
    assert w.question_open.text in questions
    assert reverse("board:question_answer", args=[w.question_open.pk]) in questions
    assert "Besvaret sag" not in questions
    assert "Teamets spørgsmål til botilbuddet" not in questions


def test_actions_due_by_the_day(client, world):
    """The world's open action is due in three days."""
    w = world
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    assert w.action_open.text not in section(body, "actions-h")
    body = get(client, w.team_nurse, day_url(w.facility_a1, day(3)))
    assert w.action_open.text in section(body, "actions-h")
    body = get(client, w.team_nurse, day_url(w.facility_a1, day(5)))
    assert "Overskredet" in section(body, "actions-h")
    board_services.action_done(user=w.housing_staff, action=w.action_open)
    body = get(client, w.team_nurse, day_url(w.facility_a1, day(5)))
    assert w.action_open.text not in section(body, "actions-h")


def test_plans_and_assessments_due_for_review(client, world):
    w = world
    resident = new_resident_in_course(w, first_name="Revurdering")
    old = make_entry(
        w.team_nurse,
        resident,
        "suicide_risk",
        occurred_on=day(-30).isoformat(),
        review_on=day(-2).isoformat(),
    )
    soon = make_entry(
        w.team_doctor,
        resident,
        "psychiatric",
        occurred_on=day(-5).isoformat(),
        review_on=day(6).isoformat(),
    )
    later = make_entry(w.team_doctor, resident, "kram", review_on=day(40).isoformat())
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    reviews = section(body, "reviews-h")
    assert reverse("record:detail", args=[old.pk]) in reviews
    assert "Overskredet" in reviews
    assert reverse("record:detail", args=[soon.pk]) in reviews
    assert reverse("record:detail", args=[later.pk]) not in reviews
    # a newer assessment replaces the overdue one
    newer = make_entry(w.team_nurse, resident, "suicide_risk", review_on=day(30).isoformat())
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    reviews = section(body, "reviews-h")
    assert reverse("record:detail", args=[old.pk]) not in reviews
    assert reverse("record:detail", args=[newer.pk]) not in reviews


def test_recent_events_of_the_last_two_weeks(client, world):
    """The world's admission ran from day -20 to -12: it ended within the two weeks."""
    w = world
    resident = new_resident_in_course(w, first_name="Hændelse")
    crisis = make_entry(w.housing_staff, resident, "crisis", occurred_on=day(-1).isoformat())
    old_force = make_entry(w.housing_staff, resident, "force", occurred_on=day(-20).isoformat())
    visit = make_entry(w.team_nurse, resident, "visit")
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    events = section(body, "events-h")
    assert reverse("record:detail", args=[crisis.pk]) in events
    assert reverse("record:detail", args=[w.facility_admission.pk]) in events
    assert reverse("record:detail", args=[old_force.pk]) not in events
    assert reverse("record:detail", args=[visit.pk]) not in events
    # seen from a day before the crisis, it is not there yet
    body = get(client, w.team_nurse, day_url(w.facility_a1, day(-2)))
    assert reverse("record:detail", args=[crisis.pk]) not in section(body, "events-h")


def test_nothing_about_residents_of_other_teams_or_facilities(client, world):
    w = world
    other = new_resident_in_course(w, facility=w.facility_b1, first_name="Syd")
    make_entry(w.other_housing_staff, other, "crisis", occurred_on=day(-1).isoformat())
    body = get(client, w.team_nurse, day_url(w.facility_a1, TODAY))
    assert other.full_name not in body
    assert w.resident_other_team.full_name not in body


# --- audit and queries ---------------------------------------------------------------------


def test_one_audit_row_per_resident_shown(client, world):
    w = world
    extra = new_resident_in_course(w, first_name="Revision")
    client.force_login(w.team_nurse)
    client.get(day_url(w.facility_a1, TODAY))
    shown = list(AuditEvent.objects.filter(detail__page="visit_day"))
    assert sorted(r.resident_id for r in shown) == sorted([w.resident_in_course.pk, extra.pk])
    assert all(r.action == AuditAction.LIST and r.user_id == w.team_nurse.pk for r in shown)
    assert all(r.detail["date"] == TODAY.isoformat() for r in shown)


def _populate(w, n: int, offset: int):
    for i in range(n):
        resident = new_resident_in_course(w, first_name=f"Beboer{offset + i}")
        resident.courses.get().team_contacts.add(w.team_nurse)
        board_services.board_entry_create(
            user=w.team_nurse,
            resident=resident,
            placed_on=day(-5),
            criteria=["early_signs"],
            review_on=day(10),
        )
        board_services.question_ask(
            user=w.housing_staff, resident=resident, kind="question", text=f"Spørgsmål {i}"
        )
        make_entry(w.team_nurse, resident, "visit")
        make_entry(w.housing_staff, resident, "crisis", occurred_on=day(-1).isoformat())
        make_entry(w.team_nurse, resident, "suicide_risk", review_on=day(3).isoformat())


def test_constant_number_of_queries(client, world, django_assert_max_num_queries):
    w = world
    set_visit_days(w, [TODAY.weekday()])
    client.force_login(w.team_nurse)
    url = day_url(w.facility_a1, TODAY)
    client.get(url)  # warm the session
    _populate(w, 2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _populate(w, 15, 100)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["courses"]) == 18
    assert len(many) == len(few)
    with django_assert_max_num_queries(len(few)):
        client.get(url)
    with django_assert_max_num_queries(20):
        client.get(url)


def test_list_constant_number_of_queries(client, world, django_assert_max_num_queries):
    w = world
    client.force_login(w.team_nurse)
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    from tests import factories as f

    for i in range(6):
        f.FacilityFactory(region=w.region, team=w.team_a, name=f"Botilbud {i}")
    _populate(w, 3, 0)
    with django_assert_max_num_queries(len(few)):
        client.get(LIST_URL)
