from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.selectors import agreement_facts
from audit.models import Action
from audit.services import record_shown
from board import access as board_access
from lib.forms import call_service
from residents import access as residents_access
from residents.selectors import facility_residents

from . import access, services
from .access import require
from .forms import ChangeForm, DecideForm, EndForm, GrantForm
from .models import Facility, MembershipStatus, Team
from .selectors import facilities_visible_to, get_facility_for_user

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .access import AuthenticatedHttpRequest, User

# The leader's page shows this many of the latest grants, changes and removals.
HISTORY_LIMIT = 200


@require_GET
def facility_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(access.may_list_facilities(request.user))
    facilities = (
        facilities_visible_to(request.user)
        .select_related("team")
        .prefetch_related("addresses")
        .annotate(resident_count=Count("residences", filter=Q(residences__moved_out__isnull=True)))
        .order_by("name")
    )
    return render(request, "organisation/facility_list.html", {"facilities": facilities})


@require_GET
def facility_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
    own = access.can_facility(request.user, access.FACILITY_ACT, facility)
    return render(
        request,
        "organisation/facility_detail.html",
        {
            "facility": facility,
            "page": page,
            **agreement_facts(facility),
            "show_safety": own,
            "show_activities": own,
            "show_board": board_access.sector(request.user, facility) is not None,
            "show_moves": residents_access.can(request.user, residents_access.MOVES),
        },
    )


# --- "Medarbejdere og adgang": the leader's page of memberships ------------------------------


@require_GET
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Leaders: the page of the team or facility they lead (a choice if they lead several)."""
    require(access.may_manage_staff(request.user))
    teams = list(access.teams_led_by(request.user).order_by("name"))
    facilities = list(access.facilities_led_by(request.user).order_by("name"))
    if len(teams) + len(facilities) == 1:
        if teams:
            return redirect("organisation:staff_team", pk=teams[0].pk)
        return redirect("organisation:staff_facility", pk=facilities[0].pk)
    return render(
        request, "organisation/staff_index.html", {"teams": teams, "facilities": facilities}
    )


@require_http_methods(["GET", "POST"])
def staff_team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = access.get_team_for_leader(request.user, pk)
    return _unit_page(request, kind="team", unit=team)


@require_http_methods(["GET", "POST"])
def staff_facility(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facility = access.get_facility_for_leader(request.user, pk)
    return _unit_page(request, kind="facility", unit=facility)


def _unit_url(kind: str, unit: Team | Facility) -> str:
    return reverse(f"organisation:staff_{kind}", args=[unit.pk])


def _find_user(unit: Team | Facility, username: str) -> User | None:
    """An active user of the unit's region, by exact username."""
    return (
        access.users_in_regions([unit.region_id]).filter(is_active=True, username=username).first()
    )


def _unit_page(
    request: AuthenticatedHttpRequest, *, kind: str, unit: Team | Facility
) -> HttpResponse:
    scope: dict[str, Any] = {kind: unit}
    form = GrantForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for_user = _find_user(unit, data["username"])
        if for_user is None:
            form.add_error(
                "username", _("Der findes ingen aktiv bruger med dette brugernavn i regionen.")
            )
        elif for_user.pk == request.user.pk:
            form.add_error("username", _("Du kan ikke give dig selv en rolle."))
        else:
            granted = call_service(
                form,
                services.membership_grant,
                user=request.user,
                for_user=for_user,
                role=data["role"],
                profession=data["profession"],
                **scope,
            )
            if granted is not None:
                messages.success(
                    request,
                    _("%(name)s har fået adgang som %(role)s.")
                    % {
                        "name": for_user.get_full_name() or for_user.username,
                        "role": granted.get_role_display().lower(),
                    },
                )
                return redirect(_unit_url(kind, unit))
    memberships = list(
        access.unit_memberships(**scope)
        .select_related("user", "proposed_by", "confirmed_by", "team", "facility")
        .order_by("user__first_name", "user__last_name", "pk")
    )
    rows: list[dict[str, Any]] = [
        {
            "m": m,
            "can_change": access.can_membership(request.user, access.MEMBERSHIP_CHANGE, m),
            "can_end": access.can_membership(request.user, access.MEMBERSHIP_END, m),
            "can_decide": access.can_membership(request.user, access.MEMBERSHIP_CONFIRM, m)
            or access.can_membership(request.user, access.MEMBERSHIP_REJECT, m),
        }
        for m in memberships
    ]
    history = list(access.unit_membership_history(**scope)[:HISTORY_LIMIT])
    return render(
        request,
        "organisation/staff_unit.html",
        {
            "kind": kind,
            "unit": unit,
            "form": form,
            "current": [r for r in rows if r["m"].grants_access],
            "pending": [r for r in rows if r["m"].status == MembershipStatus.PENDING],
            "ended": [
                r
                for r in rows
                if not r["m"].grants_access and r["m"].status != MembershipStatus.PENDING
            ],
            "history": history,
            "history_limit": HISTORY_LIMIT,
        },
    )


