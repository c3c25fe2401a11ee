"""Prometheus metrics: per-view request latency, responses by status, database time per
request, and the job queue (procrastinate's table, read when scraped).

Labels are bounded: the URL pattern's view name (never the path, which holds ids), the status
code, procrastinate's queue name and status. Requests no URL pattern matched share the view
name ``<unresolved>``.

Under gunicorn each worker is a process of its own: with ``PROMETHEUS_MULTIPROC_DIR`` set
(deploy/gunicorn.conf.py sets it to a fresh directory) the workers write their samples to
files there and the worker that answers a scrape adds them all up
(``prometheus_client.multiprocess``); gunicorn's ``child_exit`` hook marks a dead worker's
files. Without it (tests, ``manage.py runserver``) the process's own registry is read.

Who may read ``/metrics`` (``may_read``): a request with ``Authorization: Bearer
<METRICS_TOKEN>`` or from an address in ``METRICS_ALLOWED_NETWORKS``; everyone else gets 404,
and with neither setting the endpoint is off.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpRequest
from procrastinate.contrib.django.models import ProcrastinateJob
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from interchange import selectors as interchange_selectors

UNRESOLVED = "<unresolved>"
JOB_STATUSES = tuple(ProcrastinateJob.STATUSES)  # todo, doing, succeeded, failed, ...

_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_LATENCY = Histogram(
    "btt_http_request_duration_seconds",
    "Time from the request reaching Django to its response, per view name.",
    ["view"],
    buckets=_SECONDS,
)
RESPONSES = Counter(
    "btt_http_responses",
    "Responses by view name and HTTP status code.",
    ["view", "status"],
)
DB_TIME = Histogram(
    "btt_http_request_db_seconds",
    "Time spent in database queries while answering one request, per view name.",
    ["view"],
    buckets=_SECONDS,
)
DB_QUERIES = Histogram(
    "btt_http_request_db_queries",
    "Database queries made while answering one request, per view name.",
    ["view"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)


def observe_request(
    *, view: str | None, status: int, seconds: float, db_seconds: float, db_queries: int
) -> None:
    label = view or UNRESOLVED
    REQUEST_LATENCY.labels(label).observe(seconds)
    RESPONSES.labels(label, str(status)).inc()
    DB_TIME.labels(label).observe(db_seconds)
    DB_QUERIES.labels(label).observe(db_queries)


class JobQueueCollector(Collector):
    """Jobs in procrastinate's table by queue and status, counted when scraped: ``todo`` is
    the queue's depth, ``failed`` the jobs that failed for good (after their retries). One
    query; if it fails the scrape still answers, with ``btt_jobs_scrape_ok 0``."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        jobs = GaugeMetricFamily(
            "btt_jobs",
            "Jobs in the queue table by queue and status (todo = waiting, failed = gave up).",
            labels=["queue", "status"],
        )
        ok = GaugeMetricFamily(
            "btt_jobs_scrape_ok", "1 if the job counts could be read from the database."
        )
        try:
            rows = list(
                ProcrastinateJob.objects.values_list("queue_name", "status")
                .annotate(n=Count("id"))
                .order_by()
            )
        except DatabaseError:
            ok.add_metric([], 0)
            yield ok
            return
        counts: dict[str, dict[str, int]] = {}
        for queue, status, n in rows:
            counts.setdefault(queue, dict.fromkeys(JOB_STATUSES, 0))[status] = n
        for queue, by_status in sorted(counts.items()):
            for status, n in by_status.items():
                jobs.add_metric([queue, status], n)
        messages = GaugeMetricFamily(
            "btt_incoming_messages",
            "Messages from other systems by status (failed = needs a person).",
            labels=["status"],
        )
        try:
            message_counts = interchange_selectors.counts_by_status()
        except DatabaseError:
            message_counts = {}
        for status, n in sorted(message_counts.items()):
            messages.add_metric([status], n)
        ok.add_metric([], 1 if message_counts else 0)
        yield jobs
        yield messages
        yield ok


def exposition() -> bytes:
    """The metrics in Prometheus' text format: this process's (or, under gunicorn, all
    workers') request metrics, then the job counts."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    jobs = CollectorRegistry(auto_describe=False)
    jobs.register(JobQueueCollector())
    return generate_latest(registry) + generate_latest(jobs)


def _bearer_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def may_read(request: HttpRequest) -> bool:
    """The operator's token, compared in constant time, or the socket's address (REMOTE_ADDR,
    never X-Forwarded-For, which a client writes) inside an allowed network."""
    expected: str = settings.METRICS_TOKEN
    given = _bearer_token(request)
    if expected and given is not None and hmac.compare_digest(given.encode(), expected.encode()):
        return True
    networks: list[str] = settings.METRICS_ALLOWED_NETWORKS
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in networks)
    return False
