"""The recompute stores the open suggestions (inserts, refreshes, lapses; idempotent); reading
stores nothing; accepting or dismissing decides the stored open rows; a decided rule proposes
the resident again only on new evidence; the hit rate."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from board import services as board_services
from earlywarning import selectors, services
from earlywarning.models import Suggestion, SuggestionStatus

from .helpers import add_entry, contact, days_ago, new_course, recompute

pytestmark = pytest.mark.django_db


def open_rules(world, course, *, today=None):
    """The resident's open rules after the worker's recompute (as of ``today``)."""
    recompute(world.team_a, today=today)
    return {
        s.rule
        for s in selectors.open_suggestions(world.team_a)
        if s.resident_id == course.resident_id
    }


def decided():
    return Suggestion.objects.exclude(status=SuggestionStatus.OPEN)


def accept(world, course, user=None):
    return services.suggestion_accept(
        user=user or world.team_nurse, team=world.team_a, resident_id=course.resident_id
    )


def dismiss(world, course, reason="Følges tæt", user=None):
    return services.suggestion_dismiss(
        user=user or world.team_nurse,
        team=world.team_a,
        resident_id=course.resident_id,
        reason=reason,
    )


def two_admissions(world, **kwargs):
    course = new_course(world, **kwargs)
    contact(world, course)
    add_entry(world, course, "admission", 10)
    add_entry(world, course, "admission", 20)
    return course


def test_reading_the_suggestions_stores_nothing(world):
    course = two_admissions(world)
    add_entry(world, course, "force", 1)
    assert selectors.open_suggestions(world.team_a) == []  # not computed yet
    assert not Suggestion.objects.exists()
    recompute(world.team_a)
    rows = list(Suggestion.objects.values_list("pk", "last_seen"))
    for _ in range(3):
        assert {s.rule for s in selectors.open_suggestions(world.team_a)} == {
            "admissions",
            "force",
        }
    assert list(Suggestion.objects.values_list("pk", "last_seen")) == rows


def test_the_recompute_stores_one_open_row_per_rule_and_is_idempotent(world):
    course = two_admissions(world)
    add_entry(world, course, "force", 1)
    first = recompute(world.team_a)
    assert (first.opened, first.kept, first.lapsed) == (2, 0, 0)
    rows = {s.rule: s for s in Suggestion.objects.all()}
    assert set(rows) == {"admissions", "force"}
    assert {s.status for s in rows.values()} == {"open"}
    assert rows["admissions"].explanation == "2 indlæggelser på 90 dage"
    assert rows["admissions"].course_id == course.pk
    again = recompute(world.team_a)
    assert (again.opened, again.kept, again.lapsed) == (0, 2, 0)
    after = {s.rule: s for s in Suggestion.objects.all()}
    assert {r: s.pk for r, s in after.items()} == {r: s.pk for r, s in rows.items()}
    assert after["force"].first_seen == rows["force"].first_seen
    assert after["force"].last_seen > rows["force"].last_seen
    assert selectors.last_computed(world.team_a) == again.computed_at


def test_the_recompute_touches_only_its_team(world):
    mine = two_admissions(world)
    theirs = world.course_other_team
    add_entry(world, theirs, "admission", 1)
    add_entry(world, theirs, "admission", 2)
    recompute(world.team_a)
    assert set(Suggestion.objects.values_list("resident_id", flat=True)) == {mine.resident_id}
    assert selectors.last_computed(world.team_b) is None
    recompute(world.team_b)
    assert [s.resident_id for s in selectors.open_suggestions(world.team_b)] == [theirs.resident_id]


def test_the_explanation_follows_the_record(world):
    course = two_admissions(world)
    recompute(world.team_a)
    (before,) = Suggestion.objects.all()
    add_entry(world, course, "admission", 1)
    recompute(world.team_a)
    (suggestion,) = selectors.open_suggestions(world.team_a)
    assert suggestion.pk == before.pk  # the same open suggestion, refreshed
    assert suggestion.explanation == "3 indlæggelser på 90 dage"
    assert suggestion.evidence_at > before.evidence_at


def test_a_suggestion_lapses_when_the_events_leave_the_window(world):
    course = two_admissions(world)
    assert open_rules(world, course) == {"admissions"}
    later = timezone.localdate() + datetime.timedelta(days=75)  # the 20-day-old one has left
    assert "admissions" not in open_rules(world, course, today=later)
    (lapsed,) = Suggestion.objects.filter(rule="admissions")
    assert (lapsed.status, lapsed.decided_by) == ("lapsed", None)
    assert lapsed.decided_at is not None
    # back in the window (today again): a new open row; the lapsed one stays as history
    assert open_rules(world, course) == {"admissions"}
    admissions = Suggestion.objects.filter(rule="admissions")
    assert sorted(admissions.values_list("status", flat=True)) == ["lapsed", "open"]


def test_a_suggestion_goes_when_the_resident_goes_on_the_board(world):
    course = two_admissions(world)
    recompute(world.team_a)
    board_services.board_entry_create(
        user=world.team_nurse,
        resident=course.resident,
        criteria=["admissions"],
        review_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    # left out at once (before any recompute), lapsed by the next recompute
    assert selectors.open_suggestions(world.team_a) == []
    assert open_rules(world, course) == set()
    assert list(Suggestion.objects.values_list("status", flat=True)) == ["lapsed"]


def test_a_resident_on_the_board_cannot_be_decided(world):
    course = two_admissions(world)
    recompute(world.team_a)
    board_services.board_entry_create(
        user=world.team_nurse,
        resident=course.resident,
        criteria=["admissions"],
        review_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    with pytest.raises(ValidationError):
        accept(world, course)
    assert not decided().exists()


def test_dismissal_needs_a_reason(world):
    course = two_admissions(world)
    recompute(world.team_a)
    with pytest.raises(ValidationError) as exc:
        dismiss(world, course, reason="  ")
    assert "Skriv, hvorfor forslaget afvises." in exc.value.messages
    assert not decided().exists()
    assert open_rules(world, course) == {"admissions"}


def test_dismissal_with_a_reason_is_kept_and_audited_once(world):
    course = two_admissions(world)
    add_entry(world, course, "force", 1)
    recompute(world.team_a)
    stored = set(Suggestion.objects.values_list("pk", flat=True))
    before = AuditEvent.objects.count()
    group = dismiss(world, course, reason="Planlagte indlæggelser")
    assert {s.pk for s in group} == stored  # the stored open rows are decided in place
    assert {s.rule for s in group} == {"admissions", "force"}
    for s in Suggestion.objects.all():
        assert s.status == SuggestionStatus.DISMISSED
        assert s.dismiss_reason == "Planlagte indlæggelser"
        assert s.decided_by == world.team_nurse
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert len(rows) == 1  # one service call, one audit row
    assert (rows[0].action, rows[0].resident_id) == ("transition", course.resident_id)
    assert rows[0].detail == {"status": "dismissed", "rules": ["admissions", "force"]}


def test_a_dismissed_suggestion_is_not_proposed_again_without_new_events(world):
    course = two_admissions(world)
    recompute(world.team_a)
    dismiss(world, course)
    assert open_rules(world, course) == set()
    assert open_rules(world, course) == set()
    assert Suggestion.objects.count() == 1


def test_a_new_event_after_the_dismissal_proposes_again(world):
    course = two_admissions(world)
    recompute(world.team_a)
    (dismissed,) = dismiss(world, course)
    # an event that happened earlier but is recorded only now is new to the team
    add_entry(
        world,
        course,
        "admission",
        30,
        recorded_at=dismissed.decided_at + datetime.timedelta(seconds=1),
    )
    recompute(world.team_a)
    (suggestion,) = selectors.open_suggestions(world.team_a)
    assert suggestion.explanation == "3 indlæggelser på 90 dage"
    (again,) = dismiss(world, course, reason="Stadig planlagt")
    assert again.pk != dismissed.pk


def test_a_new_event_of_another_rule_does_not_wake_the_dismissed_one(world):
    course = two_admissions(world)
    recompute(world.team_a)
    dismiss(world, course)
    add_entry(world, course, "force", 0)
    assert open_rules(world, course) == {"force"}


def test_a_red_crisis_plan_saved_again_after_the_dismissal_proposes_again(world):
    course = new_course(world)
    contact(world, course)
    plan = add_entry(world, course, "crisis_plan", 5, subtype="red")
    recompute(world.team_a)
    (suggestion,) = dismiss(world, course, reason="Kendt")
    assert open_rules(world, course) == set()
    plan.updated_at = suggestion.decided_at + datetime.timedelta(seconds=1)
    plan.save(update_fields=["updated_at"])
    assert open_rules(world, course) == {"crisis_red"}


def test_no_contact_dismissed_stays_quiet_for_one_window(world):
    course = new_course(world)
    add_entry(world, course, "visit", 50)
    recompute(world.team_a)
    dismiss(world, course, reason="Ferie")
    today = timezone.localdate()
    assert open_rules(world, course, today=today + datetime.timedelta(days=41)) == set()
    assert open_rules(world, course, today=today + datetime.timedelta(days=42)) == {"no_contact"}


def test_accepted_suggestions_are_not_proposed_again_without_new_events(world):
    course = two_admissions(world)
    recompute(world.team_a)
    group = accept(world, course, user=world.team_mentor)
    assert [s.status for s in group] == ["accepted"]
    assert open_rules(world, course) == set()  # not put on the board (the form was left)


def test_a_decided_suggestion_cannot_be_decided_again(world):
    course = two_admissions(world)
    recompute(world.team_a)
    accept(world, course)
    with pytest.raises(ValidationError):
        dismiss(world, course, reason="x")
    with pytest.raises(ValidationError):
        accept(world, course)
    assert Suggestion.objects.count() == 1


def test_nothing_to_decide_before_the_recompute(world):
    course = two_admissions(world)
    with pytest.raises(ValidationError):
        accept(world, course)
    assert not Suggestion.objects.exists()


def test_only_team_members_decide(world):
    course = two_admissions(world)
    recompute(world.team_a)
    for user in (world.other_team_nurse, world.housing_staff, world.region_admin):
        with pytest.raises(Http404):
            accept(world, course, user=user)
        with pytest.raises(Http404):
            dismiss(world, course, reason="x", user=user)
    assert not decided().exists()


def test_a_resident_outside_the_teams_courses_is_not_found(world):
    """Knowing a resident's id opens nothing: the service asks the course, not the id."""
    for resident in (world.resident_plain, world.resident_other_team, world.resident_pending):
        with pytest.raises(Http404):
            services.suggestion_accept(
                user=world.team_nurse, team=world.team_a, resident_id=resident.pk
            )
    assert not Suggestion.objects.exists()


