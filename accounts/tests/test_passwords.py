"""Passwords (RULES.md security checklist 5): a minimum length, common and all-digit passwords
refused, long passphrases allowed, no forced rotation."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort-kode1", "mindst 12 tegn"),
        ("password1234", "for almindelig"),
        ("123456789012345", "udelukkende numerisk"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=UserFactory())
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_long_passphrases_are_allowed():
    user = UserFactory()
    validate_password("hest batteri hæfteklamme korrekt " * 8, user=user)  # ~270 characters
    validate_password("en lang sætning som adgangskode", user=user)


def test_no_forced_rotation():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    assert not any(name.startswith("PASSWORD_EXPIR") for name in dir(settings))
