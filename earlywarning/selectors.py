"""Reads for early warning: the team's thresholds, the rules' hits computed in the database
(for the recompute, ``compute.recompute_team``), the stored open suggestions and the rules' hit
rate. Everything is scoped to a team; who may see a team's early warning is
``earlywarning.access``, which the views and services ask first. Nothing here writes: opening
the list changes nothing and computes nothing.

The hits are computed for the whole team with one query per rule (entries counted per resident
over the rule's window, grouped in the database), plus one query for the candidates: residents
in an active course in the team who are not on a board.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from board.models import BoardEntry, EntryStatus
from courses.models import Course, CourseStatus
from organisation.access import found
from record.models import Entry

from .models import DECIDED, EarlyWarningRun, Suggestion, SuggestionStatus, WarningSetting
from .rules import RULES, RuleKind, WarningRule


@dataclass(frozen=True)
class Threshold:
    rule: WarningRule
    enabled: bool
    count: int | None
    days: int | None
    customised: bool = False

    @property
    def text(self) -> str:
        return self.rule.threshold_text(self.count, self.days)


def thresholds(team) -> dict[str, Threshold]:
    """Every rule's threshold for the team: its own setting, or the default."""
    rows = {s.rule: s for s in WarningSetting.objects.filter(team=team)}
    result = {}
    for rule in RULES:
        row = rows.get(rule.code)
        if row is None:
            result[rule.code] = Threshold(rule, True, rule.default_count, rule.default_days)
        else:
            result[rule.code] = Threshold(
                rule,
                row.enabled,
                row.count if rule.uses_count and row.count else rule.default_count,
                row.days if rule.uses_days and row.days else rule.default_days,
                customised=True,
            )
    return result


@dataclass(frozen=True)
class Candidate:
    course_id: int
    resident_id: int
    started_on: datetime.date


@dataclass(frozen=True)
class Hit:
    resident_id: int
    course_id: int
    rule: str
    explanation: str
    evidence_at: datetime.datetime


def candidates(team) -> list[Candidate]:
    """Residents in an active course in the team who are not on a board now."""
    on_board = BoardEntry.objects.filter(
        resident=OuterRef("resident_id"), status=EntryStatus.ACTIVE
    )
    rows = (
        Course.objects.filter(team=team, status=CourseStatus.ACTIVE)
        .filter(~Exists(on_board))
        .order_by()
        .values_list("pk", "resident_id", "started_on")
    )
    return [Candidate(*row) for row in rows]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def team_hits(
    team,
    *,
    today: datetime.date | None = None,
    found: list[Candidate] | None = None,
    limits: dict[str, Threshold] | None = None,
) -> list[Hit]:
    """Every rule's hits among the team's candidates: one query per enabled rule."""
    today = today or timezone.localdate()
    found = candidates(team) if found is None else found
    if not found:
        return []
    limits = thresholds(team) if limits is None else limits
    by_resident = {c.resident_id: c for c in found}
    ids = sorted(by_resident)
    entries = Entry.objects.filter(
        team=team, resident_id__in=ids, occurred_on__lte=today
    ).order_by()
    hits: list[Hit] = []
    for code, threshold in limits.items():
        if not threshold.enabled:
            continue
        rule = threshold.rule
        days = threshold.days or 0  # set for every rule that counts days (``uses_days``)
        if rule.rule_kind == RuleKind.COUNT:
            since = today - datetime.timedelta(days=days)
            rows = (
                entries.filter(kind__in=rule.kinds, occurred_on__gt=since)
                .values("resident_id")
                .annotate(n=Count("id"), latest=Max("recorded_at"))
                .filter(n__gte=threshold.count)
                .values_list("resident_id", "n", "latest")
            )
            for resident_id, n, latest in rows:
                hits.append(
                    Hit(
                        resident_id,
                        by_resident[resident_id].course_id,
                        code,
                        rule.explain(count=n, days=days),
                        latest,
                    )
                )
        elif rule.rule_kind == RuleKind.STATE:
            states = entries.filter(kind__in=rule.kinds, subtype=rule.subtype).values_list(
                "resident_id", "updated_at"
            )
            for resident_id, updated_at in states:
                hits.append(
                    Hit(
                        resident_id,
                        by_resident[resident_id].course_id,
                        code,
                        rule.explain(),
                        updated_at,
                    )
                )
        elif rule.rule_kind == RuleKind.ABSENCE:
            since = today - datetime.timedelta(days=days)
            last = dict(
                entries.filter(kind__in=rule.kinds)
                .values("resident_id")
                .annotate(last=Max("occurred_on"))
                .values_list("resident_id", "last")
            )
            # the "event" of an absence is the start of the current window without contact:
            # a dismissal keeps the rule quiet for one full window
            window_start = _day_start(since + datetime.timedelta(days=1))
            for candidate in found:
                last_contact = last.get(candidate.resident_id)
                if candidate.started_on > since:
                    continue  # the course is younger than the window
                if last_contact is not None and last_contact > since:
                    continue
                hits.append(
                    Hit(
                        candidate.resident_id,
                        candidate.course_id,
                        code,
                        rule.explain(days=days, last=last_contact),
                        window_start,
                    )
                )
    return hits


