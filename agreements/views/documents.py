"""Cooperation agreements (samarbejdsaftaler): list, create from the template, read, edit,
sign, terminate, print to PDF and the region overview. Who may do what is ``agreements.access``;
the views parse, call and render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lib.forms import call_service
from organisation.access import require

from .. import access, selectors, services
from ..forms import AgreementEditForm, EmptyForm, TerminateForm
from ..models import SECTIONS, WEEKDAYS, Party, Status


def _versions(agreement):
    return list(agreement.versions.all())  # prefetched, newest first


def _days(days) -> str:
    names = dict(WEEKDAYS)
    return ", ".join(str(names[d]) for d in sorted(days or []) if d in names)


def _document(agreement, version) -> dict:
    """Everything a page or the PDF needs to show one text of the agreement, in Bilag 1's order."""
    signatures = {s.party: s for s in version.signatures.all()}
    headings = dict(SECTIONS)
    sections = [
        {"key": key, "heading": headings[key], "text": version.sections.get(key, "")}
        for key, _label in SECTIONS
    ]
    meeting_day = (
        dict(WEEKDAYS).get(version.meeting_weekday) if version.meeting_weekday is not None else None
    )
    return {
        "agreement": agreement,
        "version": version,
        "sections": sections,
        "addresses": list(agreement.facility.addresses.all()),
        "team_signature": signatures.get(Party.TEAM),
        "facility_signature": signatures.get(Party.FACILITY),
        "visit_days": _days(version.visit_days),
        "opening_days": _days(version.opening_days),
        "meeting_day": meeting_day,
    }


@require_GET
def agreement_list(request):
    require(access.may_list(request.user))
    agreements = list(
        selectors.with_versions(selectors.agreements_visible_to(request.user)).order_by(
            "facility__name", "-created_at"
        )
    )
    rows = []
    for agreement in agreements:
        in_force = selectors.version_in_force(agreement)
        rows.append(
            {
                "agreement": agreement,
                "status": Status(selectors.effective_status(agreement)).label,
                "in_force_from": in_force.in_force_from if in_force else None,
            }
        )
    live = {a.facility_id for a in agreements if selectors.effective_status(a) != Status.TERMINATED}
    creatable = [
        f for f in access.creatable_facilities(request.user).order_by("name") if f.pk not in live
    ]
    return render(
        request,
        "agreements/agreement_list.html",
        {"rows": rows, "creatable": creatable},
    )


@require_http_methods(["GET", "POST"])
def agreement_create(request, facility_pk: int):
    facility = access.get_facility_for_create(request.user, facility_pk)  # 404 / 403
    existing = selectors.live_agreement_for_facility(facility)
    form = EmptyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        agreement = call_service(
            form,
            services.agreement_create,
            user=request.user,
            team=facility.team,
            facility=facility,
        )
        if agreement is not None:
            messages.success(request, _("Samarbejdsaftalen er oprettet ud fra skabelonen."))
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/agreement_create.html",
        {"form": form, "facility": facility, "existing": existing},
    )


def _parse_day(value: str):
    try:
        return datetime.date.fromisoformat(value), None
    except ValueError:
        return None, _("Datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2025-01-31.")


@require_GET
def agreement_detail(request, pk: int):
    agreement = access.get_for_user(request.user, pk, action=access.VIEW)
    versions = _versions(agreement)
    context = _document(agreement, versions[0])
    status = selectors.effective_status(agreement)
    in_force = selectors.version_in_force(agreement)
    asked = request.GET.get("dato", "").strip()
    asked_day, date_error, asked_version = None, None, None
    if asked:
        asked_day, date_error = _parse_day(asked)
        if asked_day:
            asked_version = selectors.version_in_force(agreement, asked_day)
    user = request.user
    context.update(
        {
            "status": Status(status).label,
            "versions": versions,
            "in_force": in_force,
            "asked": asked,
            "asked_day": asked_day,
            "date_error": date_error,
            "asked_version": asked_version,
            "can_edit": access.can(user, access.EDIT, agreement, status=status),
            "can_sign": access.can(user, access.SIGN, agreement, status=status),
            "can_terminate": access.can(user, access.TERMINATE, agreement, status=status),
            "sign_form": EmptyForm(),
        }
    )
    return render(request, "agreements/agreement_detail.html", context)


