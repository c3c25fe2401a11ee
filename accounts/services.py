"""Writes for sign-in: activation codes, TOTP devices (django-otp) and the second-factor check."""

from __future__ import annotations

import datetime
import logging
import re
from base64 import b32encode
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, Purpose
from audit.services import record

from . import access
from .codes import (
    build_activation,
    code_display,
    code_matches,
    new_code,
)
from .models import Activation, User
from .security import log_event

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
        # Enrolment is refused while an accepted authenticator exists, so any other confirmed
        # device no longer counts (the account's access changed): the new one replaces it.
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
        replaced_count = replaced.count()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        if replaced_count:
            log_event("second_factor_replaced", user=user, devices=replaced_count)
    return check


@transaction.atomic
def totp_devices_reset(*, user, target) -> int:
    """``user`` (an administrator of ``target``'s region) removes ``target``'s authenticators
    (lost or new phone); ``target`` then needs a new activation code to enrol again. Returns
    how many were removed."""
    target = access.get_for_user(user, target.pk, action=access.MANAGE)
    count, _deleted = TOTPDevice.objects.filter(user=target).delete()
    record(
        user=user,
        action=Action.UPDATE,
        obj=target,
        purpose=Purpose.ADMINISTRATION,
        detail={"event": "authenticator_reset", "devices": count},
    )
    log_event("second_factor_reset", user=target, by_user_id=user.pk, devices=count)
    return count


# --- activation codes for the first authenticator ----------------------------------------

ACTIVATION_MAX_FAILURES = 5


@dataclass(frozen=True)
class IssuedActivation:
    activation: Activation
    code: str  # shown once to the issuer, never stored


@transaction.atomic
def activation_issue(*, user, target) -> IssuedActivation:
    """``user`` issues a one-time activation code for ``target``'s first authenticator.

    Allowed for the leader of ``target``'s team or facility and, when ``target`` opens no
    resident data, for an administrator of ``target``'s region (``accounts.access``); the
    capacity is recorded (``Activation.issued_as``). A code issued earlier and not used yet
    stops working. Refused (ValidationError) for a deactivated user and for one who already
    has an authenticator that counts (an administrator resets it first); one whose
    authenticator stopped counting when their access changed gets a code, and the new
    enrolment replaces the old device."""
    target = access.get_for_user(user, target.pk, action=access.ACTIVATE)
    return _issue(target, issued_by=user)


@transaction.atomic
def activation_issue_by_operator(*, target) -> IssuedActivation:
    """The same, for the operator on the server (``manage.py issue_activation``): the first
    superuser and region administrators have nobody in the application to issue theirs."""
    return _issue(target, issued_by=None)


def _issue(target, *, issued_by) -> IssuedActivation:
    User.objects.select_for_update().filter(pk=target.pk).first()  # one issue at a time
    target.refresh_from_db(fields=["is_active"])
    if not target.is_active:
        raise ValidationError(_("Brugeren er deaktiveret og kan ikke få en aktiveringskode."))
    if access.accepted_devices(target).exists():
        raise ValidationError(
            _(
                "Brugeren har allerede en autentificeringsapp. En administrator kan nulstille "
                "den, hvis telefonen er skiftet."
            )
        )
    now = timezone.now()
    Activation.objects.filter(user=target, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    code = new_code()
    activation = build_activation(
        target,
        code,
        issued_by=issued_by,
        issued_as=access.issuer_capacity(issued_by, target),
        now=now,
    )
    activation.save(force_insert=True)
    record(
        user=issued_by,
        action=Action.CREATE,
        obj=activation,
        purpose=Purpose.ADMINISTRATION,
        detail={
            "event": "activation_issued",
            "for_user_id": target.pk,
            "issued_as": activation.issued_as,
        },
    )
    log_event(
        "activation_issued",
        user=target,
        by_user_id=issued_by.pk if issued_by is not None else "operator",
    )
    return IssuedActivation(activation=activation, code=code_display(code))


@dataclass(frozen=True)
class ActivationCheck:
    """The outcome of typing an activation code: the new (unconfirmed) device, or why not
    (``wrong``, ``used``, ``expired``, ``revoked``, ``too_many``, ``enrolled``,
    ``access_changed``: an administrator's code for an account that now opens resident data)."""

    device: TOTPDevice | None = None
    activation: Activation | None = None
    refused: str | None = None


@transaction.atomic
def totp_enrolment_start(*, user, code: str) -> ActivationCheck:
    """``user`` (signed in with the password, no authenticator yet) starts enrolling with an
    activation code issued for them: the code is used up and a new unconfirmed device is
    returned, to be confirmed with the first code from the app (``totp_device_confirm``).

    The policy is the code itself: only a live code issued for this user opens enrolment;
    the password alone never does. Wrong codes count against the live code, which is revoked
    after ``ACTIVATION_MAX_FAILURES``."""
    if access.accepted_devices(user).exists():
        return ActivationCheck(refused="enrolled")
    now = timezone.now()
    activations = list(
        Activation.objects.select_for_update().filter(user=user).order_by("-issued_at", "-pk")
    )
    matched = next((a for a in activations if code_matches(a, code)), None)
    if matched is None:
        reason = "wrong"
        live = next((a for a in activations if a.is_live(now)), None)
        if live is not None:
            live.failed_attempts += 1
            fields = ["failed_attempts"]
            if live.failed_attempts >= ACTIVATION_MAX_FAILURES:
                live.revoked_at = now
                fields.append("revoked_at")
                reason = "too_many"
            live.save(update_fields=fields)
        return _activation_refused(user, reason)
    if matched.used_at is not None:
        return _activation_refused(user, "used")
    if matched.revoked_at is not None:
        return _activation_refused(user, "revoked")
    if matched.expires_at <= now:
        return _activation_refused(user, "expired")
    if matched.issued_as not in access.TRUSTED_ISSUERS and access.opens_resident_data(user):
        # issued by an administrator before a leader confirmed the membership: it would enrol
        # a device that does not count; the leader issues a new code
        matched.revoked_at = now
        matched.save(update_fields=["revoked_at"])
        return _activation_refused(user, "access_changed")
    device = totp_device_create(user)
    matched.used_at = now
    matched.device = device
    matched.save(update_fields=["used_at", "device"])
    record(
        user=user,
        action=Action.UPDATE,
        obj=matched,
        purpose=Purpose.ADMINISTRATION,
        detail={"event": "activation_used"},
    )
    log_event("activation_used", user=user)
    return ActivationCheck(device=device, activation=matched)


def _activation_refused(user, reason: str) -> ActivationCheck:
    log_event("activation_refused", user=user, reason=reason, level=logging.WARNING)
    return ActivationCheck(refused=reason)
