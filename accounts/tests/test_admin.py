"""Staff accounts in Django admin: a region administrator acts only within their own region
(issue 11, hole 2). Every refusal is checked with a post that the same administrator can
make successfully for a user of their own region."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Activation, User
from accounts.services import totp_device_create
from audit.models import AuditEvent
from organisation.models import Profession, Role
from tests import factories as f
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Helt-ny-adgangskode-2026"


def _member(role, profession, **scope):
    return f.MembershipFactory(role=role, profession=profession, **scope).user


@pytest.fixture
def admin_group(db):
    """The region administrators' group: add, change, view and delete users and the
    organisation, and (to prove it is not enough) django-otp's device permissions."""
    group = Group.objects.create(name="Regional administrator")
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=["organisation", "accounts"])
            | Q(content_type__app_label="otp_totp"),
            codename__regex=r"^(view|change|add|delete)_",
        )
    )
    return group


@pytest.fixture
def other(world, admin_group):
    """A second region with its own team, nurse and administrator."""
    region = f.RegionFactory(name="Region Anden")
    team = f.TeamFactory(region=region, name="Botilbudsteam Fjern")
    nurse = _member(Role.TEAM_STAFF, Profession.NURSE, team=team)
    admin = _member(Role.REGION_ADMIN, Profession.OTHER, region=region)
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    admin.groups.add(admin_group)
    world.region_admin.groups.add(admin_group)
    return SimpleNamespace(region=region, team=team, nurse=nurse, admin=admin)


def _password_form():
    return {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def _password_url(user):
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert url == f"/admin/accounts/user/{user.pk}/password/"
    return url


def test_region_admin_lists_only_users_of_their_region(world, other, client):
    client.force_login(world.region_admin)
    body = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert world.team_nurse.username in body
    assert world.housing_staff.username in body
    assert other.nurse.username not in body
    assert other.admin.username not in body
    # the membership admin's user autocomplete uses the same list
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "organisation",
            "model_name": "membership",
            "field_name": "user",
            "term": other.nurse.username,
        },
    )
    assert other.nurse.username not in response.content.decode()


def test_region_admin_cannot_reset_the_password_of_a_user_in_another_region(world, other, client):
    client.force_login(world.region_admin)
    response = client.post(_password_url(other.nurse), _password_form())
    assert response.status_code == 404
    other.nurse.refresh_from_db()
    assert other.nurse.check_password(TEST_PASSWORD)
    assert not other.nurse.check_password(NEW_PASSWORD)

    # the same post for a nurse of their own region is valid and saved
    response = client.post(_password_url(world.team_nurse), _password_form())
    assert response.status_code == 302
    world.team_nurse.refresh_from_db()
    assert world.team_nurse.check_password(NEW_PASSWORD)


def test_region_admin_cannot_reset_the_authenticator_of_a_user_in_another_region(
    world, other, client
):
    theirs = totp_device_create(other.nurse, confirmed=True)
    ours = totp_device_create(world.team_nurse, confirmed=True)
    client.force_login(world.region_admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [other.nurse.pk]},
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [world.team_nurse.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=ours.pk).exists()
    assert TOTPDevice.objects.filter(user=world.region_admin).exists()  # their own, from login
    row = AuditEvent.objects.get(detail__event="authenticator_reset")
    assert (row.user_id, row.object_id) == (world.region_admin.pk, str(world.team_nurse.pk))


def test_authenticator_reset_service_refuses_another_region(world, other):
    from django.http import Http404

    from accounts.services import totp_devices_reset

    device = totp_device_create(other.nurse, confirmed=True)
    with pytest.raises(Http404):
        totp_devices_reset(user=world.region_admin, target=other.nurse)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_region_admin_cannot_change_or_deactivate_a_user_in_another_region(world, other, client):
    client.force_login(world.region_admin)
    data = {
        "username": other.nurse.username,
        "first_name": "Overtaget",
        "last_name": "Bruger",
        "email": "x@example.invalid",
        "is_active": "",
    }
    url = reverse("admin:accounts_user_change", args=[other.nurse.pk])
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")  # Django admin: "does not exist"
    other.nurse.refresh_from_db()
    assert other.nurse.is_active and other.nurse.first_name != "Overtaget"

    own = {**data, "username": world.team_nurse.username}
    url = reverse("admin:accounts_user_change", args=[world.team_nurse.pk])
    assert client.post(url, own).status_code == 302
    world.team_nurse.refresh_from_db()
    assert world.team_nurse.first_name == "Overtaget" and not world.team_nurse.is_active


