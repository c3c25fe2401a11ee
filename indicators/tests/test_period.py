"""The period form: a period whose start lies after its end (also when one end is left out and
filled in from the defaults) is refused in Danish, never a 500 (issue 11)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.tests.helpers import build_dataset
from tests import shared_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FUTURE = (TODAY + datetime.timedelta(days=40)).isoformat()

# (query string, the Danish message)
BAD_PERIODS = [
    # a start after today and no end: the end defaults to today, before the start
    (f"?fra={FUTURE}", "Startdatoen kan ikke ligge efter i dag."),
    (f"?fra={FUTURE}&inddeling=kvartal", "Startdatoen kan ikke ligge efter i dag."),
    # an end before 2000 and no start: the start defaults to three years before it
    ("?til=1999-01-01", "Perioden kan ikke begynde før 1. januar 2000."),
    ("?til=2000-01-05&inddeling=kvartal", "Perioden kan ikke begynde før 1. januar 2000."),
    ("?fra=2024-06-30&til=2024-01-01", "Slutdatoen skal ligge efter startdatoen."),
]


_ds_module = shared_data.module_fixture("_ds_module", build_dataset)


@pytest.fixture
def ds(_ds_module, db):
    """The dataset, built once for the module (tests/shared_data.py)."""
    return shared_data.fresh(_ds_module, build_dataset)


@pytest.mark.parametrize("query,message", BAD_PERIODS)
def test_a_page_with_an_unusable_period_shows_the_error_in_danish(ds, client, query, message):
    client.raise_request_exception = False
    client.force_login(ds.org.nurse_a)
    response = client.get(reverse("indicators:team", args=[ds.org.team_a.pk]) + query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(response.context["indicator_table"].header) == 36  # the default period


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query,message", BAD_PERIODS)
def test_an_export_with_an_unusable_period_is_refused_with_the_reason(
    ds, client, query, message, fmt
):
    client.raise_request_exception = False
    client.force_login(ds.org.planner)
    url = reverse("indicators:export", args=["region", ds.org.region.pk, fmt]) + query
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")


def test_a_valid_period_still_exports(ds, client):
    client.force_login(ds.org.planner)
    url = reverse("indicators:export", args=["region", ds.org.region.pk, "csv"])
    assert client.get(url + "?fra=2024-01-01&til=2024-06-30").status_code == 200
    assert client.get(url + "?til=2024-06-30").status_code == 200
    assert client.get(url).status_code == 200
