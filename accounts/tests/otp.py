"""Codes for tests, computed the way an authenticator app does (django_otp.oath.totp)."""

from __future__ import annotations

from django_otp.oath import totp


def code_for(device, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or ``steps_ahead`` 30-second steps later)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def wrong_code(device) -> str:
    """A well-formed code that no step within the device's tolerance accepts."""
    valid = {code_for(device, steps_ahead=s) for s in range(-2, 3)}
    candidate = 0
    while f"{candidate:06d}" in valid:
        candidate += 1
    return f"{candidate:06d}"