def test_only_the_team_leader_saves_thresholds(world):
    values = {"admissions": {"enabled": True, "count": 3, "days": 90}}
    with pytest.raises(PermissionDenied):
        services.thresholds_save(user=world.team_nurse, team=world.team_a, values=values)
    with pytest.raises(Http404):
        services.thresholds_save(user=world.other_team_nurse, team=world.team_a, values=values)
    services.thresholds_save(user=world.team_leader, team=world.team_a, values=values)
    limits = selectors.thresholds(world.team_a)
    assert (limits["admissions"].count, limits["admissions"].days) == (3, 90)
    assert selectors.thresholds(world.team_b)["admissions"].count == 2


def test_hit_rate(world):
    courses = [two_admissions(world) for _ in range(5)]
    recompute(world.team_a)
    for course in courses[:3]:
        accept(world, course)
    dismiss(world, courses[3], reason="Nej")
    for course in courses[:2]:
        board_services.board_entry_create(
            user=world.team_nurse,
            resident=course.resident,
            criteria=["admissions"],
            review_on=timezone.localdate() + datetime.timedelta(days=14),
        )
    force = new_course(world)
    contact(world, force)
    add_entry(world, force, "force", 1)
    recompute(world.team_a)
    recompute(world.team_a, today=timezone.localdate() + datetime.timedelta(days=7))
    rates = {
        r.rule.code: r
        for r in selectors.hit_rates(world.team_a, selectors.thresholds(world.team_a))
    }
    rate = rates["admissions"]
    assert (rate.open, rate.accepted, rate.dismissed, rate.decided, rate.percent) == (
        1,
        3,
        1,
        4,
        75,
    )
    assert (rate.still_on_board, rate.on_board_percent) == (2, 67)
    assert rates["force"].percent is None
    assert (rates["force"].open, rates["force"].lapsed) == (0, 1)  # nobody decided in time
    assert days_ago(0) == timezone.localdate()
