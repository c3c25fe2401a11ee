"""Lists and search use a constant number of SQL queries, whatever the number of residents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f


def _queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_residents(world, n):
    for _ in range(n):
        f.ResidentFactory(facility=world.facility_a1, last_name="Mængdesen")


@pytest.mark.parametrize(
    ("persona", "method", "url_name", "data"),
    [
        ("housing_staff", "get", "facility_detail", None),
        ("housing_staff", "post", "search", {"q": "Mængdesen"}),
        ("housing_staff", "get", "home", None),
        ("team_nurse", "get", "facility_detail", None),
    ],
)
def test_constant_queries_with_10_and_100_residents(world, client, persona, method, url_name, data):
    url = {
        "facility_detail": reverse("organisation:facility_detail", args=[world.facility_a1.pk]),
        "search": reverse("residents:search"),
        "home": reverse("home"),
    }[url_name]
    client.force_login(getattr(world, persona))
    _add_residents(world, 10)
    small = _queries(client, method, url, data)
    _add_residents(world, 90)
    large = _queries(client, method, url, data)
    assert small == large, f"{url_name}: {small} queries with 10 residents, {large} with 100"
    assert large <= 13, (
        f"{url_name}: {large} queries"
    )  # 13: the facility page shows the agreement box


def test_team_lists_constant(world, client):
    """The team's start page and visitation queue with 10 and 100 pending referrals."""
    w = world
    client.force_login(w.team_nurse)

    def add(n):
        for _ in range(n):
            resident = f.ResidentFactory(facility=w.facility_a1)
            f.ReferralFactory(resident=resident, facility=w.facility_a1)

    add(10)
    small = [_queries(client, "get", reverse(n)) for n in ("home", "courses:visitation_queue")]
    add(90)
    large = [_queries(client, "get", reverse(n)) for n in ("home", "courses:visitation_queue")]
    assert small == large


def test_start_page_constant_with_10_and_100_own_courses(world, client):
    """The nurse's own residents: the list shows 25 and says how many there are in all."""
    w = world
    client.force_login(w.team_nurse)

    def add(n):
        for _ in range(n):
            f.CourseFactory(
                referral__resident=f.ResidentFactory(facility=w.facility_a1),
                referral__facility=w.facility_a1,
                responsible_doctor=w.team_doctor,
                team_contacts=[w.team_nurse],
            )

    add(10)
    small = _queries(client, "get", reverse("home"))
    add(90)
    large = _queries(client, "get", reverse("home"))
    assert small == large
    assert "Viser 25 af 101" in client.get(reverse("home")).content.decode()
