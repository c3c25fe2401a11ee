"""Links to the board from pages outside it (the resident page)."""

from __future__ import annotations

from django import template

from board import selectors
from organisation.access import principal_for

register = template.Library()


@register.simple_tag(takes_context=True)
def board_links(context, resident) -> dict:
    """What the user may do on the board for this resident: put them on it (active course, no
    active entry, and for housing staff a consent that covers the board), see the history, and
    leave a question or update for the other sector."""
    user = context["request"].user
    principal = principal_for(user)
    placement = selectors.placement_for(user, resident)
    residence = next(iter(getattr(resident, "current_residences", [])), None)
    facility = residence.facility if residence is not None else None
    ask_sector = (
        selectors.sector_for(user, team_id=facility.team_id, facility_id=facility.pk)
        if facility is not None and facility.team_id is not None
        else None
    )
    return {
        "can_place": placement.can_place,
        "entry": placement.active_entry,
        "can_see_history": principal.is_team_staff or principal.is_facility_staff,
        "can_ask": ask_sector is not None,
    }
