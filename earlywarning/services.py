"""Writes for early warning: refresh the team's suggestions, accept or dismiss them, and save
the team's thresholds. Each is one transaction; decisions and threshold changes write audit rows.

Refreshing is an idempotent upsert, run when the list is viewed:

- a hit with an open suggestion updates it (the explanation may have changed: "3 indlæggelser");
- a hit without one opens a new suggestion, unless the latest decision on that rule for that
  resident in the team came after the hit's newest event (``evidence_at``): a dismissed (or
  accepted) suggestion is not proposed again until new events arrive after the decision.
  For the count rules the newest event is when the latest counted entry was recorded; for the
  crisis plan, when the plan was last saved (a correction that keeps it red proposes it again);
  for "no contact", the start of the current window, so a dismissal keeps it quiet for one full
  window (six weeks by default) or until a contact starts a new one;
- an open suggestion that no longer hits (the events left the window, the resident went on the
  board, the course ended, the rule was switched off) lapses.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from btt.errors import TransitionError
from organisation.access import principal_for

from . import selectors
from .models import DECIDED, Suggestion, SuggestionStatus, WarningSetting
from .rules import RULES


@transaction.atomic
def suggestions_refresh(*, team, today=None, limits=None) -> None:
    """Bring the team's open suggestions in line with the rules' hits now."""
    now = timezone.now()
    hits = selectors.team_hits(team, today=today, limits=limits)
    hit_residents = {h.resident_id for h in hits}
    existing = Suggestion.objects.filter(team=team).filter(
        Q(status=SuggestionStatus.OPEN) | Q(status__in=DECIDED, resident_id__in=hit_residents)
    )
    open_by_key: dict[tuple[int, str], Suggestion] = {}
    decided_at: dict[tuple[int, str], object] = {}
    for s in existing.order_by("decided_at", "id"):
        key = (s.resident_id, s.rule)
        if s.status == SuggestionStatus.OPEN:
            open_by_key[key] = s
        else:
            decided_at[key] = max(filter(None, (decided_at.get(key), s.decided_at)))
    create, update, seen = [], [], set()
    for hit in hits:
        key = (hit.resident_id, hit.rule)
        seen.add(key)
        current = open_by_key.get(key)
        if current is not None:
            current.explanation = hit.explanation
            current.evidence_at = hit.evidence_at
            current.course_id = hit.course_id
            current.last_seen = now
            update.append(current)
            continue
        decided = decided_at.get(key)
        if decided is not None and hit.evidence_at <= decided:
            continue
        create.append(
            Suggestion(
                team=team,
                resident_id=hit.resident_id,
                course_id=hit.course_id,
                rule=hit.rule,
                explanation=hit.explanation[:300],
                evidence_at=hit.evidence_at,
                first_seen=now,
                last_seen=now,
            )
        )
    if update:
        Suggestion.objects.bulk_update(
            update, ["explanation", "evidence_at", "course", "last_seen"]
        )
    if create:
        # two people opening the list at once: the partial unique constraint keeps one
        Suggestion.objects.bulk_create(create, ignore_conflicts=True)
    lapsed = [s.pk for key, s in open_by_key.items() if key not in seen]
    if lapsed:
        Suggestion.objects.filter(pk__in=lapsed, status=SuggestionStatus.OPEN).update(
            status=SuggestionStatus.LAPSED, decided_at=now
        )


def _check_member(user, suggestion) -> None:
    if suggestion.team_id not in principal_for(user).team_ids:
        raise PermissionDenied


def _lock_open(suggestion) -> list[Suggestion]:
    """The resident's open suggestions in the team, locked; refused if this one is decided."""
    group = list(
        Suggestion.objects.select_for_update()
        .filter(
            team_id=suggestion.team_id,
            resident_id=suggestion.resident_id,
            status=SuggestionStatus.OPEN,
        )
        .order_by("id")
    )
    if suggestion.pk not in {s.pk for s in group}:
        raise TransitionError(
            _("Forslaget er allerede behandlet eller bortfaldet."), code="not_open"
        )
    return group


@transaction.atomic
def suggestion_accept(*, user, suggestion) -> list[Suggestion]:
    """Accept the suggestion and the resident's other open suggestions in the team: the
    resident is to be put on the board, for all the reasons the rules found."""
    _check_member(user, suggestion)
    group = _lock_open(suggestion)
    now = timezone.now()
    for s in group:
        s.status = SuggestionStatus.ACCEPTED
        s.decided_by = user
        s.decided_at = now
        s.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            user=user,
            action=Action.TRANSITION,
            resident=suggestion.resident,
            obj=s,
            detail={"status": "accepted", "rule": s.rule},
        )
    return group


@transaction.atomic
def suggestion_dismiss(*, user, suggestion, reason: str) -> list[Suggestion]:
    """Dismiss the resident's open suggestions in the team, with a reason."""
    _check_member(user, suggestion)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Skriv, hvorfor forslaget afvises."), code="no_reason")
    group = _lock_open(suggestion)
    now = timezone.now()
    for s in group:
        s.status = SuggestionStatus.DISMISSED
        s.decided_by = user
        s.decided_at = now
        s.dismiss_reason = reason[:1000]
        s.save(update_fields=["status", "decided_by", "decided_at", "dismiss_reason"])
        record(
            user=user,
            action=Action.TRANSITION,
            resident=suggestion.resident,
            obj=s,
            detail={"status": "dismissed", "rule": s.rule},
        )
    return group


@transaction.atomic
def thresholds_save(*, user, team, values: dict[str, dict]) -> None:
    """Save the team's thresholds: ``{rule code: {"enabled", "count", "days"}}``. Team leaders
    only."""
    if team.pk not in principal_for(user).leader_team_ids:
        raise PermissionDenied
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
