"""What the audit log costs per request: the resident page and a facility list, with the
audit write on and off, on the PostgreSQL server DATABASE_URL names (the embedded one without it).

    .venv/bin/python -m btt.devdb .venv/bin/python -m bench.audit_cost
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/btt_bench .venv/bin/python -m bench.audit_cost

It creates the database's tables in a throw-away test database, seeds the small demo set,
and times N requests per variant through Django's test client (no network).
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btt.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)
from django.urls import reverse  # noqa: E402

from bench.common import present  # noqa: E402
from tests.clients import SignInClient as Client  # noqa: E402  (passes the second factor)

N = int(os.environ.get("BENCH_N", "200"))


def timed(client, url) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed * 1000


def main() -> None:
    from django.conf import settings

    import audit.services
    from accounts.models import User
    from courses.models import Course

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    settings.DEBUG = True  # seed_demo refuses otherwise
    try:
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        settings.DEBUG = False
        nurse = User.objects.get(username="sygeplejerske")
        course = present(Course.objects.filter(team_contacts=nurse).first(), "course")
        client = Client()
        client.force_login(nurse)
        urls = {
            "resident page": reverse("residents:detail", args=[course.resident_id]),
            "facility page (a page of residents)": reverse(
                "organisation:facility_detail", args=[course.facility_id]
            ),
        }
        real_record, real_shown = audit.services.record, audit.services.record_shown
        print(f"database: {connection.vendor}, {N} requests per variant")
        for label, url in urls.items():
            for _ in range(20):
                client.get(url)  # warm up
            results: dict[str, list[float]] = {}
            for variant in ("on", "off", "on"):
                if variant == "off":
                    for module in _modules_using_audit():
                        module.record = lambda **kw: None
                        module.record_shown = lambda **kw: None
                else:
                    for module in _modules_using_audit():
                        module.record, module.record_shown = real_record, real_shown
                times = [timed(client, url) for _ in range(N)]
                results.setdefault(variant, []).extend(times)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            inserts = [q for q in ctx.captured_queries if "audit_auditevent" in q["sql"]]
            on, off = statistics.median(results["on"]), statistics.median(results["off"])
            print(
                f"{label}: median {on:.2f} ms with audit, {off:.2f} ms without "
                f"(cost {on - off:.2f} ms, {len(inserts)} INSERT per request, "
                f"{len(ctx.captured_queries)} queries in all)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _modules_using_audit():
    import consent.views
    import courses.views
    import organisation.views
    import residents.views

    return [residents.views, organisation.views, courses.views, consent.views]


if __name__ == "__main__":
    main()
