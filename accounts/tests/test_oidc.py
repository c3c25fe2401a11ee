"""Federated login against a real OpenID Connect provider (panva/oidc-provider, tests/oidc/).

The provider runs as a node process for the whole session, with signing keys made here. The
test client plays the browser: it asks our login view, follows the provider's redirects with
``requests`` (the interaction signs in the account named in its URL), and brings the callback
back into Django. Tampered tokens come from ``TokenProxy`` between our application and the
provider's token endpoint: the provider issues a real ID token for a real code, and the proxy
alters it as a misbehaving provider or an attacker in the middle would.
"""

from __future__ import annotations

import logging
import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import FederatedIdentity, User
from accounts.oidc import discovery
from accounts.oidc.config import NSIS_HIGH, NSIS_LOW, NSIS_SUBSTANTIAL, parse_providers
from accounts.oidc.services import federated_identity_link, federated_identity_link_by_operator
from accounts.oidc.session import FEDERATED_KEY, ID_TOKEN_KEY
from accounts.security import LOGIN_AT_KEY, SEEN_AT_KEY
from organisation.models import Region
from tests.factories import TEST_PASSWORD, UserFactory
from tests.oidc.harness import OidcProvider, SigningKey, TokenProxy

pytestmark = pytest.mark.django_db

CLIENT_ID = "botilbudsteams"
CLIENT_SECRET = "test-only-client-secret-0123456789"
ES_CLIENT_ID = "botilbudsteams-es"
TESTSERVER = "http://testserver"
CALLBACK = f"{TESTSERVER}/konto/login/oidc/callback/"
AFTER_LOGOUT = f"{TESTSERVER}/konto/login/"

ACCOUNTS = {
    "substantial-user": {"acr": NSIS_SUBSTANTIAL},
    "high-user": {"acr": NSIS_HIGH},
    "low-user": {"acr": NSIS_LOW},
    "unknown-user": {"acr": NSIS_SUBSTANTIAL},
    "inactive-user": {"acr": NSIS_SUBSTANTIAL},
    "moved-user": {"acr": NSIS_SUBSTANTIAL},
    "admin-user": {"acr": NSIS_SUBSTANTIAL},
}

UNKNOWN = "Din bruger er ikke knyttet til Botilbudsteams. Kontakt din leder."
TOO_LOW = (
    "Du skal logge ind med et sikringsniveau på mindst betydeligt (NSIS) for at se "
    "helbredsoplysninger."
)


def _client(client_id: str, alg: str) -> dict[str, object]:
    return {
        "client_id": client_id,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [CALLBACK],
        "post_logout_redirect_uris": [AFTER_LOGOUT],
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": alg,
        "require_auth_time": True,
    }


@pytest.fixture(scope="session")
def oidc_provider():
    """The real provider (node) and the token proxy in front of it, for the whole session."""
    rsa_key, ec_key = SigningKey.rsa("test-rsa"), SigningKey.ec("test-ec")
    provider = OidcProvider(
        clients=[_client(CLIENT_ID, "RS256"), _client(ES_CLIENT_ID, "ES256")],
        accounts=ACCOUNTS,
        acr_values=[NSIS_LOW, NSIS_SUBSTANTIAL, NSIS_HIGH],
        keys=[rsa_key, ec_key],
    )
    provider.start()
    proxy = TokenProxy(f"{provider.issuer}/token", rsa_key)
    try:
        proxy.start()
        yield SimpleNamespace(provider=provider, proxy=proxy)
    finally:
        proxy.stop()
        provider.stop()


def _config(issuer: str, proxy_url: str, **extra: object) -> dict[str, object]:
    return {
        "key": "nord",
        "label": "Region Nordjylland",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret_env": "BTT_TEST_OIDC_SECRET",
        "token_endpoint": proxy_url,
        "regions": ["Region Test"],
        **extra,
    }


@pytest.fixture
def idp(oidc_provider, settings):
    """Our application configured with the provider: ``nord`` (RS256, through the proxy),
    ``nord-es`` (ES256, straight to the provider) and ``anden`` (serving another region)."""
    issuer, proxy = oidc_provider.provider.issuer, oidc_provider.proxy
    proxy.set("pass")
    settings.OIDC_PROVIDERS = parse_providers(
        [
            _config(issuer, proxy.url),
            _config(
                issuer,
                f"{issuer}/token",
                key="nord-es",
                label="Region Nordjylland (ES256)",
                client_id=ES_CLIENT_ID,
                sign_algorithms=["ES256"],
            ),
            _config(issuer, proxy.url, key="anden", label="Region Anden", regions=["Region Anden"]),
        ],
        environ={"BTT_TEST_OIDC_SECRET": CLIENT_SECRET},
    )
    settings.OIDC_PASSWORD_LOGIN = "unlinked"
    discovery.forget()
    yield oidc_provider
    discovery.forget()


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="btt.security")
    return caplog


