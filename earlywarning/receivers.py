"""What early warning does when the record changes: queue the team's recompute when the
transaction commits, for an entry of a kind some rule reads. Scheduling only: the rules run in
the worker (``tasks.recompute_team``)."""

from __future__ import annotations

from typing import Any

from .rules import RULES
from .tasks import defer_recompute

#: every kind of entry some rule reads (counted, absent or a state)
READ_KINDS = frozenset(kind for rule in RULES for kind in rule.kinds)


def entry_saved_recompute(sender: Any, *, team_id: int, kind: str, **_: Any) -> None:
    if kind in READ_KINDS:
        defer_recompute(team_id=team_id)
