"""Opening, ending and reviewing emergency access."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action, Purpose
from audit.services import record
from btt.errors import TransitionError
from organisation.access import principal_for

from .models import DURATION, EmergencyAccess


@transaction.atomic
def emergency_access_open(
    *, user, resident, reason_category: str, reason_text: str, reauthenticated: bool
) -> EmergencyAccess:
    """The caller must have checked the password again (``reauthenticated``)."""
    from residents.selectors import residents_visible_to

    principal = principal_for(user)
    if not principal.emergency_team_ids:
        raise ValidationError(
            _("Kun læger og sygeplejersker i et botilbudsteam kan bruge nødadgang."),
            code="not_health_professional",
        )
    if not reauthenticated:
        raise ValidationError({"password": _("Adgangskoden er forkert.")})
    if not reason_text.strip():
        raise ValidationError({"reason_text": _("Skriv begrundelsen for nødadgangen.")})
    if principal.emergency_resident_ids:
        raise TransitionError(
            _("Du har allerede en aktiv nødadgang. Afslut den, før du åbner en ny."),
            code="already_active",
        )
    if residents_visible_to(user).filter(pk=resident.pk).exists():
        raise TransitionError(
            _("Du har allerede adgang til beboeren. Nødadgang er ikke nødvendig."),
            code="already_visible",
        )
    now = timezone.now()
    access = EmergencyAccess(
        user=user,
        team_id=min(principal.emergency_team_ids),
        resident=resident,
        reason_category=reason_category,
        reason_text=reason_text,
        started_at=now,
        expires_at=now + DURATION,
    )
    access.save(force_insert=True)
    record(
        user=user,
        action=Action.CREATE,
        resident=resident,
        obj=access,
        purpose=Purpose.EMERGENCY,
        detail={"reason_category": reason_category},
    )
    return access


@transaction.atomic
def emergency_access_end(*, user, access: EmergencyAccess) -> EmergencyAccess:
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if access.user_id != user.pk or not access.is_active_at(timezone.now()):
        raise TransitionError(_("Nødadgangen er ikke aktiv."), code="inactive")
    access.ended_at = timezone.now()
    access.save(update_fields=["ended_at"])
    record(
        user=user,
        action=Action.TRANSITION,
        resident=access.resident,
        obj=access,
        purpose=Purpose.EMERGENCY,
        detail={"to": "ended"},
    )
    return access


@transaction.atomic
def emergency_access_review(*, user, access: EmergencyAccess, note: str) -> EmergencyAccess:
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if access.reviewed_at is not None:
        raise TransitionError(_("Nødadgangen er allerede gennemgået."), code="reviewed")
    if access.user_id == user.pk:
        raise ValidationError(_("Du kan ikke gennemgå din egen nødadgang."), code="own")
    access.reviewed_at = timezone.now()
    access.reviewed_by = user
    access.review_note = note
    access.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    record(
        user=user,
        action=Action.UPDATE,
        resident=access.resident,
        obj=access,
        purpose=Purpose.ADMINISTRATION,
        detail={"reviewed": True},
    )
    return access