def test_region_admin_cannot_delete_a_user_in_another_region(world, other, client):
    client.force_login(world.region_admin)
    url = reverse("admin:accounts_user_delete", args=[other.nurse.pk])
    client.post(url, {"post": "yes"})
    assert User.objects.filter(pk=other.nurse.pk).exists()
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [other.nurse.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=other.nurse.pk).exists()

    spare = f.UserFactory(region=world.region)  # created in their region, no memberships yet
    url = reverse("admin:accounts_user_delete", args=[spare.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=spare.pk).exists()


def test_user_shared_with_another_region_is_read_only(world, other, client):
    """A user with memberships in two regions: each administrator sees them, neither may
    take over the account (only a superuser may)."""
    f.MembershipFactory(
        user=world.team_nurse, role=Role.TEAM_STAFF, profession=Profession.NURSE, team=other.team
    )
    client.force_login(world.region_admin)
    change = reverse("admin:accounts_user_change", args=[world.team_nurse.pk])
    assert world.team_nurse.username in client.get(change).content.decode()
    assert client.post(_password_url(world.team_nurse), _password_form()).status_code == 403
    world.team_nurse.refresh_from_db()
    assert world.team_nurse.check_password(TEST_PASSWORD)
    device = totp_device_create(world.team_nurse, confirmed=True)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [world.team_nurse.pk]},
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_region_admin_cannot_grant_admin_rights(world, other, client):
    client.force_login(world.region_admin)
    url = reverse("admin:accounts_user_change", args=[world.team_nurse.pk])
    body = client.get(url).content.decode()
    assert 'name="is_superuser"' not in body
    assert 'name="is_staff"' not in body
    assert 'name="groups"' not in body
    data = {
        "username": world.team_nurse.username,
        "first_name": "Ny",
        "last_name": "Navn",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get().pk],
    }
    assert client.post(url, data).status_code == 302
    world.team_nurse.refresh_from_db()
    assert world.team_nurse.first_name == "Ny"  # the valid part is saved ...
    assert not world.team_nurse.is_staff and not world.team_nurse.is_superuser  # ... not this
    assert not world.team_nurse.groups.exists()


def test_region_admin_cannot_change_their_own_account_or_other_admins(world, other, client):
    colleague = _member(Role.REGION_ADMIN, Profession.OTHER, region=world.region)
    colleague.is_staff = True
    colleague.save(update_fields=["is_staff"])
    client.force_login(world.region_admin)
    for account in (world.region_admin, colleague):
        response = client.post(_password_url(account), _password_form())
        assert response.status_code == 404
        url = reverse("admin:accounts_user_change", args=[account.pk])
        client.post(url, {"username": account.username, "is_active": "on", "is_superuser": "on"})
        account.refresh_from_db()
        assert not account.is_superuser


def test_new_user_belongs_to_the_admins_region_and_stays_visible(world, other, client):
    client.force_login(world.region_admin)
    data = {
        "username": "ny.medarbejder",
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "region": other.region.pk,
    }
    response = client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200  # another region is not a choice
    assert not User.objects.filter(username="ny.medarbejder").exists()

    response = client.post(reverse("admin:accounts_user_add"), {**data, "region": ""})
    assert response.status_code == 200  # the region is required
    assert not User.objects.filter(username="ny.medarbejder").exists()

    response = client.post(reverse("admin:accounts_user_add"), {**data, "region": world.region.pk})
    assert response.status_code == 302
    user = User.objects.get(username="ny.medarbejder")
    assert user.region == world.region
    change = reverse("admin:accounts_user_change", args=[user.pk])
    assert client.get(change).status_code == 200  # no membership yet, still theirs
    client.force_login(other.admin)
    assert client.get(change).status_code == 302  # not the other region's


