"""What the benchmarks share: timing one page through Django's test client."""

from __future__ import annotations

import statistics
import time
from typing import TypeVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

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
