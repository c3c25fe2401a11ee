"""One-time activation codes: making, showing, hashing and checking them (no writes; the
services in accounts/services.py issue and use them)."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .models import Activation, Issuer

ACTIVATION_LIFETIME = datetime.timedelta(hours=72)
# 12 characters without look-alikes (0/O, 1/I/L): 31**12, about 2**59 codes.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12
_FORMAT = re.compile(r"^[A-Z0-9]{12}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(LENGTH))


def normalise(text: str) -> str:
    """What the user typed, as compared: upper case, without spaces and hyphens."""
    return re.sub(r"[\s\-]", "", str(text or "")).upper()


def is_well_formed(text: str) -> bool:
    return bool(_FORMAT.match(normalise(text)))


def code_display(code: str) -> str:
    """ABCD-EFGH-JKMN: in groups of four, as shown to the issuer."""
    code = normalise(code)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise(code)}".encode()).hexdigest()


def code_matches(activation: Activation, code: str) -> bool:
    return constant_time_compare(_hash(activation.salt, code), activation.code_hash)


def build_activation(
    target, code: str, *, issued_by=None, issued_as=None, now=None, lifetime=None
) -> Activation:
    """An unsaved activation of ``code`` for ``target`` (a salted hash only). For the services
    and the demo data; anything else issues codes through ``services.activation_issue``.
    Without ``issued_as``: the operator when nobody issued it (manage.py, demo data), else an
    administrator (the least trusted capacity)."""
    now = now or timezone.now()
    if issued_as is None:
        issued_as = Issuer.OPERATOR if issued_by is None else Issuer.ADMINISTRATOR
    salt = secrets.token_hex(16)
    return Activation(
        user=target,
        issued_by=issued_by,
        issued_as=issued_as,
        issued_at=now,
        expires_at=now + (lifetime or ACTIVATION_LIFETIME),
        salt=salt,
        code_hash=_hash(salt, code),
    )
