from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.services import record, record_shown
from lib.forms import call_service
from organisation.access import require
from residents.selectors import get_resident_for_user

from . import access, services
from .forms import ConsentRecordForm, WithdrawForm
from .selectors import consents_for_resident, expiring_consents

if TYPE_CHECKING:
    from organisation.access import AuthenticatedHttpRequest


@require_GET
def ledger(request: AuthenticatedHttpRequest, resident_pk: int) -> HttpResponse:
    resident = get_resident_for_user(request.user, resident_pk)
    consents = consents_for_resident(request.user, resident)
    for consent in consents:
        consent.resident = resident  # the policy reads where the resident lives now
        consent.can_withdraw = consent.is_active and access.can(
            request.user, access.WITHDRAW, consent
        )
    record(user=request.user, action=Action.VIEW, resident=resident, detail={"page": "consents"})
    return render(
        request,
        "consent/ledger.html",
        {
            "resident": resident,
            "consents": consents,
            "can_record": access.may_record(request.user, resident),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest, resident_pk: int) -> HttpResponse:
    resident = get_resident_for_user(request.user, resident_pk)
    allowed = access.recordable(request.user, resident)
    if not allowed:
        raise PermissionDenied
    form = ConsentRecordForm(
        request.POST or None,
        allowed=allowed,
        initial={
            "given_on": timezone.localdate(),
            "facility": allowed.first_facility_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = call_service(
            form,
            services.consent_record,
            user=request.user,
            resident=resident,
            kind=data["kind"],
            form=data["form"],
            given_by=data["given_by"],
            given_on=data["given_on"],
            facility=data["facility"],
            direction=data["direction"],
            categories=data["categories"],
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
            relatives=data["relatives"],
            expires_on=data["expires_on"],
        )
        if consent is not None:
            return redirect("consent:ledger", resident_pk=resident.pk)
    return render(
        request, "consent/create.html", {"form": form, "resident": resident, "allowed": allowed}
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consent = access.get_for_user(request.user, pk, action=access.WITHDRAW)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.consent_withdraw,
            user=request.user,
            consent=consent,
            note=form.cleaned_data["note"],
        )
        if done is not None:
            return redirect("consent:ledger", resident_pk=consent.resident_id)
    return render(request, "consent/withdraw.html", {"form": form, "consent": consent})


@require_GET
def expiring(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(access.may_list_expiring(request.user))
    consents = list(expiring_consents(request.user)[:200])
    record_shown(
        user=request.user,
        action=Action.LIST,
        resident_ids=sorted({c.resident_id for c in consents}),
        detail={"list": "expiring_consents"},
    )
    return render(request, "consent/expiring.html", {"consents": consents})
