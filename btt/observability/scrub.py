"""Defence in depth for logs: anything shaped like a CPR or replacement number is replaced.

Code never logs such numbers on purpose (README, "Observability"); this catches what slips
through anyway: an exception message quoting a value, a path someone typed a number into.

The shape is the one ``lib.request_id`` refuses in request ids: six digits whose first four
are a day and a month (DDMM, any year), an optional hyphen, then four digits or a replacement
number's tail (a digit, two letters, a digit). Digits on either side mean it is part of a longer
number (a byte count, a timestamp) and it is left alone; our own request ids never hold the
shape (``lib.request_id.new_request_id``), so they survive scrubbing unchanged.
"""

from __future__ import annotations

import datetime
import re

REPLACEMENT = "[cpr?]"

_PERSON_NUMBER = re.compile(r"(?<!\d)(\d{2})(\d{2})\d{2}-?\d(?:\d{3}|[A-Za-z]{2}\d)(?!\d)")


def _is_day_and_month(day: str, month: str) -> bool:
    try:
        datetime.date(2000, int(month), int(day))  # a leap year: 29 February counts
    except ValueError:
        return False
    return True


def _replace(match: re.Match[str]) -> str:
    if _is_day_and_month(match.group(1), match.group(2)):
        return REPLACEMENT
    return match.group(0)


def scrub(text: str) -> str:
    """``text`` with every CPR- or replacement-number-like run replaced by ``[cpr?]``."""
    return _PERSON_NUMBER.sub(_replace, text)
