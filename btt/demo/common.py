"""Constants, sizes and small helpers shared by the demo-data planner and writer."""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.utils import timezone

# The published password of the synthetic demo users (seed_demo runs only with DEBUG).
DEMO_PASSWORD = "demo-botilbud-2026"  # noqa: S105  # nosec B105
DEFAULT_SEED = 2026
ADMIN_GROUP_NAME = "Regional administrator"

# Birth dates are fixed relative to this day (not to "today") so that names and CPR numbers are
# the same on every run. Children in the child-and-youth part are 10-15 years old on this day,
# so they stay under 18 until mid-2028; move the anchor forward when that day comes near.
BIRTH_ANCHOR = datetime.date(2026, 7, 1)
ADULT_AGE_RANGE = (20.0, 82.0, 38.0)  # min, max, mode (years on BIRTH_ANCHOR)
CHILD_AGE_RANGE = (10.0, 15.99, 14.5)


@dataclass(frozen=True)
class RegionSize:
    """How big one demo region is. Adult teams are Nord, Syd, Øst, Vest, Centrum in order."""

    facilities_per_team: tuple[int, int, int, int, int]
    uncovered_facilities: int
    adult_residents: int
    child_residents: int
    institutions: int = 5
    institution_addresses: int = 7
    wards: int = 3


# Region Hovedstaden as described in seed 000: 5 teams, ~70 facilities, ~1,350 patients;
# døgninstitutionsteam with 5 institutions at 7 addresses and 55 patients.
REGION_SIZES = (
    RegionSize((15, 13, 14, 12, 14), 2, 1350, 55),
    RegionSize((14, 12, 15, 13, 12), 2, 1350, 50),
    RegionSize((16, 14, 15, 13, 16), 2, 1500, 60),
    RegionSize((17, 15, 16, 14, 18), 2, 1600, 60),
    RegionSize((13, 11, 12, 10, 13), 2, 1200, 45),
)
# A reduced region for fast tests: same code path, every state still present.
SMALL_SIZE = RegionSize((3, 2, 2, 2, 2), 1, 160, 16, wards=2)


_Option = TypeVar("_Option")


def span(rng: random.Random, low: int, high: int) -> int:
    """An int in [low, high] using exactly one draw (so later draws do not shift)."""
    if high <= low:
        rng.random()
        return low
    return low + int(rng.random() * (high - low + 1))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the project's time zone (hours 8-16 avoid DST gaps)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def working_time(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return at(day, span(rng, 8, 15), span(rng, 0, 59))


_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def ascii_slug(text: str) -> str:
    """Lower-case ascii for usernames and e-mail domains ("Bostedet Ølund" -> "bostedet-oelund")."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    text = text.encode("ascii", "ignore").decode().lower()
    out = "".join(ch if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in out.split("-") if part)


def weighted(rng: random.Random, options: Sequence[_Option], weights: Sequence[float]) -> _Option:
    """One weighted choice using exactly one draw."""
    point = rng.random() * sum(weights)
    for option, weight in zip(options, weights, strict=True):
        point -= weight
        if point < 0:
            return option
    return options[-1]