def _events(caplog, name: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "btt.security" and getattr(r, "security_event", "") == name
    ]


def through_provider(url: str, account: str, browser: requests.Session) -> str:
    """Follow the provider's redirects (signing in ``account`` at its interaction) until it
    sends the browser back to us; return that URL."""
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "document.forms[0].submit()" in response.text:
            # the provider's self-submitting form (it ends its session of another account
            # before signing this one in): submit it as the browser's script would
            action = _attribute("action", response.text)
            fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', response.text))
            response = browser.post(urljoin(url, action), data=fields, allow_redirects=False)
        assert response.status_code in (302, 303), (response.status_code, response.text[:300])
        location = urljoin(url, response.headers["Location"])
        if location.startswith(TESTSERVER):
            return location
        if "/interaction/" in location and "account=" not in location:
            location += ("&" if "?" in location else "?") + urlencode({"account": account})
        url = location
    raise AssertionError("the provider never sent the browser back")


def _attribute(name: str, html: str) -> str:
    found = re.search(rf'{name}="([^"]+)"', html)
    assert found is not None, html[:300]
    return found.group(1)


def authorize(client, key: str = "nord", **params: str):
    response = client.get(reverse("accounts:oidc_login", args=[key]), params)
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, account: str, key: str = "nord", browser: requests.Session | None = None):
    """The whole code flow; returns (the callback's response, the callback URL)."""
    browser = browser or requests.Session()
    callback = through_provider(authorize(client, key), account, browser)
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}"), callback


def _message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


def _refused(response, text: str | None = None) -> None:
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    if text is not None:
        assert text in _message_texts(response)


def link(user, subject: str, provider: str = "nord") -> FederatedIdentity:
    return federated_identity_link_by_operator(target=user, provider=provider, subject=subject)


# --- without providers ---------------------------------------------------------------------


def test_without_providers_the_login_page_is_the_password_form_only(client, settings):
    settings.OIDC_PROVIDERS = {}
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Log ind med" not in response.content.decode()
    assert client.get(reverse("accounts:oidc_login", args=["nord"])).status_code == 404


# --- success -------------------------------------------------------------------------------


def test_login_page_has_a_button_per_provider(client, idp):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Log ind med Region Nordjylland" in page
    assert "Log ind med Region Anden" in page
    assert reverse("accounts:oidc_login", args=["nord"]) in page


def test_authorization_request_asks_for_substantial_with_nonce_and_pkce(client, idp):
    query = parse_qs(urlsplit(authorize(client)).query)
    assert query["acr_values"] == [f"{NSIS_SUBSTANTIAL} {NSIS_HIGH}"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["nonce"][0]) >= 32 and len(query["state"][0]) >= 32
    assert "prompt" not in query


def test_linked_subject_signs_in_without_our_second_factor(client, world, idp, security_log):
    nurse = world.team_nurse
    link(nurse, "substantial-user")
    client.get(reverse("accounts:login"))
    key_before = client.session.session_key

    response, _callback = sign_in(client, "substantial-user")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    session = client.session
    assert int(session[SESSION_KEY]) == nurse.pk
    assert session.session_key != key_before  # a new session key at login
    assert session[FEDERATED_KEY]["provider"] == "nord"
    assert session[FEDERATED_KEY]["acr"] == NSIS_SUBSTANTIAL
    assert session[FEDERATED_KEY]["auth_time"] <= time.time()
    assert isinstance(session[LOGIN_AT_KEY], int) and isinstance(session[SEEN_AT_KEY], int)
    assert not session.get("oidc_states")  # the state was used up
    home = client.get(reverse("home"))
    assert home.status_code == 200  # no authenticator code asked
    assert not TOTPDevice.objects.filter(user=nurse).exists()
    assert FederatedIdentity.objects.get(user=nurse).last_login_at is not None
    logged = _events(security_log, "federated_login")
    assert len(logged) == 1 and "provider=nord" in logged[0] and "acr=substantial" in logged[0]
    assert "substantial-user" not in security_log.text  # the subject only as a keyed hash


