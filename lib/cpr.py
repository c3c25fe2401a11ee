"""Danish person identifiers: CPR numbers and replacement numbers (erstatnings-CPR).

Rules (see shared/RULES.md):
- A CPR number is DDMMYY-SSSS, stored as ten digits without the hyphen. The century follows
  from digit 7 and the two-digit year; the date must exist in that century.
- Modulus 11 is NOT a validity test: valid numbers failing it have been issued since 2007.
- Replacement numbers: DDMMYY followed by one digit, two capital letters and one digit.
  National eCPR uses 1 or 7 as the seventh character, regional numbers 0, 5 or 6.

The century/date rule comes from python-stdnum (``stdnum.dk.cpr.get_birth_date``); this
module adds the "not born yet" check against an explicit ``today`` so it can be tested, and
the replacement-number patterns, which stdnum does not know.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumValidationError


class IdentifierKind(StrEnum):
    CPR = "cpr"
    ECPR_NATIONAL = "ecpr_national"
    ECPR_REGIONAL = "ecpr_regional"


class InvalidIdentifier(ValueError):
    """Raised with a machine-readable ``code`` telling what is wrong."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ParsedIdentifier:
    kind: IdentifierKind
    value: str  # normalised: no hyphen, no spaces, upper case
    birth_date: datetime.date | None  # None when the century cannot be known

    @property
    def display(self) -> str:
        return f"{self.value[:6]}-{self.value[6:]}"


_CPR_RE = re.compile(r"^\d{10}$")
_REPLACEMENT_RE = re.compile(r"^(\d{6})([0-9])([A-Z]{2})(\d)$")
_NATIONAL_DIGITS = "17"
_REGIONAL_DIGITS = "056"


def normalise(raw: str) -> str:
    """Strip spaces and one hyphen; upper-case letters."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def modulus11_ok(value: str) -> bool:
    """The historic check. Informational only: never use it to reject a number."""
    return stdnum_cpr.checksum(value) == 0


def parse_cpr(raw: str, *, today: datetime.date) -> ParsedIdentifier:
    value = normalise(raw)
    if not _CPR_RE.match(value):
        raise InvalidIdentifier("format")
    try:
        birth_date = stdnum_cpr.get_birth_date(value)
    except StdnumValidationError as exc:
        raise InvalidIdentifier("date") from exc
    if birth_date > today:
        raise InvalidIdentifier("future")
    return ParsedIdentifier(IdentifierKind.CPR, value, birth_date)


def _valid_day_month(ddmm: str) -> bool:
    day, month = int(ddmm[:2]), int(ddmm[2:4])
    try:
        datetime.date(2000, month, day)  # 2000 is a leap year: 29 February allowed
    except ValueError:
        return False
    return True


def parse_replacement(raw: str) -> ParsedIdentifier:
    value = normalise(raw)
    match = _REPLACEMENT_RE.match(value)
    if not match:
        raise InvalidIdentifier("format")
    date_part, digit, _letters, _check = match.groups()
    if not _valid_day_month(date_part[:4]):
        raise InvalidIdentifier("date")
    if digit in _NATIONAL_DIGITS:
        kind = IdentifierKind.ECPR_NATIONAL
    elif digit in _REGIONAL_DIGITS:
        kind = IdentifierKind.ECPR_REGIONAL
    else:
        raise InvalidIdentifier("format")
    return ParsedIdentifier(kind, value, None)


def parse_identifier(raw: str, *, today: datetime.date) -> ParsedIdentifier:
    """Parse a CPR number or a replacement number, whichever the text is."""
    value = normalise(raw)
    if _CPR_RE.match(value):
        return parse_cpr(value, today=today)
    if _REPLACEMENT_RE.match(value):
        return parse_replacement(value)
    raise InvalidIdentifier("format")


def replacement_birth_date_matches(value: str, birth_date: datetime.date) -> bool:
    """A replacement number carries DDMMYY of the birth date."""
    return value[:6] == birth_date.strftime("%d%m%y")


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def is_never_issued(value: str) -> bool:
    """True for a CPR number that cannot belong to a real person.

    Every number issued so far that fails modulus 11 has a 1 January birth date (RULES.md).
    A number that fails modulus 11 with any other birth date has therefore never been issued:
    the demo data and the tests use only such numbers, so they are fictitious by construction.
    """
    return not modulus11_ok(value) and value[:4] != "0101"


def century_digit_for(year: int, serial_first_digit_choices: str = "0123456789") -> str:
    """A seventh digit that puts ``year`` in the right century (for generating test data)."""
    yy = year % 100
    for digit in serial_first_digit_choices:
        if digit in "0123" and 1900 <= year <= 1999:
            return digit
        if digit in "49" and ((2000 <= year <= 2036) or (1937 <= year <= 1999 and yy >= 37)):
            return digit
        if digit in "5678" and ((2000 <= year <= 2057) or (1858 <= year <= 1899)):
            return digit
    raise ValueError(f"no century digit among {serial_first_digit_choices!r} for {year}")


def fictitious_cpr(birth_date: datetime.date, serial: int) -> str:
    """A CPR number with a valid date and century that can never have been issued.

    ``serial`` (any int) picks among the candidates deterministically. The result fails
    modulus 11 and its birth date is not 1 January (see ``is_never_issued``).
    """
    if (birth_date.month, birth_date.day) == (1, 1):
        raise ValueError("1 January birth dates may be real even when failing modulus 11")
    digit7 = century_digit_for(birth_date.year)
    prefix = birth_date.strftime("%d%m%y") + digit7
    for offset in range(1000):
        rest = f"{(serial + offset) % 1000:03d}"
        value = prefix + rest
        if not modulus11_ok(value):
            return value
    raise AssertionError("unreachable: at most 1 in 11 candidates passes modulus 11")
