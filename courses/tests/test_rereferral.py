"""A re-referral shows the resident's earlier courses, and how they ended."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


def _ended_course(world, team):
    today = timezone.localdate()
    return f.CourseFactory(
        referral__resident=world.resident_pending,
        referral__facility=world.facility_a1,
        referral__team=team,
        referral__received_on=today - datetime.timedelta(days=900),
        started_on=today - datetime.timedelta(days=880),
        status="ended",
        ended_on=today - datetime.timedelta(days=400),
        end_reason="completed",
        transition="gp",
        responsible_doctor=world.team_doctor,
    )


def test_referral_and_visitation_show_earlier_courses(client, world):
    earlier = _ended_course(world, world.team_a)
    client.force_login(world.team_doctor)
    for name in ("courses:referral_detail", "courses:referral_decide"):
        html = client.get(reverse(name, args=[world.referral_pending.pk])).content.decode()
        assert "Tidligere forløb" in html
        assert reverse("courses:course_detail", args=[earlier.pk]) in html
        assert "Egen læge (almen praksis)" in html


def test_another_teams_earlier_course_is_not_shown(client, world):
    earlier = _ended_course(world, world.team_b)
    client.force_login(world.team_doctor)
    html = client.get(
        reverse("courses:referral_detail", args=[world.referral_pending.pk])
    ).content.decode()
    assert reverse("courses:course_detail", args=[earlier.pk]) not in html
    assert "Tidligere forløb" not in html


def test_first_referral_has_no_earlier_courses_section(client, world):
    client.force_login(world.team_doctor)
    html = client.get(
        reverse("courses:referral_detail", args=[world.referral_pending.pk])
    ).content.decode()
    assert "Tidligere forløb" not in html
