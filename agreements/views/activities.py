"""Joint competence development (fælles kompetenceudvikling) between a facility and its team,
and the agreement facts other pages show: "Hvem ringer jeg til nu?" and the safety agreements
before a visit. Gatekeeper → form → service → redirect."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from btt.forms import call_service

from .. import access, services
from ..forms_activities import ActivityForm
from ..models import WEEKDAYS, AgreementVersion, CompetenceActivity
from ..selectors import LIVE, who_to_call

PAGE_LIMIT = 200


def agreement_facts(facility, now: datetime.datetime | None = None) -> dict:
    """What a facility's pages show from its agreement in force (a constant number of queries):
    ``agreement_version`` (or None), ``call_advice`` (or None) and the visit days in words."""
    if facility is None:
        return {"agreement_version": None, "call_advice": None, "visit_days_words": ""}
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    # One query: the same answer as live_agreement_for_facility + version_in_force.
    version = (
        AgreementVersion.objects.filter(
            agreement__facility=facility,
            agreement__status__in=LIVE,
            in_force_from__lte=day,
        )
        .filter(Q(agreement__ends_on__isnull=True) | Q(agreement__ends_on__gte=day))
        .select_related("agreement__team")
        .order_by("-agreement__created_at", "-in_force_from")
        .first()
    )
    names = dict(WEEKDAYS)
    return {
        "agreement_version": version,
        "call_advice": who_to_call(version, now),
        "visit_days_words": ", ".join(
            str(names[d]) for d in sorted(version.visit_days or []) if d in names
        )
        if version
        else "",
    }


@require_GET
def activity_list(request, facility_pk: int):
    facility = access.get_facility_for_activities(request.user, facility_pk)
    activities = (
        CompetenceActivity.objects.filter(facility=facility)
        .select_related("created_by")
        .prefetch_related("participants")[:PAGE_LIMIT]
    )
    return render(
        request,
        "agreements/activities.html",
        {"facility": facility, "activities": activities},
    )


@require_http_methods(["GET", "POST"])
def activity_create(request, facility_pk: int):
    facility = access.get_facility_for_activities(request.user, facility_pk)
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        facility=facility,
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = call_service(
            form,
            services.activity_record,
            user=request.user,
            facility=facility,
            kind=data["kind"],
            held_on=data["held_on"],
            topic=data["topic"],
            participants=form.participants(),
            other_participants=data["other_participants"],
        )
        if activity is not None:
            messages.success(request, _("Aktiviteten er registreret."))
            return redirect("agreements:activities", facility_pk=facility.pk)
    return render(request, "agreements/activities_form.html", {"facility": facility, "form": form})
