import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests


@pytest.fixture
def client():
    """pytest-django's ``client``, signing in with both factors (tests/clients.py)."""
    from tests.clients import SignInClient

    return SignInClient()


@pytest.fixture
def client_password_only(db):
    """A client whose ``force_login`` stops after the password (no second factor yet)."""
    from tests.clients import PasswordOnlyClient

    return PasswordOnlyClient()


@pytest.fixture
def world(db):
    from tests.personas import build_world

    return build_world()


@pytest.fixture
def login(client):
    """Log a persona in with the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
