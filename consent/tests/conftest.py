import pytest
from django.utils import timezone

from consent.models import Consent


@pytest.fixture(autouse=True)
def _start_without_consent(request):
    """These tests build their own consents: set the world's default one aside (tests that
    do not use the world, such as the property tests, do not build it)."""
    if "world" not in request.fixturenames:
        return
    world = request.getfixturevalue("world")
    Consent.objects.filter(pk=world.consent_partial.pk).update(withdrawn_at=timezone.now())
