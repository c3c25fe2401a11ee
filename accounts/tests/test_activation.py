"""The first authenticator is enrolled with a one-time activation code issued by the leader
of the user's team or facility (or, for an account that opens no resident data, an
administrator of the user's region), never with the password alone (RULES.md, "Who may write
what")."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Activation, User
from accounts.services import (
    ACTIVATION_MAX_FAILURES,
    activation_issue,
    totp_device_create,
)
from audit.models import AuditEvent
from organisation.models import Profession, Role
from tests import factories as f
from tests.clients import PasswordOnlyClient
from tests.factories import TEST_PASSWORD

from .otp import code_for

pytestmark = pytest.mark.django_db

SETUP = "accounts:otp_setup"
WRONG = "Aktiveringskoden er forkert."
USED = "Aktiveringskoden er allerede brugt."
EXPIRED = "Aktiveringskoden er udløbet."
REVOKED = "Aktiveringskoden gælder ikke længere."
TOO_MANY = "For mange forkerte forsøg: aktiveringskoden er spærret."


def signed_in_with_password(user) -> Client:
    client = PasswordOnlyClient()
    client.force_login(user)
    return client


def start(client, code, **extra):
    return client.post(reverse(SETUP), {"action": "start", "code": code, "next": "/", **extra})


def body(response) -> str:
    return response.content.decode()


def test_password_alone_cannot_enrol(world):
    client = signed_in_with_password(world.team_nurse)
    for data in ({"action": "start"}, {"action": "start", "code": ""}, {"token": "123456"}):
        client.post(reverse(SETUP), data)  # what was enough before: a device was made
        assert not TOTPDevice.objects.filter(user=world.team_nurse).exists(), data
        page = client.get(reverse(SETUP))
        assert page.status_code == 200 and 'id="totp-secret"' not in body(page)
        assert 'name="code"' in body(page)  # asks for the activation code
    response = start(client, "ABCD-EFGH-JKMN")  # well-formed, but nobody issued it
    assert WRONG in body(response)
    assert not TOTPDevice.objects.filter(user=world.team_nurse).exists()
    assert client.get(reverse("home")).status_code == 302


def test_unconfirmed_device_without_activation_is_not_offered(world):
    """A device left over from enrolment with the password alone (before activation codes)
    does not open the enrolment page."""
    totp_device_create(world.team_nurse)
    client = signed_in_with_password(world.team_nurse)
    page = client.get(reverse(SETUP))
    assert 'id="totp-secret"' not in body(page) and 'name="code"' in body(page)


def test_valid_code_enrols_once(world):
    w = world
    issued = activation_issue(user=w.team_leader, target=w.team_nurse)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", issued.code)
    activation = Activation.objects.get(user=w.team_nurse)
    assert issued.code.replace("-", "") not in activation.code_hash  # stored hashed
    assert activation.expires_at - activation.issued_at == datetime.timedelta(hours=72)

    client = signed_in_with_password(w.team_nurse)
    response = start(client, issued.code.lower().replace("-", " "))  # as typed
    assert response.status_code == 302
    page = client.get(reverse(SETUP))
    assert 'id="totp-secret"' in body(page)
    device = TOTPDevice.objects.get(user=w.team_nurse, confirmed=False)
    activation.refresh_from_db()
    assert activation.used_at is not None and activation.device == device

    # the code cannot start a second enrolment, in this session or another
    other = signed_in_with_password(w.team_nurse)
    response = start(other, issued.code)
    assert response.status_code == 200 and USED in body(response)
    assert 'id="totp-secret"' not in body(other.get(reverse(SETUP)))  # the secret stays put
    assert TOTPDevice.objects.filter(user=w.team_nurse).count() == 1

    response = client.post(reverse(SETUP), {"token": code_for(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_expired_code_is_refused(world):
    issued = activation_issue(user=world.team_leader, target=world.team_nurse)
    Activation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = start(signed_in_with_password(world.team_nurse), issued.code)
    assert response.status_code == 200 and EXPIRED in body(response)
    assert not TOTPDevice.objects.filter(user=world.team_nurse).exists()


def test_another_users_code_is_refused(world):
    for_doctor = activation_issue(user=world.team_leader, target=world.team_doctor)
    response = start(signed_in_with_password(world.team_nurse), for_doctor.code)
    assert response.status_code == 200 and WRONG in body(response)
    assert not TOTPDevice.objects.filter(user=world.team_nurse).exists()
    assert start(signed_in_with_password(world.team_doctor), for_doctor.code).status_code == 302


def test_a_newer_code_replaces_the_older(world):
    first = activation_issue(user=world.team_leader, target=world.team_nurse)
    second = activation_issue(user=world.team_leader, target=world.team_nurse)
    client = signed_in_with_password(world.team_nurse)
    response = start(client, first.code)
    assert REVOKED in body(response)
    assert start(client, second.code).status_code == 302


def test_too_many_wrong_codes_revoke_the_code(world):
    issued = activation_issue(user=world.team_leader, target=world.team_nurse)
    client = signed_in_with_password(world.team_nurse)
    for _attempt in range(ACTIVATION_MAX_FAILURES - 1):
        assert WRONG in body(start(client, "ABCD-EFGH-JKMN"))
    assert TOO_MANY in body(start(client, "ABCD-EFGH-JKMN"))
    response = start(client, issued.code)
    assert REVOKED in body(response)
    assert not TOTPDevice.objects.filter(user=world.team_nurse).exists()


def test_malformed_code_gets_a_danish_message_and_is_kept(world):
    response = start(signed_in_with_password(world.team_nurse), "abc<b>")
    assert "Aktiveringskoden skal være tolv bogstaver og tal" in body(response)
    assert 'value="abc&lt;b&gt;"' in body(response)


def test_issue_and_use_are_audited(world):
    issued = activation_issue(user=world.team_leader, target=world.team_nurse)
    row = AuditEvent.objects.get(detail__event="activation_issued")
    assert row.user == world.team_leader and row.object_type == "activation"
    assert row.detail["for_user_id"] == world.team_nurse.pk
    assert row.resident_id is None
    start(signed_in_with_password(world.team_nurse), issued.code)
    used = AuditEvent.objects.get(detail__event="activation_used")
    assert used.user == world.team_nurse and used.object_id == row.object_id
    assert issued.code not in str(list(AuditEvent.objects.values()))


def test_who_may_issue(world):
    w = world
    other_region = f.RegionFactory(name="Region Anden")
    other_admin = f.MembershipFactory(
        role=Role.REGION_ADMIN, profession=Profession.OTHER, region=other_region
    ).user
    # leaders of the team or the facility, and the region's administrator: allowed
    activation_issue(user=w.team_leader, target=w.team_mentor)
    activation_issue(user=w.housing_leader, target=w.housing_staff)
    activation_issue(user=w.region_admin, target=w.ward_staff)
    # the administrator of another region does not even see the user
    with pytest.raises(Http404):
        activation_issue(user=other_admin, target=w.team_nurse)
    # staff who lead nothing, the leader of another unit, oneself: refused
    for user, target in [
        (w.team_nurse, w.team_doctor),
        (w.team_leader, w.other_team_nurse),
        (w.team_leader, w.housing_staff),
        (w.housing_leader, w.team_nurse),
        (w.team_leader, w.team_leader),
    ]:
        with pytest.raises((Http404, PermissionDenied)):
            activation_issue(user=user, target=target)
    assert not Activation.objects.filter(user=w.team_nurse).exists()
    assert not Activation.objects.filter(user=w.team_doctor).exists()


def test_no_code_for_a_user_who_has_an_authenticator(world):
    totp_device_create(world.team_nurse, confirmed=True)
    with pytest.raises(ValidationError):
        activation_issue(user=world.team_leader, target=world.team_nurse)
    assert not Activation.objects.exists()


def test_leader_page_issues_a_code_shown_once(world, client):
    w = world
    client.force_login(w.team_leader)
    page = client.get(reverse("accounts:activations"))
    assert page.status_code == 200
    text = body(page)
    assert w.team_nurse.username in text and w.team_mentor.username in text
    assert w.other_team_nurse.username not in text and w.housing_staff.username not in text
    response = client.post(reverse("accounts:activations"), {"user": w.team_nurse.pk})
    assert response.status_code == 302
    page = client.get(response["Location"])
    code = re.search(r'id="activation-code">([A-Z2-9-]+)<', body(page)).group(1)
    assert "no-store" in page["Cache-Control"]
    assert "activation-code" not in body(client.get(reverse("accounts:activations")))  # once
    assert code not in str(dict(client.session))
    assert start(signed_in_with_password(w.team_nurse), code).status_code == 302


def test_leader_page_refuses_other_teams_members_with_a_valid_post(world, client):
    w = world
    client.force_login(w.team_leader)
    response = client.post(reverse("accounts:activations"), {"user": w.other_team_nurse.pk})
    assert response.status_code == 404
    assert not Activation.objects.filter(user=w.other_team_nurse).exists()
    client.force_login(w.team_nurse)  # not a leader: the page does not exist for them
    assert client.get(reverse("accounts:activations")).status_code == 404
    response = client.post(reverse("accounts:activations"), {"user": w.team_mentor.pk})
    assert response.status_code == 404
    assert not Activation.objects.exists()


def test_leader_page_says_why_when_the_member_has_an_authenticator(world, client):
    totp_device_create(world.team_nurse, confirmed=True)
    client.force_login(world.team_leader)
    response = client.post(
        reverse("accounts:activations"), {"user": world.team_nurse.pk}, follow=True
    )
    assert "Brugeren har allerede en autentificeringsapp." in body(response)
    assert not Activation.objects.exists()


def test_operator_command_issues_a_code(world):
    out = StringIO()
    call_command("issue_activation", world.region_admin.username, stdout=out)
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", out.getvalue()).group(0)
    assert start(signed_in_with_password(world.region_admin), code).status_code == 302


def test_region_admin_cannot_issue_a_code_for_resident_data_accounts(world):
    """Issue 11: whoever sets a team member's password never also issues their code; the
    leader of the user's team or facility issues it."""
    w = world
    for target in [w.team_leader, w.team_doctor, w.housing_staff, w.housing_leader]:
        with pytest.raises(PermissionDenied):
            activation_issue(user=w.region_admin, target=target)
    assert not Activation.objects.exists()
    assert activation_issue(user=w.team_leader, target=w.team_doctor).activation.issued_by == (
        w.team_leader
    )
    activation_issue(user=w.housing_leader, target=w.housing_staff)


