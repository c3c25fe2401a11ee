"""A user holds a role in one place at most once in force (or proposed).

Ending one of two identical memberships must end the access: so a reactivation is checked as
a new grant, and the database refuses a second row in force of the same role in the same
place, also when two grants race past the check (PostgreSQL, below).
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction

from organisation import services
from organisation.access import principal_for
from organisation.models import Membership, MembershipStatus, Profession, Role
from tests import factories as f

DUPLICATE = "Brugeren har allerede denne rolle her (eller et forslag om den venter)."


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _end(w, m):
    return services.membership_end(user=w.team_leader, membership=m)


def test_reactivating_an_ended_membership_next_to_a_new_grant_is_refused(world):
    w = world
    old = Membership.objects.get(user=w.team_nurse)
    _end(w, old)
    new = services.membership_grant(
        user=w.team_leader,
        for_user=w.team_nurse,
        role=Role.TEAM_STAFF,
        profession=Profession.NURSE,
        team=w.team_a,
    )
    with pytest.raises(ValidationError) as refused:
        services.membership_change(user=w.team_leader, membership=old, is_active=True)
    assert DUPLICATE in refused.value.messages
    old.refresh_from_db()
    assert not old.is_active
    # ending the one in force ends the access: nothing else grants it
    _end(w, new)
    assert w.team_a.pk not in principal_for(_fresh(w.team_nurse)).team_ids


def test_reactivating_for_a_deactivated_user_is_refused(world):
    w = world
    m = Membership.objects.get(user=w.team_nurse)
    _end(w, m)
    w.team_nurse.is_active = False
    w.team_nurse.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as refused:
        services.membership_change(user=w.team_leader, membership=m, is_active=True)
    assert "Brugeren findes ikke eller er deaktiveret." in refused.value.messages
    m.refresh_from_db()
    assert not m.is_active


def test_reactivating_an_ended_membership_alone_still_works(world):
    w = world
    m = Membership.objects.get(user=w.team_nurse)
    _end(w, m)
    services.membership_change(user=w.team_leader, membership=m, is_active=True)
    m.refresh_from_db()
    assert m.is_active and m.ended_at is None
    assert w.team_a.pk in principal_for(_fresh(w.team_nurse)).team_ids


def test_changing_to_a_role_the_user_holds_here_already_is_refused(world):
    w = world
    second = services.membership_grant(
        user=w.team_leader,
        for_user=w.team_nurse,
        role=Role.TEAM_LEADER,
        profession=Profession.LEADER,
        team=w.team_a,
    )
    with pytest.raises(ValidationError) as refused:
        services.membership_change(user=w.team_leader, membership=second, role=Role.TEAM_STAFF)
    assert DUPLICATE in refused.value.messages


@pytest.mark.parametrize("status", [MembershipStatus.CONFIRMED, MembershipStatus.PENDING])
def test_database_refuses_a_second_membership_in_force_of_the_same_role(world, status):
    w = world
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MembershipFactory(
            user=w.team_nurse,
            role=Role.TEAM_STAFF,
            profession=Profession.DOCTOR,  # another profession is still the same role here
            team=w.team_a,
            status=status,
        )


def test_database_keeps_ended_and_rejected_rows_beside_the_one_in_force(world):
    w = world
    for state in ({"is_active": False}, {"status": MembershipStatus.REJECTED}):
        f.MembershipFactory(user=w.team_nurse, role=Role.TEAM_STAFF, team=w.team_a, **state)
    # another role in the same team, and the same role elsewhere, are other memberships
    f.MembershipFactory(user=w.team_nurse, role=Role.TEAM_LEADER, team=w.team_a)
    f.MembershipFactory(user=w.team_nurse, role=Role.TEAM_STAFF, team=w.team_b)
    f.MembershipFactory(user=w.team_nurse, role=Role.WARD_STAFF, ward=w.ward)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MembershipFactory(user=w.team_nurse, role=Role.WARD_STAFF, ward=w.ward)


def test_a_grant_that_loses_the_race_gets_the_danish_message(world, monkeypatch):
    """The check found nothing (the other grant was not committed yet); the insert then
    meets the other row and the database refuses it: the same answer, no 500."""
    w = world
    real = services._holds_already
    calls = []

    def not_yet(**kwargs):
        calls.append(kwargs)
        return False if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "_holds_already", not_yet)
    with pytest.raises(ValidationError) as refused:
        services.membership_grant(
            user=w.team_leader,
            for_user=w.team_nurse,
            role=Role.TEAM_STAFF,
            profession=Profession.NURSE,
            team=w.team_a,
        )
    assert DUPLICATE in refused.value.messages
    assert Membership.objects.filter(user=w.team_nurse, is_active=True).count() == 1


def _grant(leader_pk, nurse_pk, team_pk, barrier, results) -> None:
    from accounts.models import User
    from organisation.models import Team

    try:
        leader, nurse = User.objects.get(pk=leader_pk), User.objects.get(pk=nurse_pk)
        team = Team.objects.get(pk=team_pk)
        barrier.wait(timeout=30)
        services.membership_grant(
            user=leader,
            for_user=nurse,
            role=Role.TEAM_STAFF,
            profession=Profession.NURSE,
            team=team,
        )
        results.append("granted")
    except ValidationError as exc:
        results.append(" ".join(exc.messages))
    except Exception as exc:  # reported by the test
        results.append(repr(exc))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_grants_of_the_same_role_give_one_membership():
    from tests.personas import build_world

    w = build_world()
    barrier = threading.Barrier(2)
    results: list[str] = []
    threads = [
        threading.Thread(
            target=_grant,
            args=(w.team_leader.pk, w.other_team_nurse.pk, w.team_a.pk, barrier, results),
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == sorted(["granted", DUPLICATE])
    held = Membership.objects.filter(user=w.other_team_nurse, team=w.team_a, is_active=True)
    assert held.count() == 1
