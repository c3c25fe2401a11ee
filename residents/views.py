from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.views.activities import agreement_facts
from audit.models import Action
from audit.services import record, record_shown
from btt.forms import call_service
from consent.models import Category
from consent.selectors import shared_categories
from courses.selectors import course_summaries_for_facility_staff, resident_history
from organisation.access import principal_for, require
from organisation.models import Facility

from .forms import ResidentIdentityForm, ResidentSearchForm
from .selectors import get_resident_for_user, resident_search, team_residents_of
from .services import resident_find_or_create


@require_http_methods(["GET", "POST"])
def search(request):
    """Search by name or CPR. The query is POSTed so no CPR number or name lands in a URL."""
    require(
        principal_for(request.user).is_team_staff or principal_for(request.user).is_facility_staff
    )
    results, more = None, False
    form = ResidentSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        results, more = resident_search(request.user, form.cleaned_data["q"])
        record_shown(
            user=request.user,
            action=Action.SEARCH,
            resident_ids=[r.pk for r in results],
            detail={
                "criterion": "identifier"
                if any(c.isdigit() for c in form.cleaned_data["q"])
                else "name"
            },
        )
    context = {"form": form, "results": results, "more": more}
    if request.headers.get("HX-Request"):
        return render(request, "residents/search.html#results", context)
    return render(request, "residents/search.html", context)


@require_GET
def detail(request, pk: int):
    resident = get_resident_for_user(request.user, pk)
    principal = principal_for(request.user)
    history = resident_history(request.user, resident)
    summaries = list(course_summaries_for_facility_staff(request.user, resident))
    active_course = next((c for c in history["courses"] if c.status == "active"), None)
    if active_course is None and summaries:
        active_course = summaries[0]
    record(user=request.user, action=Action.VIEW, resident=resident, obj=resident)
    shared = shared_categories(request.user, resident)
    residence = next(iter(getattr(resident, "current_residences", [])), None)
    facts = agreement_facts(residence.facility_id if residence else None)
    return render(
        request,
        "residents/detail.html",
        {
            "resident": resident,
            "resident_age": resident.age_on(timezone.localdate()),
            "identifiers": resident.identifiers.all(),
            "residences": resident.residences.select_related("facility"),
            "history": history,
            "active_course": active_course,
            "course_summaries": summaries,
            "can_refer": principal.is_team_staff and active_course is None,
            "sharing": [(label, code in shared) for code, label in Category.choices],
            "show_sharing": principal.is_facility_staff and not principal.is_team_staff,
            "can_see_log": team_residents_of(principal.leader_team_ids)
            .filter(pk=resident.pk)
            .exists(),
            "call_advice": facts["call_advice"],
            "agreement_version": facts["agreement_version"],
            "show_call_box": residence is not None,
            "can_raise_concern": principal.is_facility_staff
            and active_course is None
            and not any(c.status == "open" for c in history["concerns"]),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request):
    """Housing staff register a resident who lives (or moves in) at their facility."""
    principal = principal_for(request.user)
    require(principal.is_facility_staff)
    facilities = Facility.objects.filter(pk__in=principal.facility_ids).order_by("name")
    form = ResidentIdentityForm(request.POST or None)
    facility = facilities.first()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resident = call_service(
            form,
            resident_find_or_create,
            user=request.user,
            identifier=data["identifier"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            facility=facility,
            moved_in=data["moved_in"],
        )
        if resident is not None:
            return redirect("residents:detail", pk=resident.pk)
    return render(
        request,
        "residents/create.html",
        {"form": form, "facility": facility, "title": _("Registrer beboer")},
    )
