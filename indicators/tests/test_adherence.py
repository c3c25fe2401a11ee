"""Framework adherence, implementation coverage and before/after the board on the
hand-built dataset (helpers.build_dataset + helpers.add_adherence), with exact values."""

import pytest

from consent.models import Consent
from indicators.adherence import adherence, coverage
from indicators.before_after import before_after
from indicators.periods import make_period
from indicators.scope import FACILITY, REGION, TEAM, Scope
from tests import shared_data

from .helpers import D, add_adherence, build_dataset

pytestmark = pytest.mark.django_db

MONTHS = make_period(D(2024, 1, 1), D(2024, 6, 30), "maaned")


def _dataset_with_adherence():
    data = build_dataset()
    add_adherence(data)
    return data


_ds_module = shared_data.module_fixture("_ds_module", _dataset_with_adherence)


@pytest.fixture
def ds(_ds_module, db):
    """The dataset with adherence, built once for the module (tests/shared_data.py)."""
    return shared_data.fresh(_ds_module, _dataset_with_adherence)


def region(ds):
    return Scope(REGION, ds.org.region, False, [ds.org.team_a, ds.org.team_b])


def team_a(ds):
    return Scope(TEAM, ds.org.team_a, False, [ds.org.fac_a1, ds.org.fac_a2])


def shares(scope, day, **kwargs):
    found, total = adherence(scope, day, **kwargs)
    return total, {s.code: (s.numerator, s.denominator) for s in found}


def test_adherence_region_on_30_june(ds):
    total, got = shares(region(ds), D(2024, 6, 30))
    assert total == 2
    assert got == {
        # r1: the version of 1 May applies (the one of 1 August not yet); r2: its first
        "treatment_plan": (2, 2),
        "crisis_plan": (1, 2),  # r1's was due 1 June
        "suicide_risk": (2, 2),  # r2's of 30 June counts on the day
        "medication_review": (1, 2),  # r1's is 395 days old
        "consent": (1, 2),  # r2's was withdrawn on the day, the other lapsed on the day
        "contacts": (1, 2),  # r2's course has no contact person at the facility
        "agreement": (2, 3),  # A1 and A2 of A1, A2, B1
    }


def test_adherence_configurable_medication_interval(ds):
    _total, got = shares(region(ds), D(2024, 6, 30), medication_days=730)
    assert got["medication_review"] == (2, 2)


def test_adherence_on_an_earlier_day_reads_the_plan_version_then(ds):
    total, got = shares(region(ds), D(2024, 4, 30))
    assert total == 1  # r2 was between courses
    assert got["treatment_plan"] == (1, 1)  # the first version, due 1 May
    assert got["crisis_plan"] == (1, 1)
    assert got["medication_review"] == (1, 1)  # 1 June 2023 is within 365 days
    assert got["agreement"] == (2, 3)


def test_adherence_consent_must_name_the_facility_lived_at(ds):
    Consent.objects.filter(resident=ds.r1, facility=ds.org.fac_a2).delete()
    _total, got = shares(region(ds), D(2024, 6, 30))
    assert got["consent"] == (0, 2)  # r1's consent to A1 does not count at A2


def test_adherence_team_and_facility(ds):
    total, got = shares(team_a(ds), D(2024, 6, 30))
    assert total == 1
    assert got["treatment_plan"] == (1, 1) and got["crisis_plan"] == (0, 1)
    assert got["agreement"] == (2, 2)
    a1 = Scope(FACILITY, ds.org.fac_a1, False)
    a2 = Scope(FACILITY, ds.org.fac_a2, False)
    assert shares(a1, D(2024, 6, 30))[0] == 0  # r1 lives at A2 now
    assert shares(a2, D(2024, 6, 30))[0] == 1
    assert shares(a1, D(2024, 2, 14))[0] == 1  # the day before the move


def test_coverage_over_time(ds):
    points = coverage(region(ds), MONTHS)
    assert [(p.facilities_covered, p.facilities) for p in points] == [
        (0, 3),
        (0, 3),
        (1, 3),
        (2, 3),
        (2, 3),
        (2, 3),
    ]
    # r1 lives at A2 from 15 February; A2's agreement is in force from 15 April
    assert [(p.residents_covered, p.residents) for p in points] == [
        (0, 2),
        (0, 2),
        (0, 2),
        (1, 1),
        (1, 2),
        (1, 2),
    ]
    points = coverage(team_a(ds), MONTHS)
    assert [p.facilities_covered for p in points] == [0, 0, 1, 2, 2, 2]
    assert [(p.residents_covered, p.residents) for p in points] == [
        (0, 1),
        (0, 1),
        (0, 1),
        (1, 1),
        (1, 1),
        (1, 1),
    ]


def test_no_agreement_share_without_agreements():
    from .helpers import make_org

    org = make_org()
    found, _total = adherence(Scope(TEAM, org.team_a, False, []), D(2024, 6, 30))
    assert "agreement" not in {s.code for s in found}


def _figures(result):
    return {
        row.code: {phase: figure.events for phase, figure in row.phases.items()}
        for row in result.rows
    }


def test_before_after_the_board(ds):
    result = before_after(region(ds), MONTHS, window=90)
    assert (result.episodes, result.ended) == (2, 2)
    # r1: 8-31 January (course start), 1-29 February, 1 March-29 May; r2: 6-9 May,
    # 10 May-10 June, 11 June-8 September
    assert result.days == {"before": 28, "during": 61, "after": 180}
    assert _figures(result) == {
        "admissions": {"before": 1, "during": 1, "after": 2},
        "compulsory_admissions": {"before": 0, "during": 0, "after": 1},
        "force": {"before": 0, "during": 2, "after": 0},
        "medication_failure": {"before": 0, "during": 0, "after": 0},
    }
    rates = {phase: f.rate for phase, f in result.rows[0].phases.items()}
    assert rates["before"] == pytest.approx(100 * 1 / (28 / 30.4375))
    assert rates["during"] == pytest.approx(100 * 1 / (61 / 30.4375))
    assert rates["after"] == pytest.approx(100 * 2 / (180 / 30.4375))


def test_before_after_longer_window_and_facility(ds):
    result = before_after(region(ds), MONTHS, window=180)
    assert result.days == {"before": 28, "during": 61, "after": 360}
    # r1's medication failures of 30 June and 1 July are 122 and 123 days after
    assert _figures(result)["medication_failure"] == {"before": 0, "during": 0, "after": 2}
    a1 = before_after(Scope(FACILITY, ds.org.fac_a1, False), MONTHS, window=90)
    assert (a1.episodes, a1.days) == (1, {"before": 24, "during": 29, "after": 90})
