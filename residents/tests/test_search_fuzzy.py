"""Name search forgives one wrong letter and missing Danish letters (pg_trgm + unaccent); a CPR
number is matched exactly; neither widens what the user may see (``residents_visible_to``).

The people are built once for the module, inside a transaction rolled back at the end.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation.models import Profession, Role
from residents.models import Resident
from residents.selectors import (
    NAME_MATCH_THRESHOLD,
    SEARCH_LIMIT,
    _by_name,
    resident_search,
    residents_visible_to,
)
from tests import factories as f


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        region = f.RegionFactory(name="Region Søg")
        team_a, team_b = f.TeamFactory(region=region), f.TeamFactory(region=region)
        here = f.FacilityFactory(region=region, team=team_a, name="Bostedet Her")
        there = f.FacilityFactory(region=region, team=team_b, name="Bostedet Der")

        def member(role, profession, **scope):
            return f.MembershipFactory(role=role, profession=profession, **scope).user

        p = SimpleNamespace(
            here=here,
            staff=member(Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, facility=here),
            staff_there=member(Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, facility=there),
            nurse=member(Role.TEAM_STAFF, Profession.NURSE, team=team_a),
            soren=f.ResidentFactory(facility=here, first_name="Søren", last_name="Jensen"),
            jenssen=f.ResidentFactory(facility=here, first_name="Åse", last_name="Jenssen"),
            hansen=f.ResidentFactory(facility=here, first_name="Holger", last_name="Hansen"),
            jens=f.ResidentFactory(facility=here, first_name="Jens", last_name="Holm"),
            karen=f.ResidentFactory(facility=there, first_name="Karen", last_name="Jensen"),
        )
        # the team sees its residents through a concern: Søren (team A), Karen (team B)
        f.ConcernFactory(resident=p.soren, facility=here)
        f.ConcernFactory(resident=p.karen, facility=there)
        yield p
        transaction.set_rollback(True)


def _user(user):
    """A fresh copy: the principal is cached on the user object."""
    return get_user_model().objects.get(pk=user.pk)


def _names(user, query: str) -> list[str]:
    rows, _more = resident_search(_user(user), query)
    return [r.full_name for r in rows]


@pytest.mark.parametrize(
    "query", ["Jenssen", "Jensn", "Jesen", "Jansen", "Jemsen", "Søren Jenssen"]
)
def test_one_wrong_letter_finds_the_resident(db, people, query):
    assert "Søren Jensen" in _names(people.staff, query)


@pytest.mark.parametrize("query", ["Soren", "Sören", "Soeren", "SØREN", "soren jensen"])
def test_name_without_danish_letters_finds_the_resident(db, people, query):
    assert _names(people.staff, query)[0] == "Søren Jensen"


@pytest.mark.parametrize("query", ["Ase", "Aase", "åse"])
def test_aa_and_a_find_a_with_ring(db, people, query):
    assert "Åse Jenssen" in _names(people.staff, query)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("jens", "Søren Jensen"),
        ("JEN", "Søren Jensen"),
        ("ensen", "Søren Jensen"),
        ("s j", "Søren Jensen"),
        ("Hol", "Holger Hansen"),
    ],
)
def test_prefix_and_substring_still_match(db, people, query, found):
    assert found in _names(people.staff, query)


@pytest.mark.parametrize("query", ["Hansen", "Larsen", "Nielsen", "Søren Holm"])
def test_a_different_name_is_not_a_typo(db, people, query):
    assert "Søren Jensen" not in _names(people.staff, query)


def test_threshold_lies_between_one_wrong_letter_and_a_shared_ending(db):
    """One wrong letter in a six-letter name scores 0.4; the "-sen" ending alone 0.27."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT strict_word_similarity(residents_fold(%s), residents_fold(%s)),"
            " strict_word_similarity(residents_fold(%s), residents_fold(%s))",
            ["Jansen", "Jensen", "Hansen", "Jensen"],
        )
        one_letter, shared_ending = cursor.fetchone()
    assert shared_ending < NAME_MATCH_THRESHOLD < one_letter