def test_next_page_is_kept_through_the_provider(client, world, idp):
    link(world.team_nurse, "substantial-user")
    browser = requests.Session()
    target = reverse("accounts:activations")
    location = client.get(reverse("accounts:oidc_login", args=["nord"]), {"next": target})
    callback = urlsplit(through_provider(location["Location"], "substantial-user", browser))
    response = client.get(f"{callback.path}?{callback.query}")
    assert response["Location"] == target


def test_high_assurance_and_es256_tokens_are_accepted(client, world, idp):
    link(world.team_doctor, "high-user", provider="nord-es")
    response, _ = sign_in(client, "high-user", key="nord-es")
    assert response["Location"] == reverse("home")
    assert int(client.session[SESSION_KEY]) == world.team_doctor.pk
    assert client.session[FEDERATED_KEY]["acr"] == NSIS_HIGH


# --- refusals ------------------------------------------------------------------------------


def test_unknown_subject_is_refused_creates_nothing_and_is_logged(client, world, idp, security_log):
    users, identities = User.objects.count(), FederatedIdentity.objects.count()
    response, _ = sign_in(client, "unknown-user")
    _refused(response, UNKNOWN)
    assert not _signed_in(client)
    assert User.objects.count() == users and FederatedIdentity.objects.count() == identities
    logged = _events(security_log, "federated_login_refused")
    assert len(logged) == 1 and "reason=unknown_subject" in logged[0]
    assert re.search(r"subject=[0-9a-f]{16}\b", logged[0])
    assert "unknown-user" not in security_log.text
    page = client.get(reverse("accounts:login")).content.decode()
    assert UNKNOWN in page


def test_too_low_assurance_is_refused_with_the_danish_message(client, world, idp, security_log):
    link(world.team_nurse, "low-user")
    response, _ = sign_in(client, "low-user")
    _refused(response, TOO_LOW)
    assert not _signed_in(client)
    assert "reason=acr_too_low" in _events(security_log, "federated_login_refused")[0]


