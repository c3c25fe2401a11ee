"""Login, callback and logout for the identity providers (mozilla-django-oidc's views,
subclassed so that each request picks its provider). The pages in ``accounts.views`` call
them.

- ``FederatedLoginView`` (``/login/oidc/<key>/``): mozilla's authorization request (state,
  nonce, PKCE S256, the safe ``next``), with ``acr_values`` from the provider and, for a
  re-authentication (``?reauth=1``, a signed-in user before emergency access),
  ``prompt=login&max_age=0``. The provider key, the purpose and ``next`` are kept in the
  state's entry in the session.
- ``FederatedCallbackView`` (``/login/oidc/callback/``): the state's entry is taken out of the
  session and saved before anything else (a second callback with the same state, code or
  nonce finds nothing), the backend checks the ID token and the link, Django's ``login``
  gives the session a new key and starts the session clock (``accounts.security.on_login``);
  the session is marked as federated (provider, acr, auth_time), which the second-factor
  middleware accepts. Every refusal is logged to ``btt.security`` without the subject (a
  keyed hash of it) and shown as a Danish message on the login page.
- ``FederatedLogoutView``: Django's logout, then the provider's end-session endpoint with
  ``id_token_hint`` and ``post_logout_redirect_uri`` when it has one (RP-initiated logout;
  back-channel logout is not implemented).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from ..models import FederatedIdentity
from ..security import log_event, now_ts
from . import discovery
from .backend import FederatedBackend, Refusal
from .config import NSIS_HIGH, NSIS_SUBSTANTIAL, Provider
from .session import (
    BACKEND_PATH,
    FEDERATED_KEY,
    ID_TOKEN_KEY,
    REAUTH_AT_KEY,
    federated_login,
    providers,
    subject_hash,
)

STATES_KEY = "oidc_states"  # mozilla-django-oidc's: state -> {nonce, code_verifier, added_on}

# OAuth error codes a provider may send back; anything else is logged as "other"
_OAUTH_ERRORS = frozenset(
    {
        "access_denied",
        "login_required",
        "interaction_required",
        "consent_required",
        "invalid_request",
        "unauthorized_client",
        "server_error",
        "temporarily_unavailable",
        "unmet_authentication_requirements",
    }
)

# how the logs name the assurance levels
_LEVELS = {NSIS_SUBSTANTIAL: "substantial", NSIS_HIGH: "high"}


def _provider_or_404(key: str) -> Provider:
    provider = providers().get(key)
    if provider is None:
        raise Http404
    return provider


class FederatedLoginView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    http_method_names = ["get"]

    _SETTINGS: dict[str, Any] = {
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_REDIRECT_FIELD_NAME": "next",
    }

    def __init__(self, **kwargs: Any) -> None:
        # mozilla's __init__ reads one provider from global settings; ours comes with the URL
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.provider: Provider | None = None
        self.reauth = False

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr == "OIDC_RP_SCOPES" and self.provider is not None:
            return self.provider.scopes
        if attr in self._SETTINGS:
            return self._SETTINGS[attr]
        return getattr(settings, attr, *args)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        if self.provider is None:
            raise Http404
        params = {"acr_values": " ".join(self.provider.acr_values)}
        if self.reauth:
            params.update(prompt="login", max_age="0")
        return params

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        provider = _provider_or_404(key)
        self.provider = provider
        self.reauth = request.GET.get("reauth") == "1" and request.user.is_authenticated
        try:
            found = discovery.endpoints(provider)
        except (SuspiciousOperation, requests.RequestException, ValueError):
            log_event(
                "federated_login_refused",
                request=request,
                provider=provider.key,
                reason="provider_unreachable",
                level=logging.WARNING,
            )
            messages.error(request, _unavailable(provider))
            return HttpResponseRedirect(reverse("accounts:login"))
        self.OIDC_OP_AUTH_ENDPOINT = found.authorization
        self.OIDC_RP_CLIENT_ID = provider.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        entry = request.session[STATES_KEY][state]
        entry["provider"] = provider.key
        entry["next"] = request.session.pop("oidc_login_next", None)
        if self.reauth:
            entry["reauth_user_id"] = request.user.pk
        request.session.modified = True
        redirect: HttpResponse = response
        return redirect


class FederatedCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        entry = _take_state(request)
        provider = providers().get(entry.get("provider", "")) if entry else None
        if entry is None or provider is None:
            return _refuse(request, None, Refusal("unknown_state"))
        reauth_user_id = entry.get("reauth_user_id")
        next_url = entry.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)
        if request.GET.get("error"):
            error = request.GET["error"]
            check = error if error in _OAUTH_ERRORS else "other"
            return _refuse(request, provider, Refusal("provider_error", check=check), next_url)
        if not request.GET.get("code"):
            return _refuse(request, provider, Refusal("token_invalid", check="no_code"), next_url)
        if reauth_user_id is not None and request.user.pk != reauth_user_id:
            return _refuse(request, provider, Refusal("reauth_other_user"), next_url)
        try:
            backend = FederatedBackend.for_provider(provider)
        except (SuspiciousOperation, requests.RequestException, ValueError):
            return _refuse(request, provider, Refusal("provider_unreachable"), next_url)
        if reauth_user_id is not None:
            backend.reauth_user = request.user  # type: ignore[assignment]
            backend.not_before = entry.get("added_on")
        user = backend.authenticate(
            request,
            provider=provider,
            nonce=entry.get("nonce"),
            code_verifier=entry.get("code_verifier"),
        )
        result = backend.result
        if user is None or result is None:
            return _refuse(request, provider, backend.refusal or Refusal("token_invalid"), next_url)
        fields = {
            "provider": provider.key,
            "acr": _LEVELS.get(result.acr, "other"),
            "subject": subject_hash(provider.key, result.identity.subject),
        }
        FederatedIdentity.objects.filter(pk=result.identity.pk).update(last_login_at=timezone.now())
        if reauth_user_id is not None:
            request.session[REAUTH_AT_KEY] = now_ts()
            log_event("federated_reauthenticated", request=request, user=user, **fields)
            return HttpResponseRedirect(next_url)
        auth.login(request, user, backend=BACKEND_PATH)  # new session key; on_login stamps it
        request.session[FEDERATED_KEY] = {
            "provider": provider.key,
            "acr": result.acr,
            "auth_time": result.auth_time,
        }
        request.session[ID_TOKEN_KEY] = result.id_token
        log_event("federated_login", request=request, user=user, **fields)
        return HttpResponseRedirect(next_url)


def _take_state(request: HttpRequest) -> dict[str, Any] | None:
    """The state's entry, removed from the session and saved at once: single use."""
    state = request.GET.get("state") or ""
    states = request.session.get(STATES_KEY)
    if not state or not isinstance(states, dict) or state not in states:
        return None
    entry = states.pop(state)
    request.session.modified = True
    request.session.save()
    return entry if isinstance(entry, dict) else None


