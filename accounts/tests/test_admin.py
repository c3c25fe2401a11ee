"""Region admins reset a user's authenticator (lost or new phone) in Django admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import totp_device_create

pytestmark = pytest.mark.django_db


def test_region_admin_resets_the_authenticator(world, client):
    w = world
    group = Group.objects.create(name="Regional administrator")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="accounts", codename="change_user")
    )
    w.region_admin.groups.add(group)
    totp_device_create(w.team_nurse, confirmed=True)
    client.force_login(w.region_admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator", "_selected_action": [w.team_nurse.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=w.team_nurse).exists()
    assert TOTPDevice.objects.filter(user=w.region_admin).exists()  # their own, from login


def test_the_reset_user_enrols_again_on_the_next_request(world, client):
    from accounts.services import totp_devices_reset

    client.force_login(world.team_nurse)
    assert client.get(reverse("home")).status_code == 200
    totp_devices_reset(user=world.team_nurse, by=world.region_admin)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