def test_device_admin_is_for_superusers_only(world, other, client):
    device = totp_device_create(world.team_nurse, confirmed=True)
    client.force_login(world.region_admin)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    response = client.post(
        "/admin/otp_totp/totpdevice/add/",
        {"user": world.team_nurse.pk, "name": "x", "key": "31" * 20, "step": 30, "t0": 0},
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=world.team_nurse).count() == 1


def test_region_admin_issues_activation_codes_for_their_region_only(world, other, client):
    client.force_login(world.region_admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_activation", "_selected_action": [other.nurse.pk, world.ward_staff.pk]},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert world.ward_staff.username in body and other.nurse.username not in body
    assert not Activation.objects.filter(user=other.nurse).exists()
    activation = Activation.objects.get(user=world.ward_staff)
    assert activation.issued_by == world.region_admin
    assert activation.code_hash not in body  # the code is shown, the hash is what is stored


LEADER_ISSUES = "Aktiveringskoden udstedes af brugerens leder."


def _issue_action(client, *users):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_activation", "_selected_action": [u.pk for u in users]},
    )


def test_region_admin_cannot_issue_activation_codes_for_resident_data_accounts(
    world, other, client
):
    """Issue 11: password, authenticator reset and activation code together would let the
    administrator sign in as a team leader, doctor or housing staff and see resident data.
    The same valid post issues a code for the ward's staff (no resident data)."""
    w = world
    client.force_login(w.region_admin)
    targets = [w.team_leader, w.team_doctor, w.housing_staff, w.housing_leader]
    response = _issue_action(client, *targets, w.ward_staff)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count(LEADER_ISSUES) == len(targets)
    assert not Activation.objects.filter(user__in=targets).exists()
    assert Activation.objects.get(user=w.ward_staff).issued_by == w.region_admin


def test_region_admin_resets_a_leaders_password_and_authenticator_but_cannot_enrol_them(
    world, other, client
):
    """The whole takeover with valid posts: the resets still work (a locked-out or
    compromised user), the activation code is refused, so the administrator cannot sign in
    as the team leader."""
    w = world
    device = totp_device_create(w.team_leader, confirmed=True)
    client.force_login(w.region_admin)
    assert client.post(_password_url(w.team_leader), _password_form()).status_code == 302
    w.team_leader.refresh_from_db()
    assert w.team_leader.check_password(NEW_PASSWORD)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [w.team_leader.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    response = _issue_action(client, w.team_leader)
    assert LEADER_ISSUES in response.content.decode()
    assert not Activation.objects.filter(user=w.team_leader).exists()


def test_region_admin_issues_a_code_for_a_user_whose_membership_is_only_proposed(
    world, other, client
):
    from organisation.services import membership_propose

    w = world
    newcomer = f.UserFactory(region=w.region)
    membership_propose(
        user=w.region_admin,
        for_user=newcomer,
        role=Role.TEAM_STAFF,
        profession=Profession.NURSE,
        team=w.team_a,
    )
    client.force_login(w.region_admin)
    response = _issue_action(client, newcomer)
    assert response.status_code == 200
    assert LEADER_ISSUES not in response.content.decode()
    assert Activation.objects.get(user=newcomer).issued_by == w.region_admin


def test_region_admin_cannot_issue_a_code_for_themselves_or_another_administrator(
    world, other, client
):
    """Also an administrator by membership only (no staff flag): the valid post issues a code
    for the ward's staff only."""
    w = world
    colleague = _member(Role.REGION_ADMIN, Profession.OTHER, region=w.region)
    client.force_login(w.region_admin)
    response = _issue_action(client, w.region_admin, colleague, w.ward_staff)
    assert response.status_code == 200
    assert Activation.objects.get(user=w.ward_staff).issued_by == w.region_admin
    assert not Activation.objects.filter(user__in=[w.region_admin, colleague]).exists()


def test_the_reset_user_enrols_again_on_the_next_request(world, client):
    from accounts.services import totp_devices_reset

    client.force_login(world.team_nurse)
    assert client.get(reverse("home")).status_code == 200
    totp_devices_reset(user=world.region_admin, target=world.team_nurse)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
