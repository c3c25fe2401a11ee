"""Writes for sign-in: TOTP devices (django-otp) and the second-factor check."""

from __future__ import annotations

import datetime
import re
from base64 import b32encode
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

# RFC 4226 asks for at least 128 bits of secret; django-otp's default is 160 (40 hex digits).
MIN_KEY_BYTES = 16
_HEX = re.compile(r"^[0-9a-fA-F]+$")

DEVICE_NAME = "Autentificeringsapp"


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking a code: accepted, or refused (and whether throttling refused it
    without looking at the code, with the time from which the next try is allowed)."""

    accepted: bool
    throttled_until: datetime.datetime | None = None


@transaction.atomic
def totp_device_create(user, *, key_hex: str | None = None, confirmed: bool = False) -> TOTPDevice:
    """A TOTP device for ``user`` with a random secret, or ``key_hex`` (for demo users whose
    secret is printed in the README). Unconfirmed until the user has typed a correct code."""
    fields = {"user": user, "name": DEVICE_NAME, "confirmed": confirmed}
    if key_hex is not None:
        if not _HEX.match(key_hex) or len(key_hex) % 2 or len(key_hex) < 2 * MIN_KEY_BYTES:
            raise ValidationError(
                f"key_hex must be an even number of hex digits, at least {2 * MIN_KEY_BYTES}."
            )
        fields["key"] = key_hex.lower()
    device = TOTPDevice(**fields)
    device.full_clean()
    device.save(force_insert=True)
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app wants it typed in: base32 without padding."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


@transaction.atomic
def totp_enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device the user is enrolling: the same one on every visit to the
    enrolment page (so the QR code stays valid), created on the first visit."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    return device if device is not None else totp_device_create(user)


@transaction.atomic
def totp_device_verify(*, user, device: TOTPDevice, token: str) -> TokenCheck:
    """Check a code against one of the user's devices.

    The row is locked, so two requests with the same code cannot both pass; django-otp refuses
    a code whose time step is not later than the last accepted one (``last_t``) and doubles the
    wait after each wrong code (``OTP_TOTP_THROTTLE_FACTOR``).
    """
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    allowed, info = locked.verify_is_allowed()
    if not allowed:
        return TokenCheck(accepted=False, throttled_until=(info or {}).get("locked_until"))
    if locked.verify_token(token):
        device.refresh_from_db()
        return TokenCheck(accepted=True)
    return TokenCheck(accepted=False)


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, token: str) -> TokenCheck:
    """Confirm an enrolment with the first code from the app; other unfinished enrolments
    of the user are removed."""
    check = totp_device_verify(user=user, device=device, token=token)
    if check.accepted:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    return check


@transaction.atomic
def totp_devices_reset(*, user, by) -> int:
    """Remove the user's authenticators (lost or new phone): the next sign-in enrols again.
    Returns how many were removed."""
    from .security import log_event

    count, _ = TOTPDevice.objects.filter(user=user).delete()
    log_event("second_factor_reset", user=user, by_user_id=by.pk, devices=count)
    return count
