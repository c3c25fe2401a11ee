"""seed_demo's cooperation agreements and joint competence activities."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from agreements.models import Agreement, CompetenceActivity, Signature, Status
from agreements.selectors import version_in_force, who_to_call
from organisation.models import Facility, TeamKind
from tests import shared_data

SEED = 7


def seed_small() -> str:
    """The small region (seed 7), seeded once for this module: the command's output."""
    out = StringIO()
    with override_settings(DEBUG=True):  # the command refuses to run without DEBUG
        call_command("seed_demo", seed=SEED, small=True, stdout=out)
    return out.getvalue()


_small_module = shared_data.module_fixture("_small_module", seed_small)


@pytest.fixture
def small(_small_module, db):
    """The command's output; what a test writes is rolled back after it."""
    return shared_data.fresh(_small_module, seed_small)


@pytest.fixture
def seeded(db, settings):
    """The full region (for the shares, which a small region is too small to show)."""
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", seed=SEED, stdout=out)
    return out.getvalue()


def test_egely_has_an_agreement_in_force_signed_by_both(small):
    """At the small size: Egely's agreement as at full size (the shares: the next test)."""
    assert "Cooperation agreements:" in small
    facilities = Facility.objects.filter(team__isnull=False, team__kind=TeamKind.ADULT)
    assert Agreement.objects.filter(status=Status.IN_FORCE).exists()
    assert not Agreement.objects.exclude(facility__in=facilities).exists()
    _assert_egely_in_force_signed_by_both()


@pytest.mark.demo_full
def test_agreements_shares_and_egely(seeded):
    assert "Cooperation agreements:" in seeded
    facilities = Facility.objects.filter(team__isnull=False, team__kind=TeamKind.ADULT)
    total = facilities.count()
    statuses = Counter(Agreement.objects.values_list("status", flat=True))
    assert 0.65 <= statuses[Status.IN_FORCE] / total <= 0.92
    for status in (Status.RENEGOTIATION, Status.NOTICE, Status.DRAFT):
        assert statuses[status] >= 1, status
    assert sum(statuses.values()) < total  # some facilities have none
    assert not Agreement.objects.exclude(facility__in=facilities).exists()

    _assert_egely_in_force_signed_by_both()


def test_agreement_details_are_consistent(small):
    for agreement in Agreement.objects.prefetch_related("versions__signatures"):
        versions = list(agreement.versions.all())
        if agreement.status == Status.DRAFT:
            assert all(not v.signatures.all() and not v.in_force_from for v in versions)
            continue
        assert version_in_force(agreement) is not None
        if agreement.status == Status.RENEGOTIATION:
            assert len(versions) == 2 and not versions[0].signatures.all()
        if agreement.status == Status.NOTICE:
            assert agreement.notice_given_on and agreement.ends_on > agreement.notice_given_on
        v1 = versions[-1]
        assert 1 <= len(v1.visit_days) <= 2 and v1.opening_days == [0, 1, 2, 3, 4]
        assert v1.after_hours and v1.meeting_weekday is not None
    with_signed = Agreement.objects.exclude(status=Status.DRAFT).values("facility")
    assert not CompetenceActivity.objects.exclude(facility__in=with_signed).exists()
    assert CompetenceActivity.objects.count() >= with_signed.count()


def _assert_egely_in_force_signed_by_both() -> None:
    """Bostedet Egely (the README's facility) has an agreement in force, signed by both sides,
    with a safety section, someone to call, and its competence activities."""
    egely = Agreement.objects.get(facility__name="Bostedet Egely")
    assert egely.status == Status.IN_FORCE
    version = version_in_force(egely)
    assert version is not None and version.sections["safety"]
    assert set(Signature.objects.filter(version=version).values_list("party", flat=True)) == {
        "team",
        "facility",
    }
    assert who_to_call(version, version.created_at) is not None
    assert CompetenceActivity.objects.filter(facility=egely.facility).count() in (1, 2, 3)
