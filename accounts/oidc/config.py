"""The identity providers (OpenID Connect) staff log in with, read and checked at start-up.

``OIDC_PROVIDERS_FILE`` names a JSON file (or ``OIDC_PROVIDERS`` holds the JSON itself) with a
list of providers::

    [{"key": "rn",
      "label": "Region Nordjylland",
      "issuer": "https://login.rn.dk/",
      "discovery": true,
      "client_id": "botilbudsteams",
      "client_secret_env": "OIDC_RN_CLIENT_SECRET",
      "sign_algorithms": ["RS256"],
      "acr_values": ["https://data.gov.dk/concept/core/nsis/loa/Substantial",
                     "https://data.gov.dk/concept/core/nsis/loa/High"],
      "regions": ["Region Nordjylland"]}]

- ``discovery`` true: endpoints come from ``<issuer>/.well-known/openid-configuration``
  (fetched on first use, its ``issuer`` must equal ours); any endpoint named explicitly
  (``authorization_endpoint``, ``token_endpoint``, ``jwks_uri``, ``end_session_endpoint``)
  wins. Without discovery, the first three are required.
- The client secret is never in the file: ``client_secret_env`` names the environment variable
  that holds it.
- ``acr_values``: the accepted assurance levels (default NSIS Substantial and High); sent as
  ``acr_values`` in the authorization request, and the ID token's ``acr`` must be one of them.
- ``regions``: the names of the regions whose staff the provider serves (a user logs in
  through it only with a membership, or an administering region, in one of them); ``"*"``
  serves every region (a national broker).

This module knows no models: ``btt/settings.py`` imports it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

NSIS_LOW = "https://data.gov.dk/concept/core/nsis/loa/Low"
NSIS_SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
NSIS_HIGH = "https://data.gov.dk/concept/core/nsis/loa/High"
DEFAULT_ACR_VALUES = (NSIS_SUBSTANTIAL, NSIS_HIGH)

# Asymmetric signatures only: an HMAC (HS256) ID token is signed with the client secret, which
# more than one party knows; "none" is never accepted.
SIGN_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}
)

PASSWORD_LOGIN_POLICIES = ("all", "unlinked", "admins")

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri", "end_session_endpoint")
_KNOWN = frozenset(
    {
        "key",
        "label",
        "issuer",
        "discovery",
        "client_id",
        "client_secret_env",
        "sign_algorithms",
        "acr_values",
        "regions",
        "scopes",
        "token_auth",
        *_ENDPOINTS,
    }
)


@dataclass(frozen=True)
class Provider:
    key: str
    label: str  # the button: "Log ind med <label>"
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    discovery: bool = True
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    jwks_uri: str | None = None
    end_session_endpoint: str | None = None
    sign_algorithms: tuple[str, ...] = ("RS256",)
    acr_values: tuple[str, ...] = DEFAULT_ACR_VALUES
    regions: tuple[str, ...] = ()
    scopes: str = "openid"
    token_auth: str = "client_secret_basic"  # noqa: S105 (or client_secret_post: a method)

    @property
    def serves_every_region(self) -> bool:
        return "*" in self.regions

    @property
    def explicit_endpoints(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in _ENDPOINTS if getattr(self, name)}


def load_providers(environ: Mapping[str, str] | None = None) -> dict[str, Provider]:
    """The configured providers by key (empty without configuration), or ImproperlyConfigured
    naming what is wrong."""
    environ = os.environ if environ is None else environ
    path = (environ.get("OIDC_PROVIDERS_FILE") or "").strip()
    inline = (environ.get("OIDC_PROVIDERS") or "").strip()
    if path and inline:
        raise ImproperlyConfigured("Set OIDC_PROVIDERS_FILE or OIDC_PROVIDERS, not both.")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ImproperlyConfigured(f"OIDC_PROVIDERS_FILE {path!r}: {exc.strerror}") from exc
        source = f"OIDC_PROVIDERS_FILE {path!r}"
    elif inline:
        text, source = inline, "OIDC_PROVIDERS"
    else:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{source} is not valid JSON: {exc}") from exc
    return parse_providers(data, environ=environ, source=source)


def parse_providers(
    data: Any, *, environ: Mapping[str, str], source: str = "OIDC_PROVIDERS"
) -> dict[str, Provider]:
    if not isinstance(data, list):
        raise ImproperlyConfigured(f"{source} must be a JSON list of providers.")
    providers: dict[str, Provider] = {}
    for index, item in enumerate(data):
        provider = _provider(item, environ=environ, where=f"{source}, provider {index + 1}")
        if provider.key in providers:
            raise ImproperlyConfigured(f"{source}: the key {provider.key!r} is used twice.")
        providers[provider.key] = provider
    return providers


def _provider(item: Any, *, environ: Mapping[str, str], where: str) -> Provider:
    def fail(message: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{where}: {message}")

    if not isinstance(item, dict):
        raise fail("must be a JSON object.")
    if "client_secret" in item:
        raise fail(
            "never put the client secret in the file; name its variable in client_secret_env."
        )
    unknown = sorted(set(item) - _KNOWN)
    if unknown:
        raise fail(f"unknown field(s) {', '.join(unknown)}.")

    def text(name: str, *, required: bool = True) -> str | None:
        value = item.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{name} must be a non-empty string.")
        return value.strip()

    def strings(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = item.get(name)
        if value is None:
            return default
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise fail(f"{name} must be a non-empty list of strings.")
        return tuple(v.strip() for v in value)

    key = text("key") or ""
    if not _KEY.match(key) or key == "callback":
        raise fail("key must be 1-32 lower-case letters, digits or hyphens (not 'callback').")
    where = f"{where} ({key!r})"
    issuer = text("issuer") or ""
    _check_url(issuer, "issuer", fail)
    discovery = item.get("discovery", True)
    if not isinstance(discovery, bool):
        raise fail("discovery must be true or false.")
    endpoints = {name: text(name, required=False) for name in _ENDPOINTS}
    for name, url in endpoints.items():
        if url is not None:
            _check_url(url, name, fail)
    if not discovery:
        missing = [n for n in _ENDPOINTS[:3] if endpoints[n] is None]
        if missing:
            raise fail(f"without discovery, {', '.join(missing)} must be given.")
    secret_env = text("client_secret_env") or ""
    secret = (environ.get(secret_env) or "").strip()
    if not secret:
        raise fail(f"the environment variable {secret_env} (client_secret_env) is not set.")
    algorithms = strings("sign_algorithms", ("RS256",))
    bad = sorted(set(algorithms) - SIGN_ALGORITHMS)
    if bad:
        raise fail(
            f"sign_algorithms {', '.join(bad)} not accepted; use {', '.join(sorted(SIGN_ALGORITHMS))}."
        )
    acr_values = strings("acr_values", DEFAULT_ACR_VALUES)
    if NSIS_LOW in acr_values:
        raise fail("acr_values must not accept NSIS Low: health data needs Substantial or High.")
    regions = strings("regions", ())
    if not regions:
        raise fail('regions must name the regions whose staff it serves (or ["*"]).')
    token_auth = item.get("token_auth", "client_secret_basic")
    if token_auth not in ("client_secret_basic", "client_secret_post"):
        raise fail("token_auth must be client_secret_basic or client_secret_post.")
    scopes = text("scopes", required=False) or "openid"
    if "openid" not in scopes.split():
        raise fail("scopes must include openid.")
    return Provider(
        key=key,
        label=text("label") or "",
        issuer=issuer,
        client_id=text("client_id") or "",
        client_secret=secret,
        discovery=discovery,
        sign_algorithms=algorithms,
        acr_values=acr_values,
        regions=regions,
        scopes=scopes,
        token_auth=token_auth,
        **endpoints,
    )


def _check_url(url: str, name: str, fail: Any) -> None:
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise fail(f"{name} must be an https:// URL (http only for a provider on this machine).")
    if not parts.netloc or parts.query or parts.fragment:
        raise fail(f"{name} must be an absolute URL without query or fragment.")


def password_login_policy(raw: str | None, *, providers: Mapping[str, Provider]) -> str:
    """OIDC_PASSWORD_LOGIN: who may still sign in with the local password and authenticator.
    Default ``all`` without providers, ``unlinked`` with them."""
    if raw is None or not raw.strip():
        return "unlinked" if providers else "all"
    value = raw.strip().lower()
    if value not in PASSWORD_LOGIN_POLICIES:
        raise ImproperlyConfigured(
            f"OIDC_PASSWORD_LOGIN must be one of {', '.join(PASSWORD_LOGIN_POLICIES)}, got {raw!r}."
        )
    return value


def end_session_origins(providers: Mapping[str, Provider]) -> list[str]:
    """Origins the logout form may be redirected to (CSP form-action): the providers' explicit
    end-session endpoints, else their issuers (discovered endpoints live there as a rule)."""
    origins = []
    for provider in providers.values():
        url = provider.end_session_endpoint or provider.issuer
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins
