"""When the suggestions are computed: a record entry the rules read queues exactly one
recompute of its team when it commits (nothing on rollback), a threshold change queues one, the
night queues one per team, and no page read queues anything or writes a suggestion. Running the
job (its body, called as the worker would) stores the suggestion, with a constant number of
queries however large the team; two recomputes of one team at once leave one open row per rule.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from earlywarning import selectors, services, tasks
from earlywarning.models import EarlyWarningRun, Suggestion, WarningSetting
from earlywarning.receivers import READ_KINDS
from organisation.models import Team
from record.tests.samples import correct_entry, make_entry, writer_for

from .helpers import add_entry, contact, new_course, recompute

pytestmark = pytest.mark.django_db

TASK = "earlywarning.recompute_team"


@pytest.fixture(autouse=True)
def _jobs_before():
    """Jobs are counted from here: a transactional test elsewhere may have committed some."""
    global _baseline
    _baseline = ProcrastinateJob.objects.order_by("-id").values_list("id", flat=True).first() or 0


_baseline = 0


def jobs(task: str = TASK) -> list[ProcrastinateJob]:
    """The jobs of ``task`` queued by this test."""
    return list(ProcrastinateJob.objects.filter(task_name=task, id__gt=_baseline).order_by("id"))


def test_the_rules_read_these_kinds():
    expected = {
        "admission",
        "force",
        "crisis_plan",
        "medication_failure",
        "visit",
        "advice",
        "network_meeting",
    }
    assert expected == READ_KINDS


def test_a_record_entry_queues_one_recompute_of_its_team_on_commit(
    world, django_capture_on_commit_callbacks
):
    course = new_course(world)
    contact(world, course)
    add_entry(world, course, "admission", 30)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_entry(world.team_nurse, course.resident, "admission")
        assert jobs() == []  # not before the commit
    assert len(callbacks) == 1
    (job,) = jobs()
    assert job.args == {"team_id": world.team_a.pk}
    assert job.status == "todo"
    assert job.lock == job.queueing_lock == f"earlywarning.recompute.team-{world.team_a.pk}"
    assert not Suggestion.objects.exists()  # the worker computes, not the request

    # the worker runs the job: the suggestion is stored
    assert tasks.recompute_team(team_id=job.args["team_id"]) == {
        "opened": 1,
        "kept": 0,
        "lapsed": 0,
    }
    (suggestion,) = selectors.open_suggestions(world.team_a)
    assert (suggestion.resident_id, suggestion.rule) == (course.resident_id, "admissions")
    assert suggestion.explanation == "2 indlæggelser på 90 dage"


def test_a_rolled_back_entry_queues_nothing(world, django_capture_on_commit_callbacks):
    course = new_course(world)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_entry(world.team_nurse, course.resident, "admission")
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert jobs() == []


def test_a_correction_queues_a_recompute(world, django_capture_on_commit_callbacks):
    course = new_course(world)
    entry = make_entry(world.team_nurse, course.resident, "visit")
    with django_capture_on_commit_callbacks(execute=True):
        correct_entry(world.team_nurse, entry, fields={"note": "Rettet note"})
    assert [j.args for j in jobs()] == [{"team_id": world.team_a.pk}]


def test_an_entry_no_rule_reads_queues_nothing(world, django_capture_on_commit_callbacks):
    course = new_course(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_entry(writer_for(world, "psychiatric"), course.resident, "psychiatric")
    assert callbacks == []
    assert jobs() == []


def test_a_recompute_waiting_in_the_queue_covers_the_next_entries(
    world, django_capture_on_commit_callbacks
):
    course = new_course(world)
    for kind in ("admission", "force", "visit"):
        with django_capture_on_commit_callbacks(execute=True):
            make_entry(world.team_nurse, course.resident, kind)
    assert len(jobs()) == 1
    other = world.course_other_team
    with django_capture_on_commit_callbacks(execute=True):
        make_entry(world.other_team_nurse, other.resident, "admission")
    assert sorted(j.args["team_id"] for j in jobs()) == sorted([world.team_a.pk, world.team_b.pk])


def test_a_threshold_change_queues_a_recompute(world, django_capture_on_commit_callbacks):
    values = {"admissions": {"enabled": True, "count": 3, "days": 90}}
    with django_capture_on_commit_callbacks(execute=True):
        services.thresholds_save(user=world.team_leader, team=world.team_a, values=values)
    assert [j.args for j in jobs()] == [{"team_id": world.team_a.pk}]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # nothing changed
        services.thresholds_save(user=world.team_leader, team=world.team_a, values=values)
    assert callbacks == []


def test_the_nightly_job_queues_one_recompute_per_team(world):
    team_ids = sorted(Team.objects.values_list("pk", flat=True))
    assert tasks.recompute_all(timestamp=0) == len(team_ids)
    assert sorted(j.args["team_id"] for j in jobs()) == team_ids
    assert tasks.recompute_all(timestamp=1) == 0  # those still wait: nothing more
    assert len(jobs()) == len(team_ids)


def test_the_nightly_job_is_scheduled():
    from procrastinate.contrib.django import app

    periodic = {t.task.name: t for t in app.periodic_registry.periodic_tasks.values()}
    assert periodic["earlywarning.recompute_all"].cron == tasks.NIGHTLY_CRON


def test_a_job_for_a_team_that_is_gone_does_nothing(world):
    assert tasks.recompute_team(team_id=999_999) == {}
    assert not EarlyWarningRun.objects.exists()


# --- never on a GET ------------------------------------------------------------------------


def test_no_page_read_queues_a_job_or_writes_a_suggestion(world, client):
    course = new_course(world, name="Dorte Testesen")
    contact(world, course)
    add_entry(world, course, "admission", 10)
    add_entry(world, course, "admission", 20)
    stale = new_course(world)
    add_entry(world, stale, "force", 1)
    recompute(world.team_a)
    add_entry(world, stale, "force", 2)  # new evidence the worker has not seen yet
    add_entry(world, new_course(world), "crisis_plan", 1, subtype="red")
    before_rows = list(Suggestion.objects.order_by("pk").values())
    before_jobs = ProcrastinateJob.objects.count()  # any task
    before_runs = list(EarlyWarningRun.objects.values())
    team = world.team_a.pk
    urls = [
        reverse("earlywarning:list", args=[team]),
        reverse("earlywarning:thresholds", args=[team]),
        reverse("earlywarning:dismiss", args=[team, course.resident_id]),
        reverse("earlywarning:accept", args=[team, course.resident_id]),  # 405
        reverse("board:team", args=[team]),
        reverse("board:team_rows", args=[team]),
        reverse("board:facility", args=[world.facility_a1.pk]),
        reverse("home"),
        reverse("indicators:home"),
        reverse("indicators:team", args=[team]),
        reverse("residents:detail", args=[course.resident_id]),
        reverse("record:overview", args=[course.resident_id]),
    ]
    for user in (world.team_leader, world.team_nurse):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code in (200, 302, 403, 405), url
    assert ProcrastinateJob.objects.count() == before_jobs
    assert list(Suggestion.objects.order_by("pk").values()) == before_rows
    assert list(EarlyWarningRun.objects.values()) == before_runs


# --- the recompute: constant queries, concurrency -----------------------------------------


def _flag(world, n: int) -> None:
    for i in range(n):
        course = new_course(world, started_days_ago=60 + i)
        add_entry(world, course, "admission", 1)
        add_entry(world, course, "admission", 2)
        add_entry(world, course, "force", 1)
        add_entry(world, course, "crisis_plan", 5, subtype="red")
        if i % 2:
            contact(world, course, 3)


def _recompute_queries(world) -> int:
    with CaptureQueriesContext(connection) as ctx:
        recompute(world.team_a)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [2, 20])
def test_the_recompute_takes_a_constant_number_of_queries(world, n):
    _flag(world, n)
    # savepoint, team lock, open rows, candidates, thresholds, one per rule (5), decisions,
    # insert, run, release
    first = _recompute_queries(world)
    assert first == 14
    assert Suggestion.objects.filter(status="open").count() >= 3 * n
    # the next run refreshes them all and lapses some: one query each
    add_entry(world, world.course, "admission", 1)  # noise in a resident on the board
    WarningSetting.objects.create(
        team=world.team_a, rule="force", enabled=False, updated_by=world.team_leader
    )
    # update and lapse instead of insert, one rule fewer
    assert _recompute_queries(world) == 14
    assert Suggestion.objects.filter(status="lapsed", rule="force").count() == n


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_of_one_team_at_once_leave_one_open_row_per_rule():
    from tests.personas import build_world

    world = build_world()
    _flag(world, 3)
    expected = {(h.resident_id, h.rule) for h in selectors.team_hits(world.team_a)}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            recompute(world.team_a)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        # the world's record entries queued committed jobs; leave no queueing lock behind
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM procrastinate_jobs WHERE task_name = %s AND id > %s",
                [TASK, _baseline],
            )
    assert errors == []
    rows = Suggestion.objects.filter(team=world.team_a)
    opened = list(rows.filter(status="open").values_list("resident_id", "rule"))
    assert sorted(opened) == sorted(expected)  # each hit once: the second run refreshed them
    assert not rows.exclude(status="open").exists()


def test_the_command_recomputes_now_or_queues(world):
    from io import StringIO

    from django.core.management import call_command

    course = new_course(world)
    contact(world, course)
    add_entry(world, course, "force", 1)
    out = StringIO()
    call_command("earlywarning_recompute", team=[world.team_a.pk], stdout=out)
    assert out.getvalue() == f"team {world.team_a.pk}: 1 new, 0 still open, 0 lapsed\n"
    assert [s.rule for s in selectors.open_suggestions(world.team_a)] == ["force"]
    out = StringIO()
    call_command("earlywarning_recompute", defer=True, stdout=out)
    assert len(jobs()) == Team.objects.count()
    assert f"team {world.team_a.pk}: queued" in out.getvalue()
