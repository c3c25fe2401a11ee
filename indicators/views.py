"""Follow-up dashboards per region, team and facility, and their exports.

Gatekeeper (``access.get_for_user``: 404 outside the user's scopes) → period form (GET) →
computation in the database → page. A period that cannot be used (a start after its end, after
today or before 2000) is refused with a Danish message: the page shows it with the default
period (200), an export answers 400 with the reason. The figures are aggregates, not resident
data: the pages write no audit rows; an export writes one (action "export", no resident).
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import record
from organisation.access import found, require

from . import access, dashboard
from .exports import to_csv, to_xlsx
from .forms import PeriodForm
from .periods import MONTH, QUARTER
from .scope import FACILITY, REGION, TEAM

FORMATS = ("csv", "xlsx")
# A region's three years by quarter (a picture of the whole), a team's and a facility's by
# month (closer to the daily work); either can be chosen in the form.
DEFAULT_GRANULARITY = {REGION: QUARTER, TEAM: MONTH, FACILITY: MONTH}


@require_GET
def home(request):
    """The user's own starting point: their region, team or facility."""
    level, pk = found(access.landing(request.user))
    return redirect(dashboard.url_for(level, pk))


def _page(request, level: str, pk: int):
    scope = access.get_for_user(request.user, level, pk)
    form = PeriodForm(request.GET or None, granularity=DEFAULT_GRANULARITY[level])
    options = form.options()  # the default period when the form is invalid (errors shown)
    context = {
        "scope": scope,
        "form": form,
        "options": options,
        "query": options.query(),
        "crumbs": dashboard.breadcrumbs(request.user, scope),
        "child_level": scope.child_level,
        **dashboard.build(request.user, scope, options),
    }
    return render(request, "indicators/dashboard.html", context)


@require_GET
def region(request, pk: int):
    return _page(request, REGION, pk)


@require_GET
def team(request, pk: int):
    return _page(request, TEAM, pk)


@require_GET
def facility(request, pk: int):
    return _page(request, FACILITY, pk)


@require_GET
def export(request, level: str, pk: int, fmt: str):
    scope = access.get_for_user(request.user, level, pk)
    require(fmt in FORMATS)
    form = PeriodForm(request.GET or None, granularity=DEFAULT_GRANULARITY[level])
    if form.is_bound and not form.is_valid():
        # never a file of other figures than asked for: say why, in Danish
        reason = _("Udtrækket blev ikke lavet: %(errors)s") % {"errors": form.error_text()}
        return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
    options = form.options()
    which = request.GET.get("tabel") or ("indikatorer" if fmt == "csv" else None)
    require(which is None or which in dashboard.EXPORT_TABLES)
    tables = dashboard.export_tables(request.user, scope, options, which)
    require(bool(tables))
    record(
        user=request.user,
        action=Action.EXPORT,
        obj=scope.obj,
        detail={
            "export": "indicators",
            "level": level,
            "table": which or "alle",
            "format": fmt,
            "from": options.period.start.isoformat(),
            "to": options.period.end.isoformat(),
        },
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"opfoelgning-{level}-{scope.pk}-{which or 'alle-tabeller'}-{stamp}"
    if fmt == "csv":
        response = HttpResponse(to_csv(tables[0]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(tables),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