@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int):
    agreement = access.get_for_user(request.user, pk, action=access.EDIT)
    version = _versions(agreement)[0]
    if request.method == "POST":
        form = AgreementEditForm(request.POST)
        if form.is_valid():
            # a StaleVersion becomes a form error; the user's text stays in the form
            new = call_service(
                form,
                services.agreement_edit,
                user=request.user,
                agreement=agreement,
                **form.service_kwargs(),
            )
            if new is not None:
                messages.success(
                    request,
                    _("Aftalen er gemt som version %(number)s.") % {"number": new.number},
                )
                return redirect("agreements:detail", pk=agreement.pk)
    else:
        form = AgreementEditForm(initial=AgreementEditForm.initial_for(agreement, version))
    return render(
        request,
        "agreements/agreement_edit.html",
        {"form": form, "agreement": agreement, "version": version},
    )


@require_POST
def agreement_sign(request, pk: int):
    agreement = access.get_for_user(request.user, pk, action=access.SIGN)
    form = EmptyForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_sign(user=request.user, agreement=agreement)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Du har underskrevet aftalen."))
    else:
        messages.error(request, " ".join(str(error) for error in form.non_field_errors()))
    return redirect("agreements:detail", pk=agreement.pk)


@require_http_methods(["GET", "POST"])
def agreement_terminate(request, pk: int):
    agreement = access.get_for_user(request.user, pk, action=access.TERMINATE)
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.agreement_terminate,
            user=request.user,
            agreement=agreement,
            given_on=form.cleaned_data["given_on"],
        )
        if done is not None:
            messages.success(
                request,
                _("Aftalen er opsagt og ophører %(day)s.")
                % {"day": done.ends_on.strftime("%d.%m.%Y") if done.ends_on else ""},
            )
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request, "agreements/agreement_terminate.html", {"form": form, "agreement": agreement}
    )


@require_GET
def agreement_pdf(request, pk: int):
    import weasyprint

    agreement = access.get_for_user(request.user, pk, action=access.VIEW)
    version = _versions(agreement)[0]
    context = _document(agreement, version)
    context["status"] = Status(selectors.effective_status(agreement)).label
    html = render_to_string("agreements/agreement_pdf.html", context, request=request)
    pdf = weasyprint.HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_no_fetch
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"samarbejdsaftale-{agreement.pk}-v{version.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _no_fetch(url, *args, **kwargs):
    """The PDF is built from inline HTML and CSS only: nothing is fetched from the network."""
    raise ValueError(f"no external resources: {url}")


@require_GET
def version_detail(request, pk: int, number: int):
    agreement = access.get_for_user(request.user, pk, action=access.VIEW)
    version = next((v for v in _versions(agreement) if v.number == number), None)
    if version is None:
        raise Http404
    context = _document(agreement, version)
    context["status"] = Status(selectors.effective_status(agreement)).label
    return render(request, "agreements/version_detail.html", context)


@require_GET
def region_overview(request):
    overview = selectors.region_overview(request.user)
    labels = {
        Status.IN_FORCE: _("i kraft"),
        Status.DRAFT: _("udkast"),
        Status.SIGNED_ONE: _("udkast (underskrevet af én part)"),
        Status.RENEGOTIATION: _("under genforhandling"),
        Status.NOTICE: _("opsagt"),
    }
    for row in overview["rows"]:
        row["label"] = labels.get(row["status"], _("ingen aftale"))
    return render(request, "agreements/region_overview.html", overview)