REFUSAL_MESSAGES = {
    "acr_too_low": lambda p: _(
        "Du skal logge ind med et sikringsniveau på mindst betydeligt (NSIS) for at se "
        "helbredsoplysninger."
    ),
    "unknown_subject": lambda p: _(
        "Din bruger er ikke knyttet til Botilbudsteams. Kontakt din leder."
    ),
    "inactive": lambda p: _("Din bruger er deaktiveret. Kontakt din leder."),
    "not_served": lambda p: (
        _("Du kan ikke logge ind med %(provider)s. Brug login fra din egen organisation.")
        % {"provider": p.label}
    ),
    "reauth_other_user": lambda p: _("Bekræftelsen skal ske med din egen bruger. Prøv igen."),
    "reauth_not_fresh": lambda p: (
        _("Bekræftelsen skal være et nyt login hos %(provider)s. Prøv igen.")
        % {"provider": p.label}
    ),
}


def _unavailable(provider: Provider) -> str:
    return _("Login med %(provider)s kan ikke bruges lige nu. Prøv igen om lidt.") % {
        "provider": provider.label
    }


def _refuse(
    request: HttpRequest, provider: Provider | None, refusal: Refusal, next_url: str | None = None
) -> HttpResponse:
    log_event(
        "federated_login_refused",
        request=request,
        provider=provider.key if provider else "-",
        reason=refusal.reason,
        check=refusal.check or "-",
        acr=_LEVELS.get(refusal.acr or "", "other" if refusal.acr else "-"),
        subject=subject_hash(provider.key, refusal.subject)
        if provider and refusal.subject
        else "-",
        level=logging.WARNING,
    )
    if provider is None:
        text = _("Login mislykkedes. Prøv igen.")
    elif refusal.reason in REFUSAL_MESSAGES:
        text = REFUSAL_MESSAGES[refusal.reason](provider)
    elif refusal.reason == "provider_unreachable":
        text = _unavailable(provider)
    else:
        text = _("Login med %(provider)s mislykkedes. Prøv igen.") % {"provider": provider.label}
    messages.error(request, text)
    if refusal.reason.startswith("reauth_") and next_url:
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(reverse("accounts:login"))


class FederatedLogoutView(auth_views.LogoutView):
    """Django's logout; after a federated login, on to the provider's end-session endpoint."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        login = federated_login(request)
        id_token = request.session.get(ID_TOKEN_KEY)
        response = super().post(request, *args, **kwargs)
        if login is None or not isinstance(id_token, str):
            return response
        provider = providers()[login["provider"]]
        endpoint = discovery.end_session_endpoint(provider)
        if endpoint is None:
            return response
        params = {
            "id_token_hint": id_token,
            "client_id": provider.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
        }
        separator = "&" if urlsplit(endpoint).query else "?"
        return HttpResponseRedirect(f"{endpoint}{separator}{urlencode(params)}")
