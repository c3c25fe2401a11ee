"""Test messages and handlers for the inbox tests (synthetic: no real person)."""

from __future__ import annotations

import json
import uuid

from interchange.handlers import Refused

TEST_TYPE = "testbesked"
OTHER_TYPE = "andenbesked"  # registered, but the test system may not send it
# handled in the worker subprocess (worker_main.py): applied, and always failing
WORKER_OK = "worker-ok"
WORKER_FAIL = "worker-fail"
# content that must never reach a log line
SECRET_NAME = "Hemmelighedsfuld-Testesen"
SECRET_NOTE = "fortrolig-note-7f3a"


def bundle(message_id: str | None = None, *, note: str = SECRET_NOTE) -> dict:
    """A FHIR-like message Bundle: MessageHeader first, then a Patient."""
    message_id = message_id or str(uuid.uuid4())
    return {
        "resourceType": "Bundle",
        "id": message_id,
        "type": "message",
        "entry": [
            {"resource": {"resourceType": "MessageHeader", "id": str(uuid.uuid4())}},
            {
                "resource": {
                    "resourceType": "Patient",
                    "name": [{"family": SECRET_NAME}],
                    "note": note,
                }
            },
        ],
    }


def encode(body: dict) -> bytes:
    return json.dumps(body).encode()


def handle_ok(message) -> str:
    return "applied"


def handle_refuse(message) -> str:
    raise Refused("no_legal_basis")


def handle_fail(message) -> str:
    # the exception's text quotes the message: it must not reach a log or the job's error
    raise RuntimeError(f"cannot apply {message.body['entry'][1]['resource']['name']}")
