"""Reads for sign-in."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator (the newest, should there be more than one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def pending_totp_device(user) -> TOTPDevice | None:
    """The enrolment the user has started but not confirmed yet."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
