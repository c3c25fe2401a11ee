"""Reads for sign-in."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access
from .models import Activation, User


def confirmed_totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator (the newest, should there be more than one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def accepted_totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator that counts for signing in now
    (``access.accepted_devices``), the newest should there be more than one."""
    return access.accepted_devices(user).order_by("-pk").first()


def enrolment_device(user, activation_id) -> TOTPDevice | None:
    """The unconfirmed device that ``user`` started enrolling with the activation
    ``activation_id`` (kept in their session), or None."""
    if not isinstance(activation_id, int):
        return None
    return (
        TOTPDevice.objects.filter(
            user=user, confirmed=False, activation__pk=activation_id, activation__user=user
        )
        .order_by("-pk")
        .first()
    )


def members_for_activation(user) -> QuerySet[User]:
    """The accounts ``user`` may issue an activation code for (``access.activatable``), with
    ``has_device`` (an authenticator that counts), ``needs_new_code`` (one that stopped
    counting when their access changed) and ``has_live_code`` for the leader's activation
    page."""
    now = timezone.now()
    return (
        access.activatable(user)
        .annotate(
            has_device=ExpressionWrapper(
                access.has_accepted_device_q(), output_field=BooleanField()
            ),
            has_any_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_live_code=Exists(
                Activation.objects.filter(
                    user=OuterRef("pk"),
                    used_at__isnull=True,
                    revoked_at__isnull=True,
                    expires_at__gt=now,
                )
            ),
        )
        .order_by("first_name", "last_name", "username")
    )
