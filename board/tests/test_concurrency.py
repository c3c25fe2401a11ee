"""Many people saving the same board entry at once (the weekly meeting, with a laptop on each
side of the table): every save lands, none overwrites another, versions count every save.

The service locks the row (SELECT ... FOR UPDATE) and refuses a stale version. Each thread has
its own database connection, as Django's own select_for_update tests do.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from board import services
from board.models import BoardEntry, BoardEntryChange
from lib.errors import StaleVersion

THREADS = 8
LINES = 5


def _append_lines(entry_pk: int, user_pk: int, thread: int, barrier, errors, retries) -> None:
    from accounts.models import User

    try:
        user = User.objects.get(pk=user_pk)  # a fresh object: its principal cache is its own
        barrier.wait(timeout=30)
        for line in range(LINES):
            while True:
                entry = BoardEntry.objects.get(pk=entry_pk)
                text = entry.others_involved
                new = (
                    f"{text}\ntråd {thread} linje {line}" if text else f"tråd {thread} linje {line}"
                )
                try:
                    services.board_entry_update(
                        user=user,
                        entry=entry,
                        version=entry.version,
                        changes={"others_involved": new},
                    )
                except StaleVersion:
                    retries.append(thread)  # someone saved first: reload and try again
                    continue
                break
    except Exception as exc:  # reported by the test
        errors.append(repr(exc))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_all_land():
    from tests.personas import build_world

    w = build_world()
    entry = w.board_entry
    start = BoardEntry.objects.get(pk=entry.pk).version
    users = [w.team_nurse, w.team_doctor, w.team_mentor, w.team_leader, w.housing_staff]
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []
    retries: list[int] = []
    threads = [
        threading.Thread(
            target=_append_lines,
            args=(entry.pk, users[i % len(users)].pk, i, barrier, errors, retries),
        )
        for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors

    final = BoardEntry.objects.get(pk=entry.pk)
    lines = final.others_involved.split("\n")
    expected = {f"tråd {t} linje {n}" for t in range(THREADS) for n in range(LINES)}
    assert len(lines) == THREADS * LINES
    assert set(lines) == expected
    assert final.version == start + THREADS * LINES
    # each thread's own lines are in its order
    for t in range(THREADS):
        own = [line for line in lines if line.startswith(f"tråd {t} ")]
        assert own == [f"tråd {t} linje {n}" for n in range(LINES)]
    # every save left one change row, with consecutive versions
    versions = list(
        BoardEntryChange.objects.filter(entry=entry, field="others_involved")
        .order_by("version")
        .values_list("version", flat=True)
    )
    assert versions == list(range(start + 1, start + THREADS * LINES + 1))
