"""Notice rules for agreements: "opsiges med tre måneders varsel til udgangen af en måned"."""

from __future__ import annotations

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the month's last day (30 Nov + 3 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def notice_end(given_on: datetime.date, months: int) -> datetime.date:
    """The last day of the agreement: the end of the month in which the notice period ends."""
    if months < 0:
        raise ValueError("notice months cannot be negative")
    return end_of_month(add_months(given_on, months))
