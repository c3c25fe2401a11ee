"""The recompute: turn the rules' hits for one team into stored open suggestions.

``recompute_team`` is the body of the worker's job (``tasks.recompute_team``), deferred after a
relevant record entry and a threshold change and run for every team each night; pages never
call it. It is one transaction, idempotent, and takes a constant number of queries per team
whatever its size:

- a hit becomes an open row, unless the latest decision (accepted or dismissed) on that rule for
  that resident in the team came at or after the hit's newest event (``Hit.evidence_at``): a
  decision keeps the rule quiet until new evidence arrives (for the count rules a counted entry
  recorded after the decision, for the crisis plan the plan saved again, for "no contact" the
  start of a new window);
- an open row still hit keeps its ``first_seen`` and gets the current explanation, evidence and
  course, and ``last_seen`` now;
- an open row no longer hit (the events left the window, the resident went on the board or the
  course ended, the threshold changed) becomes "lapsed", with ``decided_at`` the time it lapsed
  and nobody as its decider. Lapsed rows are kept: they are suggestions nobody decided, and the
  hit rate counts them.

Two recomputes of one team never interleave: the team's row is locked first (``FOR NO KEY
UPDATE``, which leaves inserts that refer to the team alone), and the open rows are locked
before the decisions are read, so an accept or dismissal committed meanwhile is seen.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from organisation.models import Team

from . import selectors
from .models import EarlyWarningRun, Suggestion, SuggestionStatus

logger = logging.getLogger(__name__)

EXPLANATION_MAX = Suggestion._meta.get_field("explanation").max_length


@dataclass(frozen=True)
class RecomputeResult:
    team_id: int
    opened: int
    kept: int
    lapsed: int
    computed_at: datetime.datetime


@transaction.atomic
def recompute_team(*, team_id: int, today: datetime.date | None = None) -> RecomputeResult:
    """Store the team's open suggestions as the rules find them now (see the module)."""
    now = timezone.now()
    team = Team.objects.select_for_update(no_key=True).get(pk=team_id)
    open_rows = {
        (row.resident_id, row.rule): row
        for row in Suggestion.objects.select_for_update()
        .filter(team=team, status=SuggestionStatus.OPEN)
        .order_by("pk")
    }
    hits = selectors.team_hits(team, today=today)
    decided = (
        selectors.latest_decisions(team, sorted({h.resident_id for h in hits})) if hits else {}
    )
    to_create: list[Suggestion] = []
    to_update: list[Suggestion] = []
    seen: set[tuple[int, str]] = set()
    for hit in hits:
        key = (hit.resident_id, hit.rule)
        quiet_since = decided.get(key)
        if quiet_since is not None and hit.evidence_at <= quiet_since:
            continue
        seen.add(key)
        explanation = hit.explanation[:EXPLANATION_MAX]
        row = open_rows.get(key)
        if row is None:
            to_create.append(
                Suggestion(
                    team=team,
                    resident_id=hit.resident_id,
                    course_id=hit.course_id,
                    rule=hit.rule,
                    explanation=explanation,
                    evidence_at=hit.evidence_at,
                    first_seen=now,
                    last_seen=now,
                    status=SuggestionStatus.OPEN,
                )
            )
        else:
            row.course_id = hit.course_id
            row.explanation = explanation
            row.evidence_at = hit.evidence_at
            row.last_seen = now
            to_update.append(row)
    lapsed = [row.pk for key, row in open_rows.items() if key not in seen]
    if to_create:
        Suggestion.objects.bulk_create(to_create)
    if to_update:
        Suggestion.objects.bulk_update(
            to_update, ["course", "explanation", "evidence_at", "last_seen"]
        )
    if lapsed:
        Suggestion.objects.filter(pk__in=lapsed).update(
            status=SuggestionStatus.LAPSED, decided_at=now
        )
    EarlyWarningRun.objects.bulk_create(
        [EarlyWarningRun(team=team, computed_at=now)],
        update_conflicts=True,
        unique_fields=["team"],
        update_fields=["computed_at"],
    )
    result = RecomputeResult(team.pk, len(to_create), len(to_update), len(lapsed), now)
    logger.info(
        "earlywarning recomputed",
        extra={
            "team_id": team.pk,
            "opened": result.opened,
            "kept": result.kept,
            "lapsed": result.lapsed,
        },
    )
    return result
