import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lib.spreadsheet import safe_cell
from organisation.models import Role
from residents import log_access as access

from .models import Action
from .selectors import resident_log
from .services import record


def _role_words(codes: str) -> str:
    """A row's stored role codes ("team_staff,facility_staff") in the users' words."""
    labels = dict(Role.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes.split(",") if code)


@require_GET
def resident_log_page(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Hvem har set beboerens oplysninger" for the team leader."""
    resident = access.get_for_user(request.user, pk, action=access.VIEW)
    page = Paginator(resident_log(resident), 100).get_page(request.GET.get("side"))
    record(user=request.user, action=Action.VIEW, resident=resident, detail={"page": "audit_log"})
    return render(request, "audit/resident_log.html", {"resident": resident, "page": page})


@require_GET
def resident_log_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The log as CSV for the resident's access request; staff names can be masked."""
    resident = access.get_for_user(request.user, pk, action=access.EXPORT)
    mask = request.GET.get("skjul_navne") == "1"
    record(
        user=request.user,
        action=Action.EXPORT,
        resident=resident,
        detail={"export": "audit_log", "masked": mask},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="logudtraek-{resident.pk}-{stamp}.csv"'
    response.write("\ufeff")  # BOM: Excel opens UTF-8 with Danish letters correctly
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Tidspunkt"),
            _("Medarbejder"),
            _("Organisation"),
            _("Rolle"),
            _("Handling"),
            _("Formål"),
            _("Udfald"),
        ]
    )
    for row in resident_log(resident).iterator(chunk_size=1000):
        name = _("(skjult)") if mask else row.actor_label
        writer.writerow(
            safe_cell(value)
            for value in (
                timezone.localtime(row.at).strftime("%d.%m.%Y %H:%M:%S"),
                name,
                row.organisation,
                _role_words(row.role),
                row.get_action_display(),
                row.get_purpose_display(),
                row.get_outcome_display(),
            )
        )
    return response
