"""Load run: N simulated users against the production server (gunicorn with
deploy/gunicorn.conf.py, production settings, workers sized from the cores by that config) on
the demo region, with p50/p95/p99 latency and errors per step, the CPU seconds and peak
memory of each gunicorn worker, and the floor page's latency in the same step for reference.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/btt_bench .venv/bin/python -m bench.load
    BENCH_USERS=50,150,300     simulated users per step (the default)
    BENCH_SECONDS=180          length of each step (the default: the issue's 3 minutes)
    BENCH_RAMP_SECONDS=15      the users arrive (open their board) over this first part of
                               the step; latency percentiles count the requests after it
    BENCH_WEB_WORKERS=5        gunicorn workers (default: the config's, 2 x cores + 1)
    BENCH_SCALE=region         seed_demo scale
    BENCH_KEEPDB=1             keep the bench database: the first run seeds the demo (minutes),
                               later runs reuse it

What a simulated user does (``simulate``): it arrives at a random moment of the ramp (the
first 15 s of the step), opens its board and polls the board's rows every 15 s as the page
does (``X-Background-Refresh: 1``, with the rows' fingerprint, so an unchanged board answers
204). Three in four are team staff on their team board, one in four
facility staff on their facility board. Every other team member also works: after a think time
of 5-25 s it opens a resident's page, a timeline, a facility board, a meeting's agenda, a
search (name, POSTed) or writes a visit note (the form, then the POST), in turn.

Signing in: each simulated user gets a session made with the session engine in this process
(``force_login`` with the second factor marked done, as the test client does) and sends that
cookie; nobody types a password or a code, so the figures hold no PBKDF2 or TOTP work. The
server shares this process's SECRET_KEY so that it reads those sessions.

The load generator (threads, one per user, standard-library HTTP) runs on the same machine as
the server and the database, and its CPU is shown too.

The floor: one more client asks for the trivial signed-in page (/_bench/floor/, served because
the server runs with BENCH_FLOOR=1) once a second during the step. Its latency, apart from the
users' figures, shows what the queueing alone costs a request at that load.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btt.settings_test")

import django  # noqa: E402

django.setup()

import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import FLOOR_URL, bench_database, session_for, start_server  # noqa: E402
from tests.production import (  # noqa: E402
    HtmlForm,
    ProductionServer,
    Response,
    WebClient,
    poll_url,
)

POLL_HEADERS = {"HX-Request": "true", "X-Background-Refresh": "1"}
ACTIONS = ("resident", "timeline", "board", "agenda", "search", "visit_note")
VISIT_NOTE = "Besøg på værelset; aftalt opfølgning i næste uge (belastningstest)."
TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Pace:
    """How often users act: the board's poll, the think time between two pages, and the
    ramp over which the users arrive (each opens their board at a random moment in it);
    the floor page is asked for every ``floor_s``."""

    poll_s: float = 15.0
    think_min_s: float = 5.0
    think_max_s: float = 25.0
    ramp_s: float = 15.0
    floor_s: float = 1.0


@dataclass(frozen=True)
class Persona:
    """One simulated user: a session and what they look at."""

    session_key: str
    board_url: str
    browses: bool
    residents: tuple[int, ...] = ()
    facilities: tuple[int, ...] = ()
    meetings: tuple[int, ...] = ()
    search_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sample:
    label: str
    status: int
    ms: float
    ok: bool
    at: float  # when the request started (time.monotonic())


@dataclass
class WorkerStats:
    """CPU seconds (user + system) used during a step and peak resident memory, per worker
    process (a worker replaced after WEB_MAX_REQUESTS counts as another process)."""

    cpu_first: dict[int, float] = field(default_factory=dict)
    cpu_last: dict[int, float] = field(default_factory=dict)
    rss_peak: dict[int, int] = field(default_factory=dict)

    def cpu(self) -> dict[int, float]:
        return {pid: self.cpu_last[pid] - self.cpu_first[pid] for pid in self.cpu_last}


@dataclass
class StepResult:
    """A step's requests. The latency figures are the steady state: requests started after
    the ramp (when every user has arrived); errors, CPU and memory cover the whole step."""

    users: int
    seconds: float
    samples: list[Sample]
    workers: WorkerStats
    client_cpu_s: float
    started: float = 0.0
    ramp_s: float = 0.0
    floor: list[Sample] = field(default_factory=list)  # the floor page, apart from the users'

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if not s.ok)

    def steady(self) -> list[Sample]:
        return [s for s in self.samples if s.at >= self.started + self.ramp_s]

    def steady_floor(self) -> list[Sample]:
        return [s for s in self.floor if s.at >= self.started + self.ramp_s]

    def by_label(self) -> dict[str, list[Sample]]:
        labels: dict[str, list[Sample]] = {}
        for sample in self.samples:
            labels.setdefault(sample.label, []).append(sample)
        return labels


# --- who the users are ----------------------------------------------------------------------


def make_personas(n: int, *, seed: int = 13) -> list[Persona]:
    """``n`` simulated users on the accounts in the database, in turn over the team staff of
    the teams with a board and the facility staff of the facilities with one."""
    from django.urls import reverse

    from board.models import BoardEntry, Meeting
    from courses.models import Course, CourseStatus
    from organisation.models import Membership, MembershipStatus, Role
    from residents.models import Resident

    rng = random.Random(seed)  # noqa: S311  # nosec B311
    active = BoardEntry.objects.filter(status="active")
    teams = set(active.values_list("team_id", flat=True))
    facilities_with_board = set(active.values_list("facility_id", flat=True))
    members = Membership.objects.filter(
        is_active=True, status=MembershipStatus.CONFIRMED, ended_at__isnull=True
    ).select_related("user")
    team_staff = list(members.filter(role=Role.TEAM_STAFF, team_id__in=teams).order_by("pk"))
    facility_staff = list(
        members.filter(role=Role.FACILITY_STAFF, facility_id__in=facilities_with_board).order_by(
            "pk"
        )
    )
    if not team_staff:
        raise SystemExit("the benchmark data has no team staff with a board")
    per_team: dict[int, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[str, ...]]]
    per_team = {}
    for team_id in teams:
        residents = tuple(
            Course.objects.filter(team_id=team_id, status=CourseStatus.ACTIVE)
            .order_by("pk")
            .values_list("resident_id", flat=True)[:60]
        )
        facilities = tuple(
            active.filter(team_id=team_id).values_list("facility_id", flat=True).distinct()
        )
        meetings = tuple(
            Meeting.objects.filter(facility_id__in=facilities)
            .order_by("-held_on")
            .values_list("pk", flat=True)[:20]
        )
        names = Resident.objects.filter(pk__in=residents[:20]).values_list("last_name", flat=True)
        terms = tuple(sorted({name[:4] for name in names if len(name) >= 4}))
        per_team[team_id] = (residents, facilities, meetings, terms)
    personas = []
    for i in range(n):
        if i % 4 == 3 and facility_staff:
            membership = facility_staff[(i // 4) % len(facility_staff)]
            board = reverse("board:facility", args=[membership.facility_id])
            personas.append(Persona(session_for(membership.user), board, browses=False))
            continue
        membership = team_staff[i % len(team_staff)]
        residents, facilities, meetings, terms = per_team[int(str(membership.team_id))]
        personas.append(
            Persona(
                session_for(membership.user),
                reverse("board:team", args=[membership.team_id]),
                browses=i % 2 == 0 and bool(residents),
                residents=tuple(rng.sample(residents, min(10, len(residents)))),
                facilities=facilities,
                meetings=meetings,
                search_terms=terms or ("a",),
            )
        )
    return personas


# --- one user -------------------------------------------------------------------------------


class _User:
    """One simulated user's requests, each timed and recorded."""

    def __init__(self, persona: Persona, base_url: str, record: Callable[[Sample], None]):
        self.persona = persona
        self.client = WebClient(base_url)
        self.client.set_cookie(settings.SESSION_COOKIE_NAME, persona.session_key)
        self.record = record

    def call(
        self,
        label: str,
        method: str,
        path: str,
        *,
        ok: tuple[int, ...] = (200,),
        data: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response | None:
        at = time.monotonic()
        started = time.perf_counter()
        try:
            if method == "POST":
                response = self.client.post(path, data or [], headers=headers, timeout=TIMEOUT_S)
            else:
                response = self.client.get(path, headers=headers, timeout=TIMEOUT_S)
        except OSError:  # refused, reset, timed out
            self.record(Sample(label, 0, (time.perf_counter() - started) * 1000, False, at))
            return None
        elapsed = (time.perf_counter() - started) * 1000
        self.record(Sample(label, response.status, elapsed, response.status in ok, at))
        return response if response.status in ok else None

    def act(self, action: str, rng: random.Random) -> None:
        p = self.persona
        if action == "resident":
            self.call("resident", "GET", f"/beboere/{rng.choice(p.residents)}/")
        elif action == "timeline":
            self.call("timeline", "GET", f"/beboere/{rng.choice(p.residents)}/tidslinje/")
        elif action == "board" and p.facilities:
            self.call("board", "GET", f"/tavle/botilbud/{rng.choice(p.facilities)}/")
        elif action == "agenda" and p.meetings:
            self.call("agenda", "GET", f"/tavle/moeder/{rng.choice(p.meetings)}/")
        elif action == "search":
            page = self.call("search", "GET", "/beboere/soeg/")
            if page is not None:
                form = HtmlForm.find(page, field="q")
                form["q"] = rng.choice(p.search_terms)
                self.call("search", "POST", form.action, data=form.data)
        elif action == "visit_note":
            url = f"/beboere/{rng.choice(p.residents)}/journal/ny/visit/"
            page = self.call("visit_note", "GET", url)
            if page is not None:
                form = HtmlForm.find(page, field="note")
                form["occurred_on"] = timezone.localdate().isoformat()
                form["subtype"] = "visit"
                form["planned"] = "planned"
                form["note"] = VISIT_NOTE
                self.call("visit_note", "POST", form.action, ok=(302,), data=form.data)


def simulate(
    persona: Persona,
    base_url: str,
    pace: Pace,
    stop: threading.Event,
    record: Callable[[Sample], None],
    seed: int,
) -> None:
    """One user until ``stop``: open the board, poll it, and (if ``browses``) work."""
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    if stop.wait(rng.uniform(0, pace.ramp_s)):  # users arrive spread over the ramp
        return
    user = _User(persona, base_url, record)
    board = user.call("board_open", "GET", persona.board_url)
    poll = poll_url(board) if board is not None else None
    actions = list(ACTIONS)
    rng.shuffle(actions)
    turn = 0
    now = time.monotonic()
    next_poll = now + pace.poll_s
    next_act = now + rng.uniform(pace.think_min_s, pace.think_max_s) if persona.browses else None
    while not stop.is_set():
        due = min(t for t in (next_poll, next_act) if t is not None)
        if stop.wait(max(0.0, due - time.monotonic())):
            return
        now = time.monotonic()
        if now >= next_poll:
            next_poll = now + pace.poll_s
            if poll is not None:
                rows = user.call("board_poll", "GET", poll, ok=(200, 204), headers=POLL_HEADERS)
                if rows is not None and rows.status == 200:
                    poll = poll_url(rows) or poll
        if next_act is not None and now >= next_act:
            user.act(actions[turn % len(actions)], rng)
            turn += 1
            next_act = time.monotonic() + rng.uniform(pace.think_min_s, pace.think_max_s)


def probe_floor(
    persona: Persona,
    base_url: str,
    pace: Pace,
    stop: threading.Event,
    record: Callable[[Sample], None],
) -> None:
    """The floor page every ``pace.floor_s`` until ``stop``, with ``persona``'s session."""
    user = _User(persona, base_url, record)
    while not stop.wait(pace.floor_s):
        user.call("floor", "GET", FLOOR_URL)


# --- a step ---------------------------------------------------------------------------------


def _sample_workers(server: ProductionServer, stats: WorkerStats, stop: threading.Event) -> None:
    import psutil

    processes: dict[int, psutil.Process] = {}
    while True:
        for pid in server.worker_pids():
            try:
                process = processes.setdefault(pid, psutil.Process(pid))
                times = process.cpu_times()
                cpu = float(times.user + times.system)
                rss = int(process.memory_info().rss)
            except psutil.NoSuchProcess:
                continue
            stats.cpu_first.setdefault(pid, cpu)
            stats.cpu_last[pid] = cpu
            stats.rss_peak[pid] = max(rss, stats.rss_peak.get(pid, 0))
        if stop.wait(0.5):
            return


def run_step(
    server: ProductionServer,
    personas: list[Persona],
    seconds: float,
    pace: Pace | None = None,
    seed: int = 1,
) -> StepResult:
    """All ``personas`` against ``server`` for ``seconds``; every request's time and status."""
    pace = pace or Pace()
    samples: list[Sample] = []  # list.append is atomic: the threads share it
    floor: list[Sample] = []
    stop = threading.Event()
    stats = WorkerStats()
    sampler = threading.Thread(target=_sample_workers, args=(server, stats, stop), daemon=True)
    sampler.start()
    threads = [
        threading.Thread(
            target=simulate,
            args=(persona, server.url, pace, stop, samples.append, seed * 100_003 + i),
            daemon=True,
        )
        for i, persona in enumerate(personas)
    ]
    threads.append(
        threading.Thread(
            target=probe_floor,
            args=(personas[0], server.url, pace, stop, floor.append),
            daemon=True,
        )
    )
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(TIMEOUT_S + 5)
    elapsed = time.monotonic() - started
    sampler.join(5)
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (client_after.ru_utime - client_before.ru_utime) + (
        client_after.ru_stime - client_before.ru_stime
    )
    return StepResult(
        len(personas),
        elapsed,
        list(samples),
        stats,
        client_cpu,
        started,
        min(pace.ramp_s, elapsed),
        list(floor),
    )


# --- the report -----------------------------------------------------------------------------


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 (inclusive method; a single value is all three)."""
    if not values:
        return (0.0, 0.0, 0.0)
    if len(values) == 1:
        return (values[0],) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def report(results: list[StepResult]) -> Iterator[str]:
    """The table: latency in the steady state (after the ramp; the board's first load is shown
    apart, over the whole step), errors over the whole step, and the workers' CPU seconds
    (mean per worker, and in cores: all workers' CPU over the step's length) and peak RSS."""
    yield (
        f"{'users':>5} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'open p50/p95 ms':>15} {'floor p50/p95':>13} {'errors':>6} {'err %':>6} {'workers':>7} "
        f"{'CPU s/worker':>12} {'cores':>5} {'peak RSS MB':>11} {'client CPU s':>12}"
    )
    for r in results:
        steady = r.steady()
        p50, p95, p99 = percentiles([s.ms for s in steady])
        o50, o95, _o99 = percentiles([s.ms for s in r.samples if s.label == "board_open"])
        n = len(r.samples)
        cpu = r.workers.cpu()
        per_worker = statistics.mean(cpu.values()) if cpu else 0.0
        peak = max(r.workers.rss_peak.values(), default=0) / 2**20
        window = max(r.seconds - r.ramp_s, 0.001)
        opened = f"{o50:.0f}/{o95:.0f}"
        f50, f95, _f99 = percentiles([s.ms for s in r.steady_floor()])
        floor = f"{f50:.0f}/{f95:.0f}"
        yield (
            f"{r.users:>5} {len(steady):>8} {len(steady) / window:>6.1f} {p50:>7.0f} "
            f"{p95:>7.0f} {p99:>7.0f} {opened:>15} {floor:>13} {r.errors:>6} "
            f"{100 * r.errors / max(n, 1):>6.2f} {len(cpu):>7} {per_worker:>12.1f} "
            f"{sum(cpu.values()) / r.seconds:>5.2f} {peak:>11.0f} {r.client_cpu_s:>12.1f}"
        )
    for r in results:
        yield f"at {r.users} users, per kind of request (count, p50 / p95 ms, errors):"
        kinds: dict[str, list[Sample]] = {}
        for sample in r.steady():
            kinds.setdefault(sample.label, []).append(sample)
        kinds["board_open"] = [s for s in r.samples if s.label == "board_open"]
        kinds["(floor)"] = r.steady_floor()
        for label, samples in sorted(kinds.items()):
            p50, p95, _p99 = percentiles([s.ms for s in samples])
            errors = sum(1 for s in samples if not s.ok)
            yield f"  {label:<11} {len(samples):>6}  {p50:>6.0f} / {p95:>6.0f}  {errors:>4}"
        cpu = r.workers.cpu()
        yield "  workers (CPU s / peak RSS MB): " + ", ".join(
            f"{cpu[pid]:.1f}/{r.workers.rss_peak[pid] / 2**20:.0f}" for pid in sorted(cpu)
        )


def main() -> None:
    steps = [int(x) for x in os.environ.get("BENCH_USERS", "50,150,300").split(",") if x.strip()]
    seconds = float(os.environ.get("BENCH_SECONDS", "180"))
    pace = Pace(ramp_s=float(os.environ.get("BENCH_RAMP_SECONDS", str(Pace.ramp_s))))
    web_workers = os.environ.get("BENCH_WEB_WORKERS")
    with bench_database():
        personas = make_personas(max(steps))
        server = start_server(int(web_workers) if web_workers else None)
        results = []
        try:
            workers = len(server.worker_pids())
            print(
                f"gunicorn: {workers} workers on {os.cpu_count()} cores; "
                f"{seconds:.0f} s per step, of which {pace.ramp_s:.0f} s ramp (users arrive); "
                f"polls every {pace.poll_s:.0f} s"
            )
            for n in steps:
                results.append(run_step(server, personas[:n], seconds, pace))
                header, row, *_details = report(results[-1:])
                print(f"{header}\n{row}" if len(results) == 1 else row, flush=True)
        finally:
            code = server.stop()
            if code != 0:
                print(f"gunicorn exited {code} on SIGTERM:\n{server.log()}")
            else:
                server.log_path.unlink(missing_ok=True)
        print()
        for line in report(results):
            print(line)


if __name__ == "__main__":
    main()
