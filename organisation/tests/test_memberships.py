"""Nobody grants themselves a role (issue 11, hole 3).

Memberships that open resident data are granted by the leader of the team or facility, or
proposed by a region administrator and confirmed by that leader; a proposal grants nothing;
every grant, change and removal writes one audit row and shows in the leader's history.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from audit.models import AuditEvent
from organisation import access, services
from organisation.access import principal_for
from organisation.models import (
    Membership,
    MembershipEvent,
    MembershipStatus,
    Profession,
    Role,
)
from tests import factories as f
from tests.clients import SignInClient


def _detail(w):
    return reverse("residents:detail", args=[w.resident_in_course.pk])


def _fresh(user):
    """The user as the next request sees them (no cached principal)."""
    return type(user).objects.get(pk=user.pk)


def _propose(w, for_user, **kwargs):
    kwargs.setdefault("role", Role.TEAM_STAFF)
    kwargs.setdefault("profession", Profession.NURSE)
    kwargs.setdefault("team", w.team_a)
    return services.membership_propose(user=w.region_admin, for_user=for_user, **kwargs)


class Counter:
    """Audit rows and history rows written since it was made."""

    def __init__(self):
        self.audit = AuditEvent.objects.count()
        self.history = MembershipEvent.objects.count()

    def written(self):
        return (
            AuditEvent.objects.count() - self.audit,
            MembershipEvent.objects.count() - self.history,
        )


# --- the leader's page ------------------------------------------------------------------------


def test_team_leader_grants_a_region_user_on_the_page(world, login):
    client = login(world.team_leader)
    url = reverse("organisation:staff_team", args=[world.team_a.pk])
    counter = Counter()
    response = client.post(
        url,
        {
            "username": world.other_team_nurse.username,
            "role": Role.TEAM_STAFF,
            "profession": Profession.NURSE,
        },
    )
    assert response.status_code == 302
    m = Membership.objects.get(user=world.other_team_nurse, team=world.team_a)
    assert (m.status, m.confirmed_by, m.is_active) == (
        MembershipStatus.CONFIRMED,
        world.team_leader,
        True,
    )
    assert counter.written() == (1, 1)
    assert world.team_a.pk in principal_for(_fresh(world.other_team_nurse)).team_ids
    page = client.get(url).content.decode()
    assert "Medarbejdere og adgang" in page
    assert world.other_team_nurse.username in page
    assert "Tildelt" in page  # the history


def test_team_member_cannot_grant_a_membership(world, login):
    client = login(world.team_nurse)
    url = reverse("organisation:staff_team", args=[world.team_a.pk])
    data = {
        "username": world.other_team_nurse.username,
        "role": Role.TEAM_STAFF,
        "profession": Profession.NURSE,
    }
    assert client.post(url, data).status_code == 404
    assert not Membership.objects.filter(user=world.other_team_nurse, team=world.team_a).exists()
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            user=world.team_nurse,
            for_user=world.other_team_nurse,
            role=Role.TEAM_STAFF,
            profession=Profession.NURSE,
            team=world.team_a,
        )


def test_leader_of_team_a_cannot_grant_in_team_b(world, login):
    client = login(world.team_leader)
    url = reverse("organisation:staff_team", args=[world.team_b.pk])
    data = {
        "username": world.team_nurse.username,
        "role": Role.TEAM_STAFF,
        "profession": Profession.NURSE,
    }
    assert client.post(url, data).status_code == 404
    assert not Membership.objects.filter(user=world.team_nurse, team=world.team_b).exists()
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            user=world.team_leader,
            for_user=world.team_nurse,
            role=Role.TEAM_STAFF,
            profession=Profession.NURSE,
            team=world.team_b,
        )


def test_leader_cannot_grant_themselves_another_role(world, login):
    client = login(world.housing_leader)
    url = reverse("organisation:staff_facility", args=[world.facility_a1.pk])
    data = {
        "username": world.housing_leader.username,
        "role": Role.FACILITY_STAFF,
        "profession": Profession.SOCIAL_EDUCATOR,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Du kan ikke give dig selv en rolle." in response.content.decode()
    assert Membership.objects.filter(user=world.housing_leader).count() == 1


def test_leader_cannot_grant_a_user_of_another_region(world, login):
    stranger = f.MembershipFactory(team=f.TeamFactory(), role=Role.TEAM_STAFF).user
    client = login(world.team_leader)
    url = reverse("organisation:staff_team", args=[world.team_a.pk])
    data = {"username": stranger.username, "role": Role.TEAM_STAFF, "profession": "nurse"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Der findes ingen aktiv bruger med dette brugernavn i regionen." in (
        response.content.decode()
    )
    assert not Membership.objects.filter(user=stranger, team=world.team_a).exists()


def test_bad_grant_input_is_kept_and_answered_in_danish(world, login):
    client = login(world.team_leader)
    url = reverse("organisation:staff_team", args=[world.team_a.pk])
    response = client.post(url, {"username": "findes-ikke", "role": "region_admin"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="findes-ikke"' in body
    assert "Der er fejl i formularen" in body


def test_only_leaders_see_the_menu_link(world, login):
    for user, shown in [
        (world.team_leader, True),
        (world.housing_leader, True),
        (world.team_nurse, False),
        (world.region_admin, False),
    ]:
        body = login(user).get(reverse("organisation:facility_list")).content.decode()
        assert ("Medarbejdere og adgang" in body) is shown, user


# --- proposals --------------------------------------------------------------------------------


def test_a_proposal_grants_nothing_until_the_leader_confirms_it(world, client):
    newcomer = f.MembershipFactory(ward=world.ward, role=Role.WARD_STAFF).user
    counter = Counter()
    m = _propose(world, newcomer)
    assert counter.written() == (1, 1)
    assert m.status == MembershipStatus.PENDING
    assert principal_for(_fresh(newcomer)).team_ids == frozenset()
    client.force_login(newcomer)
    assert client.get(_detail(world)).status_code == 404

    leader_client = SignInClient()  # a second browser, for the leader
    leader_client.force_login(world.team_leader)
    page = leader_client.get(reverse("organisation:staff_team", args=[world.team_a.pk]))
    assert newcomer.username in page.content.decode()
    counter = Counter()
    response = leader_client.post(
        reverse("organisation:membership_decide", args=[m.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    assert counter.written() == (1, 1)
    m.refresh_from_db()
    assert (m.status, m.confirmed_by) == (MembershipStatus.CONFIRMED, world.team_leader)
    assert client.get(_detail(world)).status_code == 200


def test_user_cannot_confirm_a_proposal_for_themselves(world, login):
    """The team's leader is proposed another role in their own team: another must confirm."""
    m = _propose(world, world.team_leader, profession=Profession.NURSE)
    client = login(world.team_leader)
    url = reverse("organisation:membership_decide", args=[m.pk])
    assert client.post(url, {"decision": "confirm"}).status_code == 403
    m.refresh_from_db()
    assert m.status == MembershipStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.membership_confirm(user=_fresh(world.team_leader), membership=m)
    assert not access.can_membership(world.team_leader, access.MEMBERSHIP_CONFIRM, m)


