"""Writes for early warning: recompute a team's open suggestions, accept or dismiss a
resident's open suggestions, and save the team's thresholds. The user's writes each ask
``earlywarning.access`` themselves, are one transaction and write exactly one audit row.

Open suggestions are stored rows written by ``recompute_team`` (``compute``; the worker's job
``tasks.recompute_team`` runs it, never a page). Accepting or dismissing turns the resident's
open rows into decided ones: the decision keeps that rule quiet for the resident until new
evidence arrives after it, and the decided rows are the rules' hit rate. Saving changed
thresholds queues a recompute of the team when the transaction commits.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from courses.models import Course
from lib.errors import TransitionError

from . import access, selectors, tasks
from .compute import recompute_team as recompute_team
from .models import Suggestion, SuggestionStatus, WarningSetting
from .rules import RULES


def _decide(*, user, team, resident_id: int, status: str, reason: str = "") -> list[Suggestion]:
    access.check(user, access.DECIDE, team)  # 404 outside the team
    course = selectors.candidate_course(team, resident_id)  # 404 for any other resident
    # one decision at a time per resident: the second of two clicks finds nothing open
    list(Course.objects.select_for_update().filter(pk=course.pk).values_list("pk", flat=True))
    group = selectors.resident_suggestions(team, course, lock=True)
    if not group:
        raise TransitionError(
            _("Forslaget er allerede behandlet eller bortfaldet."), code="not_open"
        )
    now = timezone.now()
    for suggestion in group:
        suggestion.status = status
        suggestion.decided_by = user
        suggestion.decided_at = now
        suggestion.dismiss_reason = reason
    Suggestion.objects.filter(pk__in=[s.pk for s in group]).update(
        status=status, decided_by=user, decided_at=now, dismiss_reason=reason
    )
    record(
        user=user,
        action=Action.TRANSITION,
        resident=course.resident,
        obj=group[0],
        detail={"status": status, "rules": [s.rule for s in group]},
    )
    return group


@transaction.atomic
def suggestion_accept(*, user, team, resident_id: int) -> list[Suggestion]:
    """Accept the resident's open suggestions in the team: the resident is to be put on the
    board, for all the reasons the rules found."""
    return _decide(user=user, team=team, resident_id=resident_id, status=SuggestionStatus.ACCEPTED)


@transaction.atomic
def suggestion_dismiss(*, user, team, resident_id: int, reason: str) -> list[Suggestion]:
    """Dismiss the resident's open suggestions in the team, with a reason."""
    access.check(user, access.DECIDE, team)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Skriv, hvorfor forslaget afvises."), code="no_reason")
    return _decide(
        user=user,
        team=team,
        resident_id=resident_id,
        status=SuggestionStatus.DISMISSED,
        reason=reason[:1000],
    )


@transaction.atomic
def thresholds_save(*, user, team, values: dict[str, dict]) -> None:
    """Save the team's thresholds: ``{rule code: {"enabled", "count", "days"}}``. Team leaders
    only."""
    access.check(user, access.THRESHOLDS, team)  # 404 outside the team, 403 for members
    now = timezone.now()
    changed = []
    current = {s.rule: s for s in WarningSetting.objects.select_for_update().filter(team=team)}
    for rule in RULES:
        value = values.get(rule.code)
        if value is None:
            continue
        count = value.get("count") if rule.uses_count else None
        days = value.get("days") if rule.uses_days else None
        enabled = bool(value.get("enabled"))
        row = current.get(rule.code)
        if row is None:
            before = (True, rule.default_count, rule.default_days)
            row = WarningSetting(team=team, rule=rule.code)
        else:
            before = (row.enabled, row.count, row.days)
        if before == (enabled, count, days):
            continue
        row.enabled, row.count, row.days = enabled, count, days
        row.updated_by, row.updated_at = user, now
        row.save()
        changed.append({"rule": rule.code, "enabled": enabled, "count": count, "days": days})
    if changed:
        record(
            user=user,
            action=Action.UPDATE,
            detail={"page": "earlywarning_thresholds", "team_id": team.pk, "changed": changed},
        )
        tasks.defer_recompute(team_id=team.pk)
