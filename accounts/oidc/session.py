"""What a federated login leaves in the session, and the check the second-factor middleware
asks: a session signed in through a provider at an accepted assurance level (NSIS Substantial
or High: the provider did the multi-factor login) needs no authenticator code of ours."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django.urls import reverse

from ..security import now_ts

if TYPE_CHECKING:
    from .config import Provider

# {"provider": key, "acr": acr, "auth_time": seconds since the epoch}
FEDERATED_KEY = "btt_federated"
# the ID token of the login, for the provider's end-session endpoint (id_token_hint)
# (a session key's name, not a secret)
ID_TOKEN_KEY = "btt_oidc_id_token"  # noqa: S105  # nosec B105
# seconds since the epoch of the last fresh re-authentication at the provider (emergency access)
REAUTH_AT_KEY = "btt_federated_reauth_at"

BACKEND_PATH = "accounts.oidc.backend.FederatedBackend"


def providers() -> dict[str, Provider]:
    configured: dict[str, Provider] = getattr(settings, "OIDC_PROVIDERS", {}) or {}
    return configured


def federated_login(request: HttpRequest) -> dict[str, Any] | None:
    """The federated login of this session, if it was one (and its provider is still
    configured and still accepts the level it was made at)."""
    data = request.session.get(FEDERATED_KEY)
    if not isinstance(data, dict) or request.session.get(BACKEND_SESSION_KEY) != BACKEND_PATH:
        return None
    provider = providers().get(str(data.get("provider")))
    if provider is None or data.get("acr") not in provider.acr_values:
        return None
    return data


def federated_verified(request: HttpRequest) -> bool:
    return federated_login(request) is not None


def subject_hash(provider_key: str, subject: str) -> str:
    """A subject as it may be logged: keyed and truncated (the subject is a pseudonymous id,
    but a log line need only tell two attempts apart)."""
    digest = hmac.new(
        str(settings.SECRET_KEY).encode(), f"{provider_key}\x00{subject}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:16]


# --- re-authentication at the provider (before emergency access) ----------------------------

# a fresh login at the provider counts for this long, and once
REAUTH_MAX_AGE = 300


def reauthentication_url(request: HttpRequest, next_url: str) -> str | None:
    """For a federated session: the provider's login again (``prompt=login``, ``max_age=0``),
    back to ``next_url``. ``None`` for a session signed in with the password."""
    login = federated_login(request)
    if login is None:
        return None
    url = reverse("accounts:oidc_login", args=[login["provider"]])
    return f"{url}?{urlencode({'reauth': '1', 'next': next_url})}"


def reauthentication_provider_label(request: HttpRequest) -> str:
    login = federated_login(request)
    return providers()[login["provider"]].label if login is not None else ""


def fresh_reauthentication(request: HttpRequest) -> bool:
    """Has this federated session just logged in again at its provider?"""
    at = request.session.get(REAUTH_AT_KEY)
    if not isinstance(at, int) or federated_login(request) is None:
        return False
    return 0 <= now_ts() - at <= REAUTH_MAX_AGE


def use_reauthentication(request: HttpRequest) -> bool:
    """The fresh re-authentication, used up (one emergency access per login at the provider)."""
    fresh = fresh_reauthentication(request)
    request.session.pop(REAUTH_AT_KEY, None)
    return fresh