def test_team_member_cannot_confirm_a_proposal(world, login):
    m = _propose(world, world.other_team_nurse)
    client = login(world.team_nurse)
    url = reverse("organisation:membership_decide", args=[m.pk])
    assert client.post(url, {"decision": "confirm"}).status_code == 404
    m.refresh_from_db()
    assert m.status == MembershipStatus.PENDING
    with pytest.raises(Http404):
        services.membership_confirm(user=world.team_nurse, membership=m)


def test_region_admin_cannot_confirm_their_own_proposal(world, login):
    m = _propose(world, world.other_team_nurse)
    client = login(world.region_admin)
    url = reverse("organisation:membership_decide", args=[m.pk])
    response = client.post(url, {"decision": "confirm"})
    assert response.status_code == 200  # "confirm" is no choice for them
    m.refresh_from_db()
    assert m.status == MembershipStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.membership_confirm(user=world.region_admin, membership=m)


def test_region_admin_cannot_grant_a_team_membership_directly(world):
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            user=world.region_admin,
            for_user=world.other_team_nurse,
            role=Role.TEAM_STAFF,
            profession=Profession.NURSE,
            team=world.team_a,
        )
    with pytest.raises(PermissionDenied):
        _propose(world, world.region_admin)  # nor propose one for themselves


def test_leader_rejects_a_proposal(world, login):
    m = _propose(world, world.other_team_nurse)
    counter = Counter()
    client = login(world.team_leader)
    url = reverse("organisation:membership_decide", args=[m.pk])
    assert client.post(url, {"decision": "reject"}).status_code == 302
    m.refresh_from_db()
    assert (m.status, m.is_active) == (MembershipStatus.REJECTED, False)
    assert counter.written() == (1, 1)
    assert principal_for(_fresh(world.other_team_nurse)).team_ids == {world.team_b.pk}


def test_principal_ignores_pending_and_rejected_memberships(world):
    for status in (MembershipStatus.PENDING, MembershipStatus.REJECTED):
        user = f.MembershipFactory(team=world.team_a, status=status).user
        assert principal_for(user).team_ids == frozenset()


# --- changes and ends -------------------------------------------------------------------------


