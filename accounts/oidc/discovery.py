"""A provider's endpoints: explicit ones from the configuration, the rest from its discovery
document (fetched once per process, on first use, and checked against the configured issuer)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import requests
from django.core.exceptions import SuspiciousOperation

from .config import Provider

TIMEOUT = 10  # seconds, for every request to a provider

_cache: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    jwks: str
    end_session: str | None


def endpoints(provider: Provider) -> Endpoints:
    """The provider's endpoints. Raises SuspiciousOperation when discovery fails or answers
    for another issuer, requests.RequestException when the provider cannot be reached."""
    found: dict[str, Any] = {}
    if provider.discovery:
        found = _discovered(provider)
    found = {**found, **provider.explicit_endpoints}
    missing = [
        name
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not found.get(name)
    ]
    if missing:
        raise SuspiciousOperation(f"provider {provider.key}: no {', '.join(missing)}")
    return Endpoints(
        authorization=found["authorization_endpoint"],
        token=found["token_endpoint"],
        jwks=found["jwks_uri"],
        end_session=found.get("end_session_endpoint") or None,
    )


def end_session_endpoint(provider: Provider) -> str | None:
    """For logout: never fails (a provider that cannot be reached gets no single logout)."""
    try:
        return endpoints(provider).end_session
    except (SuspiciousOperation, requests.RequestException, ValueError):
        return None


def _discovered(provider: Provider) -> dict[str, Any]:
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    with _lock:
        cached = _cache.get(url)
    if cached is not None:
        return cached
    response = requests.get(url, timeout=TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if not isinstance(document, dict) or document.get("issuer") != provider.issuer:
        raise SuspiciousOperation(f"provider {provider.key}: discovery answered for another issuer")
    with _lock:
        _cache[url] = document
    return document


def forget() -> None:
    """Drop the discovered documents (tests; a provider that moved its endpoints)."""
    with _lock:
        _cache.clear()
