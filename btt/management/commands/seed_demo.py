"""``manage.py seed_demo``: a synthetic demo region (or five) for development and demos."""

from __future__ import annotations

import argparse
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError

from btt.demo import DEFAULT_SEED, DEMO_PASSWORD, build_plan, write_plan
from btt.demo.agreements import agreements_summary, write_demo_agreements
from btt.demo.board import board_summary, write_demo_board
from btt.demo.extras import write_demo_consents, write_demo_devices
from btt.demo.record import record_summary, write_demo_record
from earlywarning.services import recompute_team
from organisation.models import Region, Team


class Command(BaseCommand):
    help = (
        "Build deterministic synthetic demo data: teams, facilities, staff users, residents "
        "with fictitious CPR numbers, and concerns, referrals and courses in every state."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any region exists (used by `make run`).",
        )
        parser.add_argument(
            "--scale",
            choices=["region", "nation"],
            default="region",
            help="One region (Region Hovedstaden) or all five regions.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default: %(default)s)."
        )
        # A reduced data set with the same code path, for fast tests.
        parser.add_argument("--small", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["if_empty"] and Region.objects.exists():
            self.stdout.write("seed_demo: the database already has data; nothing to do.")
            return
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with a published password; it runs only with DEBUG=1."
            )
        started = time.perf_counter()
        plan = build_plan(seed=options["seed"], scale=options["scale"], small=options["small"])
        names = [r.org.region.name for r in plan.regions]
        existing = list(Region.objects.filter(name__in=names).values_list("name", flat=True))
        if existing:
            raise CommandError(
                f"{', '.join(existing)} already exists. Use a fresh database "
                "(or `manage.py flush`) to seed the demo again."
            )
        write_plan(plan, password_hash=make_password(DEMO_PASSWORD))
        write_demo_devices()
        consents = write_demo_consents(options["seed"])
        self.stdout.write(f"{consents} consents; authenticator secrets for the README users.")
        self.stdout.write(board_summary(write_demo_board(options["seed"])))
        self.stdout.write(agreements_summary(write_demo_agreements(options["seed"])))
        self.stdout.write(record_summary(write_demo_record(options["seed"])))
        # what the worker does each night: the early-warning suggestions of every demo team
        opened = sum(
            recompute_team(team_id=pk).opened
            for pk in Team.objects.filter(region__name__in=names).values_list("pk", flat=True)
        )
        self.stdout.write(f"{opened} early-warning suggestions.")
        elapsed = time.perf_counter() - started
        self._summary(plan, elapsed)

    def _summary(self, plan, elapsed: float) -> None:
        write = self.stdout.write
        for region in plan.regions:
            c = region.counts()
            write(
                f"{region.org.region.name}: {c['teams']} teams, {c['facilities']} facilities "
                f"({c['facility_addresses']} addresses), {c['wards']} wards, {c['users']} users, "
                f"{c['adult_residents']} adult + {c['child_residents']} child residents"
            )
        c = plan.counts()
        states = ", ".join(
            f"{key} {value}"
            for key, value in sorted(c.items())
            if key.startswith(("concerns.", "referrals.", "courses."))
        )
        write(
            f"Total: {c['residents']} residents, {c['identifiers']} identifiers, "
            f"{c['residences']} residences, {c['concerns']} concerns, {c['referrals']} "
            f"referrals, {c['courses']} courses, {c['users']} users."
        )
        write(f"States: {states}.")
        write(
            self.style.SUCCESS(
                f"Demo data seeded in {elapsed:.1f} s (seed {plan.seed}). "
                f"All demo users have the password {DEMO_PASSWORD!r}; see docs/demo-users.md."
            )
        )
