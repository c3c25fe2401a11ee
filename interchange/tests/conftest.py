from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from interchange import handlers
from interchange.services import system_add

from .sample import OTHER_TYPE, TEST_TYPE, handle_ok


class SwitchableHandler:
    """A handler whose behaviour a test sets: ``handler.do = handle_refuse``."""

    def __init__(self) -> None:
        self.do: Callable[[Any], str | None] = handle_ok
        self.calls: list[int] = []

    def __call__(self, message: Any) -> str | None:
        self.calls.append(message.pk)
        return self.do(message)


@pytest.fixture
def handler() -> Iterator[SwitchableHandler]:
    h = SwitchableHandler()
    handlers.register(TEST_TYPE, h)
    handlers.register(OTHER_TYPE, handle_ok)
    try:
        yield h
    finally:
        handlers.unregister(TEST_TYPE)
        handlers.unregister(OTHER_TYPE)


@pytest.fixture
def sender(db):
    """A sending system allowed TEST_TYPE (and an unregistered type), and its token."""
    system, token = system_add(name="Testsygehus", message_types=[TEST_TYPE, "uregistreret"])
    return system, token


@pytest.fixture
def api() -> Client:
    """A client without cookies or a session, as another system is."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def remove_interchange_jobs() -> Iterator[None]:
    """For transactional tests: procrastinate's tables are not Django's (the flush after such
    a test leaves them), so the jobs this test deferred are removed here."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs WHERE task_name = %s", ["interchange.process_message"]
        )
