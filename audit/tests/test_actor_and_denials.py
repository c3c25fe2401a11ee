"""The log keeps the staff member's name as it was (renaming rewrites no history), and a
denied attempt about a known resident names that resident in the log (never to the user)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Outcome, Purpose

NEW_FIRST, NEW_LAST = "Omdøbt", "Efternavnsen"


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_log_and_export_show_the_name_at_the_time_of_the_read(world, client):
    w = world
    old_name = w.team_nurse.get_full_name()
    client.force_login(w.team_nurse)
    client.get(reverse("residents:detail", args=[w.resident_in_course.pk]))
    w.team_nurse.first_name, w.team_nurse.last_name = NEW_FIRST, NEW_LAST
    w.team_nurse.save(update_fields=["first_name", "last_name"])

    client.force_login(w.team_leader)
    page = client.get(reverse("audit:resident_log", args=[w.resident_in_course.pk]))
    body = page.content.decode()
    assert old_name in body
    assert NEW_FIRST not in body and NEW_LAST not in body

    export_url = reverse("audit:resident_log_export", args=[w.resident_in_course.pk])
    names = [row[1] for row in _csv_rows(client.get(export_url))[1:]]
    assert old_name in names
    assert not any(NEW_FIRST in name or NEW_LAST in name for name in names)

    masked = client.get(export_url + "?skjul_navne=1").content.decode("utf-8-sig")
    assert old_name not in masked and NEW_LAST not in masked and "(skjult)" in masked


def test_export_shows_roles_in_danish(world, client):
    w = world
    client.force_login(w.team_nurse)
    client.get(reverse("residents:detail", args=[w.resident_in_course.pk]))
    client.force_login(w.team_leader)
    rows = _csv_rows(
        client.get(reverse("audit:resident_log_export", args=[w.resident_in_course.pk]))
    )
    roles = {row[3] for row in rows[1:]}
    assert "Medarbejder i botilbudsteam" in roles
    assert not any("team_staff" in role for role in roles)


def test_rows_from_before_names_were_stored_say_the_name_is_the_current_one(world):
    w = world
    legacy = AuditEvent(
        user=w.team_nurse,
        resident=w.resident_in_course,
        action=Action.VIEW,
        purpose=Purpose.TREATMENT,
    )
    legacy.save(force_insert=True)
    assert legacy.actor_label == f"{w.team_nurse.get_full_name()} (nuværende navn)"


def test_a_denied_attempt_on_a_hidden_resident_names_the_resident(world, client):
    w = world
    client.force_login(w.other_team_nurse)
    response = client.get(reverse("residents:detail", args=[w.resident_in_course.pk]))
    assert response.status_code == 404
    row = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert row.user == w.other_team_nurse
    assert row.resident == w.resident_in_course
    assert row.detail["status"] == 404

    # ... so the resident's own log shows it to the team leader
    client.force_login(w.team_leader)
    body = client.get(reverse("audit:resident_log", args=[w.resident_in_course.pk])).content
    assert w.other_team_nurse.get_full_name() in body.decode()
    assert "Afvist" in body.decode()


def test_a_denied_attempt_on_an_unknown_id_names_nobody(world, client):
    client.force_login(world.other_team_nurse)
    assert client.get(reverse("residents:detail", args=[987654321])).status_code == 404
    row = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert row.resident is None and row.detail["kwargs"] == {"pk": "987654321"}


def _normalised(response) -> str:
    body = response.content.decode()
    body = re.sub(r'nonce="[^"]*"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)  # masked per response
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return re.sub(r"[0-9a-f]{32}", "", body)  # the request id


def test_the_answer_does_not_reveal_that_the_resident_exists(world, client):
    client.force_login(world.other_team_nurse)
    hidden = client.get(reverse("residents:detail", args=[world.resident_in_course.pk]))
    unknown = client.get(reverse("residents:detail", args=[987654321]))
    assert hidden.status_code == unknown.status_code == 404
    assert [t.name for t in hidden.templates] == [t.name for t in unknown.templates]
    assert hidden.context["exception"] == unknown.context["exception"]
    assert _normalised(hidden) == _normalised(unknown)


def test_a_denied_look_at_the_log_names_the_resident(world, client):
    w = world
    client.force_login(w.housing_leader)
    url = reverse("audit:resident_log_export", args=[w.resident_in_course.pk])
    assert client.get(url).status_code == 404
    row = AuditEvent.objects.get(outcome=Outcome.DENIED, user=w.housing_leader)
    assert row.resident == w.resident_in_course


@pytest.mark.urls("audit.tests.urls_denials")
def test_a_403_on_a_residents_object_names_the_resident(world, client):
    client.force_login(world.team_mentor)
    response = client.get(f"/afvist/{world.resident_in_course.pk}/")
    assert response.status_code == 403
    row = AuditEvent.objects.get(outcome=Outcome.DENIED, user=world.team_mentor)
    assert row.resident == world.resident_in_course
    assert row.detail["status"] == 403 and row.detail["url_name"] == "forbidden_on_resident_object"
