"""Links to the board from pages outside it (the resident page). The rules are
``board.access``'s; this tag only asks them."""

from __future__ import annotations

from django import template

from board import access

register = template.Library()


@register.simple_tag(takes_context=True)
def board_links(context, resident) -> dict:
    """What the user may do on the board for this resident: put them on it (active course, no
    active entry, and for housing staff a consent that covers the board), see the history, and
    leave a question or update for the other sector."""
    user = context["request"].user
    placement = access.placement_for(user, resident)
    _facility, ask_sector = access.ask_sector(user, resident)
    return {
        "can_place": placement.can_place,
        "entry": placement.active_entry,
        "can_see_history": access.can_see_history(user, resident),
        "can_ask": ask_sector is not None,
    }
