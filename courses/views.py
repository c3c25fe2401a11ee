"""Concern → referral → visitation → course: gatekeeper → form → service → redirect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.services import record, record_shown
from lib.errors import StaleVersion
from lib.forms import call_service
from organisation.access import found, require
from record.kinds import Kind
from record.selectors import entries_for_resident
from residents import access as residents_access
from residents.selectors import current_residence

from . import access, services
from .forms import (
    ConcernForm,
    ConcernParamForm,
    CourseContactsForm,
    CourseEndForm,
    NewResidentReferralForm,
    ReasonForm,
    ReferralConfirmForm,
    ReferralForm,
    VisitationForm,
    WardLookupForm,
)
from .models import Course, ReferralStatus
from .selectors import earlier_courses, held_referrals_of_my_teams
from .selectors import visitation_queue as visitation_queue_selector

if TYPE_CHECKING:
    from organisation.access import AuthenticatedHttpRequest

REFERRAL_FIELDS = (
    "source",
    "referrer_name",
    "received_on",
    "reason",
    "criteria",
    "criteria_other",
    "consent_informed_on",
    "consent_form",
    "consent_given_by",
)


# --- Concerns ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def concern_create(request: AuthenticatedHttpRequest, resident_pk: int) -> HttpResponse:
    resident = residents_access.get_for_user(request.user, resident_pk)
    if not access.can(request.user, access.RAISE_CONCERN, resident):
        raise PermissionDenied
    residence = found(current_residence(resident))  # RAISE_CONCERN: they live here
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern = call_service(
            form,
            services.concern_raise,
            user=request.user,
            resident=resident,
            facility=residence.facility,
            description=form.cleaned_data["description"],
        )
        if concern is not None:
            return redirect("courses:concern_detail", pk=concern.pk)
    return render(request, "courses/concern_form.html", {"form": form, "resident": resident})


@require_GET
def concern_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    concern = access.get_concern_for_user(request.user, pk)
    record(user=request.user, action=Action.VIEW, resident=concern.resident, obj=concern)
    referral = getattr(concern, "referral", None)
    if referral is not None and not access.can(request.user, access.VIEW, referral):
        referral = None
    return render(
        request,
        "courses/concern_detail.html",
        {
            "concern": concern,
            "referral": referral,
            "can_assess": concern.status == "open"
            and access.can(request.user, access.ASSESS, concern),
        },
    )


@require_http_methods(["GET", "POST"])
def concern_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    concern = access.get_concern_for_user(request.user, pk, action=access.ASSESS)
    form = ReasonForm(request.POST or None)
    form.fields["reason"].label = _("Teamets vurdering")
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.concern_close,
            user=request.user,
            concern=concern,
            note=form.cleaned_data["reason"],
        )
        if done is not None:
            return redirect("courses:concern_detail", pk=concern.pk)
    return render(request, "courses/concern_close.html", {"form": form, "concern": concern})


# --- Referrals ---------------------------------------------------------------------------


def _referral_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in REFERRAL_FIELDS}


@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A referral typed with number and name. The answer is the same whether the number is new
    or belongs to a resident the team may not see (then the referral is held)."""
    require(access.can(request.user, access.REFER_NEW))
    form = NewResidentReferralForm(
        request.POST or None, facilities=access.referral_facilities(request.user)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.referral_create_from_identity,
            user=request.user,
            identifier=data["identifier"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            facility=data["facility"],
            moved_in=data["moved_in"],
            **_referral_kwargs(data),
        )
        if done is not None and done.throttled:
            form.add_error(
                None,
                _(
                    "Du har oprettet %(limit)s henvisninger med CPR-nummer inden for den "
                    "seneste time. Vent lidt, og prøv igen."
                )
                % {"limit": services.REFERRAL_BY_NUMBER_LIMIT},
            )
            status = 429
        elif done is not None and done.referral is not None:
            messages.success(request, _("Henvisningen er gemt."))
            return redirect("courses:referral_detail", pk=done.referral.pk)
    return render(
        request, "courses/referral_form.html", {"form": form, "resident": None}, status=status
    )


@require_http_methods(["GET", "POST"])
def referral_create_for_resident(
    request: AuthenticatedHttpRequest, resident_pk: int
) -> HttpResponse:
    """A referral of a registered resident (from the resident page or from a concern): the
    team that serves the facility the resident lives at, and sees them already."""
    resident = residents_access.get_for_user(request.user, resident_pk)
    if not access.can(request.user, access.REFER, resident):
        raise PermissionDenied
    facility = found(current_residence(resident)).facility  # REFER: they live there
    concern = None
    concern_pk = request.GET.get("bekymring") or request.POST.get("concern")
    if concern_pk:
        param = ConcernParamForm({"concern": concern_pk})
        if not param.is_valid():
            raise Http404
        concern = access.get_concern_for_user(
            request.user, param.cleaned_data["concern"], action=access.ASSESS
        )
        require(concern.resident_id == resident.pk)
    initial = {"source": "regional_psychiatry"}
    if concern is not None:
        initial["reason"] = concern.description
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        referral = call_service(
            form,
            services.referral_create,
            user=request.user,
            resident=resident,
            team=facility.team,
            facility=facility,
            concern=concern,
            **_referral_kwargs(form.cleaned_data),
        )
        if referral is not None:
            messages.success(request, _("Henvisningen er gemt."))
            return redirect("courses:referral_detail", pk=referral.pk)
    return render(
        request,
        "courses/referral_form.html",
        {"form": form, "resident": resident, "facility": facility, "concern": concern},
    )


@require_GET
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = access.get_referral_for_user(request.user, pk)
    show_resident = access.shows_resident(request.user, referral)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=referral.resident if show_resident else None,
        obj=referral,
    )
    return render(
        request,
        "courses/referral_detail.html",
        {
            "referral": referral,
            "show_resident": show_resident,
            "course": getattr(referral, "course", None),
            "earlier_courses": earlier_courses(request.user, referral) if show_resident else [],
            "can_decide": referral.status == ReferralStatus.PENDING
            and access.can(request.user, access.DECIDE, referral),
            "can_withdraw": referral.status in (ReferralStatus.PENDING, ReferralStatus.HELD)
            and access.can(request.user, access.WRITE, referral),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Someone who acts for the resident confirms a held referral ("Bekræft henvisning")."""
    referral = access.get_referral_for_user(request.user, pk, action=access.CONFIRM)
    form = ReferralConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(form, services.referral_confirm, user=request.user, referral=referral)
        if done is not None:
            messages.success(request, _("Henvisningen er bekræftet og afventer visitation."))
            return redirect("residents:detail", pk=referral.resident_id)
    return render(
        request,
        "courses/referral_confirm.html",
        {"referral": referral, "form": form, "confirm": True},
    )


@require_http_methods(["GET", "POST"])
def referral_not_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """... or refuses it ("Afvis"): the team never sees the resident through it."""
    referral = access.get_referral_for_user(request.user, pk, action=access.CONFIRM)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.referral_not_confirm,
            user=request.user,
            referral=referral,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, _("Henvisningen er afvist."))
            return redirect("residents:detail", pk=referral.resident_id)
    return render(
        request,
        "courses/referral_confirm.html",
        {"referral": referral, "form": form, "confirm": False},
    )


@require_GET
def visitation_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(access.can(request.user, access.REFER_NEW))
    page = Paginator(visitation_queue_selector(request.user), 50).get_page(request.GET.get("side"))
    record_shown(
        user=request.user,
        action=Action.LIST,
        resident_ids=[r.resident_id for r in page],
        detail={"list": "visitation_queue"},
    )
    return render(
        request,
        "courses/visitation_queue.html",
        {
            "referrals": page.object_list,
            "page": page,
            "held": held_referrals_of_my_teams(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = access.get_referral_for_user(request.user, pk, action=access.DECIDE)
    form = VisitationForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == VisitationForm.ACCEPT:
            course = call_service(
                form,
                services.referral_accept,
                user=request.user,
                referral=referral,
                reason=data["reason"],
                started_on=data["started_on"],
                team_contacts=list(data["team_contacts"]),
                responsible_doctor=data["responsible_doctor"],
                facility_contact=data["facility_contact"],
            )
            if course is not None:
                return redirect("courses:course_detail", pk=course.pk)
        else:
            done = call_service(
                form,
                services.referral_reject,
                user=request.user,
                referral=referral,
                reason=data["reason"],
            )
            if done is not None:
                return redirect("courses:referral_detail", pk=referral.pk)
    return render(
        request,
        "courses/referral_decide.html",
        {
            "form": form,
            "referral": referral,
            "earlier_courses": earlier_courses(request.user, referral),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = access.get_referral_for_user(request.user, pk, action=access.WRITE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.referral_withdraw,
            user=request.user,
            referral=referral,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            return redirect("courses:referral_detail", pk=referral.pk)
    return render(
        request,
        "courses/referral_withdraw.html",
        {
            "form": form,
            "referral": referral,
            "show_resident": access.shows_resident(request.user, referral),
        },
    )


# --- Courses -----------------------------------------------------------------------------


@require_GET
def course_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = access.get_course_for_user(request.user, pk)
    record(user=request.user, action=Action.VIEW, resident=course.resident, obj=course)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "referral": course.referral,
            "can_edit": course.status == "active"
            and access.can(request.user, access.WRITE, course),
            "can_end": course.status == "active"
            and access.can(request.user, access.DECIDE, course),
        },
    )


def _conflict_message(form: CourseContactsForm, course: Course) -> None:
    form.add_error(
        None,
        _(
            "Forløbet er ændret af en anden, siden du åbnede siden. Dine valg er bevaret "
            "nedenfor; de gemte oplysninger ses øverst. Gem igen for at overskrive."
        ),
    )
    data = cast(QueryDict, form.data).copy()  # bound to request.POST
    data["version"] = str(course.version)
    form.data = data


@require_http_methods(["GET", "POST"])
def course_contacts(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = access.get_course_for_user(request.user, pk, action=access.WRITE)
    if course.status != "active":
        raise PermissionDenied
    initial = {
        "version": course.version,
        "team_contacts": list(course.team_contacts.all()),
        "responsible_doctor": course.responsible_doctor,
        "facility_contact": course.facility_contact,
    }
    form = CourseContactsForm(request.POST or None, course=course, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.course_update_contacts(
                user=request.user,
                course=course,
                version=data["version"],
                team_contacts=list(data["team_contacts"]),
                responsible_doctor=data["responsible_doctor"],
                facility_contact=data["facility_contact"],
            )
        except StaleVersion:
            course = access.get_course_for_user(request.user, pk)
            _conflict_message(form, course)
        else:
            return redirect("courses:course_detail", pk=course.pk)
    return render(request, "courses/course_contacts.html", {"form": form, "course": course})


@require_http_methods(["GET", "POST"])
def course_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = access.get_course_for_user(request.user, pk, action=access.DECIDE)
    form = CourseEndForm(request.POST or None, initial={"version": course.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.course_end,
            user=request.user,
            course=course,
            version=data["version"],
            ended_on=data["ended_on"],
            end_reason=data["end_reason"],
            transition=data["transition"],
            end_summary=data["end_summary"],
        )
        if done is not None:
            return redirect("courses:course_detail", pk=course.pk)
        course = access.get_course_for_user(request.user, pk, action=access.DECIDE)
    end_plan = (
        entries_for_resident(request.user, course.resident).filter(kind=Kind.END_PLAN).first()
    )
    return render(
        request,
        "courses/course_end.html",
        {"form": form, "course": course, "end_plan": end_plan, "can_plan": True},
    )


# --- Ward look-up ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ward_lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Inpatient ward staff: has this person an active course, with which team, whom to call?
    Throttled (``services.LOOKUP_LIMIT`` per ``services.LOOKUP_WINDOW``) and logged."""
    require(access.can(request.user, access.LOOKUP))
    form = WardLookupForm(request.POST or None)
    course, searched, status = None, False, 200
    if request.method == "POST" and form.is_valid():
        result = services.ward_lookup(user=request.user, identifier=form.cleaned_data["identifier"])
        if result.throttled:
            minutes = int(services.LOOKUP_WINDOW.total_seconds() // 60)
            form.add_error(
                None,
                _(
                    "Du har lavet %(limit)s opslag inden for %(minutes)s minutter. Vent lidt, "
                    "og prøv igen; ring til botilbudsteamet, hvis det haster."
                )
                % {"limit": services.LOOKUP_LIMIT, "minutes": minutes},
            )
            status = 429
        else:
            searched, course = True, result.course
    return render(
        request,
        "courses/ward_lookup.html",
        {"form": form, "course": course, "searched": searched},
        status=status,
    )
