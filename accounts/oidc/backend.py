"""The authentication backend for a login through a provider, built on mozilla-django-oidc's.

mozilla-django-oidc 5.0.2 (``OIDCAuthenticationBackend``) exchanges the code, fetches the
provider's JWKS and checks the ID token's signature (``alg`` must equal one configured
algorithm) and nonce. It does not check ``aud``, ``iss``, ``azp`` or that ``exp``/``iat`` are
present (PyJWT checks ``exp`` only when the claim is there), it turns an expired token into an
uncaught exception, and it finds or creates users by e-mail from the userinfo claims. Here:

- one backend instance per login, configured with that login's provider (``for_provider``);
  nothing is read from global ``OIDC_*`` settings;
- the ID token is decoded with ``aud`` = our client id, ``iss`` = the provider's issuer,
  ``exp``, ``iat``, ``sub`` and ``nonce`` required, ``iat`` at most ``CLOCK_SKEW`` seconds in the
  future, ``azp`` = our client id when there are several audiences, the header's ``alg`` one of
  the provider's asymmetric algorithms (never ``none`` nor HMAC);
- the assurance level (``acr``) must be one the provider accepts;
- the user is found only through a ``FederatedIdentity`` (provider, subject): no user is ever
  created, no name, e-mail or membership is taken from claims, userinfo is not fetched;
- an inactive user, or one the provider does not serve, is refused.

A refusal is returned as ``None`` with ``self.refusal`` saying why (for the message and the
security log). The backend answers only when ``FederatedCallbackView`` calls it with a
provider: a password login through ``django.contrib.auth.authenticate`` passes it by.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ..models import FederatedIdentity, User
from . import discovery
from .config import Provider
from .policy import serves

CLOCK_SKEW = 60  # seconds of leeway for exp, and how far in the future iat may be
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "sub", "nonce"]


@dataclass(frozen=True)
class Refusal:
    reason: str  # token_invalid, acr_too_low, unknown_subject, inactive, not_served, reauth_*
    check: str = ""  # for token_invalid: which check failed (an exception class name)
    subject: str | None = None
    acr: str | None = None


@dataclass(frozen=True)
class FederatedLogin:
    user: User
    identity: FederatedIdentity
    acr: str
    auth_time: int
    id_token: str


class _Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


class FederatedBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # mozilla's __init__ reads one provider from global settings; ours is set per login
        self.provider: Provider | None = None
        self.refusal: Refusal | None = None
        self.result: FederatedLogin | None = None
        self.reauth_user: User | None = None
        self.not_before: float | None = None
        self.UserModel = User

    @classmethod
    def for_provider(cls, provider: Provider) -> FederatedBackend:
        backend = cls()
        backend.provider = provider
        found = discovery.endpoints(provider)
        backend.OIDC_OP_TOKEN_ENDPOINT = found.token
        backend.OIDC_OP_JWKS_ENDPOINT = found.jwks
        backend.OIDC_OP_USER_ENDPOINT = None
        backend.OIDC_RP_CLIENT_ID = provider.client_id
        backend.OIDC_RP_CLIENT_SECRET = provider.client_secret
        backend.OIDC_RP_SIGN_ALGO = provider.sign_algorithms[0]
        backend.OIDC_RP_IDP_SIGN_KEY = None
        return backend

    _SETTINGS: dict[str, Any] = {
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "OIDC_USE_NONCE": True,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": discovery.TIMEOUT,
        "OIDC_PROXY": None,
        "OIDC_CREATE_USER": False,
        # (settings' names, not secrets)
        "OIDC_STORE_ACCESS_TOKEN": False,  # nosec B105
        # the callback view keeps the ID token after the login
        "OIDC_STORE_ID_TOKEN": False,  # nosec B105
    }

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr == "OIDC_TOKEN_USE_BASIC_AUTH":
            basic = "client_secret_basic"  # noqa: S105 (a method name, not a secret)
            return self.provider is not None and self.provider.token_auth == basic
        if attr == "OIDC_RP_SCOPES" and self.provider is not None:
            return self.provider.scopes
        if attr in self._SETTINGS:
            return self._SETTINGS[attr]
        return args[0] if args else None

    def _provider(self) -> Provider:
        if self.provider is None:
            raise SuspiciousOperation("no provider")
        return self.provider

    # --- the entry point ------------------------------------------------------------------

    def authenticate(
        self,
        request: Any,
        provider: Provider | None = None,
        nonce: str | None = None,
        code_verifier: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """Only for ``FederatedCallbackView`` (with ``provider`` and ``nonce``); ``None`` for
        every other call, so a password login never reaches the provider."""
        if request is None or provider is None or not nonce or provider is not self.provider:
            return None
        try:
            user: User | None = super().authenticate(
                request, nonce=nonce, code_verifier=code_verifier
            )
            return user
        except _Refused as refused:
            self.refusal = refused.refusal
        except (
            SuspiciousOperation,
            jwt.PyJWTError,
            requests.RequestException,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            self.refusal = Refusal("token_invalid", check=_check_name(exc))
        return None

    # --- the ID token -----------------------------------------------------------------------

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        provider = self._provider()
        header = jwt.get_unverified_header(payload)
        alg = header.get("alg")
        if alg not in provider.sign_algorithms:
            raise SuspiciousOperation("alg")
        claims: dict[str, Any] = jwt.decode(
            payload,
            key,
            algorithms=[alg],
            audience=provider.client_id,
            issuer=provider.issuer,
            leeway=CLOCK_SKEW,
            options={"require": REQUIRED_CLAIMS, "verify_signature": True},
        )
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        azp = claims.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != provider.client_id:
            raise SuspiciousOperation("azp")
        if not isinstance(claims["iat"], int | float) or claims["iat"] > time.time() + CLOCK_SKEW:
            raise SuspiciousOperation("iat")
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise SuspiciousOperation("sub")
        return claims

    def retrieve_matching_jwk(self, token: Any) -> Any:
        # mozilla looks the key up with OIDC_RP_SIGN_ALGO; the token may use any configured one
        alg = jwt.get_unverified_header(token).get("alg")
        if alg not in self._provider().sign_algorithms:
            raise SuspiciousOperation("alg")
        self.OIDC_RP_SIGN_ALGO = alg
        return super().retrieve_matching_jwk(token)

    def verify_token(self, token: Any, **kwargs: Any) -> dict[str, Any]:
        """Signature against the provider's JWKS, the claims above, and the nonce of this
        login's state (mozilla's own would take a PS256 key from the client secret and
        allows an unsecured JWT by setting)."""
        nonce = kwargs.get("nonce")
        key = self.retrieve_matching_jwk(token)
        payload = self._verify_jws(token, key)
        token_nonce = payload.get("nonce")
        if not nonce or not isinstance(token_nonce, str):
            raise SuspiciousOperation("nonce")
        if not hmac.compare_digest(token_nonce.encode(), str(nonce).encode()):
            raise SuspiciousOperation("nonce")
        return payload

    # --- the user ------------------------------------------------------------------------------

    def get_or_create_user(self, access_token: Any, id_token: Any, payload: Any) -> User | None:
        """Never creates: the subject must be linked. Raises ``_Refused`` to say why not."""
        provider = self._provider()
        subject = payload["sub"]
        acr = payload.get("acr")
        if not isinstance(acr, str) or acr not in provider.acr_values:
            raise _Refused(Refusal("acr_too_low", subject=subject, acr=str(acr or "")))
        identity = (
            FederatedIdentity.objects.select_related("user")
            .filter(provider=provider.key, subject=subject)
            .first()
        )
        if identity is None:
            raise _Refused(Refusal("unknown_subject", subject=subject, acr=acr))
        user = identity.user
        if not user.is_active:
            raise _Refused(Refusal("inactive", subject=subject, acr=acr))
        if not serves(provider, user):
            raise _Refused(Refusal("not_served", subject=subject, acr=acr))
        auth_time = payload.get("auth_time")
        auth_time = int(auth_time) if isinstance(auth_time, int | float) else int(payload["iat"])
        if self.reauth_user is not None:
            if user.pk != self.reauth_user.pk:
                raise _Refused(Refusal("reauth_other_user", subject=subject, acr=acr))
            if self.not_before is not None and auth_time < self.not_before - CLOCK_SKEW:
                raise _Refused(Refusal("reauth_not_fresh", subject=subject, acr=acr))
        self.result = FederatedLogin(
            user=user, identity=identity, acr=acr, auth_time=auth_time, id_token=id_token
        )
        return user

    def update_user(self, user: Any, claims: Any) -> Any:
        return user  # never from claims

    def create_user(self, claims: Any) -> Any:
        raise SuspiciousOperation("users are never created from a federated login")

    def filter_users_by_claims(self, claims: Any) -> Any:
        return self.UserModel.objects.none()  # never by e-mail


def _check_name(exc: Exception) -> str:
    if isinstance(exc, SuspiciousOperation) and str(exc) in ("alg", "azp", "iat", "sub", "nonce"):
        return str(exc)
    return type(exc).__name__
