"""The one way to write audit rows. Call inside the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Model

from lib.request_id import current_request_id

from .actors import ActingPrincipal, principal_of
from .models import Action, AuditEvent, Outcome, Purpose

if TYPE_CHECKING:
    from organisation.access import AnyUser
    from residents.models import Resident

ACTOR_NAME_MAX = AuditEvent._meta.get_field("actor_name").max_length


def purpose_for(principal: ActingPrincipal, resident_id: int | None) -> Purpose:
    """Why this user touches this resident: emergency access is tagged on every action;
    housing staff read under consent-based sharing; team staff for treatment."""
    if resident_id is not None and resident_id in principal.emergency_resident_ids:
        return Purpose.EMERGENCY
    if principal.is_team_staff:
        return Purpose.TREATMENT
    if principal.is_facility_staff:
        return Purpose.SHARING
    if principal.is_ward_staff:
        return Purpose.LOOKUP
    return Purpose.ADMINISTRATION


def actor_name_of(user: AnyUser | None) -> str:
    """The name the log keeps for the user as of now (full name, else the user name)."""
    if user is None or not user.is_authenticated:
        return ""
    return (user.get_full_name().strip() or user.get_username())[:ACTOR_NAME_MAX]


def _row(
    *,
    user: AnyUser | None,
    resident_id: int | None,
    action: Action,
    obj: Model | None,
    purpose: Purpose | None,
    outcome: Outcome,
    detail: dict[str, Any] | None,
) -> AuditEvent:
    principal = principal_of(user)
    if purpose is None:
        purpose = purpose_for(principal, resident_id)
    return AuditEvent(
        user=user if user is not None and user.is_authenticated else None,
        actor_name=actor_name_of(user),
        organisation=principal.organisation_label[:500],
        role=principal.role_label[:200],
        resident_id=resident_id,
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_version=getattr(obj, "version", None) if obj is not None else None,
        purpose=purpose,
        outcome=outcome,
        request_id=current_request_id(),
        detail=detail or {},
    )


def record(
    *,
    user: AnyUser | None,
    action: Action,
    resident: Resident | None = None,
    obj: Model | None = None,
    purpose: Purpose | None = None,
    outcome: Outcome = Outcome.ALLOWED,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. ``detail`` must never hold CPR numbers or note text.

    ``purpose`` defaults to what the user's role and any emergency access imply.
    """
    row = _row(
        user=user,
        resident_id=resident.pk if resident is not None else None,
        action=action,
        obj=obj,
        purpose=purpose,
        outcome=outcome,
        detail=detail,
    )
    row.save(force_insert=True)
    return row


def _resident_exists(resident_id: int) -> bool:
    """Asked through the log's own foreign key: the audit app sits below residents and imports
    nothing from it."""
    resident_model = AuditEvent._meta.get_field("resident").related_model
    if not isinstance(resident_model, type):  # "self" or None: not for this key
        raise TypeError("AuditEvent.resident must point at a model")
    return resident_model._default_manager.filter(pk=resident_id).exists()


def record_denied(
    *,
    user: AnyUser | None,
    action: Action,
    resident_id: int | None,
    detail: dict[str, Any],
) -> AuditEvent:
    """Write the row for a refused request (404 or 403 from a gatekeeper).

    ``resident_id`` is what the gatekeeper named (``audit.denials``), typically the id from the
    URL: it is kept only when such a resident exists, so the log links a denied attempt to the
    resident it concerned. The user's answer is the same either way.
    """
    if resident_id is not None and not _resident_exists(resident_id):
        resident_id = None
    row = _row(
        user=user,
        resident_id=resident_id,
        action=action,
        obj=None,
        purpose=None,
        outcome=Outcome.DENIED,
        detail=detail,
    )
    row.save(force_insert=True)
    return row


def record_shown(
    *,
    user: AnyUser | None,
    action: Action,
    resident_ids: Iterable[int],
    purpose: Purpose | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One row per resident shown in a list or search result, written in one query."""
    rows = [
        _row(
            user=user,
            resident_id=rid,
            action=action,
            obj=None,
            purpose=purpose,
            outcome=Outcome.ALLOWED,
            detail=detail,
        )
        for rid in resident_ids
    ]
    if rows:
        AuditEvent.objects.bulk_create(rows)
