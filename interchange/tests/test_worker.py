"""End to end with a real procrastinate worker process: a message posted to the endpoint is
processed by the worker; a failing one is retried with backoff and ends ``failed``."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from interchange import handlers
from interchange.models import IncomingMessage, Status
from interchange.services import system_add
from tests.production import database_url, production_env

from .sample import SECRET_NAME, SECRET_NOTE, WORKER_FAIL, WORKER_OK, bundle, encode, handle_ok

BASE_DIR = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0


@pytest.fixture
def worker_types():
    # the web side accepts only registered types; the worker has its own handlers
    handlers.register(WORKER_OK, handle_ok)
    handlers.register(WORKER_FAIL, handle_ok)
    yield
    handlers.unregister(WORKER_OK)
    handlers.unregister(WORKER_FAIL)


def wait_until(condition, deadline_s=DEADLINE_S, what=""):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)  # polling a condition with a deadline, not waiting blindly
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_processes_messages_and_fails_one_after_its_retries(
    worker_types, remove_interchange_jobs
):
    _, token = system_add(name="Arbejdertest", message_types=[WORKER_OK, WORKER_FAIL])
    api = Client()
    ids = {}
    for message_type in (WORKER_OK, WORKER_FAIL):
        response = api.post(
            reverse("interchange:receive", args=[message_type]),
            data=encode(bundle()),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 202
        ids[message_type] = response.json()["id"]
    mine = ProcrastinateJob.objects.filter(
        task_name="interchange.process_message", args__message_id__in=list(ids.values())
    )
    assert mine.count() == 2

    env = production_env(
        database=database_url(),
        extra={
            "JOBS_RETRY_MAX_ATTEMPTS": "2",
            "JOBS_RETRY_BASE_SECONDS": "1",
            "JOBS_POLL_SECONDS": "1",
        },
    )
    log = tempfile.NamedTemporaryFile(prefix="btt-interchange-worker-", suffix=".log")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "interchange.tests.worker_main", "worker"],
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def finished():
        assert process.poll() is None, Path(log.name).read_text()[-3000:]
        return not IncomingMessage.objects.filter(
            pk__in=ids.values(), status__in=[Status.RECEIVED, Status.PROCESSING]
        ).exists()

    try:
        wait_until(finished, what="both messages to finish")
        wait_until(
            lambda: (
                ProcrastinateJob.objects.filter(
                    task_name="interchange.process_message", status__in=["todo", "doing"]
                ).count()
                == 0
            ),
            what="the jobs to end",
        )
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    output = Path(log.name).read_text()
    log.close()

    ok = IncomingMessage.objects.get(pk=ids[WORKER_OK])
    assert (ok.status, ok.result_code, ok.attempts) == (Status.PROCESSED, "applied", 1)
    failed = IncomingMessage.objects.get(pk=ids[WORKER_FAIL])
    assert (failed.status, failed.last_error_code, failed.attempts) == (
        Status.FAILED,
        "RuntimeError",
        2,
    )
    jobs = {job.args["message_id"]: job for job in mine}
    assert jobs[ok.pk].status == "succeeded"
    assert jobs[failed.pk].status == "failed"
    assert jobs[failed.pk].attempts == 2
    assert "interchange" in output  # the worker logged the jobs...
    for secret in (token, SECRET_NAME, SECRET_NOTE):  # ...but never the content or token
        assert secret not in output
