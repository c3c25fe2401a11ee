"""residents/log_access.py: the one place that says who may read a resident's log and export it."""

from __future__ import annotations

import pytest
from django.http import Http404

from audit.models import Action
from audit.services import record
from residents import log_access as access

OUTSIDERS: tuple[str, ...] = (
    "team_nurse",
    "team_doctor",
    "team_mentor",
    "other_team_nurse",
    "housing_staff",
)
OUTSIDERS += ("housing_leader", "ward_staff", "region_admin")


@pytest.mark.parametrize("action", [access.VIEW, access.EXPORT])
def test_the_team_leader_may_read_and_export_the_log(world, action):
    resident = access.get_for_user(world.team_leader, world.resident_in_course.pk, action=action)
    assert resident == world.resident_in_course
    assert access.can(world.team_leader, action, world.resident_in_course)


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_nobody_else_may(world, persona):
    user = getattr(world, persona)
    for action in (access.VIEW, access.EXPORT):
        assert not access.can(user, action, world.resident_in_course)
        with pytest.raises(Http404):
            access.get_for_user(user, world.resident_in_course.pk, action=action)
    assert not access.visible(user).exists()


def test_a_leader_does_not_see_another_teams_resident(world):
    assert not access.can(world.team_leader, access.VIEW, world.resident_other_team)


def test_visible_rows_are_those_of_the_leaders_residents(world):
    w = world
    mine = record(user=w.team_nurse, action=Action.VIEW, resident=w.resident_in_course)
    other = record(user=w.other_team_nurse, action=Action.VIEW, resident=w.resident_other_team)
    visible = set(access.visible(w.team_leader).values_list("pk", flat=True))
    assert mine.pk in visible and other.pk not in visible


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError):
        access.can(world.team_leader, "delete", world.resident_in_course)
