"""Every memorable demo user logs in with the README's password and authenticator secret,
through the real login pages, and sees their start page."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp

from btt.demo import DEMO_PASSWORD
from btt.demo.extras import demo_totp_key, demo_totp_secrets
from btt.demo.organisation import MEMORABLE_USERS
from consent.models import Consent
from tests import shared_data

README_START_PAGE_TEXT = {
    "sengeafsnit": "Har patienten et botilbudsteam?",
    "regionsadmin": "Som regional administrator",
    "botilbud": "Beboere på",
    "botilbud.leder": "Beboere på",
    "botilbud.syd": "Beboere på",
}


def seed_small() -> None:
    """The small demo region, seeded once for this module (tests/shared_data.py)."""
    with override_settings(DEBUG=True):  # the command refuses to run without DEBUG
        call_command("seed_demo", small=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


_seeded_module = shared_data.module_fixture("_seeded_module", seed_small)


@pytest.fixture
def seeded(_seeded_module, db):
    """What a test writes (a login, a used code) is rolled back after it."""
    return shared_data.fresh(_seeded_module, seed_small)


@pytest.mark.parametrize("username", sorted(MEMORABLE_USERS))
def test_demo_user_logs_in_and_sees_start_page(seeded, username):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    code = f"{totp(bytes.fromhex(demo_totp_key(username))):06d}"
    response = client.post(reverse("accounts:otp_verify"), {"token": code}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert README_START_PAGE_TEXT.get(username, "Mine beboere") in body


def test_readme_lists_every_demo_secret():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for username, secret in demo_totp_secrets().items():
        assert f"| `{username}` |" in readme and secret in readme, username


def test_demo_consents_in_every_state(seeded):
    kinds = set(Consent.objects.values_list("kind", flat=True))
    assert kinds == {"treatment", "sharing", "relatives", "refusal"} or kinds >= {
        "treatment",
        "sharing",
        "relatives",
    }
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
