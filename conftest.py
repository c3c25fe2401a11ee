import os

import pytest

from tests import shared_data

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """After pytest-django's order: a module's tests that share built data run together.

    The demo generator's full-size tests (``demo_full``) run only when ``-m`` names them
    (CI runs ``pytest -m demo_full`` as a step of its own).
    """
    if "demo_full" not in (config.option.markexpr or ""):
        full = [item for item in items if item.get_closest_marker("demo_full")]
        if full:
            config.hook.pytest_deselected(items=full)
            items[:] = [item for item in items if not item.get_closest_marker("demo_full")]
    shared_data.order_items(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a test's fixtures: roll back shared data the test must not see."""
    shared_data.before_test(item)


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


def _build_world():
    """The persona world, built once per module in a transaction rolled back at its end."""
    from tests.personas import build_world

    return build_world()


_world_module = shared_data.module_fixture("_world_module", _build_world)


@pytest.fixture
def world(_world_module, db):
    """The persona world (tests/personas.py): this test's own copy of the module's world.

    Built once per module (tests/shared_data.py); what a test writes is rolled back after it
    and what it changes in memory stays in its copy. A transactional test builds its own.
    """
    return shared_data.fresh(_world_module, _build_world)


@pytest.fixture
def login(client):
    """Log a persona in with the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
