"""Three months' notice to the end of a month (Bilag 1, Varighed), over month ends and leap years."""

import datetime

import pytest

from lib.notice import add_months, notice_end

D = datetime.date


@pytest.mark.parametrize(
    ("given", "ends"),
    [
        (D(2026, 11, 15), D(2027, 2, 28)),
        (D(2026, 11, 30), D(2027, 2, 28)),
        (D(2027, 11, 30), D(2028, 2, 29)),  # leap year
        (D(2027, 11, 1), D(2028, 2, 29)),
        (D(2026, 12, 31), D(2027, 3, 31)),
        (D(2027, 1, 31), D(2027, 4, 30)),
        (D(2027, 3, 1), D(2027, 6, 30)),
        (D(2028, 2, 29), D(2028, 5, 31)),
        (D(2026, 10, 31), D(2027, 1, 31)),  # across a year end
    ],
)
def test_three_months_to_the_end_of_a_month(given, ends):
    assert notice_end(given, 3) == ends


def test_other_notice_lengths():
    assert notice_end(D(2026, 11, 22), 0) == D(2026, 11, 30)
    assert notice_end(D(2026, 11, 22), 12) == D(2027, 11, 30)
    with pytest.raises(ValueError):
        notice_end(D(2026, 11, 22), -1)


def test_add_months_clamps_to_month_end():
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)
