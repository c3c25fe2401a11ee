"""The emergency-access policy (emergency/access.py), asked by the services themselves: a
direct call by a user who may not open, end or review an access is refused, changes nothing
and writes no audit row; an allowed call writes exactly one."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audit.models import AuditEvent
from emergency import access as policy
from emergency import services
from emergency.models import EmergencyAccess
from organisation.models import Profession, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def _open(user, resident):
    return services.emergency_access_open(
        user=user,
        resident=resident,
        reason_category="acute_admission",
        reason_text="Indlagt akut i nat; eget team kan ikke træffes.",
        reauthenticated=True,
    )


@pytest.fixture
def leader_b(world):
    return f.MembershipFactory(
        role=Role.TEAM_LEADER, profession=Profession.LEADER, team=world.team_b
    ).user


def test_only_health_professionals_of_a_team_may_open_one(world):
    before = (EmergencyAccess.objects.count(), AuditEvent.objects.count())
    for persona in ("team_mentor", "team_leader", "housing_staff", "ward_staff", "region_admin"):
        user = getattr(world, persona)
        assert not policy.can(user, policy.OPEN), persona
        with pytest.raises(PermissionDenied):
            _open(user, world.resident_other_team)
    assert (EmergencyAccess.objects.count(), AuditEvent.objects.count()) == before


def test_a_health_professional_opens_one_for_a_resident_outside_the_team(world):
    nurse = world.other_team_nurse
    assert policy.can(nurse, policy.OPEN)
    assert policy.can(nurse, policy.OPEN, world.resident_in_course)
    assert not policy.can(nurse, policy.OPEN, world.resident_other_team)  # her own team's
    before = AuditEvent.objects.count()
    access = _open(nurse, world.resident_in_course)
    assert access.team == world.team_b  # reviewed by her own team's leader
    assert AuditEvent.objects.count() == before + 1


def test_an_own_resident_needs_no_emergency_access(world):
    with pytest.raises(ValidationError, match="allerede adgang"):
        _open(world.team_nurse, world.resident_in_course)


def test_only_the_user_who_opened_it_ends_it(world):
    access = _open(world.other_team_nurse, world.resident_in_course)
    before = AuditEvent.objects.count()
    for user in (world.team_nurse, world.team_leader, world.housing_staff):
        with pytest.raises(Http404):
            services.emergency_access_end(user=user, access=access)
    access.refresh_from_db()
    assert access.ended_at is None and AuditEvent.objects.count() == before
    services.emergency_access_end(user=world.other_team_nurse, access=access)
    assert AuditEvent.objects.count() == before + 1


def test_only_the_leader_of_the_openers_team_reviews(world, leader_b):
    access = _open(world.other_team_nurse, world.resident_in_course)
    before = AuditEvent.objects.count()
    # team A's leader leads the resident's team, not the nurse's: not found
    for user in (world.team_leader, world.other_team_nurse, world.team_doctor):
        assert not policy.can(user, policy.REVIEW, access)
        with pytest.raises(Http404):
            services.emergency_access_review(user=user, access=access, note="Berettiget.")
    access.refresh_from_db()
    assert access.reviewed_at is None and AuditEvent.objects.count() == before
    assert policy.can(leader_b, policy.REVIEW, access)
    assert policy.can(leader_b, policy.QUEUE)
    assert list(policy.visible(leader_b)) == [access]
    services.emergency_access_review(user=leader_b, access=access, note="Berettiget.")
    access.refresh_from_db()
    assert access.reviewed_by == leader_b and AuditEvent.objects.count() == before + 1


def test_nobody_reviews_their_own(world):
    """A leader who is also a doctor of the team opens an access: the policy refuses the
    review, the service says why."""
    leader = f.MembershipFactory(
        role=Role.TEAM_LEADER, profession=Profession.DOCTOR, team=world.team_b
    ).user
    access = _open(leader, world.resident_in_course)
    assert policy.can(leader, policy.VIEW, access)
    assert not policy.can(leader, policy.REVIEW, access)
    with pytest.raises(PermissionDenied):
        policy.get_for_user(leader, access.pk, action=policy.REVIEW)
    with pytest.raises(ValidationError, match="egen nødadgang"):
        services.emergency_access_review(user=leader, access=access, note="Min egen.")
    access.refresh_from_db()
    assert access.reviewed_at is None
