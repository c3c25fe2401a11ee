"""Opening, ending and reviewing emergency access.

Each service asks the policy (``emergency.access``) itself, so a direct call by a user who may
not do the step raises PermissionDenied (or Http404 for an access they may not see), and
writes exactly one audit row in its transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action, Purpose
from audit.services import record
from lib.errors import TransitionError

from . import access as policy
from .models import DURATION, EmergencyAccess


@transaction.atomic
def emergency_access_open(
    *, user, resident, reason_category: str, reason_text: str, reauthenticated: bool
) -> EmergencyAccess:
    """The caller must have checked the password again (``reauthenticated``)."""
    if not policy.can(user, policy.OPEN):  # doctors and nurses of a team only
        raise PermissionDenied
    if not reauthenticated:
        raise ValidationError({"password": _("Adgangskoden er forkert.")})
    if not reason_text.strip():
        raise ValidationError({"reason_text": _("Skriv begrundelsen for nødadgangen.")})
    if policy.has_active(user):
        raise TransitionError(
            _("Du har allerede en aktiv nødadgang. Afslut den, før du åbner en ny."),
            code="already_active",
        )
    if not policy.can(user, policy.OPEN, resident):  # a resident the user already sees
        raise TransitionError(
            _("Du har allerede adgang til beboeren. Nødadgang er ikke nødvendig."),
            code="already_visible",
        )
    team_id = policy.reviewing_team_id(user)
    if team_id is None:  # ``policy.can(OPEN)``: a doctor or nurse of a team
        raise PermissionDenied
    now = timezone.now()
    access = EmergencyAccess(
        user=user,
        team_id=team_id,
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
    if access.user_id != user.pk:  # only one's own: someone else's does not exist for them
        raise Http404
    if not policy.can(user, policy.END, access):
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
    """The leader of the team the access was opened from (never its own user) reviews it."""
    policy.get_for_user(user, access.pk, action=policy.VIEW)  # 404 unless the team's leader
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if access.user_id == user.pk:
        raise ValidationError(_("Du kan ikke gennemgå din egen nødadgang."), code="own")
    if not policy.can(user, policy.REVIEW, access):
        raise PermissionDenied
    if access.reviewed_at is not None:
        raise TransitionError(_("Nødadgangen er allerede gennemgået."), code="reviewed")
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
