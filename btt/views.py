from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from btt.observability import health, metrics


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Liveness: 200 whenever the process answers. Asks nothing of the database, so that a
    database outage takes instances out of rotation (/readyz) instead of restarting them."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request):
    """Readiness: 200 when the database answers and no migration is pending, else 503 with
    the reason (btt.observability.health)."""
    ready, details = health.readiness()
    return JsonResponse(details, status=200 if ready else 503)


@login_not_required
@never_cache
@require_safe
def prometheus_metrics(request):
    """Prometheus metrics for the operator's token or network only; 404 for everyone else,
    and for everyone when neither METRICS_TOKEN nor METRICS_ALLOWED_NETWORKS is set."""
    if not metrics.may_read(request):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


@require_safe
def bench_floor(request):
    """The benchmarks' floor (bench/page_times.py, bench/load.py): a trivial signed-in page
    behind the same middleware as every page (sign-in, second factor, session lifetime, audit
    of denials, request log), to which the pages' timings are compared as ratios. Served only
    when BENCH_FLOOR=1 is set; 404 otherwise."""
    if not settings.BENCH_FLOOR:
        raise Http404
    # without the request: no context processors (menu, emergency banner), only the middleware
    return HttpResponse(render_to_string("bench_floor.html"))


@login_not_required
def server_error(request):
    """Generic error page with an incident id (the request id), never a traceback."""
    return render(
        request,
        "500.html",
        {"incident_id": getattr(request, "request_id", "")},
        status=500,
    )
