"""The pages: the list (the stored suggestions as last computed, written nowhere by a read,
audited, constant queries, when it was computed), accepting onto the board with the reason
filled in, dismissing with a reason, the thresholds, and who may do what."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from board.models import BoardEntry
from earlywarning.models import EarlyWarningRun, Suggestion, WarningSetting

from .helpers import add_entry, contact, new_course, recompute

pytestmark = pytest.mark.django_db


def list_url(world):
    return reverse("earlywarning:list", args=[world.team_a.pk])


def flagged(world, name="Dorte Testesen"):
    course = new_course(world, name=name)
    contact(world, course)
    add_entry(world, course, "admission", 10)
    add_entry(world, course, "admission", 20)
    add_entry(world, course, "crisis_plan", 3, subtype="red")
    recompute(world.team_a)  # the worker's job after those entries
    return course


def decided():
    return Suggestion.objects.exclude(status="open")


def html(response) -> str:
    return response.content.decode()


def accept_url(world, course):
    return reverse("earlywarning:accept", args=[world.team_a.pk, course.resident_id])


def dismiss_url(world, course):
    return reverse("earlywarning:dismiss", args=[world.team_a.pk, course.resident_id])


def statuses(course):
    return set(Suggestion.objects.filter(resident=course.resident).values_list("status", flat=True))


def _rows():
    return list(Suggestion.objects.order_by("pk").values())


def test_opening_the_list_writes_no_suggestion_rows(world, client):
    """A GET changes nothing but the read's audit rows (issue 11): the suggestions are the
    stored ones, computed by the worker."""
    course = flagged(world)
    client.force_login(world.team_nurse)
    before = _rows()
    for _ in range(2):
        page = html(client.get(list_url(world)))
        assert "Dorte Testesen" in page and "2 indlæggelser på 90 dage" in page
    # the dismissal page (a GET) stores nothing either
    assert client.get(dismiss_url(world, course)).status_code == 200
    assert _rows() == before


def test_entries_show_only_after_the_recompute(world, client):
    course = new_course(world, name="Dorte Testesen")
    contact(world, course)
    add_entry(world, course, "admission", 10)
    add_entry(world, course, "admission", 20)
    client.force_login(world.team_nurse)
    page = html(client.get(list_url(world)))
    assert "Dorte Testesen" not in page
    assert "Forslagene er ikke beregnet endnu." in page
    recompute(world.team_a)
    assert "Dorte Testesen" in html(client.get(list_url(world)))


def test_list_says_when_the_suggestions_were_computed(world, client):
    flagged(world)
    run = recompute(world.team_a)
    client.force_login(world.team_nurse)
    page = html(client.get(list_url(world)))
    local = timezone.localtime(run.computed_at)
    assert f"Beregnet kl. {local:%H:%M}." in page
    yesterday = run.computed_at - datetime.timedelta(days=1)
    EarlyWarningRun.objects.filter(team=world.team_a).update(computed_at=yesterday)
    page = html(client.get(list_url(world)))
    assert f"Beregnet {timezone.localtime(yesterday):%d.%m.%Y kl. %H:%M}." in page


def test_list_shows_the_suggestions_in_words_and_audits_each_resident(world, client):
    course = flagged(world)
    client.force_login(world.team_nurse)
    before = AuditEvent.objects.count()
    page = html(client.get(list_url(world)))
    assert "Dorte Testesen" in page
    assert "2 indlæggelser på 90 dage" in page
    assert "Kriseplan i rød fase" in page
    assert "Hyppige eller lange indlæggelser" in page  # the board criterion it maps to
    rows = AuditEvent.objects.order_by("id")[before:]
    listed = [r for r in rows if r.detail.get("list") == "earlywarning"]
    assert [(r.action, r.resident_id) for r in listed] == [("list", course.resident_id)]
    # one row per resident with two suggestions
    assert page.count(accept_url(world, course)) == 1


def test_the_team_board_links_to_the_suggestions(world, client):
    client.force_login(world.team_mentor)
    page = html(client.get(reverse("board:team", args=[world.team_a.pk])))
    assert list_url(world) in page


def test_accept_opens_the_board_form_with_criteria_and_text(world, client):
    course = flagged(world)
    client.force_login(world.team_leader)
    client.get(list_url(world))
    before = AuditEvent.objects.count()
    response = client.post(accept_url(world, course))
    create_url = reverse("board:entry_create", args=[course.resident_id])
    assert response.status_code == 302
    assert response["Location"] == create_url
    assert statuses(course) == {"accepted"}
    assert Suggestion.objects.filter(resident=course.resident).count() == 2
    (transition,) = AuditEvent.objects.order_by("id")[before:]
    assert transition.detail["rules"] == ["admissions", "crisis_red"]
    assert (transition.action, transition.detail["status"]) == ("transition", "accepted")

    page = html(client.get(create_url))
    checked = set(re.findall(r'<input[^>]*name="criteria"[^>]*value="([a-z_]+)"[^>]*checked', page))
    assert checked == {"admissions", "crisis_red"}
    assert "Foreslået af tidlig opsporing:" in page
    assert "- 2 indlæggelser på 90 dage" in page
    assert "- Kriseplan i rød fase" in page
    assert "Forslaget er accepteret" in page

    # saving the board form puts the resident on the board with what was filled in
    review_on = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client.post(
        create_url,
        {
            "criteria": ["admissions", "crisis_red"],
            "need_text": "Foreslået af tidlig opsporing:\n- 2 indlæggelser på 90 dage",
            "review_on": review_on,
            "others_involved": "",
            "goals_short": "",
            "goals_long": "",
            "resident_goals": "",
            "resident_informed": "",
            "treatment_interventions": "",
        },
    )
    assert response.status_code == 302, html(response)[:2000]
    entry = BoardEntry.objects.get(resident=course.resident, status="active")
    assert entry.criteria == ["admissions", "crisis_red"]
    assert "board_entry_prefill" not in client.session
    page = html(client.get(list_url(world)))
    assert "100 %" in page  # accepted share of the two rules
    assert "ikke på tavlen endnu" not in page


def test_prefill_is_for_that_resident_only(world, client):
    course = flagged(world)
    client.force_login(world.team_nurse)
    client.get(list_url(world))
    client.post(accept_url(world, course))
    other = new_course(world)
    page = html(client.get(reverse("board:entry_create", args=[other.resident_id])))
    assert "tidlig opsporing" not in page


def test_board_form_ignores_unknown_prefill(world, client):
    from board import prefill

    course = new_course(world)
    client.force_login(world.team_nurse)
    session = client.session
    prefill.store(session, course.resident_id, criteria=["nonsense"], need_text="")
    session.save()
    page = html(client.get(reverse("board:entry_create", args=[course.resident_id])))
    assert "checked" not in re.sub(r"\s+", " ", page).split('name="criteria"', 1)[-1][:200]


def test_accept_is_post_only(world, client):
    course = flagged(world)
    client.force_login(world.team_nurse)
    client.get(list_url(world))
    assert client.get(accept_url(world, course)).status_code == 405
    assert not decided().exists()


def test_accepting_a_decided_suggestion_says_so(world, client):
    course = flagged(world)
    client.force_login(world.team_nurse)
    client.get(list_url(world))
    client.post(accept_url(world, course))
    response = client.post(accept_url(world, course), follow=True)
    assert "Forslaget er allerede behandlet eller bortfaldet." in html(response)
    assert Suggestion.objects.count() == 2


def test_dismiss_without_a_reason_shows_the_error_and_keeps_it_open(world, client):
    course = flagged(world)
    client.force_login(world.team_mentor)
    client.get(list_url(world))
    response = client.post(dismiss_url(world, course), {"reason": "   "})
    assert response.status_code == 200
    assert "Skriv, hvorfor forslaget afvises." in html(response)
    assert not decided().exists()
    assert "Dorte Testesen" in html(client.get(list_url(world)))  # still proposed


def test_dismiss_with_a_reason(world, client):
    course = flagged(world)
    client.force_login(world.team_mentor)
    client.get(list_url(world))
    url = dismiss_url(world, course)
    assert "2 indlæggelser på 90 dage" in html(client.get(url))
    response = client.post(url, {"reason": "Planlagte indlæggelser til medicinomlægning"})
    assert response.status_code == 302
    assert response["Location"] == list_url(world)
    for s in Suggestion.objects.filter(resident=course.resident):
        assert (s.status, s.dismiss_reason, s.decided_by) == (
            "dismissed",
            "Planlagte indlæggelser til medicinomlægning",
            world.team_mentor,
        )
    page = html(client.get(list_url(world)))
    assert "Planlagte indlæggelser til medicinomlægning" in page  # the latest decisions
    assert "0 %" in page
    # a second dismissal of the same suggestion is refused kindly
    response = client.post(url, {"reason": "igen"}, follow=True)
    assert "Forslaget er allerede behandlet eller bortfaldet." in html(response)


def test_dismiss_refuses_unknown_fields(world, client):
    course = flagged(world)
    client.force_login(world.team_nurse)
    client.get(list_url(world))
    response = client.post(dismiss_url(world, course), {"reason": "ok", "status": "accepted"})
    assert response.status_code == 200
    assert "felter, du ikke kan ændre" in html(response)
    assert not decided().exists()


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["other_team_nurse", "housing_staff", "housing_leader", "region_admin"]
)
def test_outsiders_get_404(world, client, persona):
    course = flagged(world)
    client.force_login(getattr(world, persona))
    urls = [
        list_url(world),
        reverse("earlywarning:thresholds", args=[world.team_a.pk]),
        accept_url(world, course),
        dismiss_url(world, course),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        if url == list_url(world):
            continue  # GET only
        response = client.post(url, {"reason": "x"})
        assert response.status_code == 404, url
        assert "Dorte Testesen" not in html(response)
    assert not decided().exists()


def test_a_resident_outside_the_team_is_not_found_by_id(world, client):
    """Knowing a resident's id is no permission: accept and dismiss answer 404 for a resident
    without an active course in the team, and store nothing."""
    client.force_login(world.team_nurse)
    for resident in (world.resident_plain, world.resident_other_team):
        for name in ("earlywarning:accept", "earlywarning:dismiss"):
            url = reverse(name, args=[world.team_a.pk, resident.pk])
            assert client.post(url, {"reason": "x"}).status_code == 404
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("persona", ["team_nurse", "team_doctor", "team_mentor"])
def test_team_members_decide_but_do_not_set_thresholds(world, client, persona):
    client.force_login(getattr(world, persona))
    url = reverse("earlywarning:thresholds", args=[world.team_a.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"admissions_enabled": "on"}).status_code == 403
    assert reverse("earlywarning:thresholds", args=[world.team_a.pk]) not in html(
        client.get(list_url(world))
    )


# --- thresholds ----------------------------------------------------------------------------


def _threshold_data(**changes):
    data = {
        "admissions_enabled": "on",
        "admissions_count": "2",
        "admissions_days": "90",
        "force_enabled": "on",
        "force_count": "1",
        "force_days": "7",
        "crisis_red_enabled": "on",
        "medication_failure_enabled": "on",
        "medication_failure_count": "3",
        "medication_failure_days": "30",
        "no_contact_enabled": "on",
        "no_contact_days": "42",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_leader_sees_the_defaults(world, client):
    client.force_login(world.team_leader)
    page = html(client.get(reverse("earlywarning:thresholds", args=[world.team_a.pk])))
    assert 'name="admissions_days" value="90"' in page
    assert 'name="no_contact_days" value="42"' in page
    assert 'name="crisis_red_count"' not in page
    assert reverse("earlywarning:thresholds", args=[world.team_a.pk]) in html(
        client.get(list_url(world))
    )


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"admissions_count": "0"}, "admissions_count", "Tallet skal være mindst 1."),
        ({"force_days": "400"}, "force_days", "Tallet må højst være 365."),
        ({"medication_failure_count": "tre"}, "medication_failure_count", "Skriv et helt tal."),
        ({"no_contact_days": ""}, "no_contact_days", "Udfyld feltet, når reglen er aktiv."),
    ],
)
def test_thresholds_are_validated_in_danish(world, client, changes, field, message):
    client.force_login(world.team_leader)
    url = reverse("earlywarning:thresholds", args=[world.team_a.pk])
    response = client.post(url, _threshold_data(**changes))
    assert response.status_code == 200
    page = html(response)
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert not WarningSetting.objects.exists()


def test_changed_thresholds_change_the_suggestions(
    world, client, django_capture_on_commit_callbacks
):
    course = flagged(world)
    client.force_login(world.team_leader)
    url = reverse("earlywarning:thresholds", args=[world.team_a.pk])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url, _threshold_data(admissions_count="3", crisis_red_enabled=None))
    assert response.status_code == 302
    assert len(queued) == 1  # the team's recompute, when the save commits
    assert WarningSetting.objects.filter(team=world.team_a).count() == 2  # only what changed
    recompute(world.team_a)  # the worker runs it
    page = html(client.get(list_url(world)))
    assert "Dorte Testesen" not in page
    assert "mindst 3 gange på 90 dage" in page
    assert "slået fra" in page
    assert set(
        Suggestion.objects.filter(resident=course.resident).values_list("status", flat=True)
    ) == {"lapsed"}
    updates = AuditEvent.objects.filter(detail__page="earlywarning_thresholds")
    assert updates.count() == 1


def test_a_switched_off_rule_keeps_empty_numbers_as_defaults(world, client):
    client.force_login(world.team_leader)
    url = reverse("earlywarning:thresholds", args=[world.team_a.pk])
    data = _threshold_data(force_enabled=None, force_count="", force_days="")
    assert client.post(url, data).status_code == 302
    row = WarningSetting.objects.get(rule="force")
    assert (row.enabled, row.count, row.days) == (False, 1, 7)


# --- constant queries ----------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_uses_a_constant_number_of_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.team_nurse)
    first = flagged(world, name="Ane Først")
    client.post(dismiss_url(world, first), {"reason": "Nej"})
    flagged(world, name="Bo Anden")
    few = _queries(client, list_url(world))
    for i in range(8):
        course = flagged(world, name=f"Beboer Nummer{i}")
        add_entry(world, course, "force", 1)
    client.post(dismiss_url(world, course), {"reason": "Nej"})
    many = _queries(client, list_url(world))
    assert many == few
    with django_assert_max_num_queries(21):
        client.get(list_url(world))


def test_stored_markup_is_escaped(world, client):
    payload = '<script>alert("x")</script>'
    course = flagged(world)
    course.resident.first_name = payload
    course.resident.save()
    client.force_login(world.team_nurse)
    client.get(list_url(world))
    client.post(dismiss_url(world, course), {"reason": payload})
    flagged(world, name=f"{payload} Anden")
    page = html(client.get(list_url(world)))
    assert "<script>alert(" not in page
    assert page.count("&lt;script&gt;alert(") >= 3  # open suggestion, decision, its reason
