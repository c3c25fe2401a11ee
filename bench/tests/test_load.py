"""The load benchmark (bench/load.py) on a tiny scale so that it cannot rot: four simulated
users on the persona world for a few seconds, at a fast pace, against the production server;
every kind of request is made and answers as expected, and the report has its figures."""

from __future__ import annotations

import pytest
from django.conf import settings

from bench.load import ACTIONS, VISIT_NOTE, Pace, make_personas, report, run_step
from tests.personas import build_world
from tests.production import ProductionServer
from tests.production import production_static as production_static  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

FAST = Pace(poll_s=1.0, think_min_s=0.1, think_max_s=0.3, ramp_s=0.5, floor_s=0.5)


def test_four_users_for_a_few_seconds_make_every_request_without_errors(production_static):  # noqa: F811
    from record.models import Entry

    w = build_world()
    personas = make_personas(4)
    assert [p.browses for p in personas] == [True, False, True, False]
    assert personas[3].board_url == f"/tavle/botilbud/{w.facility_a1.pk}/"  # facility staff
    server = ProductionServer.start(
        workers=1, secret_key=settings.SECRET_KEY, extra_env={"BENCH_FLOOR": "1"}
    )
    try:
        result = run_step(server, personas, seconds=6, pace=FAST)
    finally:
        server.stop_cleanly()

    failed = [s for s in result.samples if not s.ok]
    assert not failed, failed
    labels = result.by_label()
    assert {"board_open", "board_poll", *ACTIONS} <= set(labels)
    assert any(s.status == 204 for s in labels["board_poll"])  # nothing changed: 204
    assert Entry.objects.filter(kind="visit", data__note=VISIT_NOTE).exists()
    assert result.workers.cpu() and all(peak > 0 for peak in result.workers.rss_peak.values())
    # the floor page, served because the server's environment has BENCH_FLOOR=1
    assert result.floor and all(s.status == 200 for s in result.floor), result.floor
    header, row, *_ = report([result])
    assert header.split()[:3] == ["users", "requests", "req/s"] and row.split()[0] == "4"
    assert "floor" in header
