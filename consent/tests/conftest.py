import pytest
from django.utils import timezone

from consent.models import Consent


@pytest.fixture(autouse=True)
def _start_without_consent(world):
    """These tests build their own consents: set the world's default one aside."""
    Consent.objects.filter(pk=world.consent_partial.pk).update(withdrawn_at=timezone.now())