def test_exact_match_ranks_above_one_wrong_letter(db, people):
    assert _names(people.staff, "Jensen")[:2] == ["Søren Jensen", "Åse Jenssen"]
    assert _names(people.staff, "Jenssen")[:2] == ["Åse Jenssen", "Søren Jensen"]
    # a whole first name above the same letters at the start of a surname
    assert _names(people.staff, "Jens")[:2] == ["Jens Holm", "Søren Jensen"]


@pytest.mark.parametrize("persona", ["staff", "nurse"])
@pytest.mark.parametrize("query", ["Karen Jensen", "Karen Jenssen", "Karen", "Jensen"])
def test_near_name_does_not_find_a_resident_the_user_may_not_see(db, people, persona, query):
    user = getattr(people, persona)
    assert "Karen Jensen" not in _names(user, query)
    assert not residents_visible_to(_user(user)).filter(pk=people.karen.pk).exists()
    # the same query finds her for her own facility's staff: the name does match
    assert "Karen Jensen" in _names(people.staff_there, query)


def test_cpr_is_matched_exactly_and_never_approximately(db, people):
    cpr = people.soren.identifiers.get().value
    assert _names(people.staff, cpr) == ["Søren Jensen"]
    assert _names(people.staff, f"{cpr[:6]}-{cpr[6:]}") == ["Søren Jensen"]
    assert _names(people.staff, f" {cpr[:6]} {cpr[6:]} ") == ["Søren Jensen"]
    last = str((int(cpr[-1]) + 1) % 10)
    near_misses = [
        cpr[:9] + last,  # one digit wrong
        cpr[:9],  # one digit missing
        cpr + "0",  # one digit too many
        cpr[:8] + cpr[9] + cpr[8],  # two digits swapped
        cpr[:6],  # the birth date alone
        f"Søren {cpr[:9]}{last}",
    ]
    for near in near_misses:
        if near != cpr:  # swapping two equal digits gives the number itself
            assert _names(people.staff, near) == [], near


def test_cpr_of_a_resident_the_user_may_not_see_finds_nobody(db, people):
    cpr = people.karen.identifiers.get().value
    assert _names(people.staff, cpr) == []
    assert _names(people.staff_there, cpr) == ["Karen Jensen"]


def test_the_name_search_uses_the_trigram_index(db, people):
    """The filter's expression is the index's: if either changes alone, this fails."""
    with transaction.atomic():
        found = _by_name(Resident.objects.all(), "Jenssen")
        with connection.cursor() as cursor:
            # a handful of rows: make a scan of the whole table look expensive
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = found.explain()
    assert "resident_name_trgm" in plan


def _add(people, n: int) -> None:
    for _ in range(n):
        f.ResidentFactory(facility=people.here, first_name="Mads", last_name="Mængdesen")


def test_search_query_count_is_constant(db, people):
    """The selector: the principal, set_config, the search, two prefetches (plus the savepoint
    around them in a test), whether 4 or 40 residents match approximately."""
    counts = []
    for n in (4, 36):
        _add(people, n)
        user = _user(people.staff)
        with CaptureQueriesContext(connection) as ctx:
            rows, more = resident_search(user, "Mængdesn")
        assert len(rows) == min(4 if n == 4 else 40, SEARCH_LIMIT) and not more
        counts.append(len(ctx.captured_queries))
    assert counts == [7, 7], counts


def test_search_page_query_count_is_constant(db, people, client):
    client.force_login(people.staff)
    counts = []
    for n in (4, 36):
        _add(people, n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(reverse("residents:search"), {"q": "Mængdesn"})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_results_page_says_names_match_approximately(db, people, client):
    client.force_login(people.staff)
    hint = "Viser også navne, der staves næsten som det søgte."
    body = client.post(reverse("residents:search"), {"q": "Jenssen"}).content.decode()
    assert "Søren Jensen" in body and hint in body
    cpr = people.soren.identifiers.get().value
    body = client.post(reverse("residents:search"), {"q": cpr}).content.decode()
    assert "Søren Jensen" in body and hint not in body
