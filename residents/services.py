"""Every write to residents, their identifiers, residences and moves.

Each service asks the policy (``residents.access``) itself, so a direct call by someone who may
not do it raises Http404/PermissionDenied, and writes exactly one audit row.

Registering never moves anyone: a number that belongs to a resident the user may not see
becomes a *proposal* to move in, which someone who acts for the resident confirms or rejects.
The form's answer is the same as for a new number (a move page), so the number's existence
does not leak.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import Action, Outcome
from audit.services import record
from lib.cpr import ParsedIdentifier
from lib.errors import TransitionError
from organisation.access import FACILITY_STAFF, can_facility
from organisation.models import Facility

from . import access
from .identity import ensure_lives_at, identity_mismatch, insert_resident, names_match
from .models import Move, MoveStatus, Residence, Resident, ResidentIdentifier
from .selectors import current_residence, resident_by_identifier
from .throttle import limit_reached

if TYPE_CHECKING:
    from organisation.access import User

REGISTRATION_LIMIT = 20
REGISTRATION_WINDOW = datetime.timedelta(hours=1)
REGISTRATION = "registration"  # the audit rows' ``detail["probe"]``, counted by the throttle


@dataclass(frozen=True)
class Registration:
    """What a registration did: a move page to show (a new resident's move-in, or a proposal),
    or an already registered resident the user may see; or nothing (``throttled``)."""

    move: Move | None = None
    resident: Resident | None = None
    throttled: bool = False


@transaction.atomic
def resident_register(
    *,
    user: User,
    identifier: ParsedIdentifier,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    facility: Facility,
    moved_in: datetime.date,
) -> Registration:
    """Housing staff register a resident who lives (or moves in) at their facility.

    - A new number: the resident is created, living at ``facility``; the move-in is recorded.
    - A resident the user may see (lives at their facility): nothing changes; if they live
      elsewhere, the user is told to record the move first.
    - A resident the user may not see: a proposal to move in, which grants nothing until
      someone who acts for the resident confirms it. The answer is the same as for a new number.
      The same user's second open proposal for the resident and facility is not saved: the
      answer is the first one's page, as if saved.

    At most REGISTRATION_LIMIT registrations and proposals per user per REGISTRATION_WINDOW,
    whatever the number (``residents.throttle``); a refused one writes a denied audit row.
    """
    if not can_facility(user, FACILITY_STAFF, facility):
        raise PermissionDenied
    probe = {"probe": REGISTRATION}
    if limit_reached(
        user=user,
        limit=REGISTRATION_LIMIT,
        window=REGISTRATION_WINDOW,
        detail__probe=REGISTRATION,
    ):
        record(
            user=user,
            action=Action.CREATE,
            outcome=Outcome.DENIED,
            detail={**probe, "throttled": True},
        )
        return Registration(throttled=True)
    existing = resident_by_identifier(identifier.value)
    if existing is None:
        resident = insert_resident(
            user=user,
            identifier=identifier,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            facility=facility,
            moved_in=moved_in,
        )
        move = _move_save(
            user=user,
            resident=resident,
            from_facility=None,
            to_facility=facility,
            moved_in=moved_in,
            status=MoveStatus.RECORDED,
            first_name=first_name,
            last_name=last_name,
        )
        record(
            user=user,
            action=Action.CREATE,
            resident=resident,
            obj=resident,
            detail={**probe, "move_id": move.pk},
        )
        return Registration(move=move)

    if access.sees_through_own_team(user, existing):
        if not names_match(existing, first_name, last_name):
            raise identity_mismatch()
        ensure_lives_at(existing, facility)
        record(
            user=user,
            action=Action.VIEW,
            resident=existing,
            obj=existing,
            detail={**probe, "registration": "already_registered"},
        )
        return Registration(resident=existing)

    duplicate = Move.objects.filter(
        resident=existing, to_facility=facility, status=MoveStatus.PROPOSED, created_by=user
    ).first()
    if duplicate is not None:
        record(
            user=user,
            action=Action.VIEW,
            resident=existing,
            obj=duplicate,
            detail={**probe, "duplicate": True},
        )
        return Registration(move=duplicate)
    residence = current_residence(existing)
    move = _move_save(
        user=user,
        resident=existing,
        from_facility=residence.facility if residence else None,
        to_facility=facility,
        moved_in=moved_in,
        status=MoveStatus.PROPOSED,
        first_name=first_name,
        last_name=last_name,
    )
    record(
        user=user,
        action=Action.CREATE,
        resident=existing,
        obj=move,
        detail={**probe, "to": MoveStatus.PROPOSED, "to_facility_id": facility.pk},
    )
    return Registration(move=move)


def _move_save(
    *,
    user: User,
    resident: Resident,
    from_facility: Facility | None,
    to_facility: Facility,
    moved_in: datetime.date,
    status: MoveStatus,
    first_name: str = "",
    last_name: str = "",
) -> Move:
    move = Move(
        resident=resident,
        from_facility=from_facility,
        to_facility=to_facility,
        moved_in=moved_in,
        status=status,
        typed_first_name=first_name.strip()[:100],
        typed_last_name=last_name.strip()[:100],
        created_by=user,
    )
    move.save(force_insert=True)
    return move


def _apply_move(
    *, resident: Resident, facility: Facility, moved_in: datetime.date
) -> Facility | None:
    """Close the open residence and open one at ``facility``. Returns the old facility."""
    current = (
        Residence.objects.select_for_update()
        .select_related("facility")
        .filter(resident=resident, moved_out__isnull=True)
        .first()
    )
    if current is not None and current.facility_id == facility.pk:
        raise ValidationError(
            _("Beboeren bor allerede på %(facility)s.") % {"facility": facility.name},
            code="already_there",
        )
    if moved_in > timezone.localdate():
        raise ValidationError(_("Datoen kan ikke ligge i fremtiden."), code="future")
    if current is not None:
        if moved_in < current.moved_in:
            raise ValidationError(
                _("Indflytningsdatoen ligger før indflytningen på det nuværende botilbud."),
                code="move_before_current",
            )
        current.moved_out = moved_in
        current.save(update_fields=["moved_out"])
    Residence(resident=resident, facility=facility, moved_in=moved_in).save(force_insert=True)
    return current.facility if current is not None else None


OTHER_REGION_MESSAGE = gettext_lazy(
    "Botilbuddet ligger i en anden region. En flytning til en anden region foreslås af det "
    "nye botilbud (»Foreslå flytning«) og bekræftes her; indtil da ændres intet."
)


@transaction.atomic
def move_record(
    *, user: User, resident: Resident, to_facility: Facility, moved_in: datetime.date
) -> Move:
    """Someone who acts for the resident records a move to another facility. The old
    facility's staff lose sight of the resident on their next request.

    Only within the region (``access.move_destinations``): a move to another region is
    proposed by the new facility and confirmed by someone who acts for the resident."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    access.ensure(user, access.ACT, resident)
    if not access.move_destinations(user, resident).filter(pk=to_facility.pk).exists():
        raise ValidationError(OTHER_REGION_MESSAGE, code="other_region")
    old = _apply_move(resident=resident, facility=to_facility, moved_in=moved_in)
    move = _move_save(
        user=user,
        resident=resident,
        from_facility=old,
        to_facility=to_facility,
        moved_in=moved_in,
        status=MoveStatus.RECORDED,
    )
    record(
        user=user,
        action=Action.CREATE,
        resident=resident,
        obj=move,
        detail={
            "to": MoveStatus.RECORDED,
            "from_facility_id": old.pk if old else None,
            "to_facility_id": to_facility.pk,
        },
    )
    return move


def _check_transition(move: Move, target: str) -> None:
    if target not in Move.TRANSITIONS[move.status]:
        raise TransitionError(
            _("Det kan ikke lade sig gøre: status er allerede »%(status)s«.")
            % {"status": move.get_status_display()},
            code="illegal_transition",
        )


def _lock_move(move: Move) -> Move:
    return (
        Move.objects.select_for_update(of=("self",))
        .select_related("resident", "to_facility", "from_facility")
        .get(pk=move.pk)
    )


@transaction.atomic
def move_confirm(*, user: User, move: Move) -> Move:
    """Someone who acts for the resident confirms a proposed move; it takes effect now."""
    move = _lock_move(move)
    access.ensure_move(user, access.MOVE_DECIDE, move)
    _check_transition(move, MoveStatus.CONFIRMED)
    if not names_match(move.resident, move.typed_first_name, move.typed_last_name):
        raise ValidationError(
            _(
                "Navnet i forslaget passer ikke med beboerens navn. Forslaget kan ikke "
                "bekræftes; afvis det."
            ),
            code="identity_mismatch",
        )
    old = _apply_move(resident=move.resident, facility=move.to_facility, moved_in=move.moved_in)
    move.from_facility = old
    move.status = MoveStatus.CONFIRMED
    move.decided_by = user
    move.decided_at = timezone.now()
    move.save(update_fields=["from_facility", "status", "decided_by", "decided_at"])
    record(
        user=user,
        action=Action.TRANSITION,
        resident=move.resident,
        obj=move,
        detail={"to": MoveStatus.CONFIRMED, "to_facility_id": move.to_facility_id},
    )
    return move


@transaction.atomic
def move_reject(*, user: User, move: Move, reason: str) -> Move:
    move = _lock_move(move)
    access.ensure_move(user, access.MOVE_DECIDE, move)
    _check_transition(move, MoveStatus.REJECTED)
    move.status = MoveStatus.REJECTED
    move.decided_by = user
    move.decided_at = timezone.now()
    move.decision_note = reason
    move.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record(
        user=user,
        action=Action.TRANSITION,
        resident=move.resident,
        obj=move,
        detail={"to": MoveStatus.REJECTED},
    )
    return move


@transaction.atomic
def identifier_replace(
    *, user: User, resident: Resident, identifier: ParsedIdentifier, valid_from: datetime.date
) -> ResidentIdentifier:
    """A new CPR number (or a CPR number replacing an erstatnings-CPR); history is kept."""
    access.ensure(user, access.ACT, resident)
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
