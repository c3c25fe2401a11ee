"""Before, during and after the board: events per 100 resident-months for residents who were
put on the board (the evaluation of the Copenhagen botilbudsteams asked this question).

For every board entry placed in the period (in the scope) three windows are measured:

- before: the ``window`` days before the day on the board, but not before the course started
  (the record holds only what happened in a course);
- during: from the day on the board to the day taken off (both included), or to today;
- after: the ``window`` days after the day taken off, but not after the course ended or today;
  entries still on the board have no after-window.

Rates are events in the windows divided by the days in them (in months of 30.4375 days),
times 100. A resident on the board twice counts twice, and windows of the two entries may
overlap. Two queries: the days in the windows, and the events in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from board.models import BoardEntry
from record.kinds import Kind

from .buckets import DaysBetween, add_days, date_value
from .periods import Period
from .scope import OWN, Scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WINDOW_CHOICES = (90, 180, 365)
DEFAULT_WINDOW = 180
DAYS_PER_MONTH = 30.4375
PHASES = (
    ("before", _("Før tavlen")),
    ("during", _("På tavlen")),
    ("after", _("Efter tavlen")),
)
EVENTS = (
    ("admissions", _("Indlæggelser"), Q(kind=Kind.ADMISSION)),
    (
        "compulsory_admissions",
        _("Tvangsindlæggelser"),
        Q(kind=Kind.ADMISSION, subtype="compulsory"),
    ),
    ("force", _("Magtanvendelser på botilbud"), Q(kind=Kind.FORCE)),
    ("medication_failure", _("Medicinsvigt"), Q(kind=Kind.MEDICATION_FAILURE)),
)
DEFINITION = _(
    "For beboere sat på tavlen i perioden: hændelser pr. 100 beboermåneder i op til "
    "%(days)s dage før tavlen (dog ikke før forløbets start), mens beboeren var på tavlen, og "
    "i op til %(days)s dage efter (dog ikke efter forløbets afslutning eller i dag). En "
    "beboermåned er 30,4375 dage. En beboer, der har været på tavlen flere gange, tælles hver "
    "gang."
)


@dataclass(frozen=True)
class PhaseFigure:
    events: int
    days: int

    @property
    def rate(self) -> float | None:
        if not self.days:
            return None
        return 100 * self.events / (self.days / DAYS_PER_MONTH)


@dataclass(frozen=True)
class EventRow:
    code: str
    label: StrOrPromise
    phases: dict  # phase code -> PhaseFigure


@dataclass(frozen=True)
class BeforeAfter:
    window: int
    episodes: int
    ended: int
    days: dict  # phase code -> days in the windows
    rows: list[EventRow]

    @property
    def months(self) -> dict:
        return {phase: days / DAYS_PER_MONTH for phase, days in self.days.items()}


def _prefixed(q: Q, prefix: str) -> Q:
    """The Q with every field name under ``prefix`` (for conditions on the joined entries)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        for child in cast("list[Any]", q.children)  # Q objects and (lookup, value) pairs
    ]
    return out


def before_after(scope: Scope, period: Period, window: int = DEFAULT_WINDOW) -> BeforeAfter:
    today = timezone.localdate()
    entries = scope.filter(
        BoardEntry.objects.filter(placed_on__gte=period.start, placed_on__lte=period.end),
        via=OWN,
    )
    stay_end = Coalesce(F("ended_on"), date_value(today))
    course_end = Coalesce(F("course__ended_on"), date_value(today))
    exposure = entries.aggregate(
        episodes=Count("pk"),
        ended=Count("pk", filter=Q(ended_on__isnull=False)),
        before=Coalesce(
            Sum(
                Least(
                    Value(window), Greatest(DaysBetween(F("placed_on"), F("course__started_on")), 0)
                )
            ),
            0,
        ),
        during=Coalesce(Sum(DaysBetween(stay_end, F("placed_on")) + 1), 0),
        after=Coalesce(
            Sum(
                Case(
                    When(ended_on__isnull=True, then=Value(0)),
                    default=Least(
                        Value(window), Greatest(DaysBetween(course_end, F("ended_on")), 0)
                    ),
                )
            ),
            0,
        ),
    )
    on = F("resident__record_entries__occurred_on")
    phase_q = {
        "before": Q(resident__record_entries__occurred_on__lt=F("placed_on"))
        & Q(resident__record_entries__occurred_on__gte=F("course__started_on"))
        & Q(LessThanOrEqual(DaysBetween(F("placed_on"), on), window)),
        "during": Q(resident__record_entries__occurred_on__gte=F("placed_on"))
        & Q(LessThanOrEqual(on, stay_end)),
        "after": Q(ended_on__isnull=False)
        & Q(resident__record_entries__occurred_on__gt=F("ended_on"))
        & Q(LessThanOrEqual(DaysBetween(on, F("ended_on")), window))
        & Q(LessThanOrEqual(on, course_end)),
    }
    kinds = sorted({Kind.ADMISSION, Kind.FORCE, Kind.MEDICATION_FAILURE})
    # only the resident's entries from the start of the before-window to the end of the
    # after-window (a range of the index on resident and date)
    near = Q(
        resident__record_entries__kind__in=kinds,
        resident__record_entries__occurred_on__gte=add_days(F("placed_on"), -window),
        resident__record_entries__occurred_on__lte=add_days(stay_end, window),
    )
    counts = entries.filter(near).aggregate(
        **{
            f"{code}_{phase}": Count(
                "resident__record_entries",
                filter=_prefixed(where, "resident__record_entries__") & phase_q[phase],
            )
            for code, _label, where in EVENTS
            for phase, _phase_label in PHASES
        }
    )
    rows = [
        EventRow(
            code,
            label,
            {
                phase: PhaseFigure(counts[f"{code}_{phase}"], exposure[phase])
                for phase, _phase_label in PHASES
            },
        )
        for code, label, _where in EVENTS
    ]
    return BeforeAfter(
        window=window,
        episodes=exposure["episodes"],
        ended=exposure["ended"],
        days={phase: exposure[phase] for phase, _label in PHASES},
        rows=rows,
    )
