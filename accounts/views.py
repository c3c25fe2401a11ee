from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import record_shown
from courses.selectors import (
    concerns_raised_at_my_facility,
    my_courses,
    open_concerns,
    visitation_queue,
)
from organisation.access import principal_for
from organisation.models import Facility
from residents.selectors import facility_residents

# Each start-page list shows at most this many rows. Three lists of 25 stay within one
# audit INSERT even on SQLite (999 parameters / 13 columns = 76 rows).
HOME_LIST_LIMIT = 25


@require_GET
def home(request):
    """The start page: one section per role the user holds."""
    principal = principal_for(request.user)
    if principal.is_ward_staff and not (principal.is_team_staff or principal.is_facility_staff):
        return redirect("courses:ward_lookup")
    context = {"principal": principal}
    shown: set[int] = set()
    if principal.is_team_staff:
        context["my_courses"] = list(my_courses(request.user)[:HOME_LIST_LIMIT])
        context["queue"] = list(visitation_queue(request.user)[:HOME_LIST_LIMIT])
        context["concerns"] = list(open_concerns(request.user)[:HOME_LIST_LIMIT])
        shown |= {c.resident_id for c in context["my_courses"]}
        shown |= {r.resident_id for r in context["queue"]}
        shown |= {c.resident_id for c in context["concerns"]}
    if principal.is_facility_staff:
        facilities = list(Facility.objects.filter(pk__in=principal.facility_ids).order_by("name"))
        context["facilities"] = facilities
        residents = []
        for facility in facilities:
            residents.extend(facility_residents(request.user, facility)[:HOME_LIST_LIMIT])
        context["facility_residents"] = residents
        context["raised_concerns"] = list(
            concerns_raised_at_my_facility(request.user)[:HOME_LIST_LIMIT]
        )
        shown |= {r.pk for r in residents}
        shown |= {c.resident_id for c in context["raised_concerns"]}
    record_shown(
        user=request.user, action=Action.LIST, resident_ids=sorted(shown), detail={"list": "home"}
    )
    return render(request, "accounts/home.html", context)
