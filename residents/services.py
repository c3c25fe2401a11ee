"""Every write to residents, their identifiers and residences."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from lib.cpr import ParsedIdentifier
from organisation.models import Facility

from .models import Residence, Resident, ResidentIdentifier


def _names_match(resident: Resident, first_name: str, last_name: str) -> bool:
    return (
        resident.first_name.strip().casefold() == first_name.strip().casefold()
        and resident.last_name.strip().casefold() == last_name.strip().casefold()
    )


@transaction.atomic
def resident_find_or_create(
    *,
    user,
    identifier: ParsedIdentifier,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    facility: Facility,
    moved_in: datetime.date,
) -> Resident:
    """The resident with this identifier, living at ``facility`` from ``moved_in``.

    An existing identifier must come with the same name: a mistyped number must not attach a
    referral to another person. A resident who moves is closed at the old facility.
    """
    existing = (
        ResidentIdentifier.objects.select_related("resident").filter(value=identifier.value).first()
    )
    if existing is not None:
        resident = existing.resident
        if not _names_match(resident, first_name, last_name):
            raise ValidationError(
                _(
                    "Nummeret er registreret med et andet navn. Kontrollér nummer og navn; "
                    "er navnet ændret, så kontakt en administrator."
                ),
                code="identity_mismatch",
            )
        residence_move(user=user, resident=resident, facility=facility, moved_in=moved_in)
        return resident

    resident = Resident(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        created_by=user,
    )
    resident.save(force_insert=True)
    ResidentIdentifier(
        resident=resident,
        kind=identifier.kind.value,
        value=identifier.value,
        valid_from=timezone.localdate(),
        recorded_by=user,
    ).save(force_insert=True)
    Residence(resident=resident, facility=facility, moved_in=moved_in).save(force_insert=True)
    record(user=user, action=Action.CREATE, resident=resident, obj=resident)
    return resident


@transaction.atomic
def residence_move(
    *, user, resident: Resident, facility: Facility, moved_in: datetime.date
) -> Residence:
    """Record that the resident lives at ``facility`` from ``moved_in`` (no-op if already)."""
    current = (
        Residence.objects.select_for_update()
        .filter(resident=resident, moved_out__isnull=True)
        .first()
    )
    if current is not None and current.facility_id == facility.pk:
        return current
    if current is not None:
        if moved_in < current.moved_in:
            raise ValidationError(
                _("Indflytningsdatoen ligger før indflytningen på det nuværende botilbud."),
                code="move_before_current",
            )
        current.moved_out = moved_in
        current.save(update_fields=["moved_out"])
    residence = Residence(resident=resident, facility=facility, moved_in=moved_in)
    residence.save(force_insert=True)
    record(
        user=user,
        action=Action.UPDATE,
        resident=resident,
        obj=residence,
        detail={"facility_id": facility.pk},
    )
    return residence


@transaction.atomic
def identifier_replace(
    *, user, resident: Resident, identifier: ParsedIdentifier, valid_from: datetime.date
) -> ResidentIdentifier:
    """A new CPR number (or a CPR number replacing an erstatnings-CPR); history is kept."""
    if ResidentIdentifier.objects.filter(value=identifier.value).exists():
        raise ValidationError(_("Nummeret er allerede registreret."), code="duplicate")
    ResidentIdentifier.objects.filter(resident=resident, valid_to__isnull=True).update(
        valid_to=valid_from
    )
    new = ResidentIdentifier(
        resident=resident,
        kind=identifier.kind.value,
        value=identifier.value,
        valid_from=valid_from,
        recorded_by=user,
    )
    new.save(force_insert=True)
    record(user=user, action=Action.UPDATE, resident=resident, obj=new)
    return new
