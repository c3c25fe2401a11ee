"""Periods and their buckets: calendar months or quarters, clipped to the chosen period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONTH = "maaned"
QUARTER = "kvartal"
GRANULARITIES = [(MONTH, _("Måned")), (QUARTER, _("Kvartal"))]
MONTH_NAMES = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
DEFAULT_MONTHS = 36  # three years by month, ending this month
MAX_YEARS = 15


@dataclass(frozen=True)
class Bucket:
    index: int
    start: datetime.date  # first day, inclusive
    end: datetime.date  # last day, inclusive
    label: str
    key: str  # "2024-01" or "2024-K1": stable, for exports

    @property
    def end_excl(self) -> datetime.date:
        return self.end + datetime.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    granularity: str = MONTH
    buckets: tuple[Bucket, ...] = field(default=(), compare=False)

    @property
    def end_excl(self) -> datetime.date:
        return self.end + datetime.timedelta(days=1)

    def whole(self) -> Period:
        """The period as one bucket (for totals per team or facility)."""
        label = f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"
        bucket = Bucket(0, self.start, self.end, label, "i alt")
        return Period(self.start, self.end, self.granularity, (bucket,))


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def make_period(start: datetime.date, end: datetime.date, granularity: str = MONTH) -> Period:
    """Calendar months or quarters that overlap [start, end], each clipped to it."""
    buckets: list[Bucket] = []
    cursor = _month_start(start)
    if granularity == QUARTER:
        cursor = cursor.replace(month=(cursor.month - 1) // 3 * 3 + 1)
    while cursor <= end:
        if granularity == QUARTER:
            nxt = _next_month(_next_month(_next_month(cursor)))
            quarter = (cursor.month - 1) // 3 + 1
            label, key = f"K{quarter} {cursor.year}", f"{cursor.year}-K{quarter}"
        else:
            nxt = _next_month(cursor)
            label = f"{MONTH_NAMES[cursor.month - 1]} {cursor.year}"
            key = f"{cursor:%Y-%m}"
        last = nxt - datetime.timedelta(days=1)
        buckets.append(Bucket(len(buckets), max(cursor, start), min(last, end), label, key))
        cursor = nxt
    return Period(start, end, granularity, tuple(buckets))


def default_period(today: datetime.date | None = None, granularity: str = MONTH) -> Period:
    """The last three years up to today: 36 months, or 12 quarters (this one included)."""
    today = today or timezone.localdate()
    start = _month_start(today)
    if granularity == QUARTER:
        start = start.replace(month=(start.month - 1) // 3 * 3 + 1)
    for _i in range(DEFAULT_MONTHS - (3 if granularity == QUARTER else 1)):
        start = _month_start(start - datetime.timedelta(days=1))
    return make_period(start, today, granularity)


def aware_midnight(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day`` (for DateTimeField bounds)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
