"""Building blocks of registration and referral by number and name (not services: they write
no audit row of their own; the services that use them write the one row of the step)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.cpr import ParsedIdentifier
from organisation.access import FACILITY_ACT, can_facility
from organisation.models import Facility

from .models import Residence, Resident, ResidentIdentifier
from .selectors import current_residence

if TYPE_CHECKING:
    from organisation.access import User


def names_match(resident: Resident, first_name: str, last_name: str) -> bool:
    return (
        resident.first_name.strip().casefold() == first_name.strip().casefold()
        and resident.last_name.strip().casefold() == last_name.strip().casefold()
    )


def identity_mismatch() -> ValidationError:
    return ValidationError(
        _(
            "Nummeret er registreret med et andet navn. Kontrollér nummer og navn; "
            "er navnet ændret, så kontakt en administrator."
        ),
        code="identity_mismatch",
    )


def lives_elsewhere(residence: Residence | None) -> ValidationError:
    """For a resident the user may see: they live somewhere else than the form chose."""
    if residence is None:
        return ValidationError(
            _(
                "Beboeren er ikke registreret på et botilbud. Registrér flytningen først "
                "(»Flytning« på beboerens side); indtil da ændres intet."
            ),
            code="move_first",
        )
    return ValidationError(
        _(
            "Beboeren bor på %(facility)s. Registrér flytningen først (»Flytning« på "
            "beboerens side); indtil da ændres intet."
        )
        % {"facility": residence.facility.name},
        code="move_first",
    )


def ensure_lives_at(resident: Resident, facility: Facility) -> None:
    """For a resident the user may see: ``lives_elsewhere`` unless they live at ``facility``
    now (registering, referring or raising a concern never moves anyone)."""
    residence = current_residence(resident)
    if residence is None or residence.facility_id != facility.pk:
        raise lives_elsewhere(residence)


def insert_resident(
    *,
    user: User,
    identifier: ParsedIdentifier,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    facility: Facility,
    moved_in: datetime.date,
) -> Resident:
    """A new resident with a new number, living at ``facility``. Writes no audit row: it runs
    only inside a service that writes the one row for the whole step
    (``residents.services.resident_register``,
    ``courses.services.referral_create_from_identity``), and asks the facility policy itself."""
    if not can_facility(user, FACILITY_ACT, facility):
        raise PermissionDenied
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
    return resident
