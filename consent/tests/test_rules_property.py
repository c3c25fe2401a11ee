"""Property-based: the consent rule's SQL form and its in-memory form agree.

Random ledgers (consents of every kind, refusals with and without a facility, every direction,
any categories, given, expiry and withdrawal dates around the day asked about) for two
residents and three facilities; for every (resident, facility, category) the answer of
``consent.rules.shares_q`` in SQL equals ``consent.rules.visible_categories`` over the rows as
generated, over the rows as loaded (``load_ledgers``) and ``shared_categories_bulk``.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent.models import Category, Consent, ConsentKind, ConsentScope, Direction
from consent.rules import LedgerRow, load_ledgers, shares_q, visible_categories
from consent.selectors import shared_categories_bulk
from residents.models import Resident
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NOW = timezone.now()
CATEGORIES = tuple(Category.values)
PROPERTY = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def cast():
    region = f.RegionFactory()
    team = f.TeamFactory(region=region)
    facilities = [f.FacilityFactory(region=region, team=team) for _ in range(3)]
    residents = [f.ResidentFactory(facility=facilities[0]) for _ in range(2)]
    return SimpleNamespace(
        user=f.UserFactory(),
        facility_ids=[x.pk for x in facilities],
        resident_ids=[r.pk for r in residents],
    )


def _days(low: int, high: int):
    return st.integers(low, high).map(lambda n: TODAY + datetime.timedelta(days=n))


# Dates within a few days of today, and the day asked about in the middle of them, so that
# "given on the day", "lapses on the day" and the days either side come up often.
# Indices into the cast: resident 0/1, facility 0/1/2 or None.
consents = st.fixed_dictionaries(
    {
        "resident": st.integers(0, 1),
        "kind": st.sampled_from(
            [ConsentKind.SHARING, ConsentKind.SHARING, ConsentKind.REFUSAL, *ConsentKind.values]
        ),
        "facility": st.one_of(st.none(), st.integers(0, 2)),
        "direction": st.sampled_from(["", *Direction.values]),
        "categories": st.sets(st.sampled_from(CATEGORIES), max_size=len(CATEGORIES)),
        "given_on": _days(-1, 1),
        "expires_on": st.one_of(st.none(), _days(-1, 2)),
        "withdrawn_at": st.one_of(
            st.none(),
            st.none(),
            st.integers(-2 * 24, 2 * 24).map(lambda h: NOW + datetime.timedelta(hours=h)),
        ),
    }
)


def _save(cast, ledger) -> dict[int, list[LedgerRow]]:
    """Store the ledger; return it as the rule's rows, per resident id, straight from the
    generated data (not read back)."""
    generated: dict[int, list[LedgerRow]] = {rid: [] for rid in cast.resident_ids}
    for c in ledger:
        resident_id = cast.resident_ids[c["resident"]]
        facility_id = None if c["facility"] is None else cast.facility_ids[c["facility"]]
        consent = Consent.objects.create(
            resident_id=resident_id,
            kind=c["kind"],
            facility_id=facility_id,
            direction=c["direction"],
            form="written",
            given_by="resident",
            given_on=c["given_on"],
            expires_on=c["expires_on"],
            withdrawn_at=c["withdrawn_at"],
            withdrawn_by=cast.user if c["withdrawn_at"] else None,
            recorded_by=cast.user,
        )
        ConsentScope.objects.bulk_create(
            [ConsentScope(consent=consent, category=x) for x in c["categories"]]
        )
        generated[resident_id] += [
            LedgerRow(
                kind=c["kind"],
                facility_id=facility_id,
                direction=c["direction"],
                category=x,
                given_on=c["given_on"],
                expires_on=c["expires_on"],
                withdrawn_at=c["withdrawn_at"],
            )
            for x in c["categories"]
        ]
    return generated


def _sql(cast, facility_id: int, day) -> dict[int, frozenset[str]]:
    """resident id -> categories, from the SQL form (one query per facility)."""
    flags = {
        category: ExpressionWrapper(
            shares_q(category, facility=facility_id, resident="pk", day=day),
            output_field=BooleanField(),
        )
        for category in CATEGORIES
    }
    rows = (
        Resident.objects.filter(pk__in=cast.resident_ids)
        .annotate(**flags)
        .values_list("pk", *CATEGORIES)
    )
    return {
        pk: frozenset(c for c, flag in zip(CATEGORIES, values, strict=True) if flag)
        for pk, *values in rows
    }


@PROPERTY
@given(ledger=st.lists(consents, min_size=1, max_size=8), day=_days(-1, 1))
def test_sql_and_in_memory_forms_agree(cast, ledger, day):
    sid = transaction.savepoint()
    try:
        generated = _save(cast, ledger)
        loaded = load_ledgers(cast.resident_ids)
        rows = [
            SimpleNamespace(pk=i, resident_id=rid, facility_id=fid)
            for i, (rid, fid) in enumerate(
                (rid, fid) for rid in cast.resident_ids for fid in cast.facility_ids
            )
        ]
        bulk = shared_categories_bulk(rows, day)
        for row in rows:
            rid, fid = row.resident_id, row.facility_id
            expected = visible_categories(generated[rid], fid, day)
            assert visible_categories(loaded[rid], fid, day) == expected
            assert bulk[row.pk] == expected
        for fid in cast.facility_ids:
            in_sql = _sql(cast, fid, day)
            for rid in cast.resident_ids:
                assert in_sql[rid] == visible_categories(generated[rid], fid, day), (rid, fid)
        for rid in cast.resident_ids:
            assert visible_categories(generated[rid], None, day) == frozenset()
    finally:
        transaction.savepoint_rollback(sid)


def test_a_refusal_wins_in_both_forms(cast):
    """A pinned example: consent to facility 0 for board and plans; a refusal of plans for
    every facility, and of board for facility 1 only."""
    resident, (f0, f1, _f2) = cast.resident_ids[0], cast.facility_ids
    common = {"given_on": TODAY, "expires_on": None, "withdrawn_at": None}
    ledger = [
        {"resident": 0, "kind": "sharing", "facility": 0, "direction": "both",
         "categories": {"board", "plans"}, **common},
        {"resident": 0, "kind": "sharing", "facility": 1, "direction": "team_to_facility",
         "categories": {"board"}, **common},
        {"resident": 0, "kind": "refusal", "facility": None, "direction": "",
         "categories": {"plans"}, **common},
        {"resident": 0, "kind": "refusal", "facility": 1, "direction": "",
         "categories": {"board"}, **common},
    ]  # fmt: skip
    generated = _save(cast, ledger)
    assert visible_categories(generated[resident], f0, TODAY) == {"board"}
    assert visible_categories(generated[resident], f1, TODAY) == frozenset()
    assert _sql(cast, f0, TODAY)[resident] == {"board"}
    assert _sql(cast, f1, TODAY)[resident] == frozenset()


@pytest.mark.parametrize(
    ("given", "expires", "withdrawn", "shared"),
    [
        (0, None, False, True),  # given today
        (1, None, False, False),  # given tomorrow: not yet
        (-1, 0, False, False),  # lapses ON today
        (-1, 1, False, True),  # lapses tomorrow
        (-1, None, True, False),  # withdrawn
    ],
)
def test_boundaries_in_both_forms(cast, given, expires, withdrawn, shared):
    """The edges of "in force", pinned (the property test finds them too, but not always)."""
    day = lambda n: None if n is None else TODAY + datetime.timedelta(days=n)  # noqa: E731
    ledger = [
        {
            "resident": 0,
            "kind": "sharing",
            "facility": 0,
            "direction": "team_to_facility",
            "categories": {"board"},
            "given_on": day(given),
            "expires_on": day(expires),
            "withdrawn_at": NOW if withdrawn else None,
        }
    ]
    generated = _save(cast, ledger)
    resident, facility = cast.resident_ids[0], cast.facility_ids[0]
    expected = frozenset({"board"}) if shared else frozenset()
    assert visible_categories(generated[resident], facility, TODAY) == expected
    assert _sql(cast, facility, TODAY)[resident] == expected
