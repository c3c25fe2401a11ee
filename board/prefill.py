"""Starting values for putting a resident on the board, handed over in the session by another
page (an accepted early-warning suggestion): the columns ``board.columns`` marks as ``prefill``
(today the criteria and the text about the need).

Kept in the session, not the address, so no health information ends up in URLs and logs. Only
those columns, only known criteria and only text within the column's length are used, and only
as the form's initial values: the user sees them, can change them, and nothing is saved until
they submit (the form offers only the columns the user writes).
"""

from __future__ import annotations

from django.db import models

from . import columns
from .models import BoardCriterion, BoardEntry

SESSION_KEY = "board_entry_prefill"


def store(session, resident_pk: int, **values) -> None:
    """Remember starting values for one resident (replacing any others)."""
    unknown = set(values) - set(columns.PREFILL_COLUMNS)
    if unknown:
        raise ValueError(f"columns that take no starting value: {sorted(unknown)}")
    session[SESSION_KEY] = {
        str(resident_pk): {
            key: list(value) if isinstance(value, list | tuple) else str(value)
            for key, value in values.items()
        }
    }


def _clean(key: str, value):
    """A handed-over value as the column accepts it, or None."""
    field = BoardEntry._meta.get_field(key)
    if isinstance(field, models.JSONField):  # the criteria: known codes, in their order
        if not isinstance(value, list):
            return None
        return [code for code in BoardCriterion.values if code in value] or None
    if isinstance(field, models.TextField):
        if not isinstance(value, str) or not value.strip():
            return None
        return value[: field.max_length]
    return None


def initial(session, resident_pk: int) -> dict:
    """The starting values for this resident, checked; {} when there are none."""
    value = (session.get(SESSION_KEY) or {}).get(str(resident_pk))
    if not isinstance(value, dict):
        return {}
    result = {}
    for key in columns.PREFILL_COLUMNS:
        cleaned = _clean(key, value.get(key))
        if cleaned is not None:
            result[key] = cleaned
    return result


def clear(session, resident_pk: int) -> None:
    value = session.get(SESSION_KEY) or {}
    if str(resident_pk) in value:
        del session[SESSION_KEY]
