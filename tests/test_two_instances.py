"""Two production servers and a job worker against one database behave as one application
(issue 13): no state lives in a process.

Two gunicorn instances (deploy/gunicorn.conf.py, production settings, one worker each, on two
ports) and ``manage.py procrastinate worker`` run against the test database (tests/production.py):

(a) a session started on instance 1 continues on instance 2 with the same cookie, and signing
    out on instance 2 ends it on instance 1;
(b) a board edit saved through instance 1 shows on instance 2's next poll of the board rows
    (the poll answers 204 while nothing changed, then the new rows);
(c) the edit-conflict rule holds across them: both open the entry at the same version, the save
    on instance 1 wins, the stale save on instance 2 is refused with the conflict shown, and
    "keep my text" then saves it with the other text kept in the history;
(d) a visit note saved through instance 1 queues the team's early-warning recompute, which the
    worker runs to "succeeded".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.utils import timezone

from tests.personas import World, build_world
from tests.production import (
    HtmlForm,
    JobWorker,
    ProductionServer,
    WebClient,
    poll_url,
    sign_in,
    stop_all,
    use_production_passwords,
)
from tests.production import production_static as production_static  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

DEADLINE_S = 30.0
NEVER = "0 0 29 2 1"  # a Monday 29 February at midnight UTC: no periodic job during the test
CONFLICT = "En anden har gemt i de samme felter, mens du skrev"
POLL_HEADERS = {"HX-Request": "true", "X-Background-Refresh": "1"}


@dataclass
class Cluster:
    one: ProductionServer
    two: ProductionServer
    worker: JobWorker


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, production_static) -> Iterator[Cluster]:  # noqa: F811
    """Instances 1 and 2 and a worker for the module; all three must stop cleanly on SIGTERM."""
    started: list[ProductionServer | JobWorker] = []
    try:
        one = ProductionServer.start(workers=1)
        started.append(one)
        two = ProductionServer.start(workers=1)
        started.append(two)
        worker = JobWorker.start(
            extra_env={
                "JOBS_POLL_SECONDS": "1",
                "JOBS_CLEANUP_CRON": NEVER,
                "JOBS_RETENTION_CRON": NEVER,
                "JOBS_CONSENT_REMINDERS_CRON": NEVER,
            }
        )
        started.append(worker)
        yield Cluster(one, two, worker)
    finally:
        stop_all(started)
        with django_db_blocker.unblock():
            _truncate_jobs()  # the test database's flush does not know procrastinate's tables
    for process in started:
        process.stop_cleanly()  # the exit codes of the stops above


def _truncate_jobs() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_events, procrastinate_periodic_defers, "
            "procrastinate_jobs, procrastinate_workers CASCADE"
        )


@pytest.fixture
def world() -> World:
    """The persona world, committed (the servers read it), with production password hashes."""
    w = build_world()
    use_production_passwords()
    return w


def wait_for(condition: Callable[[], bool], what: str, cluster: Cluster) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if condition():
            return
        for process in (cluster.one, cluster.two, cluster.worker):
            assert process.running(), f"{process.label} exited:\n{process.log()}"
        time.sleep(0.2)  # polling for a condition, with a deadline
    raise AssertionError(f"not within {DEADLINE_S:.0f} s: {what}\n{cluster.worker.log()}")


def test_a_session_started_on_one_instance_continues_on_the_other(cluster, world):
    w = world
    one = WebClient(cluster.one.url)
    sign_in(one, w.team_nurse)
    # the same cookies (session and CSRF), sent to the other instance (another port, another
    # process); nothing else is shared between the two clients
    two = WebClient(cluster.two.url)
    for cookie in one.jar:
        two.jar.set_cookie(cookie)
    board = two.get(f"/tavle/team/{w.team_a.pk}/")
    assert board.status == 200
    assert w.resident_in_course.full_name in board.text
    assert cluster.one.pid != cluster.two.pid

    # signing out on instance 2 ends the session on instance 1 too
    assert two.post("/konto/logout/").status == 302
    after = one.get(f"/tavle/team/{w.team_a.pk}/")
    assert after.status == 302 and "/konto/login/" in after.location


def test_an_edit_saved_on_one_instance_shows_on_the_others_next_poll(cluster, world):
    w = world
    text = "Mor ringer hver søndag (gemt på instans 1)."
    nurse = WebClient(cluster.two.url)  # the nurse's board is open on instance 2
    sign_in(nurse, w.team_nurse)
    board = nurse.get(f"/tavle/team/{w.team_a.pk}/")
    assert board.status == 200 and text not in board.text
    poll = poll_url(board)
    assert poll is not None, "the board has no polling rows"
    assert nurse.get(poll, headers=POLL_HEADERS).status == 204  # nothing changed yet

    housing = WebClient(cluster.one.url)  # the housing staff save on instance 1
    sign_in(housing, w.housing_staff)
    form = HtmlForm.find(housing.get(f"/tavle/indgange/{w.board_entry.pk}/"), field="version")
    form["others_involved"] = text
    assert housing.submit(form).status == 302

    rows = nurse.get(poll, headers=POLL_HEADERS)  # the next poll on instance 2
    assert rows.status == 200
    assert text in rows.text and 'id="board-rows"' in rows.text


def test_the_edit_conflict_rule_holds_across_instances(cluster, world):
    from board.models import BoardEntry, BoardEntryChange

    w = world
    nurse_text = "Egen læge, dr. Holm, ser beboeren torsdag."
    housing_text = "Mor ringer hver søndag; aftalt med beboeren."
    nurse = WebClient(cluster.one.url)
    housing = WebClient(cluster.two.url)
    sign_in(nurse, w.team_nurse)
    sign_in(housing, w.housing_staff)
    entry_url = f"/tavle/indgange/{w.board_entry.pk}/"
    nurse_form = HtmlForm.find(nurse.get(entry_url), field="version")
    housing_form = HtmlForm.find(housing.get(entry_url), field="version")
    loaded = w.board_entry.version
    assert nurse_form["version"] == housing_form["version"] == str(loaded)

    nurse_form["others_involved"] = nurse_text
    assert nurse.submit(nurse_form).status == 302  # saved on instance 1
    housing_form["others_involved"] = housing_text
    refused = housing.submit(housing_form)  # stale, on instance 2
    assert refused.status == 200
    assert CONFLICT in refused.text
    assert BoardEntry.objects.get(pk=w.board_entry.pk).others_involved == nurse_text
    # nothing lost: her text is still in the form, at the saved version
    again = HtmlForm.find(refused, field="version")
    assert again["others_involved"] == housing_text
    assert again["version"] == str(loaded + 1) and again["conflicts"] == "others_involved"

    again.data.append(("resolve", "mine"))  # "Gem min tekst"
    assert housing.submit(again).status == 302
    entry = BoardEntry.objects.get(pk=w.board_entry.pk)
    assert entry.others_involved == housing_text and entry.version == loaded + 2
    assert BoardEntryChange.objects.filter(
        entry=entry, field="others_involved", old_value=nurse_text, new_value=housing_text
    ).exists()


def test_the_worker_runs_a_job_a_request_on_one_instance_deferred(cluster, world):
    from earlywarning.models import EarlyWarningRun
    from record.models import Entry

    w = world
    # the world's own record entries queued a recompute of the team: let it finish first, so
    # that the job below can only be the one the request deferred
    wait_for(
        lambda: not recompute_jobs(w.team_a.pk, "todo", "doing"), "no recompute queued", cluster
    )
    last_job = max(recompute_jobs(w.team_a.pk), default=0)
    nurse = WebClient(cluster.one.url)
    sign_in(nurse, w.team_nurse)
    page = nurse.get(f"/beboere/{w.resident_in_course.pk}/journal/ny/visit/")
    assert page.status == 200
    form = HtmlForm.find(page, field="note")
    form["occurred_on"] = timezone.localdate().isoformat()
    form["subtype"] = "visit"
    form["planned"] = "planned"
    form["note"] = "Samtale på værelset; sover bedre."
    saved = nurse.submit(form)
    assert saved.status == 302, saved.text[:3000]
    entry = Entry.objects.filter(resident=w.resident_in_course, kind="visit").latest("recorded_at")

    def deferred_job_succeeded() -> bool:
        assert not recompute_jobs(w.team_a.pk, "failed"), cluster.worker.log()
        return any(job > last_job for job in recompute_jobs(w.team_a.pk, "succeeded"))

    wait_for(deferred_job_succeeded, "the recompute the request deferred succeeded", cluster)
    assert EarlyWarningRun.objects.get(team=w.team_a).computed_at >= entry.recorded_at


def recompute_jobs(team_id: int, *statuses: str) -> list[int]:
    """Ids of the team's early-warning recompute jobs (in these statuses)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM procrastinate_jobs WHERE task_name = 'earlywarning.recompute_team' "
            "AND (args->>'team_id')::bigint = %s AND (cardinality(%s::text[]) = 0 "
            "OR status::text = ANY(%s::text[]))",
            [team_id, list(statuses), list(statuses)],
        )
        return [row[0] for row in cursor.fetchall()]
