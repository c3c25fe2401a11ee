"""An authenticator enrolled with an administrator's activation code stops counting once the
account opens resident data (issue 11, RULES.md "Who may write what"): otherwise an
administrator could create a user, propose a membership, set the password, issue the code,
enrol the phone themselves and wait for the leader to confirm the proposal. The leader's new
code enrols a device that replaces the old one."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Activation, Issuer, User
from accounts.services import activation_issue, activation_issue_by_operator
from organisation.models import Membership, MembershipStatus, Profession, Role
from tests.clients import SignInClient

from .otp import code_for

pytestmark = pytest.mark.django_db

ACCESS_CHANGED = "Din adgang er ændret. Bed din leder om en ny aktiveringskode."
PASSWORD = "Helt-ny-adgangskode-2026"
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


@pytest.fixture
def admin_client(world, client):
    group = Group.objects.create(name="Regional administrator")
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=["organisation", "accounts"]),
            codename__regex=r"^(view|change|add|delete)_",
        )
    )
    world.region_admin.groups.add(group)
    client.force_login(world.region_admin)
    return client


def _signed_in(user) -> SignInClient:
    client = SignInClient()
    client.force_login(user)
    return client


def _resident_page(w):
    return reverse("residents:detail", args=[w.resident_in_course.pk])


def _sign_in(client, username) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _enrol(client, code) -> TOTPDevice:
    response = client.post(
        reverse("accounts:otp_setup"), {"action": "start", "code": code, "next": "/"}
    )
    assert response.status_code == 302, response.content.decode()
    device = TOTPDevice.objects.filter(confirmed=False, activation__isnull=False).latest("pk")
    response = client.post(reverse("accounts:otp_setup"), {"token": code_for(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    return device


def _admin_prepares_account(w, admin_client) -> tuple[User, str]:
    """Valid posts of a region administrator: create the user with a password, propose a
    nurse membership in team A, issue the activation code (allowed: it opens no data yet)."""
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "ny.sygeplejerske",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "region": w.region.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="ny.sygeplejerske")
    data = {
        "user": user.pk,
        "role": Role.TEAM_STAFF,
        "profession": Profession.NURSE,
        "team": w.team_a.pk,
        "facility": "",
        "ward": "",
        "region": "",
        "_save": "Gem",
    }
    assert admin_client.post(reverse("admin:organisation_membership_add"), data).status_code == 302
    assert Membership.objects.get(user=user).status == MembershipStatus.PENDING
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_activation", "_selected_action": [user.pk]},
    )
    match = CODE.search(response.content.decode())
    assert match is not None
    code = match.group(0)
    assert Activation.objects.get(user=user).issued_as == Issuer.ADMINISTRATOR
    return user, code


def test_administrator_enrolled_device_stops_counting_when_the_leader_confirms(world, admin_client):
    w = world
    user, code = _admin_prepares_account(w, admin_client)

    # whoever holds the password and the code enrols the phone: no resident data yet
    as_user = Client()
    _sign_in(as_user, user.username)
    old_device = _enrol(as_user, code)
    assert as_user.get(reverse("home")).status_code == 200
    assert as_user.get(_resident_page(w)).status_code == 404

    # the leader confirms the proposal
    leader = _signed_in(w.team_leader)
    m = Membership.objects.get(user=user)
    decide = reverse("organisation:membership_decide", args=[m.pk])
    assert leader.post(decide, {"decision": "confirm"}).status_code == 302

    # the session verified with the old device goes back to the second factor
    response = as_user.get(_resident_page(w))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    response = as_user.get(_resident_page(w), follow=True)
    assert ACCESS_CHANGED in response.content.decode()

    # a new sign-in with the old device is refused with the message, nothing opens
    again = Client()
    _sign_in(again, user.username)
    response = again.post(
        reverse("accounts:otp_verify"),
        {"token": code_for(old_device, steps_ahead=1), "next": "/"},
        follow=True,
    )
    assert ACCESS_CHANGED in response.content.decode()
    for client in (as_user, again):
        assert client.get(_resident_page(w)).status_code == 302
        assert client.get(reverse("home")).status_code == 302

    # the leader's page offers a new code; the leader issues it
    page = leader.get(reverse("accounts:activations")).content.decode()
    assert "Adgangen er ændret: skal have en ny aktiveringskode" in page
    response = leader.post(reverse("accounts:activations"), {"user": user.pk})
    assert response.status_code == 302
    new_code = CODE.search(leader.get(reverse("accounts:activations")).content.decode()).group(0)
    assert Activation.objects.filter(user=user).latest("pk").issued_as == Issuer.LEADER

    # the user enrols again and gets in; the old device is gone
    new_device = _enrol(again, new_code)
    assert again.get(_resident_page(w)).status_code == 200
    assert list(TOTPDevice.objects.filter(user=user)) == [new_device]
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()


def test_administrators_unused_code_is_refused_once_the_account_opens_resident_data(
    world, admin_client
):
    w = world
    user, code = _admin_prepares_account(w, admin_client)
    m = Membership.objects.get(user=user)
    leader = _signed_in(w.team_leader)
    decide = reverse("organisation:membership_decide", args=[m.pk])
    assert leader.post(decide, {"decision": "confirm"}).status_code == 302

    as_user = Client()
    _sign_in(as_user, user.username)
    response = as_user.post(
        reverse("accounts:otp_setup"), {"action": "start", "code": code, "next": "/"}
    )
    assert response.status_code == 200 and ACCESS_CHANGED in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert Activation.objects.get(user=user).revoked_at is not None


def test_trusted_issuers_are_recorded(world):
    w = world
    assert activation_issue(user=w.team_leader, target=w.team_nurse).activation.issued_as == (
        Issuer.LEADER
    )
    assert activation_issue(user=w.region_admin, target=w.ward_staff).activation.issued_as == (
        Issuer.ADMINISTRATOR
    )
    operator = activation_issue_by_operator(target=w.housing_staff).activation
    assert operator.issued_as == Issuer.OPERATOR


def test_device_without_activation_counts_as_provisioned_by_the_operator(world, login):
    """The demo personas' devices (published secrets) are written without an activation."""
    client = login(world.team_nurse)
    assert client.get(_resident_page(world)).status_code == 200
