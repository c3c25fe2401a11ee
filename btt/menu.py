"""The main menu, built from the policies.

Each item is a page and the policy question that decides whether the user may open it; the
item is shown exactly when the page's gatekeeper lets the user in. Nothing here reads the
principal: every predicate asks the ``access`` module of the resource the page belongs to.
``menu_for(user)`` is evaluated once per request (by ``btt.context_processors.platform``) and
the template only loops over the ready links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import access as accounts_access
from agreements import access as agreements_access
from board import access as board_access
from board.models import Sector
from consent import access as consent_access
from courses import access as courses_access
from emergency import access as emergency_access
from indicators import access as indicators_access
from organisation import access as organisation_access
from record import access as record_access
from residents import access as residents_access

if TYPE_CHECKING:
    from organisation.access import AnyUser


@dataclass(frozen=True)
class Link:
    """A ready menu item: its label and where it goes."""

    label: Promise
    url: str


@dataclass(frozen=True)
class Item:
    """A page (URL name without arguments) and the policy question that shows it."""

    url_name: str
    label: Promise
    allowed: Callable[[AnyUser], bool]

    def link(self, user) -> Link | None:
        return Link(self.label, reverse(self.url_name)) if self.allowed(user) else None


# The board link opens the first of the user's teams' boards, else their facility's board.
BOARD_URLS: dict[str, str] = {Sector.TEAM: "board:team", Sector.FACILITY: "board:facility"}


@dataclass(frozen=True)
class BoardItem:
    label: Promise

    def link(self, user) -> Link | None:
        home = board_access.home_board(user)
        if home is None:
            return None
        sector, pk = home
        return Link(self.label, reverse(BOARD_URLS[sector], args=[pk]))


MENU: tuple[Item | BoardItem, ...] = (
    Item(
        "residents:search",
        _("Find beboer"),
        lambda user: residents_access.can(user, residents_access.SEARCH),
    ),
    BoardItem(_("Tavle")),
    Item("record:visit_days", _("Besøgsdage"), record_access.may_use_visit_days),
    Item(
        "courses:visitation_queue",
        _("Visitation"),
        lambda user: courses_access.can(user, courses_access.REFER_NEW),
    ),
    Item(
        "courses:referral_create",
        _("Ny henvisning"),
        lambda user: courses_access.can(user, courses_access.REFER_NEW),
    ),
    Item("consent:expiring", _("Samtykker der udløber"), consent_access.may_list_expiring),
    Item(
        "emergency:start",
        _("Nødadgang"),
        lambda user: emergency_access.can(user, emergency_access.OPEN),
    ),
    Item(
        "emergency:queue",
        _("Nødadgange til gennemgang"),
        lambda user: emergency_access.can(user, emergency_access.QUEUE),
    ),
    Item(
        "residents:create",
        _("Registrer beboer"),
        lambda user: residents_access.can(user, residents_access.REGISTER),
    ),
    Item(
        "residents:move_list",
        _("Flytninger"),
        lambda user: residents_access.can(user, residents_access.MOVES),
    ),
    Item("organisation:facility_list", _("Botilbud"), organisation_access.may_list_facilities),
    Item("agreements:list", _("Samarbejdsaftaler"), agreements_access.may_list),
    Item("indicators:home", _("Opfølgning"), indicators_access.may_use),
    Item("organisation:staff", _("Medarbejdere og adgang"), organisation_access.may_manage_staff),
    Item("accounts:activations", _("Aktiveringskoder"), accounts_access.may_issue_activations),
    Item(
        "courses:ward_lookup",
        _("Opslag: botilbudsteam"),
        lambda user: courses_access.can(user, courses_access.LOOKUP),
    ),
    Item("admin:index", _("Administration"), organisation_access.may_administer),
)


def menu_for(user) -> list[Link]:
    """The menu items this user may open, in the menu's order."""
    if user is None or not user.is_authenticated:
        return []
    return [link for item in MENU if (link := item.link(user)) is not None]
