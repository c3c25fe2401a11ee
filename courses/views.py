"""Concern → referral → visitation → course: gatekeeper → form → service → redirect."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action, Purpose
from audit.services import record, record_shown
from btt.errors import StaleVersion
from btt.forms import call_service
from organisation.access import principal_for, require
from record.kinds import Kind
from record.selectors import entries_for_resident
from residents.selectors import get_resident_for_user
from residents.services import resident_find_or_create

from . import services
from .forms import (
    ConcernForm,
    CourseContactsForm,
    CourseEndForm,
    NewResidentReferralForm,
    ReasonForm,
    ReferralForm,
    VisitationForm,
    WardLookupForm,
)
from .selectors import (
    earlier_courses,
    get_concern_for_user,
    get_course_for_user,
    get_referral_for_user,
)
from .selectors import (
    visitation_queue as visitation_queue_selector,
)
from .selectors import (
    ward_lookup as ward_lookup_selector,
)

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
def concern_create(request, resident_pk: int):
    principal = principal_for(request.user)
    resident = get_resident_for_user(request.user, resident_pk)
    if not principal.is_facility_staff:
        raise PermissionDenied
    residence = next(iter(resident.current_residences), None)
    require(residence is not None and residence.facility_id in principal.facility_ids)
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
def concern_detail(request, pk: int):
    concern = get_concern_for_user(request.user, pk)
    record(user=request.user, action=Action.VIEW, resident=concern.resident, obj=concern)
    principal = principal_for(request.user)
    referral = getattr(concern, "referral", None) if principal.is_team_staff else None
    return render(
        request,
        "courses/concern_detail.html",
        {
            "concern": concern,
            "referral": referral,
            "can_assess": concern.team_id in principal.team_ids and concern.status == "open",
        },
    )


@require_http_methods(["GET", "POST"])
def concern_close(request, pk: int):
    concern = get_concern_for_user(request.user, pk, assess=True)
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


def _referral_kwargs(data):
    return {name: data[name] for name in REFERRAL_FIELDS}


@require_http_methods(["GET", "POST"])
def referral_create(request):
    """A referral of a resident who may not yet be registered."""
    principal = principal_for(request.user)
    require(principal.is_team_staff)
    form = NewResidentReferralForm(request.POST or None, team_ids=principal.team_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        facility = data["facility"]

        def create():
            from django.db import transaction

            with transaction.atomic():
                resident = resident_find_or_create(
                    user=request.user,
                    identifier=data["identifier"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_date=data["birth_date"],
                    facility=facility,
                    moved_in=data["moved_in"],
                )
                return services.referral_create(
                    user=request.user,
                    resident=resident,
                    team=facility.team,
                    facility=facility,
                    **_referral_kwargs(data),
                )

        referral = call_service(form, create)
        if referral is not None:
            return redirect("courses:referral_detail", pk=referral.pk)
    return render(request, "courses/referral_form.html", {"form": form, "resident": None})


@require_http_methods(["GET", "POST"])
def referral_create_for_resident(request, resident_pk: int):
    """A referral of a registered resident (from the resident page or from a concern)."""
    principal = principal_for(request.user)
    require(principal.is_team_staff)
    resident = get_resident_for_user(request.user, resident_pk)
    residence = next(iter(resident.current_residences), None)
    facility = residence.facility if residence else None
    concern = None
    concern_pk = request.GET.get("bekymring") or request.POST.get("concern")
    if concern_pk:
        require(str(concern_pk).isdigit())
        concern = get_concern_for_user(request.user, int(concern_pk), assess=True)
        require(concern.resident_id == resident.pk)
    initial = {"source": "regional_psychiatry"}
    if concern is not None:
        initial["reason"] = concern.description
    form = ReferralForm(request.POST or None, initial=initial)
    if facility is None or facility.team_id not in principal.team_ids:
        form.add_error(None, _("Beboeren bor ikke på et botilbud, som teamet betjener."))
    elif request.method == "POST" and form.is_valid():
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
            return redirect("courses:referral_detail", pk=referral.pk)
    return render(
        request,
        "courses/referral_form.html",
        {"form": form, "resident": resident, "facility": facility, "concern": concern},
    )


@require_GET
def referral_detail(request, pk: int):
    referral = get_referral_for_user(request.user, pk)
    record(user=request.user, action=Action.VIEW, resident=referral.resident, obj=referral)
    principal = principal_for(request.user)
    return render(
        request,
        "courses/referral_detail.html",
        {
            "referral": referral,
            "course": getattr(referral, "course", None),
            "earlier_courses": earlier_courses(request.user, referral),
            "can_decide": referral.status == "pending"
            and referral.team_id in principal.decider_team_ids,
            "can_withdraw": referral.status == "pending" and referral.team_id in principal.team_ids,
        },
    )


@require_GET
def visitation_queue(request):
    require(principal_for(request.user).is_team_staff)
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
        {"referrals": page.object_list, "page": page},
    )


@require_http_methods(["GET", "POST"])
def referral_decide(request, pk: int):
    referral = get_referral_for_user(request.user, pk, decide=True)
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
def referral_withdraw(request, pk: int):
    referral = get_referral_for_user(request.user, pk, write=True)
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
    return render(request, "courses/referral_withdraw.html", {"form": form, "referral": referral})


# --- Courses -----------------------------------------------------------------------------


@require_GET
def course_detail(request, pk: int):
    course = get_course_for_user(request.user, pk)
    record(user=request.user, action=Action.VIEW, resident=course.resident, obj=course)
    principal = principal_for(request.user)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "referral": course.referral,
            "can_edit": course.status == "active" and course.team_id in principal.team_ids,
            "can_end": course.status == "active" and course.team_id in principal.decider_team_ids,
        },
    )


def _conflict_message(form, course):
    form.add_error(
        None,
        _(
            "Forløbet er ændret af en anden, siden du åbnede siden. Dine valg er bevaret "
            "nedenfor; de gemte oplysninger ses øverst. Gem igen for at overskrive."
        ),
    )
    data = form.data.copy()
    data["version"] = str(course.version)
    form.data = data


@require_http_methods(["GET", "POST"])
def course_contacts(request, pk: int):
    course = get_course_for_user(request.user, pk, write=True)
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
            course = get_course_for_user(request.user, pk)
            _conflict_message(form, course)
        else:
            return redirect("courses:course_detail", pk=course.pk)
    return render(request, "courses/course_contacts.html", {"form": form, "course": course})


@require_http_methods(["GET", "POST"])
def course_end(request, pk: int):
    course = get_course_for_user(request.user, pk, decide=True)
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
        course = get_course_for_user(request.user, pk, decide=True)
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
def ward_lookup(request):
    """Inpatient ward staff: has this person an active course, with which team, whom to call?"""
    require(principal_for(request.user).is_ward_staff)
    form = WardLookupForm(request.POST or None)
    course, searched = None, False
    if request.method == "POST" and form.is_valid():
        searched = True
        course = ward_lookup_selector(request.user, form.cleaned_data["identifier"].value)
        record(
            user=request.user,
            action=Action.LOOKUP,
            resident=course.resident if course else None,
            obj=course,
            purpose=Purpose.LOOKUP,
            detail={"found": course is not None},
        )
    return render(
        request,
        "courses/ward_lookup.html",
        {"form": form, "course": course, "searched": searched},
    )