def test_leader_page_issues_a_code_for_the_leaders_member(world, client):
    client.force_login(world.housing_leader)
    response = client.post(reverse("accounts:activations"), {"user": world.housing_staff.pk})
    assert response.status_code == 302
    assert Activation.objects.get(user=world.housing_staff).issued_by == world.housing_leader


def test_administrator_who_also_leads_a_team_does_not_issue_for_its_members(world, client):
    """One person holding both roles could set the password and issue the code: refused on
    the leader page; the same valid post issues a code for a member who is only proposed."""
    from organisation.services import membership_propose

    w = world
    f.MembershipFactory(
        user=w.region_admin, role=Role.TEAM_LEADER, profession=Profession.LEADER, team=w.team_b
    )
    newcomer = f.UserFactory(region=w.region)
    membership_propose(
        user=User.objects.get(pk=w.region_admin.pk),  # fresh principal: now a leader too
        for_user=newcomer,
        role=Role.TEAM_STAFF,
        profession=Profession.NURSE,
        team=w.team_b,
    )
    client.force_login(w.region_admin)
    response = client.post(reverse("accounts:activations"), {"user": w.other_team_nurse.pk})
    assert response.status_code == 403
    assert not Activation.objects.filter(user=w.other_team_nurse).exists()
    response = client.post(reverse("accounts:activations"), {"user": newcomer.pk})
    assert response.status_code == 302
    assert Activation.objects.get(user=newcomer).issued_by == w.region_admin


def test_leader_cannot_set_a_members_password(world, client):
    """The other half of the split: a leader issues codes but never sets passwords (the
    only place to set one is the admin, which a leader cannot use)."""
    client.force_login(world.team_leader)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[world.team_nurse.pk]),
        {
            "usable_password": "true",
            "password1": "Ny-kode-2026-lang",
            "password2": "Ny-kode-2026-lang",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    world.team_nurse.refresh_from_db()
    assert world.team_nurse.check_password(TEST_PASSWORD)
