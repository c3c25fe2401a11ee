"""Server time of the heaviest pages on the demo data: the largest team board (and its
facility board), and the densest resident's page. Median and 95th percentile over N requests
through Django's test client (no network), on the database DATABASE_URL names.

    .venv/bin/python -m btt.devdb .venv/bin/python -m bench.page_times   # embedded server
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/btt_bench .venv/bin/python -m bench.page_times
    BENCH_SCALE=nation ...                                     # five regions
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btt.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import measure as _measure  # noqa: E402
from bench.common import present  # noqa: E402
from tests.clients import SignInClient  # noqa: E402

N = int(os.environ.get("BENCH_N", "100"))


def main() -> None:
    from django.conf import settings

    from board.models import BoardEntry
    from organisation.models import Membership, Team

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    settings.DEBUG = True
    try:
        call_command(
            "seed_demo",
            scale=os.environ.get("BENCH_SCALE", "region"),
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        settings.DEBUG = False
        team = present(
            Team.objects.annotate(
                n=Count(
                    "facilities__board_entries",
                    filter=Q(facilities__board_entries__status="active"),
                )
            )
            .order_by("-n")
            .first(),
            "team",
        )
        entries = BoardEntry.objects.filter(team=team, status="active")
        facility_id = present(
            entries.values("facility_id").annotate(n=Count("id")).order_by("-n").first(),
            "board entry",
        )["facility_id"]
        nurse = present(
            Membership.objects.filter(team=team, profession="nurse").first(), "nurse"
        ).user
        client = SignInClient()
        client.force_login(nurse)
        print(f"database: {connection.vendor}; {N} requests per page")
        print(f"largest team board: {team.name}, {entries.count()} active entries")
        for label, url in (
            ("team board (full columns)", reverse("board:team", args=[team.pk])),
            ("team board (compact)", reverse("board:team", args=[team.pk]) + "?visning=kompakt"),
            ("facility board", reverse("board:facility", args=[facility_id])),
            ("facility board rows (15 s poll)", reverse("board:facility_rows", args=[facility_id])),
        ):
            median, p95, queries = _measure(client, url, N, warmup=5)
            print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
