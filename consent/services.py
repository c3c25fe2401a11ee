"""Every write to the consent ledger. Consents are never changed or deleted: a change is a
withdrawal and a new consent."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from lib.errors import TransitionError
from organisation.models import Facility
from residents.models import Resident

from . import access
from .models import (
    TO_FACILITY,
    Consent,
    ConsentForm,
    ConsentKind,
    ConsentScope,
    LegalBasis,
    one_year_after,
)

if TYPE_CHECKING:
    from organisation.access import User


def is_strict(*, kind: str, legal_basis: str, direction: str) -> bool:
    """Written and at most one year: §43, the social side, and all team -> facility sharing."""
    return kind == ConsentKind.SHARING and (
        legal_basis in (LegalBasis.SUL_43, LegalBasis.SEL) or direction in TO_FACILITY
    )


@transaction.atomic
def consent_record(
    *,
    user: User,
    resident: Resident,
    kind: str,
    form: str,
    given_by: str,
    given_on: datetime.date,
    facility: Facility | None = None,
    direction: str = "",
    categories: list[str] | None = None,
    purpose: str = "",
    legal_basis: str = "",
    relatives: str = "",
    expires_on: datetime.date | None = None,
) -> Consent:
    """Consent to share the team's information is recorded by the team that holds it; housing
    staff record what the facility shares (``consent.access``)."""
    access.check_record(user, resident, kind=kind, direction=direction, facility=facility)
    categories = sorted(set(categories or []))
    errors: dict[str, str] = {}
    if given_on > timezone.localdate():
        errors["given_on"] = _("Datoen kan ikke ligge i fremtiden.")
    if kind == ConsentKind.SHARING:
        if facility is None:
            errors["facility"] = _("Vælg det botilbud, oplysningerne deles med.")
        if not direction:
            errors["direction"] = _("Vælg retningen for videregivelsen.")
        if not categories:
            errors["categories"] = _(
                "Vælg hvilke oplysninger der må deles. Et samtykke til at dele alt er ikke gyldigt."
            )
        if not purpose.strip():
            errors["purpose"] = _("Skriv formålet med videregivelsen.")
        if not legal_basis:
            errors["legal_basis"] = _("Vælg lovgrundlaget.")
    elif kind == ConsentKind.REFUSAL and not categories:
        errors["categories"] = _("Vælg hvilke oplysninger beboeren frabeder sig delt.")
    elif kind == ConsentKind.RELATIVES and not relatives.strip():
        errors["relatives"] = _("Skriv navn og relation på de pårørende, der må inddrages.")
    if is_strict(kind=kind, legal_basis=legal_basis, direction=direction):
        if form != ConsentForm.WRITTEN:
            errors["form"] = _(
                "Samtykke til videregivelse til botilbuddet skal være skriftligt "
                "(sundhedsloven § 43 og serviceloven)."
            )
        latest = one_year_after(given_on)
        if expires_on is None:
            expires_on = latest
        elif expires_on > latest:
            errors["expires_on"] = _(
                "Samtykket bortfalder senest et år efter, det er givet (senest %(date)s)."
            ) % {"date": latest.strftime("%d.%m.%Y")}
    if expires_on is not None and expires_on <= given_on and "expires_on" not in errors:
        errors["expires_on"] = _("Udløbsdatoen skal ligge efter datoen, samtykket er givet.")
    if errors:
        raise ValidationError(errors)

    consent = Consent(
        resident=resident,
        kind=kind,
        facility=facility if kind in (ConsentKind.SHARING, ConsentKind.REFUSAL) else None,
        direction=direction if kind == ConsentKind.SHARING else "",
        purpose=purpose,
        legal_basis=legal_basis,
        relatives=relatives if kind == ConsentKind.RELATIVES else "",
        form=form,
        given_by=given_by,
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=user,
    )
    consent.save(force_insert=True)
    if kind in (ConsentKind.SHARING, ConsentKind.REFUSAL):
        ConsentScope.objects.bulk_create(
            [ConsentScope(consent=consent, category=c) for c in categories]
        )
    record(
        user=user,
        action=Action.CREATE,
        resident=resident,
        obj=consent,
        detail={"kind": kind, "categories": categories},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, user: User, consent: Consent, note: str = "") -> Consent:
    """Takes effect on the very next request: nothing caches consent decisions. Who may record
    a withdrawal: ``consent.access`` (the team, or housing staff for sharing with their
    facility)."""
    access.get_for_user(user, consent.pk, action=access.WITHDRAW)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise TransitionError(_("Samtykket er allerede trukket tilbage."), code="withdrawn")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = user
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    record(
        user=user,
        action=Action.TRANSITION,
        resident=consent.resident,
        obj=consent,
        detail={"to": "withdrawn"},
    )
    return consent