class _InUnit(Protocol):
    """What ``_back`` reads of a membership (from ``access.get_membership_for_user``)."""

    @property
    def team_id(self) -> int | None: ...
    @property
    def team(self) -> Team | None: ...
    @property
    def facility(self) -> Facility | None: ...


def _back(request: AuthenticatedHttpRequest, m: _InUnit) -> str:
    """After a step: the leader's page of the unit, else (a region administrator) the admin."""
    if m.team is not None and access.can_team(request.user, access.TEAM_LEAD, m.team_id):
        return _unit_url("team", m.team)
    if m.facility is not None and access.can_facility(
        request.user, access.FACILITY_LEAD, m.facility
    ):
        return _unit_url("facility", m.facility)
    return reverse("admin:organisation_membership_changelist")


@require_http_methods(["GET", "POST"])
def membership_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm or reject a proposed membership."""
    m = access.get_membership_for_user(request.user, pk)
    choices: list[tuple[str, StrOrPromise]] = []
    if access.can_membership(request.user, access.MEMBERSHIP_CONFIRM, m):
        choices.append(("confirm", _("Bekræft: giv adgangen")))
    if access.can_membership(request.user, access.MEMBERSHIP_REJECT, m):
        choices.append(("reject", _("Afvis forslaget")))
    if not choices:
        raise PermissionDenied
    form = DecideForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        service = (
            services.membership_confirm
            if form.cleaned_data["decision"] == "confirm"
            else services.membership_reject
        )
        if call_service(form, service, user=request.user, membership=m) is not None:
            messages.success(request, _("Beslutningen er gemt."))
            return redirect(_back(request, m))
    return render(request, "organisation/membership_decide.html", {"m": m, "form": form})


@require_http_methods(["GET", "POST"])
def membership_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change the role (within the unit) or profession of a membership in force."""
    m = access.get_membership_for_user(request.user, pk, action=access.MEMBERSHIP_CHANGE)
    kind = "team" if m.team_id else "facility"
    form = ChangeForm(
        request.POST or None, kind=kind, initial={"role": m.role, "profession": m.profession}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["role"] == m.role and data["profession"] == m.profession:
            form.add_error(None, _("Der er intet ændret."))
        elif not access.can_grant_membership(
            request.user, for_user=m.user, role=data["role"], team=m.team, facility=m.facility
        ):
            form.add_error("role", _("Du kan ikke give denne rolle."))
        elif (
            call_service(
                form,
                services.membership_change,
                user=request.user,
                membership=m,
                role=data["role"],
                profession=data["profession"],
            )
            is not None
        ):
            messages.success(request, _("Tilknytningen er ændret."))
            return redirect(_back(request, m))
    return render(request, "organisation/membership_change.html", {"m": m, "form": form})


@require_http_methods(["GET", "POST"])
def membership_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """End a membership: it grants nothing from the next request on."""
    m = access.get_membership_for_user(request.user, pk, action=access.MEMBERSHIP_END)
    form = EndForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(form, services.membership_end, user=request.user, membership=m) is not None
    ):
        messages.success(request, _("Tilknytningen er afsluttet."))
        return redirect(_back(request, m))
    return render(request, "organisation/membership_end.html", {"m": m, "form": form})
