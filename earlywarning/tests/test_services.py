"""Refreshing suggestions (idempotent), lapsing, dismissal with and without a reason, and when
a decided rule proposes the resident again."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from board import services as board_services
from earlywarning import selectors, services
from earlywarning.models import Suggestion, SuggestionStatus

from .helpers import add_entry, contact, days_ago, new_course

pytestmark = pytest.mark.django_db


def refresh(world, **kwargs):
    services.suggestions_refresh(team=world.team_a, **kwargs)


def open_rules(course):
    return set(
        Suggestion.objects.filter(resident=course.resident, status="open").values_list(
            "rule", flat=True
        )
    )


def two_admissions(world, **kwargs):
    course = new_course(world, **kwargs)
    contact(world, course)
    add_entry(world, course, "admission", 10)
    add_entry(world, course, "admission", 20)
    return course


def test_refresh_opens_one_suggestion_per_rule_and_is_idempotent(world):
    course = two_admissions(world)
    add_entry(world, course, "force", 1)
    refresh(world)
    first = list(Suggestion.objects.order_by("id").values_list("pk", "rule", "status"))
    assert [(r, s) for _pk, r, s in first] == [("admissions", "open"), ("force", "open")]
    refresh(world)
    refresh(world)
    assert list(Suggestion.objects.order_by("id").values_list("pk", "rule", "status")) == first


def test_refresh_updates_the_explanation(world):
    course = two_admissions(world)
    refresh(world)
    add_entry(world, course, "admission", 1)
    refresh(world)
    suggestion = Suggestion.objects.get()
    assert suggestion.explanation == "3 indlæggelser på 90 dage"


def test_an_open_suggestion_lapses_when_the_events_leave_the_window(world):
    course = two_admissions(world)
    refresh(world)
    later = timezone.localdate() + datetime.timedelta(days=75)  # the 20-day-old one has left
    refresh(world, today=later)
    lapsed = Suggestion.objects.get(resident=course.resident, rule="admissions")
    assert lapsed.status == SuggestionStatus.LAPSED
    # lapsing is no decision: when the rule hits again, it is proposed again
    refresh(world)
    assert open_rules(course) == {"admissions"}


def test_an_open_suggestion_lapses_when_the_resident_goes_on_the_board(world):
    course = two_admissions(world)
    refresh(world)
    board_services.board_entry_create(
        user=world.team_nurse,
        resident=course.resident,
        criteria=["admissions"],
        review_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    refresh(world)
    assert Suggestion.objects.get().status == SuggestionStatus.LAPSED


def test_dismissal_needs_a_reason(world):
    two_admissions(world)
    refresh(world)
    suggestion = Suggestion.objects.get()
    with pytest.raises(ValidationError) as exc:
        services.suggestion_dismiss(user=world.team_nurse, suggestion=suggestion, reason="  ")
    assert "Skriv, hvorfor forslaget afvises." in exc.value.messages
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN


def test_dismissal_with_a_reason_is_kept_and_audited(world):
    course = two_admissions(world)
    add_entry(world, course, "force", 1)
    refresh(world)
    suggestion = Suggestion.objects.filter(rule="admissions").get()
    before = AuditEvent.objects.count()
    group = services.suggestion_dismiss(
        user=world.team_nurse, suggestion=suggestion, reason="Planlagte indlæggelser"
    )
    assert {s.rule for s in group} == {"admissions", "force"}
    for s in Suggestion.objects.all():
        assert s.status == SuggestionStatus.DISMISSED
        assert s.dismiss_reason == "Planlagte indlæggelser"
        assert s.decided_by == world.team_nurse
    rows = AuditEvent.objects.order_by("id")[before:]
    assert [(r.action, r.object_type, r.detail["status"]) for r in rows] == [
        ("transition", "suggestion", "dismissed"),
        ("transition", "suggestion", "dismissed"),
    ]
    assert all(r.resident_id == course.resident_id for r in rows)


def test_a_dismissed_suggestion_is_not_proposed_again_without_new_events(world):
    course = two_admissions(world)
    refresh(world)
    services.suggestion_dismiss(
        user=world.team_nurse, suggestion=Suggestion.objects.get(), reason="Følges tæt"
    )
    refresh(world)
    refresh(world)
    assert open_rules(course) == set()
    assert Suggestion.objects.count() == 1


def test_a_new_event_after_the_dismissal_proposes_again(world):
    course = two_admissions(world)
    refresh(world)
    dismissed = Suggestion.objects.get()
    services.suggestion_dismiss(user=world.team_nurse, suggestion=dismissed, reason="Følges tæt")
    dismissed.refresh_from_db()
    # an event that happened earlier but is recorded only now is new to the team
    add_entry(
        world,
        course,
        "admission",
        30,
        recorded_at=dismissed.decided_at + datetime.timedelta(seconds=1),
    )
    refresh(world)
    new = Suggestion.objects.get(status="open")
    assert new.pk != dismissed.pk
    assert new.explanation == "3 indlæggelser på 90 dage"


def test_a_new_event_of_another_rule_does_not_wake_the_dismissed_one(world):
    course = two_admissions(world)
    refresh(world)
    services.suggestion_dismiss(
        user=world.team_nurse, suggestion=Suggestion.objects.get(), reason="Følges tæt"
    )
    add_entry(world, course, "force", 0)
    refresh(world)
    assert open_rules(course) == {"force"}


def test_a_red_crisis_plan_saved_again_after_the_dismissal_proposes_again(world):
    course = new_course(world)
    contact(world, course)
    plan = add_entry(world, course, "crisis_plan", 5, subtype="red")
    refresh(world)
    suggestion = Suggestion.objects.get()
    services.suggestion_dismiss(user=world.team_nurse, suggestion=suggestion, reason="Kendt")
    refresh(world)
    assert open_rules(course) == set()
    suggestion.refresh_from_db()
    plan.updated_at = suggestion.decided_at + datetime.timedelta(seconds=1)
    plan.save(update_fields=["updated_at"])
    refresh(world)
    assert open_rules(course) == {"crisis_red"}


def test_no_contact_dismissed_stays_quiet_for_one_window(world):
    course = new_course(world)
    add_entry(world, course, "visit", 50)
    refresh(world)
    services.suggestion_dismiss(
        user=world.team_nurse, suggestion=Suggestion.objects.get(), reason="Ferie"
    )
    today = timezone.localdate()
    refresh(world, today=today + datetime.timedelta(days=41))
    assert open_rules(course) == set()
    refresh(world, today=today + datetime.timedelta(days=42))
    assert open_rules(course) == {"no_contact"}


def test_accepted_suggestions_are_not_proposed_again_without_new_events(world):
    course = two_admissions(world)
    refresh(world)
    group = services.suggestion_accept(user=world.team_mentor, suggestion=Suggestion.objects.get())
    assert [s.status for s in group] == ["accepted"]
    refresh(world)  # not put on the board (the form was left), but accepted
    assert open_rules(course) == set()


def test_a_decided_suggestion_cannot_be_decided_again(world):
    two_admissions(world)
    refresh(world)
    suggestion = Suggestion.objects.get()
    services.suggestion_accept(user=world.team_nurse, suggestion=suggestion)
    with pytest.raises(ValidationError):
        services.suggestion_dismiss(user=world.team_nurse, suggestion=suggestion, reason="x")
    with pytest.raises(ValidationError):
        services.suggestion_accept(user=world.team_nurse, suggestion=suggestion)


def test_only_team_members_decide(world):
    two_admissions(world)
    refresh(world)
    suggestion = Suggestion.objects.get()
    for user in (world.other_team_nurse, world.housing_staff):
        with pytest.raises(PermissionDenied):
            services.suggestion_accept(user=user, suggestion=suggestion)
        with pytest.raises(PermissionDenied):
            services.suggestion_dismiss(user=user, suggestion=suggestion, reason="x")


def test_only_the_team_leader_saves_thresholds(world):
    values = {"admissions": {"enabled": True, "count": 3, "days": 90}}
    with pytest.raises(PermissionDenied):
        services.thresholds_save(user=world.team_nurse, team=world.team_a, values=values)
    services.thresholds_save(user=world.team_leader, team=world.team_a, values=values)
    limits = selectors.thresholds(world.team_a)
    assert (limits["admissions"].count, limits["admissions"].days) == (3, 90)
    assert selectors.thresholds(world.team_b)["admissions"].count == 2


def test_hit_rate(world):
    courses = [two_admissions(world) for _ in range(4)]
    refresh(world)
    by_resident = {s.resident_id: s for s in Suggestion.objects.all()}
    for course in courses[:3]:
        services.suggestion_accept(
            user=world.team_nurse, suggestion=by_resident[course.resident_id]
        )
    services.suggestion_dismiss(
        user=world.team_nurse, suggestion=by_resident[courses[3].resident_id], reason="Nej"
    )
    for course in courses[:2]:
        board_services.board_entry_create(
            user=world.team_nurse,
            resident=course.resident,
            criteria=["admissions"],
            review_on=timezone.localdate() + datetime.timedelta(days=14),
        )
    rates = {
        r.rule.code: r
        for r in selectors.hit_rates(world.team_a, selectors.thresholds(world.team_a))
    }
    rate = rates["admissions"]
    assert (rate.accepted, rate.dismissed, rate.decided, rate.percent) == (3, 1, 4, 75)
    assert (rate.still_on_board, rate.on_board_percent) == (2, 67)
    assert rates["force"].percent is None
    assert days_ago(0) == timezone.localdate()
