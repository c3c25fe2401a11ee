from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .access import found, principal_for
from .models import Facility

if TYPE_CHECKING:
    from .access import AnyUser


def facilities_visible_to(user: AnyUser) -> QuerySet[Facility]:
    """Team staff: facilities their team serves. Housing staff: their own. Region admins:
    their region's. Ward staff and others: none."""
    principal = principal_for(user)
    condition = Q()
    if principal.team_ids:
        condition |= Q(team_id__in=principal.team_ids)
    if principal.facility_ids:
        condition |= Q(pk__in=principal.facility_ids)
    if principal.admin_region_ids:
        condition |= Q(region_id__in=principal.admin_region_ids)
    if not condition:
        return Facility.objects.none()
    return Facility.objects.filter(condition)


def get_facility_for_user(user: AnyUser, pk: int) -> Facility:
    return found(
        facilities_visible_to(user)
        .select_related("team", "region")
        .prefetch_related("addresses")
        .filter(pk=pk)
        .first()
    )
