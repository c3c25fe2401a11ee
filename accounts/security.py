"""The security log (logger ``btt.security``) and the session timestamps set at login.

Every login-related event is logged here as ``event=<name> key=value ...`` with the user id,
the username and the request id. Never passwords, session keys, tokens or CPR numbers: the
helpers below take named fields only, and an attempted username (free text typed by anyone)
is cleaned of control characters and anything that looks like a CPR number.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from lib.request_id import current_request_id

logger = logging.getLogger("btt.security")

# Session keys for the session lifetime (seconds since the epoch, as ints: JSON-serialisable).
LOGIN_AT_KEY = "btt_login_at"
SEEN_AT_KEY = "btt_seen_at"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CPR_LIKE = re.compile(r"\d{6}-?\d{4}")
_MAX_USERNAME = 150


def clean_username(raw) -> str:
    """An attempted username as it may be logged: one line, bounded, no CPR-like numbers."""
    text = _CONTROL.sub("?", str(raw or ""))[:_MAX_USERNAME]
    return _CPR_LIKE.sub("[cpr?]", text)


def log_event(event: str, *, request=None, user=None, username=None, level=logging.INFO, **fields):
    """Write one security event. ``fields`` must hold no secrets (checked by the tests)."""
    request_id = getattr(request, "request_id", "") or current_request_id()
    if user is not None and getattr(user, "pk", None) is not None:
        fields = {"user_id": user.pk, "username": clean_username(user.get_username()), **fields}
    elif username is not None:
        fields = {"username": clean_username(username), **fields}
    fields["request_id"] = request_id or "-"
    text = " ".join(f"{key}={value}" for key, value in fields.items())
    logger.log(
        level,
        "event=%s %s",
        event,
        text,
        extra={"security_event": event, "security_fields": fields},
    )


def client_ip(request) -> str | None:
    """The client's address for the lockout (django-axes AXES_CLIENT_IP_CALLABLE).

    Behind TRUSTED_PROXY_COUNT reverse proxies, each appends the address it saw to
    X-Forwarded-For; the entry that many places from the right is the one our own outermost
    proxy wrote, so a client cannot choose its address by sending the header itself.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def now_ts() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="accounts.security.on_login")
def on_login(sender, request, user, **kwargs):
    """Start the session clock (absolute lifetime and idle time) and log the login."""
    if request is not None and hasattr(request, "session"):
        stamp = now_ts()
        request.session[LOGIN_AT_KEY] = stamp
        request.session[SEEN_AT_KEY] = stamp
    log_event("login", request=request, user=user, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="accounts.security.on_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` has the password masked by Django; only the username is taken from it.
    log_event(
        "login_failed",
        request=request,
        username=credentials.get("username", ""),
        ip=_ip(request),
        level=logging.WARNING,
    )


@receiver(user_logged_out, dispatch_uid="accounts.security.on_logout")
def on_logout(sender, request, user, **kwargs):
    log_event("logout", request=request, user=user)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes' user_locked_out signal (connected in AccountsConfig.ready)."""
    log_event(
        "lockout", request=request, username=username or "", ip=ip_address, level=logging.WARNING
    )


def _ip(request) -> str:
    if request is None:
        return "-"
    return client_ip(request) or "-"
