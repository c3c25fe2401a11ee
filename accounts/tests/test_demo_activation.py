"""Generated demo users (all but the README users) enrol their first authenticator with the
published demo activation code (docs/demo-users.md); seed_demo writes it only with DEBUG=1."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Activation, User
from btt.demo import DEMO_PASSWORD
from btt.demo.extras import DEMO_ACTIVATION_CODE, write_demo_activations
from btt.demo.organisation import MEMORABLE_USERS

from .otp import code_for


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", small=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_generated_demo_user_enrols_with_the_demo_code(seeded):
    assert not Activation.objects.filter(user__username__in=MEMORABLE_USERS).exists()
    user = User.objects.exclude(username__in=MEMORABLE_USERS).order_by("pk").first()
    assert Activation.objects.filter(user=user).count() == 1
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:otp_setup"), {"action": "start", "code": DEMO_ACTIVATION_CODE}
    )
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:otp_setup"), {"token": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_no_demo_codes_without_debug(settings):
    from tests.factories import UserFactory

    UserFactory()
    settings.DEBUG = False
    assert write_demo_activations() == 0
    assert not Activation.objects.exists()
