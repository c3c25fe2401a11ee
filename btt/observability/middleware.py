"""One JSON log line and the metrics for every request (settings.MIDDLEWARE, right after the
request id).

The line (logger ``btt.request``, level INFO) holds exactly: ``request_id``, ``user_id`` (the
numeric id, or null), ``view_name`` (the URL pattern's name, e.g. ``residents:detail``; never
the path, which holds ids, nor the query string, which may hold a CPR number or a name),
``method``, ``status``, ``duration_ms``, ``db_ms`` and ``db_queries``. No form data, headers,
cookies or addresses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from . import metrics

logger = logging.getLogger("btt.request")

# Methods as logged; anything else a client sends is logged as "OTHER".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class _QueryTimer:
    """A database execute wrapper: counts the queries of the request and adds up their
    time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


@contextmanager
def _timing_queries() -> Iterator[_QueryTimer]:
    timer = _QueryTimer()
    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(timer))
        yield timer


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, if anything in the request already looked the user up (a
    view open to anonymous users, such as /healthz, may never do: then null, and the log line
    costs no query)."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and getattr(user, "_wrapped", empty) is empty:
        return None
    if not user.is_authenticated:
        return None
    pk = user.pk
    return pk if isinstance(pk, int) else None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        with _timing_queries() as queries:
            response = self.get_response(request)
        seconds = time.perf_counter() - start
        match = request.resolver_match
        view_name = match.view_name if match is not None else None
        metrics.observe_request(
            view=view_name,
            status=response.status_code,
            seconds=seconds,
            db_seconds=queries.seconds,
            db_queries=queries.count,
        )
        logger.info(
            "request",
            extra={
                "request_id": getattr(request, "request_id", None),
                "user_id": _user_id(request),
                "view_name": view_name,
                "method": request.method if request.method in _METHODS else "OTHER",
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "db_ms": round(queries.seconds * 1000, 1),
                "db_queries": queries.count,
            },
        )
        return response
