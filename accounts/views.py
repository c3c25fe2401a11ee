import datetime
import logging
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.services import record_shown
from courses import access as courses_access
from courses.selectors import (
    concerns_raised_at_my_facility,
    my_courses,
    open_concerns,
    visitation_queue,
)
from lib.forms import call_service
from organisation import access as organisation_access
from residents import access as residents_access
from residents.selectors import facility_residents

from . import access
from .access import may_issue_activations
from .codes import ACTIVATION_LIFETIME
from .forms import ActivationCodeForm, IssueActivationForm, TokenForm
from .middleware import mark_device_trust, otp_not_required
from .oidc import flow as oidc_flow
from .oidc.forms import PasswordLoginForm
from .oidc.session import providers as oidc_providers
from .security import log_event
from .selectors import accepted_totp_device, enrolment_device, members_for_activation
from .services import (
    TokenCheck,
    activation_issue,
    totp_device_confirm,
    totp_device_verify,
    totp_enrolment_start,
    totp_secret_base32,
)

ACTIVATION_HOURS = int(ACTIVATION_LIFETIME.total_seconds() // 3600)

# Each start-page list shows at most this many rows; the page's reads are audited in one
# INSERT whatever the lists hold.
HOME_LIST_LIMIT = 25


@require_GET
def home(request):
    """The start page: one section per kind of work the policies let the user do."""
    user = request.user
    team_work = courses_access.can(user, courses_access.REFER_NEW)
    facility_work = residents_access.can(user, residents_access.REGISTER)
    administers = organisation_access.may_administer(user)
    if courses_access.can(user, courses_access.LOOKUP) and not residents_access.can(
        user, residents_access.SEARCH
    ):
        return redirect("courses:ward_lookup")
    context: dict[str, Any] = {
        "team_work": team_work,
        "facility_work": facility_work,
        "issues_activations": may_issue_activations(user),
        "administers": administers,
        "no_work": not (team_work or facility_work or administers),
    }
    shown: set[int] = set()
    if team_work:
        mine = my_courses(user)
        context["my_courses"] = list(mine[:HOME_LIST_LIMIT])
        context["my_courses_total"] = mine.count()  # always: a constant number of queries
        context["queue"] = list(visitation_queue(user)[:HOME_LIST_LIMIT])
        context["concerns"] = list(open_concerns(user)[:HOME_LIST_LIMIT])
        shown |= {c.resident_id for c in context["my_courses"]}
        shown |= {r.resident_id for r in context["queue"]}
        shown |= {c.resident_id for c in context["concerns"]}
    if facility_work:
        facilities = list(residents_access.own_facilities(user))
        context["facilities"] = facilities
        residents: list[Any] = []
        for facility in facilities:
            residents.extend(facility_residents(user, facility)[:HOME_LIST_LIMIT])
        context["facility_residents"] = residents
        context["raised_concerns"] = list(concerns_raised_at_my_facility(user)[:HOME_LIST_LIMIT])
        shown |= {r.pk for r in residents}
        shown |= {c.resident_id for c in context["raised_concerns"]}
    record_shown(user=user, action=Action.LIST, resident_ids=sorted(shown), detail={"list": "home"})
    return render(request, "accounts/home.html", context)


# --- signing in --------------------------------------------------------------------------


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def _next_url(request) -> str:
    """The page to go to after signing in: a local ``next`` or the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class PasswordLoginView(auth_views.LoginView):
    """Step one: username and password (lockout through django-axes). Then on to the second
    factor, keeping where the user was going."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = PasswordLoginForm

    def get_context_data(self, **kwargs):
        # one button per identity provider (accounts.oidc); none configured: none shown
        return {**super().get_context_data(**kwargs), "providers": list(oidc_providers().values())}

    def get_success_url(self):
        target = super().get_success_url()
        if self.request.user.is_authenticated and not _is_verified(self.request.user):
            return _with_next("accounts:otp_verify", target)
        return target


def _complete_second_factor(request, device, *, event: str) -> None:
    """Mark the session verified with this device and give it a new key."""
    django_otp.login(request, device)
    mark_device_trust(request, device)
    request.session.cycle_key()
    log_event(event, request=request, user=request.user)


def _refuse_code(request, form, check: TokenCheck, *, step: str) -> None:
    if check.throttled_until is not None:
        wait = max(1, int((check.throttled_until - timezone.now()).total_seconds()) + 1)
        form.add_error(
            "token",
            ngettext(
                "For mange forkerte koder. Vent %(seconds)d sekund, og prøv igen.",
                "For mange forkerte koder. Vent %(seconds)d sekunder, og prøv igen.",
                wait,
            )
            % {"seconds": wait},
        )
        reason = "throttled"
    else:
        form.add_error(
            "token",
            _("Koden er forkert eller allerede brugt. Skriv den kode, appen viser nu."),
        )
        reason = "wrong_code"
    log_event(
        "second_factor_failed",
        request=request,
        user=request.user,
        step=step,
        reason=reason,
        level=logging.WARNING,
    )


@otp_not_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Step two: the code from the user's authenticator app."""
    next_url = _next_url(request)
    if _is_verified(request.user):
        return redirect(next_url)
    # An authenticator that stopped counting (the account's access changed) is not asked
    # for a code: the setup page tells the user to get a new activation code from their leader.
    device = accepted_totp_device(request.user)
    if device is None:
        return redirect(_with_next("accounts:otp_setup", next_url))
    form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    if form.is_bound and form.is_valid():
        check = totp_device_verify(
            user=request.user, device=device, token=form.cleaned_data["token"]
        )
        if check.accepted:
            _complete_second_factor(request, device, event="second_factor_verified")
            return redirect(next_url)
        _refuse_code(request, form, check, step="verify")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


# Session key: the activation this session used to start enrolling (the secret is shown only
# in the session that typed the code).
ENROLMENT_SESSION_KEY = "btt_enrolment_activation"

ACCESS_CHANGED = _lazy("Din adgang er ændret. Bed din leder om en ny aktiveringskode.")

ACTIVATION_REFUSED = {
    "access_changed": ACCESS_CHANGED,
    "wrong": _lazy(
        "Aktiveringskoden er forkert. Tjek koden, eller bed din leder eller en administrator "
        "om en ny."
    ),
    "used": _lazy(
        "Aktiveringskoden er allerede brugt. Bed din leder eller en administrator om en ny."
    ),
    "expired": _lazy("Aktiveringskoden er udløbet. Bed din leder eller en administrator om en ny."),
    "revoked": _lazy(
        "Aktiveringskoden gælder ikke længere. Bed din leder eller en administrator om en ny."
    ),
    "too_many": _lazy(
        "For mange forkerte forsøg: aktiveringskoden er spærret. Bed din leder eller en "
        "administrator om en ny."
    ),
}


@otp_not_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """First sign-in: with the one-time activation code from a leader or administrator, set up
    an authenticator app (secret as text and QR code), confirmed by the first code it shows.
    The password alone never gets this far; the secret is created by a POST."""
    next_url = _next_url(request)
    if _is_verified(request.user):
        return redirect(next_url)
    if accepted_totp_device(request.user) is not None:
        return redirect(_with_next("accounts:otp_verify", next_url))
    device = enrolment_device(request.user, request.session.get(ENROLMENT_SESSION_KEY))
    if device is None:
        starting = request.method == "POST" and request.POST.get("action") == "start"
        form = ActivationCodeForm(request.POST) if starting else ActivationCodeForm()
        if form.is_bound and form.is_valid():
            check = totp_enrolment_start(user=request.user, code=form.cleaned_data["code"])
            if check.device is not None and check.activation is not None:
                request.session[ENROLMENT_SESSION_KEY] = check.activation.pk
                return redirect(_with_next("accounts:otp_setup", next_url))
            if check.refused == "enrolled":
                return redirect(_with_next("accounts:otp_verify", next_url))
            form.add_error("code", ACTIVATION_REFUSED[check.refused or ""])
        context = {
            "form": form,
            "next": next_url,
            "access_changed": access.needs_new_activation(request.user),
            "access_changed_text": ACCESS_CHANGED,
        }
        return render(request, "accounts/otp_setup_start.html", context)
    token_form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    if token_form.is_bound and token_form.is_valid():
        confirmation = totp_device_confirm(
            user=request.user, device=device, token=token_form.cleaned_data["token"]
        )
        if confirmation.accepted:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            _complete_second_factor(request, device, event="second_factor_enrolled")
            messages.success(request, _("Din autentificeringsapp er sat op."))
            return redirect(next_url)
        _refuse_code(request, token_form, confirmation, step="enrol")
    secret = totp_secret_base32(device)
    # An SVG data: URI for an <img> (CSP img-src allows data:): no markup of ours to mark safe.
    qr_data_uri = segno.make(device.config_url, error="m").svg_data_uri(
        scale=4, border=4, dark="#000", light="#fff"
    )
    context = {
        "form": token_form,
        "next": next_url,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "qr_data_uri": qr_data_uri,
    }
    return render(request, "accounts/otp_setup.html", context)


# --- activation codes issued by leaders ------------------------------------------------------


# Session key: the code just issued, shown once on the next page and removed from the session.
ISSUED_SESSION_KEY = "btt_issued_activation"


@require_http_methods(["GET", "POST"])
def activations(request):
    """A team's or facility's leader issues one-time activation codes for the first
    authenticator of their members. A POST issues one; the page after it shows the code once."""
    if not may_issue_activations(request.user):
        raise Http404
    if request.method == "POST":
        form = IssueActivationForm(request.POST)
        if form.is_valid():
            target = access.get_for_user(
                request.user, form.cleaned_data["user"], action=access.ACTIVATE
            )
            issued = call_service(form, activation_issue, user=request.user, target=target)
            if issued is not None:
                request.session[ISSUED_SESSION_KEY] = {
                    "name": target.get_full_name() or target.username,
                    "username": target.username,
                    "code": issued.code,
                    "expires_at": issued.activation.expires_at.isoformat(),
                }
                return redirect("accounts:activations")
        messages.error(request, " ".join(_error_texts(form)))
        return redirect("accounts:activations")
    issued = request.session.pop(ISSUED_SESSION_KEY, None)
    if issued is not None:
        issued["expires_at"] = datetime.datetime.fromisoformat(issued["expires_at"])
    context = {
        "members": members_for_activation(request.user),
        "issued": issued,
        "hours": ACTIVATION_HOURS,
    }
    return render(request, "accounts/activations.html", context)


def _error_texts(form) -> list[str]:
    texts = [str(e) for e in form.non_field_errors()]
    if form.has_error("user"):
        texts.append(_("Vælg en medarbejder på listen."))
    return texts or [_("Der blev ikke udstedt nogen kode.")]


# --- federated login (accounts.oidc.flow: mozilla-django-oidc's views, a provider per request)

_oidc_login = oidc_flow.FederatedLoginView.as_view()
_oidc_callback = oidc_flow.FederatedCallbackView.as_view()
_logout = oidc_flow.FederatedLogoutView.as_view()


@login_not_required
def oidc_login(request, key: str):
    """To the provider's login (a button on the login page; ``?reauth=1`` before emergency
    access)."""
    return _oidc_login(request, key=key)


@login_not_required
def oidc_callback(request):
    """Back from the provider: signed in, or refused with a message on the login page."""
    return _oidc_callback(request)


def logout(request):
    """Django's logout; after a federated login, on to the provider's end-session endpoint."""
    return _logout(request)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): the same for every username,
    existing or not, and without the attempt count."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
