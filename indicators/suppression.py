"""Secondary (complementary) suppression: no hidden small number can be worked out by
subtraction from the figures that are shown.

Primary suppression (``indicators.tables``) hides a count of 1-4 as "<5" and a figure derived
from 1-4 observations as "*". That is not enough where figures add up: if a row's months add up
to a total that is published (the period's figure for a team in the region's table, a quarter
that is the sum of its months, a region that is the sum of its teams, all concerns that are the
sum of those referred, closed and still open), and only one cell of it is hidden, the hidden
cell is the total minus the others. So for every such relation we also hide the next smallest
cell ("x"), and again, until every hidden cell has at least two possible values.

The check takes what a reader knows into account, not only the sum: a hidden count lies in 1-4,
a count that was hidden to protect another one ("x") is 0 or at least 5 (a count of 1-4 would
have been "<5"), an amount (bed days) is not negative. A relation is safe when every primary
hidden cell in it still has two or more possible values given the relation's total and the
other cells.

Limits: each relation is checked on its own (until nothing changes), not solved together with
the others as one linear system. Some totals give a hidden cell away whatever else is hidden:
4 + 4 in a quarter of 8 (both must be 4), or a hidden 1 beside a single 5 in a quarter of 6 (a
hidden complement is 0 or at least 5, so it is 5); the cell stays "<5" and the total is the
weak point. Differences between periods a user chooses (1-31 January against 2-31 January)
cannot be protected by hiding cells.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

SHOWN = "shown"
PRIMARY = "primary"
SECONDARY = "secondary"

COUNT = "count"  # events or residents: hidden when 1-4
AMOUNT = "amount"  # an additive amount derived from counted observations (bed days)

INF = math.inf


@dataclass
class Slot:
    """One cell as the check sees it: its true value (never shown when hidden), whether it is
    shown or hidden, and what kind of number it is."""

    value: int | float
    state: str = SHOWN
    kind: str = COUNT


# (cell key, +1 or -1): the terms of "sum of coef * value = a known constant"
Relation = list[tuple[Hashable, int]]


# --- sets of integers as sorted, disjoint intervals -------------------------------------------


def _merge(parts) -> list[tuple]:
    out: list[list] = []
    for lo, hi in sorted(parts):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [tuple(p) for p in out]


def _add(a, b) -> list[tuple]:
    return _merge((alo + blo, ahi + bhi) for alo, ahi in a for blo, bhi in b)


def _neg(a) -> list[tuple]:
    return _merge((-hi, -lo) for lo, hi in a)


def _intersect(a, b) -> list[tuple]:
    out = []
    for alo, ahi in a:
        for blo, bhi in b:
            lo, hi = max(alo, blo), min(ahi, bhi)
            if lo <= hi:
                out.append((lo, hi))
    return _merge(out)


def _size(a) -> float:
    return sum(hi - lo + 1 for lo, hi in a)


def domain(slot: Slot) -> list[tuple]:
    """What a reader knows about the cell."""
    if slot.state == SHOWN:
        return [(slot.value, slot.value)]
    if slot.kind == AMOUNT:
        return [(0, INF)]
    if slot.state == PRIMARY:
        return [(1, 4)]
    return [(0, 0), (5, INF)]  # a count hidden to protect another one


def _signed(slots: dict, relation: Relation) -> list[list[tuple]]:
    return [domain(slots[k]) if coef > 0 else _neg(domain(slots[k])) for k, coef in relation]


def _possible_values(slots: dict, relation: Relation) -> dict:
    """For every primary hidden cell of the relation: the values it can have, given the
    relation's total and what is known of the other cells (prefix and suffix sums, so one
    relation costs a linear number of interval additions)."""
    constant = sum(coef * slots[k].value for k, coef in relation)
    signed = _signed(slots, relation)
    n = len(relation)
    prefix = [[(0, 0)]]
    for d in signed:
        prefix.append(_add(prefix[-1], d))
    suffix = [[(0, 0)]] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = _add(suffix[i + 1], signed[i])
    out = {}
    for i, (k, coef) in enumerate(relation):
        if slots[k].state != PRIMARY:
            continue
        others = _add(prefix[i], suffix[i + 1])
        rest = _add([(constant, constant)], _neg(others))  # coef * value = constant - others
        values = rest if coef > 0 else _neg(rest)
        out[k] = _intersect(domain(slots[k]), values)
    return out


def feasible(slots: dict, relation: Relation, key) -> list[tuple]:
    """The values the primary hidden cell ``key`` can have (as intervals)."""
    return _possible_values(slots, relation)[key]


def exposed(slots: dict, relation: Relation) -> bool:
    """Some primary hidden cell of the relation has only one possible value."""
    return any(_size(v) < 2 for v in _possible_values(slots, relation).values())


def _candidates(slots: dict, relation: Relation) -> list:
    shown = [k for k, _coef in relation if slots[k].state == SHOWN]
    # the next smallest first; zero last (hiding a 0 helps an amount, never a count)
    return sorted(shown, key=lambda k: (slots[k].value == 0, slots[k].value))


def _choose(slots: dict, relation: Relation):
    """The smallest shown cell that makes the relation safe; otherwise the smallest non-zero
    one (progress: the loop hides more); None when nothing helps."""
    candidates = _candidates(slots, relation)
    for k in candidates:
        slots[k].state = SECONDARY
        safe = not exposed(slots, relation)
        slots[k].state = SHOWN
        if safe:
            return k
    nonzero = [k for k in candidates if slots[k].value != 0]
    return nonzero[0] if nonzero else None


def protect(slots: dict, relations: list[Relation]) -> set:
    """Mark cells SECONDARY until no relation exposes a hidden cell (or nothing is left to
    hide). Returns the keys newly hidden. ``slots`` is changed in place.

    The smallest relations first (a quarter before its half year: protecting the quarter
    usually protects the whole); then every complement that turned out not to be needed is
    shown again, the largest first."""
    relations = sorted((r for r in relations if len(r) > 1), key=len)
    hidden: set = set()
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if not any(slots[k].state == PRIMARY for k, _c in relation):
                continue
            if not exposed(slots, relation):
                continue
            choice = _choose(slots, relation)
            if choice is None:
                continue
            slots[choice].state = SECONDARY
            hidden.add(choice)
            changed = True
    for key in sorted(hidden, key=lambda k: slots[k].value, reverse=True):
        touched = [r for r in relations if any(k == key for k, _c in r)]
        before = [exposed(slots, r) for r in touched]
        slots[key].state = SHOWN
        if any(exposed(slots, r) and not b for r, b in zip(touched, before, strict=True)):
            slots[key].state = SECONDARY
        else:
            hidden.discard(key)
    return hidden


def total(keys) -> Relation:
    """The cells add up to a total published elsewhere (or derivable)."""
    return [(k, 1) for k in keys]


def parts_of(total_key, part_keys) -> Relation:
    """``total_key`` is the sum of ``part_keys`` (all in the table)."""
    return [(total_key, -1), *((k, 1) for k in part_keys)]
