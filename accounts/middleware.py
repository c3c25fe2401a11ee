"""Sign-in enforcement: the second factor, the session lifetime, htmx-aware login redirects."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY

from . import access
from .oidc.session import federated_verified
from .security import LOGIN_AT_KEY, SEEN_AT_KEY, log_event, now_ts

# Besides these, every view that anonymous users may see (``login_not_required``: the login
# page, /healthz) and views marked ``otp_not_required`` answer before the second factor.
OTP_EXEMPT_VIEW_NAMES = frozenset({"accounts:logout"})

# The server-side expiry is pushed forward at most this often (one session write a minute).
SEEN_AT_RESOLUTION = 60

EXPIRY_MESSAGES = {
    "idle": _("Du er blevet logget af, fordi du ikke har været aktiv i et stykke tid."),
    "absolute": _("Du er blevet logget af, fordi du har været logget ind i mere end 12 timer."),
    "invalid": _("Du er blevet logget af. Log ind igen."),
}


def otp_not_required(view_func):
    """Let a view answer after the password but before the second factor (the OTP pages)."""
    view_func.otp_required = False
    return view_func


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect_for(request, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests (a plain 302 would be followed by the
    XMLHttpRequest and the target page swapped into a fragment)."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _return_path(request) -> str | None:
    """Where to go after signing in: the page the user is on (for htmx, the page around the
    fragment), only for GET, only a local path."""
    if is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc and current.netloc != request.get_host():
            return None
        return current.path + (f"?{current.query}" if current.query else "") or None
    if request.method != "GET":
        return None
    return request.get_full_path()


def is_background_refresh(request) -> bool:
    """A request the page makes by itself (the board's poll every 15 seconds), marked with
    ``X-Background-Refresh: 1`` (``hx-headers`` on the polling element). It is answered as
    usual but does not count as activity: only what a person does resets the idle timer. A
    client can only shorten its own session by sending the header."""
    return request.headers.get(BACKGROUND_REFRESH_HEADER) == "1"


BACKGROUND_REFRESH_HEADER = "X-Background-Refresh"


class SessionLifetimeMiddleware:
    """Ends a signed-in session after SESSION_COOKIE_AGE seconds without activity and after
    SESSION_ABSOLUTE_AGE seconds since the login. The request then continues as anonymous
    (LoginRequiredMiddleware sends it to the login page) and the expiry is logged.

    Activity is a request the person made: the last-seen time is moved on by every request
    except background refreshes (``is_background_refresh``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = now_ts()
            login_at, seen_at = session.get(LOGIN_AT_KEY), session.get(SEEN_AT_KEY)
            reason = None
            if not isinstance(login_at, int) or not isinstance(seen_at, int):
                reason = "invalid"  # a session from before these stamps: sign in again
            elif now - login_at >= settings.SESSION_ABSOLUTE_AGE:
                reason = "absolute"
            elif now - seen_at >= settings.SESSION_COOKIE_AGE:
                reason = "idle"
            if reason is not None:
                log_event(
                    "session_expired", request=request, user_id=session[SESSION_KEY], reason=reason
                )
                session.flush()
                request.user = AnonymousUser()
                request.auser = _anonymous
                messages.info(request, EXPIRY_MESSAGES[reason])
            elif now - seen_at >= SEEN_AT_RESOLUTION and not is_background_refresh(request):
                session[SEEN_AT_KEY] = now  # saving also moves the server-side expiry
        return self.get_response(request)


async def _anonymous():
    return AnonymousUser()


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's deny-by-default login requirement, with htmx requests redirected as a whole
    page."""

    def handle_no_permission(self, request, view_func):
        if is_htmx(request):
            url = reverse(settings.LOGIN_URL)
            path = _return_path(request)
            return redirect_for(request, f"{url}?{urlencode({'next': path})}" if path else url)
        return super().handle_no_permission(request, view_func)


class OTPRequiredMiddleware:
    """After the password and before the second factor, every page except the OTP pages,
    logout and public pages redirects to the second-factor step. A session verified with a
    device that stopped counting (enrolled with an administrator's code; the account now opens
    resident data) is sent back to it too. Install after django_otp's OTPMiddleware and
    LoginRequiredMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if federated_verified(request):
            # signed in through an identity provider at NSIS Substantial or High (accounts.oidc):
            # the provider did the multi-factor login; no authenticator code of ours is asked
            user.is_verified = lambda: True
            return None
        if not getattr(view_func, "login_required", True):
            return None  # open to anonymous users anyway
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            if _device_still_accepted(request, user):
                return None
            _withdraw_verification(request, user)
        if not getattr(view_func, "otp_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_VIEW_NAMES:
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        url = reverse("accounts:otp_verify")
        path = _return_path(request)
        return redirect_for(request, f"{url}?{urlencode({'next': path})}" if path else url)


# Session key: the id of the device that verified this session when that device would not
# count for an account opening resident data (enrolled with an administrator's code). Set at
# the second-factor step (``mark_device_trust``); sessions without it cost nothing per request.
UNTRUSTED_DEVICE_KEY = "btt_untrusted_device"


def mark_device_trust(request, device) -> None:
    """At the second-factor step: remember whether the verifying device is one that stops
    counting once the account opens resident data."""
    if access.device_trusted(device):
        request.session.pop(UNTRUSTED_DEVICE_KEY, None)
    else:
        request.session[UNTRUSTED_DEVICE_KEY] = device.pk


def _device_still_accepted(request, user) -> bool:
    """Does the device that verified this session still count (``accounts.access``)? A
    session verified with a device enrolled with an administrator's code is sent back to the
    second factor on the next request after the account's membership is confirmed."""
    device = getattr(user, "otp_device", None)
    if device is None or request.session.get(UNTRUSTED_DEVICE_KEY) != device.pk:
        return True
    return not access.opens_resident_data(user)


def _withdraw_verification(request, user) -> None:
    """Back to the second-factor step: the session keeps the password, not the device."""
    log_event("second_factor_withdrawn", request=request, user=user, reason="access_changed")
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(UNTRUSTED_DEVICE_KEY, None)
    user.otp_device = None
