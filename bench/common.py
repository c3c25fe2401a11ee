"""What the benchmarks share: timing one page through Django's test client; the bench
database, signed-in sessions and the production server for the page timings and the load run."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

if TYPE_CHECKING:
    from tests.production import ProductionServer

_T = TypeVar("_T")


def present(obj: _T | None, what: str) -> _T:
    """``obj``, which the benchmark needs: stop with a message when the data has none."""
    if obj is None:
        raise SystemExit(f"the benchmark data has no {what}")
    return obj


def measure(client, url: str, n: int, warmup: int = 5) -> tuple[float, float, int]:
    """(median ms, 95th percentile ms, SQL queries) of ``n`` GETs of ``url`` after a warm-up."""
    for _ in range(warmup):
        client.get(url)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(ctx.captured_queries)


# --- the production server and its database (bench/page_times.py, bench/load.py) -------------

FLOOR_URL = "/_bench/floor/"  # the trivial signed-in page (BENCH_FLOOR=1): the ratios' unit


@contextmanager
def bench_database() -> Iterator[bool]:
    """The bench's test database (``test_<name of DATABASE_URL>``) with the demo data; yields
    whether the data was kept from an earlier run. ``BENCH_KEEPDB=1`` keeps it afterwards (the
    first run seeds the demo, which takes minutes; later runs reuse it, migrating if needed);
    ``BENCH_SCALE`` is seed_demo's scale (``region``, the default, or ``nation``)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from organisation.models import Region

    keep = os.environ.get("BENCH_KEEPDB") == "1"
    setup_test_environment()
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=keep
    )
    try:
        kept = keep and Region.objects.exists()
        if kept:
            print("demo data kept from an earlier run (BENCH_KEEPDB=1)")
        else:
            started = time.perf_counter()
            settings.DEBUG = True  # seed_demo runs only with DEBUG (demo passwords)
            with open(os.devnull, "w") as devnull:
                call_command(
                    "seed_demo", scale=os.environ.get("BENCH_SCALE", "region"), stdout=devnull
                )
            settings.DEBUG = False
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"demo data seeded in {time.perf_counter() - started:.0f} s")
        yield kept
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)


def session_for(user: object) -> str:
    """A signed-in session (both factors) made with the session engine in this process: the
    server shares this process's SECRET_KEY (``start_server``) and reads it."""
    from django.conf import settings

    from tests.clients import SignInClient

    client = SignInClient()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def start_server(workers: int | None) -> ProductionServer:
    """The production server (gunicorn with deploy/gunicorn.conf.py, ``btt.settings``, DEBUG
    off) on the bench database, with ``BENCH_FLOOR=1`` (the floor page) and this process's
    SECRET_KEY (the sessions made here). ``workers=None``: the config's default."""
    from django.conf import settings

    from tests.production import ProductionServer, database_url, ensure_static_collected

    ensure_static_collected()
    return ProductionServer.start(
        database=database_url(),
        workers=workers,
        secret_key=str(settings.SECRET_KEY),
        extra_env={"BENCH_FLOOR": "1"},
    )


def request_log(log_text: str) -> dict[str, dict[str, Any]]:
    """The server's request log (the JSON lines of ``btt.request``: ``view_name``, ``status``,
    ``duration_ms``, ``db_queries``, ...) by request id (a client may send its own id in
    ``X-Request-ID``: 8 to 64 letters, digits and hyphens)."""
    found: dict[str, dict[str, Any]] = {}
    for line in log_text.splitlines():
        if '"db_queries"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("request_id"):
            found[str(entry["request_id"])] = entry
    return found
