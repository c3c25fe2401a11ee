"""The course record's access beyond the one-rule-per-URL matrix: the other world entries on
the same pages (tests/authz_record.py EXTRA), and what a resident's journal lists for housing
staff under each consent variant."""

import pytest
from django.urls import reverse

from .authz_matrix_base import CONSENT_VARIANTS, PERSONAS
from .authz_record import EXTRA
from .test_access_matrix import _set_consent


@pytest.mark.parametrize("persona", PERSONAS)
def test_record_extra_rules(world, client, persona):
    user_name, _, variant = persona.partition(":")
    if variant:
        _set_consent(world, variant)
    if persona != "anonymous":
        client.force_login(getattr(world, user_name))
    failures = []
    for label, name, rule in EXTRA:
        url = reverse(name, args=rule.args(world))
        for method in ["get", "post"] if rule.writes else ["get"]:
            response = getattr(client, method)(url)
            want = rule.expected(persona, method)
            if response.status_code != want:
                failures.append(
                    f"{method.upper()} {name} ({label}): {response.status_code} != {want}"
                )
                continue
            if want in (403, 404, 302):
                body = response.content.decode()
                failures += [
                    f"{method.upper()} {name} ({label}): leaked {secret!r}"
                    for secret in rule.secret(world)
                    if secret in body
                ]
    assert not failures, "\n".join(failures)


# entry -> shown in the journal to A1's housing staff with consent variant
LISTED = {
    "full": {"crisis_plan", "facility_admission", "medication"},
    "partial": {"facility_admission"},
    "none": {"facility_admission"},
}


@pytest.mark.parametrize("persona", CONSENT_VARIANTS)
def test_journal_lists_what_the_consent_shares(world, client, persona):
    user_name, _, variant = persona.partition(":")
    _set_consent(world, variant)
    client.force_login(getattr(world, user_name))
    body = client.get(reverse("record:overview", args=[world.resident_in_course.pk]))
    body = body.content.decode()
    for attr in ("crisis_plan", "facility_admission", "medication", "visit_note"):
        link = reverse("record:detail", args=[getattr(world, attr).pk])
        assert (f'href="{link}"' in body) == (attr in LISTED[variant]), (variant, attr)
    assert world.visit_note.data["note"] not in body
    assert (world.medication.data["reason"] in body) == (variant == "full")


def test_team_journal_lists_every_world_entry(world, client):
    client.force_login(world.team_mentor)
    body = client.get(reverse("record:overview", args=[world.resident_in_course.pk]))
    body = body.content.decode()
    for attr in ("crisis_plan", "facility_admission", "medication", "visit_note"):
        assert f'href="{reverse("record:detail", args=[getattr(world, attr).pk])}"' in body
