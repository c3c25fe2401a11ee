"""The benchmark's history generator on a tiny scale: it writes a consistent world whose
dashboards render with the pinned number of queries and whose trends are not flat."""

import pytest
from django.urls import reverse

from bench.history import TINY, generate
from indicators.periods import default_period
from indicators.registry import BY_CODE, cell, compute
from indicators.scope import REGION, Scope
from indicators.tests.test_views import REGION_QUERIES
from organisation.models import Membership

pytestmark = pytest.mark.django_db


def test_tiny_history(client, django_assert_num_queries):
    writer = generate(TINY, seed=3)
    assert writer.counts["record.Entry"] > 1000
    region = writer.regions[0]
    scope = Scope(REGION, region, True, list(region.teams.order_by("name")))
    period = default_period(granularity="kvartal")
    results = compute([BY_CODE["in_course"], BY_CODE["visits"]], scope, period)
    in_course = [cell(results, BY_CODE["in_course"], None, b.index).value for b in period.buckets]
    assert len(set(in_course)) > 3 and max(in_course) > 10

    planner = Membership.objects.get(region=region, role="region_admin").user
    client.force_login(planner)
    url = reverse("indicators:region", args=[region.pk])
    client.get(url)
    with django_assert_num_queries(REGION_QUERIES):
        assert client.get(url).status_code == 200
