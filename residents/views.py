from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.selectors import agreement_facts
from audit.models import Action
from audit.services import record, record_shown
from consent import access as consent_access
from consent.models import Category
from consent.selectors import shared_categories
from courses import access as courses_access
from courses.selectors import course_summaries_for_facility_staff, resident_history
from lib.forms import call_service
from organisation.access import require

from . import access, services
from . import log_access as audit_access
from .forms import (
    MoveConfirmForm,
    MoveForm,
    MoveRejectForm,
    ResidentIdentityForm,
    ResidentSearchForm,
)
from .identity import names_match
from .models import MoveStatus
from .selectors import current_residence, is_number_query, resident_search

if TYPE_CHECKING:
    from organisation.access import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search by name or CPR. The query is POSTed so no CPR number or name lands in a URL."""
    require(access.can(request.user, access.SEARCH))
    results, more, by_name = None, False, False
    form = ResidentSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["q"]
        results, more = resident_search(request.user, query)
        by_name = not is_number_query(query)  # names match approximately, numbers exactly
        record_shown(
            user=request.user,
            action=Action.SEARCH,
            resident_ids=[r.pk for r in results],
            detail={"criterion": "name" if by_name else "identifier"},
        )
    context = {"form": form, "results": results, "more": more, "by_name": by_name}
    if request.headers.get("HX-Request"):
        return render(request, "residents/search.html#results", context)
    return render(request, "residents/search.html", context)


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resident = access.get_for_user(request.user, pk)
    history = resident_history(request.user, resident)
    summaries = list(course_summaries_for_facility_staff(request.user, resident))
    active_course = next((c for c in history["courses"] if c.status == "active"), None)
    if active_course is None and summaries:
        active_course = summaries[0]
    record(user=request.user, action=Action.VIEW, resident=resident, obj=resident)
    shared = shared_categories(request.user, resident)
    residence = current_residence(resident)
    facts = agreement_facts(residence.facility_id if residence else None)
    moves = list(
        access.moves_visible(request.user)
        .filter(resident=resident)
        .select_related("from_facility", "to_facility")
    )
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
            "can_refer": active_course is None
            and courses_access.can(request.user, courses_access.REFER, resident),
            "sharing": [(label, code in shared) for code, label in Category.choices],
            "show_sharing": consent_access.limited_by_consent(request.user, resident),
            "can_see_log": audit_access.can(request.user, audit_access.VIEW, resident),
            "call_advice": facts["call_advice"],
            "agreement_version": facts["agreement_version"],
            "show_call_box": residence is not None,
            "can_raise_concern": active_course is None
            and not any(c.status == "open" for c in history["concerns"])
            and courses_access.can(request.user, courses_access.RAISE_CONCERN, resident),
            "can_move": access.can(request.user, access.ACT, resident),
            "moves": moves,
            "moves_to_decide": [
                m
                for m in moves
                if m.status == MoveStatus.PROPOSED
                and access.can_move(request.user, access.MOVE_DECIDE, m)
            ],
            "referrals_to_confirm": courses_access.held_referrals_to_confirm(request.user).filter(
                resident=resident
            ),
        },
    )


def _register(request: AuthenticatedHttpRequest, *, title: str, intro: str) -> HttpResponse:
    """Registration and a proposal to move in are one step: the answer is the same whether
    the number is new or belongs to a resident the user may not see (a move page)."""
    require(access.can(request.user, access.REGISTER))
    facility = access.own_facilities(request.user).first()
    form = ResidentIdentityForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.resident_register,
            user=request.user,
            identifier=data["identifier"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            facility=facility,
            moved_in=data["moved_in"],
        )
        if done is not None and done.throttled:
            form.add_error(
                None,
                _(
                    "Du har registreret eller foreslået %(limit)s beboere inden for den "
                    "seneste time. Vent lidt, og prøv igen."
                )
                % {"limit": services.REGISTRATION_LIMIT},
            )
            status = 429
        elif done is not None and done.move is not None:
            messages.success(request, _("Registreringen er gemt."))
            return redirect("residents:move_detail", pk=done.move.pk)
        elif done is not None and done.resident is not None:
            messages.info(request, _("Beboeren er allerede registreret på botilbuddet."))
            return redirect("residents:detail", pk=done.resident.pk)
    return render(
        request,
        "residents/create.html",
        {"form": form, "facility": facility, "title": title, "intro": intro},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Housing staff register a resident who lives (or moves in) at their facility."""
    return _register(request, title=_("Registrer beboer"), intro="register")


