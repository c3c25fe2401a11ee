"""Server time of the follow-up dashboards over ten years of national-scale history (five
regions, 25 teams, 350 facilities, 13,500 residents of whom about 7,000 are in course at the
end, about 1.9 million record entries; bench/history.py). Median and
95th percentile over N requests through Django's test client (no network), on the database
DATABASE_URL names, and the number of SQL queries of each page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/btt_bench_ind .venv/bin/python -m bench.indicators
    BENCH_N=50 BENCH_RESIDENTS=13500 BENCH_YEARS=10 ...        # the defaults
    BENCH_KEEPDB=1 ...  # keep the test database: the first run writes the history (some 15
                        # minutes on two cores), later runs on the same day measure it again
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btt.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import measure as _measure  # noqa: E402
from bench.common import present  # noqa: E402
from tests.clients import SignInClient  # noqa: E402

N = int(os.environ.get("BENCH_N", "50"))
KEEPDB = os.environ.get("BENCH_KEEPDB") == "1"


def main() -> None:
    from django.conf import settings
    from django.utils import timezone

    from bench.history import Size, generate
    from organisation.models import Membership, Region
    from record.models import Entry

    setup_test_environment()
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=KEEPDB
    )
    try:
        size = Size(
            residents=int(os.environ.get("BENCH_RESIDENTS", str(Size.residents))),
            years=int(os.environ.get("BENCH_YEARS", "10")),
        )
        today = timezone.localdate()
        if KEEPDB and Region.objects.exists():
            print("history kept from an earlier run (BENCH_KEEPDB=1)")
        else:
            started = time.perf_counter()
            writer = generate(size, today=today)
            print(f"history written in {time.perf_counter() - started:.0f} s:")
            for label, n in sorted(writer.counts.items()):
                print(f"  {label}: {n}")
            # as autovacuum leaves a table in use: statistics, visibility map, hint bits
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        settings.DEBUG = False
        region = present(
            Region.objects.annotate(n=Count("teams__facilities__residences"))
            .order_by("-n")
            .first(),
            "region",
        )
        team = present(region.teams.annotate(n=Count("courses")).order_by("-n").first(), "team")
        facility = present(
            team.facilities.annotate(n=Count("residences")).order_by("-n").first(), "facility"
        )
        entries = Entry.objects.filter(team__region=region).count()
        planner = present(
            Membership.objects.filter(region=region, role="region_admin").first(), "planner"
        ).user
        leader = present(
            Membership.objects.filter(team=team, role="team_leader").first(), "team leader"
        ).user
        print(f"database: {connection.vendor}; {N} requests per page")
        print(f"region: {region.name}, {entries} record entries over {size.years} years")
        first = today.replace(year=today.year - size.years).isoformat()  # the history's start
        region_url = reverse("indicators:region", args=[region.pk])
        pages = [
            (planner, "region dashboard (default: 12 quarters)", region_url),
            (planner, "region dashboard (36 months)", region_url + "?inddeling=maaned"),
            (
                planner,
                "region dashboard (10 years by quarter)",
                region_url + f"?fra={first}&inddeling=kvartal",
            ),
            (
                leader,
                "team dashboard (default: 36 months)",
                reverse("indicators:team", args=[team.pk]),
            ),
            (
                leader,
                "facility dashboard (default: 36 months)",
                reverse("indicators:facility", args=[facility.pk]),
            ),
            (
                planner,
                "region export, all tables (xlsx)",
                reverse("indicators:export", args=["region", region.pk, "xlsx"]),
            ),
        ]
        for user, label, url in pages:
            client = SignInClient()
            client.force_login(user)
            median, p95, queries = _measure(client, url, N, warmup=3)
            print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=KEEPDB)


if __name__ == "__main__":
    main()
