"""The identity providers' configuration is checked at start-up with a message that says
what is wrong (accounts/oidc/config.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.oidc.config import (
    DEFAULT_ACR_VALUES,
    NSIS_LOW,
    end_session_origins,
    load_providers,
    parse_providers,
    password_login_policy,
)

SECRET_ENV = {"RN_SECRET": "a-secret-from-the-environment"}


def provider(**changes):
    item = {
        "key": "rn",
        "label": "Region Nordjylland",
        "issuer": "https://login.example.dk/rn",
        "client_id": "botilbudsteams",
        "client_secret_env": "RN_SECRET",
        "regions": ["Region Nordjylland"],
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not None}


def parse(*items, environ=SECRET_ENV):
    return parse_providers(list(items), environ=environ)


def test_a_minimal_provider_gets_the_safe_defaults():
    (rn,) = parse(provider()).values()
    assert rn.discovery is True
    assert rn.acr_values == DEFAULT_ACR_VALUES
    assert rn.sign_algorithms == ("RS256",)
    assert rn.client_secret == "a-secret-from-the-environment"
    assert "a-secret" not in repr(rn)


def test_no_configuration_means_no_providers():
    assert load_providers({}) == {}


@pytest.mark.parametrize(
    ("changes", "environ", "message"),
    [
        ({"client_secret_env": "MISSING"}, SECRET_ENV, "MISSING (client_secret_env) is not set"),
        ({"client_secret": "inline"}, SECRET_ENV, "never put the client secret in the file"),
        ({"issuer": "http://login.example.dk"}, SECRET_ENV, "issuer must be an https:// URL"),
        ({"acr_values": [NSIS_LOW]}, SECRET_ENV, "must not accept NSIS Low"),
        ({"sign_algorithms": ["HS256"]}, SECRET_ENV, "sign_algorithms HS256 not accepted"),
        ({"sign_algorithms": ["none"]}, SECRET_ENV, "sign_algorithms none not accepted"),
        ({"regions": None}, SECRET_ENV, "regions must name the regions"),
        ({"key": "Region Nord"}, SECRET_ENV, "key must be"),
        ({"key": "callback"}, SECRET_ENV, "key must be"),
        ({"discovery": False}, SECRET_ENV, "without discovery, authorization_endpoint"),
        ({"colour": "blue"}, SECRET_ENV, "unknown field(s) colour"),
        ({"scopes": "email"}, SECRET_ENV, "scopes must include openid"),
    ],
)
def test_a_bad_provider_stops_start_up_with_a_message(changes, environ, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(provider(**changes), environ=environ)


def test_keys_are_unique():
    with pytest.raises(ImproperlyConfigured, match="used twice"):
        parse(provider(), provider(label="Igen"))


def test_explicit_endpoints_without_discovery():
    (rn,) = parse(
        provider(
            discovery=False,
            authorization_endpoint="https://login.example.dk/rn/authorize",
            token_endpoint="https://login.example.dk/rn/token",
            jwks_uri="https://login.example.dk/rn/jwks",
            end_session_endpoint="https://logout.example.dk/rn/end",
        )
    ).values()
    assert rn.explicit_endpoints["token_endpoint"] == "https://login.example.dk/rn/token"
    assert end_session_origins({"rn": rn}) == ["https://logout.example.dk"]


def test_file_and_inline_json(tmp_path):
    path = tmp_path / "providers.json"
    path.write_text(json.dumps([provider()]))
    assert list(load_providers({"OIDC_PROVIDERS_FILE": str(path), **SECRET_ENV})) == ["rn"]
    assert list(load_providers({"OIDC_PROVIDERS": json.dumps([provider()]), **SECRET_ENV})) == [
        "rn"
    ]
    with pytest.raises(ImproperlyConfigured, match="not valid JSON"):
        load_providers({"OIDC_PROVIDERS": "[{", **SECRET_ENV})
    with pytest.raises(ImproperlyConfigured, match="OIDC_PROVIDERS_FILE"):
        load_providers({"OIDC_PROVIDERS_FILE": str(tmp_path / "missing.json")})


def test_password_login_policy_defaults_and_values():
    providers = parse(provider())
    assert password_login_policy(None, providers={}) == "all"
    assert password_login_policy(None, providers=providers) == "unlinked"
    assert password_login_policy("admins", providers=providers) == "admins"
    with pytest.raises(ImproperlyConfigured, match="OIDC_PASSWORD_LOGIN"):
        password_login_policy("nobody", providers=providers)


def test_manage_py_check_names_the_problem():
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "btt.settings",
        "SECRET_KEY": "x" * 40,
        "DEBUG": "1",
        "OIDC_PROVIDERS": json.dumps([provider(client_secret_env="BTT_NOT_SET_ANYWHERE")]),
    }
    env.pop("BTT_NOT_SET_ANYWHERE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "BTT_NOT_SET_ANYWHERE (client_secret_env) is not set" in result.stderr
