"""The indicators' policy (indicators/access.py): its SQL and in-memory forms agree, and no
other module of the app decides who may see figures."""

from __future__ import annotations

import pathlib
import re

import pytest
from django.http import Http404

from indicators import access
from indicators.scope import FACILITY, REGION, TEAM
from indicators.tests.helpers import make_org
from organisation.models import Facility, Region, Team

pytestmark = pytest.mark.django_db

APP = pathlib.Path(__file__).resolve().parents[1]


def test_visible_and_can_agree_for_every_user_and_scope():
    org = make_org()
    users = [
        org.nurse_a,
        org.leader_a,
        org.nurse_b,
        org.facility_leader_a1,
        org.facility_staff_a1,
        org.planner,
    ]
    objects = {
        REGION: list(Region.objects.all()),
        TEAM: list(Team.objects.all()),
        FACILITY: list(Facility.objects.all()),
    }
    for user in users:
        for level, objs in objects.items():
            sql = set(access.visible(user, level).values_list("pk", flat=True))
            memory = {o.pk for o in objs if access.can(user, access.VIEW, level, o)}
            assert sql == memory, (user, level)
            for o in objs:
                if o.pk in sql:
                    assert access.get_for_user(user, level, o.pk).obj.pk == o.pk
                else:
                    with pytest.raises(Http404):
                        access.get_for_user(user, level, o.pk)


def test_exact_figures_only_inside_the_team():
    org = make_org()
    assert not access.get_for_user(org.nurse_a, TEAM, org.team_a.pk).suppress
    assert not access.get_for_user(org.nurse_a, FACILITY, org.fac_a1.pk).suppress
    assert access.get_for_user(org.planner, TEAM, org.team_a.pk).suppress
    assert access.get_for_user(org.facility_leader_a1, FACILITY, org.fac_a1.pk).suppress
    with pytest.raises(Http404):
        access.get_for_user(org.nurse_a, "land", org.team_a.pk)


def test_the_rule_is_written_once():
    """Only indicators/access.py reads the principal's ids."""
    pattern = re.compile(r"(principal|\bp)\.\w*(team_ids|facility_ids|region_ids)\b")
    offenders = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "access.py"
        and pattern.search(path.read_text())
    ]
    assert offenders == []