@require_http_methods(["GET", "POST"])
def move_propose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Housing staff propose that a resident registered elsewhere moves in at their facility."""
    return _register(request, title=_("Foreslå flytning"), intro="propose")


@require_http_methods(["GET", "POST"])
def move_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Someone who acts for the resident records a move to another facility."""
    resident = access.get_for_user(request.user, pk, action=access.ACT)
    residence = current_residence(resident)
    form = MoveForm(
        request.POST or None,
        facilities=access.move_destinations(request.user, resident),
        exclude_facility_id=residence.facility_id if residence else None,
    )
    if request.method == "POST" and form.is_valid():
        move = call_service(
            form,
            services.move_record,
            user=request.user,
            resident=resident,
            to_facility=form.cleaned_data["to_facility"],
            moved_in=form.cleaned_data["moved_in"],
        )
        if move is not None:
            messages.success(request, _("Flytningen er registreret."))
            if access.can(request.user, access.VIEW, resident):
                return redirect("residents:detail", pk=resident.pk)
            return redirect("residents:move_list")  # the old facility no longer sees them
    return render(
        request,
        "residents/move_record.html",
        {"form": form, "resident": resident, "residence": residence},
    )


@require_GET
def move_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Moves waiting for the user's decision, and the proposals of the user's facility."""
    require(access.can(request.user, access.MOVES))
    to_decide = list(access.moves_to_decide(request.user).order_by("created_at", "id"))
    proposed = list(
        access.own_proposals(request.user)
        .select_related("to_facility", "created_by")
        .order_by("-created_at", "-id")[:100]
    )
    held = list(courses_access.held_referrals_to_confirm(request.user).order_by("created_at"))
    return render(
        request,
        "residents/move_list.html",
        {
            "to_decide": to_decide,
            "proposed": proposed,
            "held_referrals": held,
            "can_propose": access.can(request.user, access.REGISTER),
        },
    )


@require_GET
def move_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    move = access.get_move_for_user(request.user, pk)
    show_resident = access.shows_resident(request.user, move)
    if show_resident:
        record(user=request.user, action=Action.VIEW, resident=move.resident, obj=move)
    return render(
        request,
        "residents/move_detail.html",
        {
            "move": move,
            "show_resident": show_resident,
            "can_decide": move.status == MoveStatus.PROPOSED
            and access.can_move(request.user, access.MOVE_DECIDE, move),
        },
    )


@require_http_methods(["GET", "POST"])
def move_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    move = access.get_move_for_user(request.user, pk, action=access.MOVE_DECIDE)
    form = MoveConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(form, services.move_confirm, user=request.user, move=move)
        if done is not None:
            messages.success(request, _("Flytningen er bekræftet."))
            return redirect("residents:move_list")
    return render(
        request,
        "residents/move_decide.html",
        {
            "move": move,
            "form": form,
            "confirm": True,
            "names_match": names_match(move.resident, move.typed_first_name, move.typed_last_name),
        },
    )


@require_http_methods(["GET", "POST"])
def move_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    move = access.get_move_for_user(request.user, pk, action=access.MOVE_DECIDE)
    form = MoveRejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.move_reject,
            user=request.user,
            move=move,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, _("Forslaget er afvist."))
            return redirect("residents:move_list")
    return render(
        request,
        "residents/move_decide.html",
        {
            "move": move,
            "form": form,
            "confirm": False,
            "names_match": names_match(move.resident, move.typed_first_name, move.typed_last_name),
        },
    )
