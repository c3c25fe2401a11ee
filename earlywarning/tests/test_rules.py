"""Each rule at its thresholds, the window edges, per-team thresholds, exclusions, and the
constant number of queries for the whole team."""

import datetime

import pytest
from django.utils.formats import date_format

from earlywarning import selectors
from earlywarning.models import WarningSetting
from earlywarning.rules import RULES

from .helpers import add_entry, contact, days_ago, new_course

pytestmark = pytest.mark.django_db


def hits(team, rule=None, **kwargs):
    found = selectors.team_hits(team, **kwargs)
    return {h.resident_id: h for h in found if rule is None or h.rule == rule}


def set_threshold(world, team, rule, *, count=None, days=None, enabled=True):
    WarningSetting.objects.update_or_create(
        team=team,
        rule=rule,
        defaults={
            "count": count,
            "days": days,
            "enabled": enabled,
            "updated_by": world.team_leader,
        },
    )


# --- admissions: 2 in 90 days --------------------------------------------------------------


def test_two_admissions_in_90_days_hit(world):
    course = new_course(world)
    add_entry(world, course, "admission", 89)
    add_entry(world, course, "admission", 0)
    hit = hits(world.team_a, "admissions")[course.resident_id]
    assert hit.explanation == "2 indlæggelser på 90 dage"
    assert hit.course_id == course.pk


def test_one_admission_does_not_hit(world):
    course = new_course(world)
    add_entry(world, course, "admission", 5)
    assert course.resident_id not in hits(world.team_a, "admissions")


def test_admission_exactly_90_days_ago_is_outside_the_window(world):
    course = new_course(world)
    add_entry(world, course, "admission", 90)
    add_entry(world, course, "admission", 3)
    assert course.resident_id not in hits(world.team_a, "admissions")


def test_future_dated_admissions_do_not_count(world):
    course = new_course(world)
    add_entry(world, course, "admission", 3)
    add_entry(world, course, "admission", -2)  # planned, not yet happened
    assert course.resident_id not in hits(world.team_a, "admissions")


def test_three_admissions_are_named(world):
    course = new_course(world)
    for ago in (1, 20, 60):
        add_entry(world, course, "admission", ago)
    assert hits(world.team_a, "admissions")[course.resident_id].explanation == (
        "3 indlæggelser på 90 dage"
    )


# --- force: 1 in the last week -------------------------------------------------------------


def test_force_in_the_last_week_hits(world):
    course = new_course(world)
    add_entry(world, course, "force", 6)
    hit = hits(world.team_a, "force")[course.resident_id]
    assert hit.explanation == "Magtanvendelse i sidste uge"


def test_force_seven_days_ago_does_not_hit(world):
    course = new_course(world)
    add_entry(world, course, "force", 7)
    assert course.resident_id not in hits(world.team_a, "force")


def test_force_twice_in_the_last_week(world):
    course = new_course(world)
    add_entry(world, course, "force", 1)
    add_entry(world, course, "force", 2)
    assert hits(world.team_a, "force")[course.resident_id].explanation == (
        "Magtanvendelse 2 gange i sidste uge"
    )


# --- medication failure: 3 in 30 days ------------------------------------------------------


def test_three_medication_failures_in_30_days_hit(world):
    course = new_course(world)
    for ago in (29, 10, 0):
        add_entry(world, course, "medication_failure", ago)
    hit = hits(world.team_a, "medication_failure")[course.resident_id]
    assert hit.explanation == "Medicinsvigt registreret 3 gange på 30 dage"


def test_two_medication_failures_do_not_hit(world):
    course = new_course(world)
    for ago in (29, 10):
        add_entry(world, course, "medication_failure", ago)
    assert course.resident_id not in hits(world.team_a, "medication_failure")


def test_medication_failure_30_days_ago_is_outside_the_window(world):
    course = new_course(world)
    for ago in (30, 10, 0):
        add_entry(world, course, "medication_failure", ago)
    assert course.resident_id not in hits(world.team_a, "medication_failure")


# --- crisis plan in red phase --------------------------------------------------------------


def test_crisis_plan_in_red_phase_hits(world):
    course = new_course(world)
    add_entry(world, course, "crisis_plan", 100, subtype="red")
    hit = hits(world.team_a, "crisis_red")[course.resident_id]
    assert hit.explanation == "Kriseplan i rød fase"


@pytest.mark.parametrize("phase", ["green", "yellow"])
def test_crisis_plan_in_other_phases_does_not_hit(world, phase):
    course = new_course(world)
    add_entry(world, course, "crisis_plan", 3, subtype=phase)
    assert course.resident_id not in hits(world.team_a, "crisis_red")


def test_a_crisis_event_is_not_the_crisis_plan(world):
    course = new_course(world)
    add_entry(world, course, "crisis", 1, subtype="red")
    assert course.resident_id not in hits(world.team_a, "crisis_red")


# --- no contact in 6 weeks -----------------------------------------------------------------


def test_last_contact_43_days_ago_hits(world):
    course = new_course(world)
    add_entry(world, course, "visit", 43)
    hit = hits(world.team_a, "no_contact")[course.resident_id]
    last = date_format(days_ago(43), "d.m.Y")
    assert hit.explanation == f"Ingen kontakt i 6 uger (sidste kontakt {last})"


def test_last_contact_42_days_ago_hits(world):
    """Six weeks is today and the 41 days before: a contact 42 days ago is outside."""
    course = new_course(world)
    add_entry(world, course, "visit", 42)
    assert course.resident_id in hits(world.team_a, "no_contact")


