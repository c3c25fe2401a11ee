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


def _set_consent(world, variant):
    """Give resident_in_course the consent of the persona's variant."""
    from consent.models import Category
    from consent.services import consent_record, consent_withdraw

    if variant == "none":
        consent_withdraw(user=world.team_nurse, consent=world.consent_partial)
    elif variant == "full":
        consent_record(
            user=world.team_nurse,
            resident=world.resident_in_course,
            kind="sharing",
            form="written",
            given_by="resident",
            given_on=world.consent_partial.given_on,
            facility=world.facility_a1,
            direction="team_to_facility",
            categories=list(Category.values),
            purpose="Fuldt samarbejde",
            legal_basis="sul_43",
        )


SHARED_BY_VARIANT = {"full": 6, "partial": 2, "none": 0}


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(world, client, persona):
    user_name, _, variant = persona.partition(":")
    if variant:
        _set_consent(world, variant)
    if persona != "anonymous":
        client.force_login(getattr(world, user_name))
    failures = []
    if variant:
        page = client.get(reverse("residents:detail", args=[world.resident_in_course.pk]))
        body = page.content.decode()
        shared = body.count("<strong>deles</strong>")
        withheld = body.count("deles ikke – samtykke mangler")
        if (shared, withheld) != (SHARED_BY_VARIANT[variant], 6 - SHARED_BY_VARIANT[variant]):
            failures.append(f"consent {variant}: {shared} shared, {withheld} withheld")
        for team_only in (world.course.referral.reason, world.referral_pending.reason):
            if team_only in body:
                failures.append(f"consent {variant}: team-only text {team_only!r} in the page")
    for name, rule in MATRIX.items():
        url = reverse(name, args=rule.args(world))
        methods = ["get", "post"] if rule.writes else ["get"]
        for method in methods:
            response = getattr(client, method)(url)
            # an allowed POST of an empty form is re-shown with errors, nothing is saved
            want = rule.expected(persona, method)
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
