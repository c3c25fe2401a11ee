"""Starting values for putting a resident on the board, handed over in the session by another
page (an accepted early-warning suggestion): the criteria and the text about the need.

Kept in the session, not the address, so no health information ends up in URLs and logs. Only
known criteria and text within the column's length are used, and only as the form's initial
values: the user sees them, can change them, and nothing is saved until they submit.
"""

from __future__ import annotations

from .models import BoardCriterion, BoardEntry

SESSION_KEY = "board_entry_prefill"


def store(session, resident_pk: int, *, criteria: list[str], need_text: str) -> None:
    """Remember starting values for one resident (replacing any others)."""
    session[SESSION_KEY] = {
        str(resident_pk): {"criteria": list(criteria), "need_text": str(need_text)}
    }


def initial(session, resident_pk: int) -> dict:
    """The starting values for this resident, checked; {} when there are none."""
    value = (session.get(SESSION_KEY) or {}).get(str(resident_pk))
    if not isinstance(value, dict):
        return {}
    result = {}
    criteria = value.get("criteria")
    if isinstance(criteria, list):
        known = [code for code in BoardCriterion.values if code in criteria]
        if known:
            result["criteria"] = known
    need_text = value.get("need_text")
    if isinstance(need_text, str) and need_text.strip():
        result["need_text"] = need_text[: BoardEntry._meta.get_field("need_text").max_length]
    return result


def clear(session, resident_pk: int) -> None:
    value = session.get(SESSION_KEY) or {}
    if str(resident_pk) in value:
        del session[SESSION_KEY]
