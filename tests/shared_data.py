"""Test data built once per module, inside a transaction that is rolled back when the module ends.

This is Django's ``setUpTestData`` for pytest modules. A module-scoped fixture opens a
transaction and builds the data (the persona world, a seeded demo region); each test's own
``db`` transaction then nests in it as a savepoint, so whatever a test writes is still undone
after it, and each test gets a deep copy of the built objects (as ``setUpTestData`` does), so
what a test changes in memory (``refresh_from_db``, a cached principal, a service that bumps
``version``) never reaches the next test.

Only one such data set is open at a time, and only for the tests that ask for it:

- ``order_items`` puts, within each module, the tests that use no shared data first, then the
  tests of each shared data set together (pytest-django has already put the database tests
  before the transactional ones);
- ``before_test`` rolls the open data set back before any test that does not ask for it (a test
  without it must see an empty database; a transactional test, ``live_server`` or a thread that
  opens its own connection must see committed rows only);
- a test that asks for shared data when it is not open (a transactional test, or a test placed
  after a test without it) gets the data built for it alone, inside its own transaction: slower,
  never wrong.

``module_fixture(name, build)`` makes the module-scoped fixture; the test-facing fixture asks
for it and returns ``fresh(key, build)``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction

Key = tuple[str, str]  # (module-scoped fixture name, module name)

_REGISTERED: set[str] = set()


def is_transactional(item: pytest.Item) -> bool:
    """As pytest-django decides: the test runs outside a wrapping transaction."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


def key_for(item: pytest.Item) -> Key | None:
    """The shared data set a test runs in, or None (none, or a transactional test)."""
    names = [n for n in getattr(item, "fixturenames", ()) if n in _REGISTERED]
    module = getattr(item, "module", None)
    if len(names) != 1 or is_transactional(item) or module is None:
        return None
    return names[0], module.__name__


class _Shared:
    """The one data set open now: its key, its outer transaction and the built value."""

    def __init__(self) -> None:
        self.key: Key | None = None
        self.wanted: Key | None = None
        self.atomic: Any = None
        self.value: Any = None
        self.blocker: Any = None

    def open(self, key: Key, build: Callable[[], Any], blocker: Any) -> None:
        self.close()
        with blocker.unblock():
            atomic = transaction.atomic()
            # as Django's TestCase: durable blocks may nest in it (private, not in django-stubs)
            atomic._from_testcase = True  # type: ignore[attr-defined]
            atomic.__enter__()
            try:
                value = build()
                # Check the deferred foreign keys now, in the outer transaction: checked inside
                # a test's savepoint (TestCase does, at teardown), they would be checked again
                # after every test, as the savepoint's rollback makes them pending again.
                connection.check_constraints()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self.key, self.atomic, self.value, self.blocker = key, atomic, value, blocker

    def close(self, key: Key | None = None) -> None:
        if self.atomic is None or (key is not None and key != self.key):
            return
        with self.blocker.unblock():
            if connection.atomic_blocks and connection.atomic_blocks[-1] is not self.atomic:
                # another module-level transaction was opened on top of ours (a module's own
                # fixture): leave both to their fixtures' teardown, in order
                return
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.key = self.atomic = self.value = self.blocker = None


SHARED = _Shared()


def register(name: str) -> None:
    """Declare a module-scoped fixture (by name) as one that builds shared data."""
    _REGISTERED.add(name)


def module_fixture(name: str, build: Callable[[], Any]) -> Any:
    """A module-scoped fixture, ``name``, that builds shared data with ``build`` once per module.

    It yields the data set's key for a test-facing fixture to pass to ``fresh``. Assign it to
    the same name in the test module or conftest::

        _seeded_module = shared_data.module_fixture("_seeded_module", seed_small)
    """
    register(name)

    def _module_data(
        request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
    ) -> Iterator[Key]:
        key: Key = (name, request.module.__name__)  # ``name`` is this fixture's name
        if SHARED.wanted == key:
            SHARED.open(key, build, django_db_blocker)
        yield key
        SHARED.close(key)

    _module_data.__doc__ = build.__doc__
    return pytest.fixture(scope="module", name=name)(_module_data)


def fresh(key: Key, build: Callable[[], Any]) -> Any:
    """A test's own copy of the shared data, or the data built for this test alone."""
    if SHARED.key == key:
        return copy.deepcopy(SHARED.value)
    return build()


def before_test(item: pytest.Item) -> None:
    """Called before a test's fixtures are set up: close what the test must not see."""
    wanted = key_for(item)
    if SHARED.key is not None and SHARED.key != wanted:
        SHARED.close()
    SHARED.wanted = wanted


def order_items(items: list[pytest.Item]) -> None:
    """Within each run of one module's tests: tests without shared data first, then by data set."""
    start = 0
    while start < len(items):
        module = getattr(items[start], "module", None)
        end = start
        while end < len(items) and getattr(items[end], "module", None) is module:
            end += 1
        items[start:end] = _grouped(items[start:end])
        start = end


def _grouped(run: Iterable[pytest.Item]) -> list[pytest.Item]:
    seen: dict[Key | None, int] = {None: 0}
    keyed = []
    for position, item in enumerate(run):
        key = key_for(item)
        rank = seen.setdefault(key, len(seen))
        keyed.append((rank, position, item))
    return [item for _rank, _position, item in sorted(keyed, key=lambda t: t[:2])]