@pytest.mark.parametrize(
    ("mode", "claims", "check"),
    [
        ("other_key", {}, "InvalidSignatureError"),
        ("claims", {"aud": "someone-else"}, "InvalidAudienceError"),
        ("claims", {"aud": [CLIENT_ID, "someone-else"]}, "azp"),
        (
            "claims",
            {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
            "ExpiredSignatureError",
        ),
        (
            "claims",
            {"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200},
            "ImmatureSignatureError",
        ),
        ("claims", {"iss": "https://idp.example.invalid"}, "InvalidIssuerError"),
        ("claims", {"nonce": None}, "MissingRequiredClaimError"),
        ("alg_none", {}, "alg"),
    ],
    ids=[
        "bad-signature",
        "wrong-audience",
        "several-audiences-no-azp",
        "expired",
        "issued-in-the-future",
        "wrong-issuer",
        "no-nonce",
        "alg-none",
    ],
)
def test_a_tampered_id_token_is_refused(client, world, idp, security_log, mode, claims, check):
    link(world.team_nurse, "substantial-user")
    idp.proxy.set(mode, **claims)
    exchanges = idp.proxy.exchanges
    response, _ = sign_in(client, "substantial-user")
    assert idp.proxy.exchanges == exchanges + 1  # the provider did issue a token for the code
    _refused(response, "Login med Region Nordjylland mislykkedes. Prøv igen.")
    assert not _signed_in(client)
    logged = _events(security_log, "federated_login_refused")
    assert (
        len(logged) == 1 and "reason=token_invalid" in logged[0] and f"check={check}" in logged[0]
    )


def test_an_id_token_from_an_earlier_login_is_refused_its_nonce_is_not_this_logins(
    client, world, idp, security_log
):
    link(world.team_nurse, "substantial-user")
    first, _ = sign_in(client, "substantial-user")  # the proxy keeps this login's ID token
    assert first["Location"] == reverse("home")
    client.post(reverse("accounts:logout"))
    idp.proxy.set("replay")
    response, _ = sign_in(client, "substantial-user")
    _refused(response)
    assert not _signed_in(client)
    assert "check=nonce" in _events(security_log, "federated_login_refused")[0]


def test_a_callback_is_used_once(client, world, idp, security_log):
    link(world.team_nurse, "substantial-user")
    response, callback = sign_in(client, "substantial-user")
    assert response["Location"] == reverse("home")
    client.post(reverse("accounts:logout"))
    parts = urlsplit(callback)
    again = client.get(f"{parts.path}?{parts.query}")
    _refused(again)
    assert not _signed_in(client)
    assert "reason=unknown_state" in _events(security_log, "federated_login_refused")[0]


def test_a_refused_callback_uses_up_its_state_too(client, world, idp, security_log):
    link(world.team_nurse, "low-user")
    response, callback = sign_in(client, "low-user")
    _refused(response, TOO_LOW)
    assert not client.session.get("oidc_states")
    parts = urlsplit(callback)
    _refused(client.get(f"{parts.path}?{parts.query}"))
    reasons = [
        e.split("reason=")[1].split()[0] for e in _events(security_log, "federated_login_refused")
    ]
    assert reasons == ["acr_too_low", "unknown_state"]


def test_a_callback_from_another_browser_is_refused(client, world, idp):
    """The state lives in the session that started the login: a callback URL carried into
    another browser (login CSRF, a stolen code) finds nothing."""
    from tests.clients import SignInClient

    link(world.team_nurse, "substantial-user")
    callback = urlsplit(through_provider(authorize(client), "substantial-user", requests.Session()))
    other = SignInClient()
    _refused(other.get(f"{callback.path}?{callback.query}"))
    assert not _signed_in(other)


def test_an_inactive_user_is_refused(client, world, idp, security_log):
    user = UserFactory(region=world.region)
    link(user, "inactive-user")
    User.objects.filter(pk=user.pk).update(is_active=False)
    response, _ = sign_in(client, "inactive-user")
    _refused(response, "Din bruger er deaktiveret. Kontakt din leder.")
    assert not _signed_in(client)
    assert "reason=inactive" in _events(security_log, "federated_login_refused")[0]


def test_a_provider_not_serving_the_users_organisation_is_refused(client, world, idp, security_log):
    Region.objects.create(name="Region Anden")
    # a link made while the provider served the user (the user has since moved region)
    FederatedIdentity.objects.create(user=world.team_nurse, provider="anden", subject="moved-user")
    response, _ = sign_in(client, "moved-user", key="anden")
    _refused(
        response, "Du kan ikke logge ind med Region Anden. Brug login fra din egen organisation."
    )
    assert not _signed_in(client)
    assert "reason=not_served" in _events(security_log, "federated_login_refused")[0]


def test_the_provider_saying_no_is_refused(client, idp, security_log):
    location = authorize(client)
    state = parse_qs(urlsplit(location).query)["state"][0]
    response = client.get(
        reverse("accounts:oidc_callback"), {"state": state, "error": "access_denied"}
    )
    _refused(response)
    assert "check=access_denied" in _events(security_log, "federated_login_refused")[0]


# --- the session after a federated login ----------------------------------------------------


def test_federated_session_still_ends_after_the_absolute_lifetime(client, world, idp, settings):
    link(world.team_nurse, "substantial-user")
    sign_in(client, "substantial-user")
    session = client.session
    session[LOGIN_AT_KEY] -= settings.SESSION_ABSOLUTE_AGE
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )
    assert not _signed_in(client)


def test_logout_goes_on_to_the_providers_end_session(client, world, idp):
    link(world.team_nurse, "substantial-user")
    browser = requests.Session()
    sign_in(client, "substantial-user", browser=browser)
    id_token = client.session[ID_TOKEN_KEY]

    response = client.post(reverse("accounts:logout"))

    assert not _signed_in(client)
    end_session = response["Location"]
    parts = urlsplit(end_session)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{idp.provider.issuer}/session/end"
    query = parse_qs(parts.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [AFTER_LOGOUT]
    # the provider's own logout page: confirm, and it sends the browser back to our login page
    page = browser.get(end_session, timeout=10)
    assert page.status_code == 200, idp.provider.log_text()
    action = _attribute("action", page.text)
    xsrf = _attribute('name="xsrf" value', page.text)
    done = browser.post(
        urljoin(end_session, action), data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False
    )
    assert done.status_code in (302, 303)
    assert done.headers["Location"] == AFTER_LOGOUT


def test_password_logout_is_unchanged(client, world, idp):
    client.force_login(world.team_nurse)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")


# --- the password beside the providers (OIDC_PASSWORD_LOGIN) ------------------------------


def _password_login(client, user):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )


def test_a_linked_user_signs_in_through_the_provider_not_the_password(
    client, world, idp, security_log
):
    link(world.team_nurse, "substantial-user")
    response = _password_login(client, world.team_nurse)
    assert response.status_code == 200
    assert "Din bruger logger ind med din organisations login" in response.content.decode()
    assert not _signed_in(client)
    assert _events(security_log, "password_login_refused")


def test_unlinked_users_and_administrators_keep_the_password(client, world, idp):
    assert _password_login(client, world.team_doctor).status_code == 302  # not linked
    client.logout()
    link(world.region_admin, "admin-user")
    assert _password_login(client, world.region_admin).status_code == 302  # break-glass


def test_admins_policy_keeps_the_password_for_administrators_only(client, world, idp, settings):
    settings.OIDC_PASSWORD_LOGIN = "admins"
    assert _password_login(client, world.team_doctor).status_code == 200
    assert _password_login(client, world.region_admin).status_code == 302


# --- linking ----------------------------------------------------------------------------------


def test_link_identity_command_links_once(world, idp):
    call_command("link_identity", world.team_nurse.username, "nord", "substantial-user")
    assert (
        FederatedIdentity.objects.get(provider="nord", subject="substantial-user").user
        == world.team_nurse
    )
    with pytest.raises(CommandError):  # the subject is taken
        call_command("link_identity", world.team_doctor.username, "nord", "substantial-user")
    with pytest.raises(CommandError):  # no such provider
        call_command("link_identity", world.team_doctor.username, "nowhere", "x")
    with pytest.raises(CommandError):  # the provider does not serve the user's region
        call_command("link_identity", world.team_doctor.username, "anden", "x")


def test_only_a_leader_links_a_member(world, idp):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises((Http404, PermissionDenied)):
        federated_identity_link(
            user=world.team_nurse, target=world.team_doctor, provider="nord", subject="s-1"
        )
    assert not FederatedIdentity.objects.exists()
    identity = federated_identity_link(
        user=world.team_leader, target=world.team_doctor, provider="nord", subject="s-1"
    )
    assert identity.created_by == world.team_leader


# --- re-authentication before emergency access ---------------------------------------------


def _emergency_data(w) -> dict[str, str]:
    return {
        "identifier": w.resident_in_course.identifiers.get().value,
        "reason_category": "acute_admission",
        "reason_text": "Indlagt akut i nat; eget team kan ikke træffes.",
    }


def test_emergency_access_after_a_fresh_login_at_the_provider(client, world, idp, security_log):
    from emergency.models import EmergencyAccess

    nurse = world.other_team_nurse  # a health professional of another team
    nurse.set_unusable_password()
    nurse.save(update_fields=["password"])
    link(nurse, "substantial-user")
    browser = requests.Session()
    sign_in(client, "substantial-user", browser=browser)
    start = reverse("emergency:start")

    page = client.get(start).content.decode()
    assert "Bekræft med et nyt login hos Region Nordjylland" in page
    assert 'type="password"' not in page  # no password to type
    refused = client.post(start, _emergency_data(world))
    assert refused.status_code == 200 and not EmergencyAccess.objects.filter(user=nurse).exists()

    found = re.search(r'href="([^"]*reauth=1[^"]*)"', page)
    assert found is not None
    reauth = found.group(1).replace("&amp;", "&")
    to_provider = client.get(reauth)
    query = parse_qs(urlsplit(to_provider["Location"]).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]
    callback = urlsplit(through_provider(to_provider["Location"], "substantial-user", browser))
    back = client.get(f"{callback.path}?{callback.query}")
    assert back["Location"] == start
    assert "Du har bekræftet med et nyt login" in client.get(start).content.decode()

    opened = client.post(start, _emergency_data(world))
    assert opened.status_code == 302
    assert EmergencyAccess.objects.filter(user=nurse).count() == 1
    assert _events(security_log, "federated_reauthenticated")
    # used up: the next emergency access needs another fresh login
    assert "Bekræft med et nyt login" in client.get(start).content.decode()


def test_re_authentication_as_someone_else_is_refused(client, world, idp, security_log):
    link(world.other_team_nurse, "substantial-user")
    link(world.team_doctor, "high-user")
    browser = requests.Session()
    sign_in(client, "substantial-user", browser=browser)
    start = reverse("emergency:start")
    to_provider = client.get(
        reverse("accounts:oidc_login", args=["nord"]), {"reauth": "1", "next": start}
    )
    callback = urlsplit(through_provider(to_provider["Location"], "high-user", browser))
    back = client.get(f"{callback.path}?{callback.query}")
    assert back["Location"] == start
    assert int(client.session[SESSION_KEY]) == world.other_team_nurse.pk  # still the nurse
    assert "Bekræft med et nyt login" in client.get(start).content.decode()
    assert "reason=reauth_other_user" in _events(security_log, "federated_login_refused")[0]
