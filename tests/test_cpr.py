"""CPR and replacement-number rules (shared/RULES.md, "Identifiers").

Every number here is fictitious by construction: it fails modulus 11 and its date is not
1 January, so it cannot have been issued (lib.cpr.is_never_issued).
"""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.cpr import (
    IdentifierKind,
    InvalidIdentifier,
    age_on,
    fictitious_cpr,
    is_never_issued,
    modulus11_ok,
    parse_cpr,
    parse_identifier,
    parse_replacement,
)

TODAY = datetime.date(2026, 11, 22)


def cpr_with(ddmmyy: str, digit7: str) -> str:
    """A never-issued number with this date part and seventh digit."""
    for rest in range(1000):
        value = f"{ddmmyy}{digit7}{rest:03d}"
        if not modulus11_ok(value):
            return value
    raise AssertionError


@pytest.mark.parametrize(
    ("ddmmyy", "digit7", "year"),
    [
        # digit 0-3: always 1900s
        ("150300", "0", 1900),
        ("150336", "2", 1936),
        ("150357", "3", 1957),
        ("150399", "1", 1999),
        # digit 4 or 9: 2000s for 00-36, 1900s for 37-99
        ("150300", "4", 2000),
        ("150336", "9", 2036 if TODAY.year >= 2036 else None),
        ("150337", "4", 1937),
        ("150399", "9", 1999),
        # digit 5-8: 2000s for 00-57, 1800s for 58-99
        ("150305", "5", 2005),
        ("150320", "8", 2020),
        ("150358", "6", 1858),
        ("150399", "7", 1899),
    ],
)
def test_century_bands(ddmmyy, digit7, year):
    value = cpr_with(ddmmyy, digit7)
    if year is None:  # would be in the future
        with pytest.raises(InvalidIdentifier) as exc:
            parse_cpr(value, today=TODAY)
        assert exc.value.code == "future"
        return
    parsed = parse_cpr(value, today=TODAY)
    assert parsed.kind == IdentifierKind.CPR
    assert parsed.birth_date == datetime.date(year, 3, 15)


def test_hyphen_and_spaces_are_accepted_and_stored_without():
    value = cpr_with("120345", "2")
    parsed = parse_cpr(f" {value[:6]}-{value[6:]} ", today=TODAY)
    assert parsed.value == value
    assert parsed.display == f"{value[:6]}-{value[6:]}"


@pytest.mark.parametrize(
    ("ddmmyy", "digit7"),
    [
        ("290200", "4"),  # 2000 is a leap year
        ("290296", "1"),  # 1996
        ("290204", "5"),  # 2004
    ],
)
def test_29_february_in_leap_years(ddmmyy, digit7):
    assert parse_cpr(cpr_with(ddmmyy, digit7), today=TODAY).birth_date.day == 29


@pytest.mark.parametrize(
    ("ddmmyy", "digit7"),
    [
        ("290201", "0"),  # 1901 not a leap year
        ("290200", "0"),  # 1900 is not a leap year (digit 0 -> 1900s)
        ("290258", "6"),  # 1858 not a leap year
        ("320145", "2"),  # no 32nd
        ("001045", "2"),  # no day 0
        ("151345", "2"),  # no 13th month
        ("310445", "2"),  # 31 April
    ],
)
def test_dates_that_do_not_exist_are_refused(ddmmyy, digit7):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_cpr(cpr_with(ddmmyy, digit7), today=TODAY)
    assert exc.value.code == "date"


@pytest.mark.parametrize(
    "raw", ["", "12345", "12034567890", "120345-67a9", "abcdefghij", "12-03-45-6789"]
)
def test_malformed_numbers_are_refused(raw):
    with pytest.raises(InvalidIdentifier):
        parse_cpr(raw, today=TODAY)


def test_future_birth_date_is_refused():
    with pytest.raises(InvalidIdentifier) as exc:
        parse_cpr(cpr_with("151230", "4"), today=TODAY)  # 15 Dec 2030
    assert exc.value.code == "future"


def test_post_2007_number_failing_modulus_11_is_accepted():
    """Numbers failing modulus 11 have been issued since 2007: they must not be refused."""
    value = cpr_with("150308", "4")  # born 2008
    assert not modulus11_ok(value)
    assert parse_cpr(value, today=TODAY).birth_date == datetime.date(2008, 3, 15)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("1203451AB2", IdentifierKind.ECPR_NATIONAL),
        ("120345-7XY9", IdentifierKind.ECPR_NATIONAL),
        ("1203450AB2", IdentifierKind.ECPR_REGIONAL),
        ("1203455QZ0", IdentifierKind.ECPR_REGIONAL),
        ("2902006AA1", IdentifierKind.ECPR_REGIONAL),
        ("1203451ab2", IdentifierKind.ECPR_NATIONAL),  # typed in lower case: normalised
    ],
)
def test_replacement_numbers(raw, kind):
    parsed = parse_identifier(raw, today=TODAY)
    assert parsed.kind == kind
    assert parsed.birth_date is None  # the century cannot be known


@pytest.mark.parametrize(
    "raw",
    [
        "1203452AB2",  # 2, 3, 4, 8, 9 are neither national nor regional
        "1203458AB2",
        "1203451A12",
        "120345AB12",
        "3202451AB2",  # no 32 February
        "1213451AB2",  # no 13th month
    ],
)
def test_bad_replacement_numbers_are_refused(raw):
    with pytest.raises(InvalidIdentifier):
        parse_replacement(raw)
    with pytest.raises(InvalidIdentifier):
        parse_identifier(raw, today=TODAY)


def test_age_counts_birthdays():
    born = datetime.date(2008, 11, 23)
    assert age_on(born, datetime.date(2026, 11, 22)) == 17
    assert age_on(born, datetime.date(2026, 11, 23)) == 18
    assert age_on(datetime.date(2004, 2, 29), datetime.date(2022, 2, 28)) == 17
    assert age_on(datetime.date(2004, 2, 29), datetime.date(2022, 3, 1)) == 18


@given(
    st.dates(min_value=datetime.date(1900, 1, 2), max_value=TODAY),
    st.integers(min_value=0, max_value=10**6),
)
def test_fictitious_numbers_are_valid_and_never_issued(birth_date, serial):
    if (birth_date.month, birth_date.day) == (1, 1):
        with pytest.raises(ValueError):
            fictitious_cpr(birth_date, serial)
        return
    value = fictitious_cpr(birth_date, serial)
    assert is_never_issued(value)
    assert parse_cpr(value, today=TODAY).birth_date == birth_date


@given(st.text(max_size=30))
def test_any_text_is_parsed_or_refused_with_a_code(text):
    try:
        parsed = parse_identifier(text, today=TODAY)
    except InvalidIdentifier as exc:
        assert exc.code in {"format", "date", "future"}
    else:
        assert len(parsed.value) == 10