def test_last_contact_41_days_ago_does_not_hit(world):
    course = new_course(world)
    add_entry(world, course, "visit", 41)
    assert course.resident_id not in hits(world.team_a, "no_contact")


@pytest.mark.parametrize("kind", ["visit", "advice", "network_meeting"])
def test_every_contact_kind_counts(world, kind):
    course = new_course(world)
    add_entry(world, course, kind, 10)
    assert course.resident_id not in hits(world.team_a, "no_contact")


def test_contact_with_the_gp_is_not_a_team_contact(world):
    course = new_course(world)
    add_entry(world, course, "external_contact", 2)
    assert course.resident_id in hits(world.team_a, "no_contact")


def test_no_contact_ever_in_an_old_course(world):
    course = new_course(world, started_days_ago=50)
    hit = hits(world.team_a, "no_contact")[course.resident_id]
    assert hit.explanation == "Ingen kontakt i 6 uger (ingen kontakt registreret i forløbet)"


def test_a_course_younger_than_the_window_is_not_flagged(world):
    young = new_course(world, started_days_ago=41)
    exact = new_course(world, started_days_ago=42)
    found = hits(world.team_a, "no_contact")
    assert young.resident_id not in found
    assert exact.resident_id in found


# --- who is a candidate --------------------------------------------------------------------


def test_residents_on_the_board_are_not_proposed(world):
    course = world.course  # resident_in_course is on A1's board
    add_entry(world, course, "admission", 1)
    add_entry(world, course, "admission", 2)
    assert course.resident_id not in hits(world.team_a)


def test_residents_without_an_active_course_are_not_proposed(world):
    course = new_course(world)
    add_entry(world, course, "admission", 1)
    add_entry(world, course, "admission", 2)
    course.status = "ended"
    course.ended_on = days_ago(0)
    course.end_reason = "completed"
    course.save()
    assert course.resident_id not in hits(world.team_a)


def test_other_teams_entries_and_residents_are_not_counted(world):
    course = new_course(world)
    add_entry(world, course, "admission", 1)
    add_entry(world, course, "admission", 2, team=world.team_b)
    assert course.resident_id not in hits(world.team_a, "admissions")
    other = world.course_other_team
    add_entry(world, other, "admission", 1)
    add_entry(world, other, "admission", 2)
    assert other.resident_id not in hits(world.team_a)
    assert other.resident_id in hits(world.team_b, "admissions")


# --- per-team thresholds -------------------------------------------------------------------


def test_a_higher_count_for_one_team_changes_its_hits_only(world):
    mine = new_course(world)
    theirs = world.course_other_team
    for course in (mine, theirs):
        add_entry(world, course, "admission", 1)
        add_entry(world, course, "admission", 2)
    set_threshold(world, world.team_a, "admissions", count=3, days=90)
    assert mine.resident_id not in hits(world.team_a, "admissions")
    assert theirs.resident_id in hits(world.team_b, "admissions")
    add_entry(world, mine, "admission", 3)
    assert hits(world.team_a, "admissions")[mine.resident_id].explanation == (
        "3 indlæggelser på 90 dage"
    )


def test_a_longer_window_changes_hits_and_words(world):
    course = new_course(world)
    add_entry(world, course, "force", 10)
    assert course.resident_id not in hits(world.team_a, "force")
    set_threshold(world, world.team_a, "force", count=1, days=14)
    assert hits(world.team_a, "force")[course.resident_id].explanation == (
        "Magtanvendelse 1 gang på 14 dage"
    )


def test_no_contact_window_in_days(world):
    course = new_course(world)
    add_entry(world, course, "visit", 31)
    set_threshold(world, world.team_a, "no_contact", days=30)
    assert hits(world.team_a, "no_contact")[course.resident_id].explanation.startswith(
        "Ingen kontakt i 30 dage"
    )


def test_a_switched_off_rule_finds_nothing(world):
    course = new_course(world)
    add_entry(world, course, "crisis_plan", 3, subtype="red")
    set_threshold(world, world.team_a, "crisis_red", enabled=False)
    assert course.resident_id not in hits(world.team_a, "crisis_red")


def test_defaults_without_settings():
    defaults = {r.code: (r.default_count, r.default_days) for r in RULES}
    assert defaults == {
        "admissions": (2, 90),
        "force": (1, 7),
        "crisis_red": (None, None),
        "medication_failure": (3, 30),
        "no_contact": (None, 42),
    }


# --- constant queries ----------------------------------------------------------------------


def _many(world, n):
    for i in range(n):
        course = new_course(world, started_days_ago=60 + i)
        add_entry(world, course, "admission", 1)
        add_entry(world, course, "admission", 2)
        add_entry(world, course, "force", 1)
        add_entry(world, course, "medication_failure", 1)
        add_entry(world, course, "crisis_plan", 5, subtype="red")
        if i % 2:
            contact(world, course, 3)


@pytest.mark.parametrize("n", [1, 12])
def test_hits_use_one_query_per_rule(world, django_assert_num_queries, n):
    _many(world, n)
    # thresholds, candidates, then one per rule
    with django_assert_num_queries(2 + len(RULES)):
        found = selectors.team_hits(world.team_a)
    assert len({h.resident_id for h in found}) == n


def test_today_can_be_moved(world):
    course = new_course(world)
    add_entry(world, course, "force", 0)
    later = days_ago(0) + datetime.timedelta(days=7)
    assert course.resident_id not in hits(world.team_a, "force", today=later)