# --- suggestions --------------------------------------------------------------------------
#
# The open suggestions are stored rows, written by the recompute in the worker
# (``compute.recompute_team``); a page only reads them. Between two recomputes a resident may
# have gone on the board or their course may have ended: such rows are left out when read, and
# the next recompute turns them into lapsed ones.


def latest_decisions(team, resident_ids) -> dict[tuple[int, str], datetime.datetime]:
    """(resident, rule) -> when the latest accept or dismissal was made, in the team."""
    rows = (
        Suggestion.objects.filter(team=team, status__in=DECIDED, resident_id__in=resident_ids)
        .order_by()
        .values("resident_id", "rule")
        .annotate(latest=Max("decided_at"))
        .values_list("resident_id", "rule", "latest")
    )
    return {(resident_id, rule): latest for resident_id, rule, latest in rows}


def _open_rows(team) -> QuerySet[Suggestion]:
    """The team's stored open suggestions for residents still in the course and off the board."""
    on_board = BoardEntry.objects.filter(
        resident=OuterRef("resident_id"), status=EntryStatus.ACTIVE
    )
    return (
        Suggestion.objects.filter(
            team=team, status=SuggestionStatus.OPEN, course__status=CourseStatus.ACTIVE
        )
        .filter(~Exists(on_board))
        .select_related("resident", "course", "course__facility")
    )


def open_suggestions(team) -> list[Suggestion]:
    """The team's open suggestions as last computed, in name order (one query)."""
    return list(
        _open_rows(team).order_by(
            "resident__last_name", "resident__first_name", "resident_id", "rule"
        )
    )


def last_computed(team) -> datetime.datetime | None:
    """When the team's suggestions were last computed (None: not yet)."""
    return EarlyWarningRun.objects.filter(team=team).values_list("computed_at", flat=True).first()


def candidate_course(team, resident_id: int) -> Course:
    """The resident's active course in the team (404 for anyone else: knowing an id opens
    nothing)."""
    return found(
        Course.objects.filter(team=team, resident_id=resident_id, status=CourseStatus.ACTIVE)
        .select_related("resident", "facility")
        .order_by("-started_on", "-pk")
        .first()
    )


def resident_suggestions(team, course: Course, *, lock: bool = False) -> list[Suggestion]:
    """The resident's open suggestions in the team (decided together); none when the resident
    is on a board now. ``lock``: for a decision, inside its transaction."""
    rows = _open_rows(team).filter(resident_id=course.resident_id).order_by("rule")
    if lock:
        rows = rows.select_for_update(of=("self",))
    return list(rows)


RECENT_DECISIONS = 20


def recent_decisions(team, limit: int = RECENT_DECISIONS) -> list[Suggestion]:
    """The latest decided suggestions, with whether the resident is on a board now."""
    on_board = BoardEntry.objects.filter(
        resident=OuterRef("resident_id"), status=EntryStatus.ACTIVE
    )
    return list(
        Suggestion.objects.filter(team=team, status__in=DECIDED)
        .select_related("resident", "decided_by")
        .annotate(on_board=Exists(on_board))
        .order_by("-decided_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class HitRate:
    rule: WarningRule
    threshold: Threshold
    open: int
    accepted: int
    dismissed: int
    still_on_board: int
    lapsed: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.dismissed

    @property
    def percent(self) -> int | None:
        """Share of decided suggestions that were accepted, in whole per cent."""
        if not self.decided:
            return None
        return round(100 * self.accepted / self.decided)

    @property
    def on_board_percent(self) -> int | None:
        if not self.accepted:
            return None
        return round(100 * self.still_on_board / self.accepted)


def hit_rates(
    team, limits: dict[str, Threshold], suggestions: list[Suggestion] | None = None
) -> list[HitRate]:
    """Per rule: open suggestions now (``suggestions``, read when not given), accepted,
    dismissed and lapsed ones (lapsed: no longer hit before anyone decided), and of the accepted
    ones how many residents are on the board now with an entry made after the acceptance. One
    query besides the open suggestions."""
    if suggestions is None:
        suggestions = open_suggestions(team)
    open_by_rule: dict[str, int] = {}
    for suggestion in suggestions:
        open_by_rule[suggestion.rule] = open_by_rule.get(suggestion.rule, 0) + 1
    placed = BoardEntry.objects.filter(
        resident=OuterRef("resident_id"),
        status=EntryStatus.ACTIVE,
        created_at__gte=OuterRef("decided_at"),
    )
    accepted = Q(status=SuggestionStatus.ACCEPTED)
    rows = {
        row["rule"]: row
        for row in Suggestion.objects.filter(team=team)
        .order_by()
        .values("rule")
        .annotate(
            n_accepted=Count("id", filter=accepted),
            n_dismissed=Count("id", filter=Q(status=SuggestionStatus.DISMISSED)),
            n_on_board=Count("id", filter=accepted & Q(Exists(placed))),
            n_lapsed=Count("id", filter=Q(status=SuggestionStatus.LAPSED)),
        )
    }
    result = []
    for rule in RULES:
        row = rows.get(rule.code, {})
        result.append(
            HitRate(
                rule=rule,
                threshold=limits[rule.code],
                open=open_by_rule.get(rule.code, 0),
                accepted=row.get("n_accepted", 0),
                dismissed=row.get("n_dismissed", 0),
                still_on_board=row.get("n_on_board", 0),
                lapsed=row.get("n_lapsed", 0),
            )
        )
    return result
