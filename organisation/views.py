from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements.views.activities import agreement_facts
from audit.models import Action
from audit.services import record_shown
from residents.selectors import facility_residents

from .access import principal_for, require
from .selectors import facilities_visible_to, get_facility_for_user


@require_GET
def facility_list(request):
    principal = principal_for(request.user)
    require(principal.is_team_staff or principal.is_facility_staff or principal.is_region_admin)
    facilities = (
        facilities_visible_to(request.user)
        .select_related("team")
        .prefetch_related("addresses")
        .annotate(resident_count=Count("residences", filter=Q(residences__moved_out__isnull=True)))
        .order_by("name")
    )
    return render(request, "organisation/facility_list.html", {"facilities": facilities})


@require_GET
def facility_detail(request, pk: int):
    facility = get_facility_for_user(request.user, pk)
    page = Paginator(facility_residents(request.user, facility), 50).get_page(
        request.GET.get("side")
    )
    record_shown(
        user=request.user,
        action=Action.LIST,
        resident_ids=[r.pk for r in page],
        detail={"list": "facility", "facility_id": facility.pk},
    )
    principal = principal_for(request.user)
    own = (
        facility.team_id is not None and facility.team_id in principal.team_ids
    ) or facility.pk in principal.facility_ids
    return render(
        request,
        "organisation/facility_detail.html",
        {
            "facility": facility,
            "page": page,
            **agreement_facts(facility),
            "show_safety": own,
            "show_activities": own,
        },
    )