def test_leader_changes_profession_and_it_is_audited(world, login):
    m = Membership.objects.get(user=world.team_mentor)
    client = login(world.team_leader)
    counter = Counter()
    response = client.post(
        reverse("organisation:membership_change", args=[m.pk]),
        {"role": Role.TEAM_STAFF, "profession": Profession.DOCTOR},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.profession == Profession.DOCTOR
    assert counter.written() == (1, 1)
    row = AuditEvent.objects.filter(object_type="membership").latest("id")
    assert row.detail["changes"] == {"profession": ["recovery_mentor", "doctor"]}
    assert principal_for(_fresh(world.team_mentor)).professions_in(world.team_a.pk) == {"doctor"}
    page = client.get(reverse("organisation:staff_team", args=[world.team_a.pk]))
    assert "Recovery-mentor/peer-medarbejder → Læge" in page.content.decode()


def test_team_member_cannot_change_their_own_profession(world, login):
    m = Membership.objects.get(user=world.team_mentor)
    client = login(world.team_mentor)
    response = client.post(
        reverse("organisation:membership_change", args=[m.pk]),
        {"role": Role.TEAM_STAFF, "profession": Profession.DOCTOR},
    )
    assert response.status_code == 404
    m.refresh_from_db()
    assert m.profession == Profession.RECOVERY_MENTOR


def test_leader_cannot_change_their_own_membership(world):
    m = Membership.objects.get(user=world.team_leader)
    with pytest.raises(PermissionDenied):
        services.membership_change(
            user=world.team_leader, membership=m, profession=Profession.DOCTOR
        )


def test_ending_a_membership_removes_access_on_the_next_request(world, client):
    client.force_login(world.housing_staff)
    assert client.get(_detail(world)).status_code == 200
    m = Membership.objects.get(user=world.housing_staff)
    leader = SignInClient()
    leader.force_login(world.housing_leader)
    counter = Counter()
    response = leader.post(reverse("organisation:membership_end", args=[m.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert counter.written() == (1, 1)
    m.refresh_from_db()
    assert not m.is_active and m.ended_at is not None
    assert client.get(_detail(world)).status_code == 404
    history = leader.get(reverse("organisation:staff_facility", args=[world.facility_a1.pk]))
    assert "Afsluttet" in history.content.decode()


def test_empty_end_form_ends_nothing(world, login):
    m = Membership.objects.get(user=world.housing_staff)
    client = login(world.housing_leader)
    response = client.post(reverse("organisation:membership_end", args=[m.pk]), {})
    assert response.status_code == 200
    m.refresh_from_db()
    assert m.is_active


def test_every_step_writes_exactly_one_audit_row_and_one_history_row(world):
    steps = [
        lambda: services.membership_grant(
            user=world.team_leader,
            for_user=world.other_team_nurse,
            role=Role.TEAM_STAFF,
            profession=Profession.NURSE,
            team=world.team_a,
        ),
        lambda: _propose(world, world.housing_staff),
        lambda: services.membership_confirm(
            user=_fresh(world.team_leader),
            membership=Membership.objects.get(user=world.housing_staff, team=world.team_a),
        ),
        lambda: _propose(world, world.other_housing_staff),
        lambda: services.membership_reject(
            user=world.region_admin,
            membership=Membership.objects.get(user=world.other_housing_staff, team=world.team_a),
        ),
        lambda: services.membership_change(
            user=world.team_leader,
            membership=Membership.objects.get(user=world.team_nurse),
            profession=Profession.PSYCHOLOGIST,
        ),
        lambda: services.membership_end(
            user=world.team_leader, membership=Membership.objects.get(user=world.team_doctor)
        ),
        lambda: services.membership_grant(
            user=world.region_admin,
            for_user=world.team_nurse,
            role=Role.WARD_STAFF,
            profession=Profession.NURSE,
            ward=world.ward,
        ),
    ]
    for i, step in enumerate(steps):
        counter = Counter()
        step()
        assert counter.written() == (1, 1), f"step {i}"
    rows = AuditEvent.objects.filter(object_type="membership").order_by("id")
    assert [r.detail["event"] for r in rows] == [
        "membership_granted",
        "membership_proposed",
        "membership_confirmed",
        "membership_proposed",
        "membership_rejected",
        "membership_changed",
        "membership_ended",
        "membership_granted",
    ]
    assert all(r.resident_id is None and r.purpose == "administration" for r in rows)


def test_leaders_see_only_their_own_units_memberships(world):
    seen = set(access.memberships_visible(world.team_leader).values_list("user_id", flat=True))
    assert world.team_nurse.pk in seen
    assert world.other_team_nurse.pk not in seen
    assert world.housing_staff.pk not in seen
    assert not access.memberships_visible(world.team_nurse).exists()
