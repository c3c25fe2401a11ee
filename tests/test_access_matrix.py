"""Baseline access: every URL for every persona, GET and (for writes) POST."""

import pytest
from django.urls import get_resolver, reverse

from .authz_matrix import EXEMPT_NAMESPACES, MATRIX, PERSONAS


def _all_url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            namespace = pattern.namespace
            if namespace in EXEMPT_NAMESPACES:
                continue
            sub_prefix = f"{prefix}{namespace}:" if namespace else prefix
            names |= _all_url_names(pattern, sub_prefix)
        elif pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_name_is_in_the_matrix():
    missing = _all_url_names() - set(MATRIX)
    assert not missing, f"URL names missing from tests/authz_matrix.py: {sorted(missing)}"
    stale = set(MATRIX) - _all_url_names()
    assert not stale, f"matrix names that are no URL: {sorted(stale)}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(world, client, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    failures = []
    for name, rule in MATRIX.items():
        url = reverse(name, args=rule.args(world))
        expected = rule.expected(persona)
        methods = ["get", "post"] if rule.writes else ["get"]
        for method in methods:
            response = getattr(client, method)(url)
            want = expected
            if method == "post" and expected == 200:
                want = 200  # an empty form is re-shown with errors, nothing is saved
            if response.status_code != want:
                failures.append(f"{method.upper()} {name}: {response.status_code} != {want}")
                continue
            if want in (403, 404, 302):
                body = response.content.decode()
                for secret in rule.secret(world):
                    if secret in body:
                        failures.append(f"{method.upper()} {name}: leaked {secret!r}")
            if want == 302 and persona == "anonymous":
                assert response["Location"].startswith(reverse("accounts:login"))
    assert not failures, "\n".join(failures)
