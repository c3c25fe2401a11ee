"""A real procrastinate worker with the test handlers registered (tests only):
``python -m interchange.tests.worker_main worker [options]`` is ``manage.py procrastinate
worker [options]`` in a process that also handles the test message types."""

from __future__ import annotations

import sys

import django

django.setup()

from django.core.management import execute_from_command_line  # noqa: E402

from interchange import handlers  # noqa: E402
from interchange.tests.sample import WORKER_FAIL, WORKER_OK, handle_fail, handle_ok  # noqa: E402


def register() -> None:
    handlers.register(WORKER_OK, handle_ok)
    handlers.register(WORKER_FAIL, handle_fail)


if __name__ == "__main__":
    register()
    execute_from_command_line(["manage.py", "procrastinate", *sys.argv[1:]])
