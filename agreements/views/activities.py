"""Joint competence development (fælles kompetenceudvikling) between a facility and its team.
Gatekeeper → form → service → redirect. (The agreement facts other pages show are
``agreements.selectors.agreement_facts``.)"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lib.forms import call_service

from .. import access, services
from ..forms_activities import ActivityForm
from ..models import CompetenceActivity

PAGE_LIMIT = 200


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
