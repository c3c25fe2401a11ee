"""Build the whole demo data set in memory: deterministic for a given seed.

``build_plan`` touches no database; ``btt.demo.write.write_plan`` saves the result.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from faker import Faker

from .common import DEFAULT_SEED, REGION_SIZES, SMALL_SIZE
from .confirmations import ConfirmationPlanner
from .organisation import OrganisationPlanner, RegionOrg
from .residents import ResidentPlanner, ResidentsPlan
from .vocabulary import REGIONS

SCALES = {"region": 1, "nation": 5}


@dataclass(eq=False)
class RegionPlan:
    org: RegionOrg
    people: ResidentsPlan

    def counts(self) -> dict[str, int]:
        org, people = self.org, self.people
        counts = {
            "teams": len(org.teams),
            "facilities": len(org.facilities),
            "facility_addresses": len(org.addresses),
            "wards": len(org.wards),
            "users": len(org.users),
            "residents": len(people.residents),
            "adult_residents": sum(not p.child for p in people.people),
            "child_residents": sum(p.child for p in people.people),
            "identifiers": len(people.identifiers),
            "residences": len(people.residences),
            "concerns": len(people.concerns),
            "referrals": len(people.referrals),
            "courses": len(people.courses),
            "moves": len(people.moves),
            "membership_events": len(org.membership_events),
        }
        for prefix, objects in (
            ("concerns", people.concerns),
            ("referrals", people.referrals),
            ("courses", people.courses),
            ("moves", people.moves),
            ("memberships", org.memberships),
        ):
            for status, n in sorted(Counter(o.status for o in objects).items()):
                counts[f"{prefix}.{status}"] = n
        return counts


@dataclass(eq=False)
class DemoPlan:
    seed: int
    today: datetime.date
    regions: list[RegionPlan] = field(default_factory=list)

    def _flat(self, get) -> list:
        return [obj for region in self.regions for obj in get(region)]

    def in_write_order(self):
        """(label, objects) pairs in foreign-key order, ready for ``bulk_create``."""
        yield "regions", [r.org.region for r in self.regions]
        yield "teams", self._flat(lambda r: [t.team for t in r.org.teams])
        yield "facilities", self._flat(lambda r: [f.facility for f in r.org.facilities])
        for label in ("addresses", "wards", "users", "memberships", "membership_events"):
            yield label, self._flat(lambda r, label=label: getattr(r.org, label))
        for label in ("residents", "identifiers", "residences", "moves", "concerns", "referrals"):
            yield label, self._flat(lambda r, label=label: getattr(r.people, label))
        yield "courses", self._flat(lambda r: r.people.courses)
        yield "course team contacts", self._flat(lambda r: r.people.contacts)

    @property
    def admins(self) -> list:
        return self._flat(lambda r: r.org.admins)

    def counts(self) -> dict[str, int]:
        total: Counter = Counter()
        for region in self.regions:
            total.update(region.counts())
        return dict(total)

    def identity_pairs(self) -> list[tuple[str, str]]:
        """(full name, identifier values) for every resident: what determinism is about."""
        return [
            (p.resident.full_name, ",".join(value for _kind, value in p.values))
            for r in self.regions
            for p in r.people.people
        ]

    def digest(self) -> str:
        return identity_digest(self.identity_pairs())


def identity_digest(pairs) -> str:
    """A stable digest of sorted (name, identifiers) pairs; the tests compare it with the DB."""
    lines = sorted(f"{name}\t{values}" for name, values in pairs)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _seeded(seed: int, index: int, stream: int) -> tuple[random.Random, Faker]:
    number = seed * 1000 + index * 10 + stream
    rng = random.Random(number)  # noqa: S311  # nosec B311
    faker = Faker("da_DK")
    faker.seed_instance(number)
    return rng, faker


def build_plan(
    *,
    seed: int = DEFAULT_SEED,
    scale: str = "region",
    small: bool = False,
    today: datetime.date | None = None,
) -> DemoPlan:
    today = today or timezone.localdate()
    plan = DemoPlan(seed=seed, today=today)
    used_values: set[str] = set()  # identifier values are unique across regions
    for index in range(SCALES[scale]):
        size = SMALL_SIZE if small else REGION_SIZES[index]
        rng_org, faker_org = _seeded(seed, index, 1)
        org = OrganisationPlanner(REGIONS[index], index, size, rng_org, faker_org).plan()
        rng_id, faker_id = _seeded(seed, index, 2)
        rng_time, faker_text = _seeded(seed, index, 3)
        people = ResidentPlanner(
            org,
            size,
            rng_id=rng_id,
            rng_time=rng_time,
            faker_id=faker_id,
            faker_text=faker_text,
            today=today,
            used_values=used_values,
        ).plan()
        rng_confirm, faker_confirm = _seeded(seed, index, 4)
        ConfirmationPlanner(
            org, people, size, rng=rng_confirm, faker=faker_confirm, today=today
        ).plan()
        plan.regions.append(RegionPlan(org=org, people=people))
    return plan
