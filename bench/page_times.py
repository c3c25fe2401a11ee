"""Page timings as ratios to the trivial signed-in page, against the production server.

The server is gunicorn with deploy/gunicorn.conf.py and the production settings (DEBUG off;
five workers on two cores unless BENCH_WEB_WORKERS says otherwise) on the demo data, with
BENCH_FLOOR=1 so that it serves the floor page (/_bench/floor/: the same middleware as every
page, no layout, three queries). One client asks for the pages one at a time, in rounds: each
round asks for every page once, in a shuffled order, so a page and the floor share the
machine's moments (CI, other processes). Each page's median and 95th percentile are printed
as milliseconds (at the client) and as a multiple of the floor's in the same run; only the
ratios compare across runs and machines. The server's own median time and the queries per
request come from its request log (``duration_ms`` and ``db_queries`` of the ``btt.request``
JSON lines, matched by the X-Request-ID each request sends).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/btt_bench .venv/bin/python -m bench.page_times
    BENCH_N=60            rounds (after three warm-up rounds)
    BENCH_KEEPDB=1        keep the bench database (seeded once; bench/load.py shares it)
    BENCH_SCALE=nation    seed_demo's five regions (use another DATABASE_URL name, as the data
                          of a kept database is not reseeded)
    BENCH_WEB_WORKERS=5   gunicorn workers

The pages: the team board of the team with the most board rows, its poll answering 204
("nothing changed"), the facility board with the most rows of that team, the page and the
timeline of the team's resident with the most record entries, the latest meeting's agenda of
the team's facilities, and the indicators of the team's region (as its regional
administrator). Signed in as the team's nurse with a session made here (no password or code
work in the figures).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btt.settings_test")

import django  # noqa: E402

django.setup()

import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import (  # noqa: E402
    FLOOR_URL,
    bench_database,
    present,
    request_log,
    session_for,
    start_server,
)
from tests.production import WebClient, poll_url  # noqa: E402

N = int(os.environ.get("BENCH_N", "60"))
WARMUP_ROUNDS = 3
POLL_HEADERS = {"HX-Request": "true", "X-Background-Refresh": "1"}


@dataclass
class Page:
    label: str
    url: str
    client: WebClient
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)

    def get(self, request_id: str) -> float:
        """One request (its id in the server's log: ``request_id``), timed in ms."""
        headers = {**self.headers, "X-Request-ID": request_id}
        started = time.perf_counter()
        response = self.client.get(self.url, headers=headers, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != self.status:
            raise SystemExit(f"{self.label}: {self.url} answered {response.status}")
        return elapsed


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[round(0.95 * (len(ordered) - 1))]


def _client(base_url: str, user: object) -> WebClient:
    client = WebClient(base_url)
    client.set_cookie(settings.SESSION_COOKIE_NAME, session_for(user))
    return client


def pages(base_url: str) -> list[Page]:
    """The floor first, then the pages (see the module's docstring)."""
    from board.models import BoardEntry, Meeting
    from courses.models import Course, CourseStatus
    from organisation.models import Membership, MembershipStatus, Role, Team

    largest = present(
        BoardEntry.objects.filter(status="active")
        .values("team_id")
        .annotate(n=Count("id"))
        .order_by("-n", "team_id")
        .first(),
        "team with a board",
    )
    team = Team.objects.get(pk=largest["team_id"])
    active = BoardEntry.objects.filter(team=team, status="active")
    confirmed = Membership.objects.filter(
        is_active=True, status=MembershipStatus.CONFIRMED, ended_at__isnull=True
    )
    nurse = present(
        confirmed.filter(team=team, role=Role.TEAM_STAFF, profession="nurse")
        .select_related("user")
        .first(),
        "nurse of the team",
    ).user
    facility_id = present(
        active.values("facility_id").annotate(n=Count("id")).order_by("-n").first(),
        "board entry",
    )["facility_id"]
    resident_id = present(
        Course.objects.filter(team=team, status=CourseStatus.ACTIVE)
        .annotate(n=Count("record_entries"))
        .order_by("-n", "pk")
        .values_list("resident_id", flat=True)
        .first(),
        "resident in course",
    )
    meeting_id = present(
        Meeting.objects.filter(team=team)
        .order_by("-held_on", "-pk")
        .values_list("pk", flat=True)
        .first(),
        "meeting",
    )
    planner = present(
        confirmed.filter(role=Role.REGION_ADMIN, region_id=team.region_id)
        .select_related("user")
        .first(),
        "regional administrator",
    ).user
    client = _client(base_url, nurse)
    board_url = reverse("board:team", args=[team.pk])
    board = client.get(board_url, timeout=60)
    poll = present(poll_url(board) if board.status == 200 else None, "polling team board")
    return [
        Page("trivial signed-in page (floor)", FLOOR_URL, client),
        Page(f"team board, {active.count()} rows", board_url, client),
        Page("board poll, 204 nothing changed", poll, client, 204, POLL_HEADERS),
        Page("facility board", reverse("board:facility", args=[facility_id]), client),
        Page("resident page", reverse("residents:detail", args=[resident_id]), client),
        Page("timeline", reverse("record:timeline", args=[resident_id]), client),
        Page("meeting agenda", reverse("board:meeting", args=[meeting_id]), client),
        Page(
            "region indicators",
            reverse("indicators:region", args=[team.region_id]),
            _client(base_url, planner),
        ),
    ]


def logged(page: Page, log: dict[str, dict[str, Any]]) -> tuple[str, float]:
    """The page's queries per request (a range if they varied) and its median server time in
    ms, as the server logged its measured requests."""
    lines = [log[i] for i in page.request_ids if i in log]
    if not lines:
        return "?", float("nan")
    counts = [int(line["db_queries"]) for line in lines]
    low, high = min(counts), max(counts)
    server_ms = statistics.median(float(line["duration_ms"]) for line in lines)
    return (str(low) if low == high else f"{low}-{high}"), server_ms


def main() -> None:
    workers = int(os.environ.get("BENCH_WEB_WORKERS", "5"))
    with bench_database():
        server = start_server(workers)
        try:
            measured = pages(server.url)
            rng = random.Random(5)  # noqa: S311  # nosec B311
            for round_ in range(WARMUP_ROUNDS + N):
                order = list(measured)
                rng.shuffle(order)
                for page in order:
                    request_id = f"bench-{measured.index(page)}-round-{round_}"
                    elapsed = page.get(request_id)
                    if round_ >= WARMUP_ROUNDS:
                        page.times.append(elapsed)
                        page.request_ids.append(request_id)
            log = request_log(server.log_path.read_text(errors="replace"))
        finally:
            code = server.stop()
            if code != 0:
                print(f"gunicorn exited {code} on SIGTERM:\n{server.log()}")
            else:
                server.log_path.unlink(missing_ok=True)
    floor = measured[0]
    floor_median, floor_p95 = statistics.median(floor.times), p95(floor.times)
    print(
        f"production server: gunicorn, {workers} workers, DEBUG off, on {os.cpu_count()} cores; "
        f"{N} interleaved rounds (after {WARMUP_ROUNDS} warm-up rounds), one request at a time"
    )
    print(
        f"{'page':<34} {'median ms':>9} {'p95 ms':>7} {'median ×':>9} {'p95 ×':>7} "
        f"{'server ms':>9} {'queries':>7}"
    )
    for page in measured:
        median, high = statistics.median(page.times), p95(page.times)
        queries, server_ms = logged(page, log)
        print(
            f"{page.label:<34} {median:>9.1f} {high:>7.1f} {median / floor_median:>9.1f} "
            f"{high / floor_p95:>7.1f} {server_ms:>9.1f} {queries:>7}"
        )


if __name__ == "__main__":
    main()
