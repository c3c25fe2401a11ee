"""Every indicator, defined once: its code, Danish label, the definition shown to the user next
to the figure, its unit, and how the database computes it.

A measure computes values per bucket of a period (months or quarters) for a scope, or per
child of the scope (the teams of a region, the facilities of a team). PostgreSQL places each
row in its bucket (or, for a span of days, in each bucket it touches) and groups: conditional
counts of dated events, distinct residents, medians (``percentile_cont``), nights in hospital,
readmissions (a window over each resident's admissions); see indicators/buckets.py. Measures
that read the same table on the same date are batched into one query. Nothing loops over rows
in Python: what comes back from the database is one row per bucket (and child).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from board.models import BoardEntry
from courses.models import Concern, ConcernStatus, Course, Referral, ReferralStatus, Transition
from record.kinds import Kind
from record.models import Entry
from residents.models import Residence

from .buckets import (
    count_by_bucket,
    date_value,
    distinct_active,
    entry_counts,
    medians_by_bucket,
    overlap_days,
    readmitted,
)
from .periods import Period, aware_midnight
from .scope import FACILITY, OWN, REGION, RESIDENCE, TEAM, Scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

READMISSION_DAYS = 30
NO_END = datetime.date(9999, 12, 31)  # stands in for "not ended" in comparisons


@dataclass(frozen=True)
class Cell:
    """One figure: its value (None: no observations) and how many observations lie behind it
    (events, residents or admissions), which decides small-number suppression."""

    value: float | int | None
    n: int

    @property
    def empty(self) -> bool:
        return self.value is None


ZERO = Cell(0, 0)
NONE = Cell(None, 0)

# Result of a measure: {child key or None: {bucket index: Cell}}
Result = dict


# --- measures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Events:
    """Rows of ``model`` whose date ``on`` falls in the bucket and that match ``where``.
    Batched: every Events measure on the same (model, on, via, part) is one query. For record
    entries ``kinds`` names the entry kinds the measure counts, so the query can walk the
    index on (team, kind, date); ``part`` keeps the cheap counts apart from those that need
    more than the index (subtypes, earlier admissions)."""

    model: type[Any]  # a model class
    on: str
    where: Q = field(default_factory=Q)
    via: str = OWN
    datetime_field: bool = False
    kinds: tuple = ()
    part: str = ""

    @property
    def batch(self) -> tuple:
        return (self.model, self.on, self.via, self.datetime_field, self.part)


@dataclass(frozen=True)
class Stock:
    """Distinct residents with a ``model`` row active at least one day in the bucket (from
    ``start`` to ``end`` inclusive; no end: still active)."""

    model: type[Any]  # a model class
    start: str
    end: str
    via: str = OWN


@dataclass(frozen=True)
class Readmissions:
    """Admissions that began within ``READMISSION_DAYS`` of the latest earlier discharge."""


@dataclass(frozen=True)
class BedDays:
    """Nights in hospital that fall in the bucket (see the definition)."""


@dataclass(frozen=True)
class Median:
    """The median of the days from ``since`` to the date ``on`` over the rows whose date
    ``on`` falls in the bucket. ``prepare`` narrows the rows and adds annotations."""

    model: type[Any]  # a model class
    on: str
    since: str
    where: Q = field(default_factory=Q)
    via: str = OWN
    datetime_field: bool = False
    prepare: Callable[[QuerySet[Any], Period], QuerySet[Any]] | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    section: StrOrPromise
    label: StrOrPromise
    definition: StrOrPromise
    unit: StrOrPromise
    measure: Any  # Events, Stock, Readmissions, BedDays or Median
    key: bool = False  # shown in the tables per team and per facility

    @property
    def is_median(self) -> bool:
        return isinstance(self.measure, Median)

    @property
    def is_count(self) -> bool:
        """A count of residents or events (1-4 shown as "<5"); otherwise a figure derived
        from counted observations (shown as "*" when they are 1-4)."""
        return isinstance(self.measure, Events | Stock | Readmissions)

    @property
    def is_additive(self) -> bool:
        """The buckets add up to the period's figure (dated events, readmissions, bed days);
        residents in a stock and medians do not."""
        return isinstance(self.measure, Events | Readmissions | BedDays)


# --- the indicators -----------------------------------------------------------------------

S_COURSES = _("Forløb og visitation")
S_CONCERNS = _("Bekymringer fra botilbud")
S_BOARD = _("Beboeroverblikstavlen")
S_EVENTS = _("Indlæggelser, tvang og medicinsvigt")
S_CONTACTS = _("Kontakter")
S_ENDINGS = _("Afslutning og overgange")

U_RESIDENTS = _("beboere")
U_COUNT = _("antal")
U_DAYS = _("dage (median)")
U_BED_DAYS = _("sengedage")

# A plain str: a lazy text plus a lazy text is one (evaluated when the module loads).
_AT_FACILITY = str(
    _("På botilbudsniveau: det botilbud, hvor beboeren boede på dagen (bopælshistorikken).")
)


def _first_visit(qs, period: Period):
    """Courses that overlap the period, joined to their first visit (the first visit entry of
    the course from its start day to its end day), whose date is ``first_visit``. The
    partial index of visits on (course, date), which holds the id, answers the subquery from
    the index alone: the course's first visit from its start day; the visit is then read by
    its id. So the subquery runs once per course, and its date is a column: a subquery in the
    SELECT list would run again for each use (the bucket, the days, the facility lived at)."""
    first = (
        Entry.objects.filter(
            course_id=OuterRef("pk"),
            kind=Kind.VISIT,
            occurred_on__gte=OuterRef("started_on"),
        )
        .filter(occurred_on__lte=Coalesce(OuterRef("ended_on"), date_value(NO_END)))
        .order_by("occurred_on")
        .values("pk")[:1]
    )
    qs = qs.filter(started_on__lte=period.end)
    qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
    qs = qs.filter(record_entries=Subquery(first))
    return qs.annotate(first_visit=F("record_entries__occurred_on"))  # the same join


def _decided_in(qs, period: Period):
    return qs.filter(
        decided_at__gte=aware_midnight(period.start), decided_at__lt=aware_midnight(period.end_excl)
    )


def _ended_in(qs, period: Period):
    return qs.filter(ended_on__gte=period.start, ended_on__lte=period.end)


def _entry(kind: str, part: str = "", **extra) -> Events:
    return Events(
        Entry, "occurred_on", Q(kind=kind, **extra), via=RESIDENCE, kinds=(kind,), part=part
    )


def _transition_indicators() -> list[Indicator]:
    out = []
    for code, label in [*Transition.choices, ("", _("ikke angivet"))]:
        out.append(
            Indicator(
                f"transition_{code or 'unknown'}",
                S_ENDINGS,
                _("Overgang: %(to)s") % {"to": label},
                _(
                    "Forløb afsluttet i perioden, hvor den planlagte overgang er: %(to)s. "
                    "Botilbud: hvor beboeren boede på slutdatoen."
                )
                % {"to": label},
                U_COUNT,
                Events(Course, "ended_on", Q(transition=code), via=RESIDENCE),
            )
        )
    return out


INDICATORS: list[Indicator] = [
    Indicator(
        "in_course",
        S_COURSES,
        _("Beboere i forløb"),
        _(
            "Antal forskellige beboere med et forløb i teamet, der var aktivt mindst én dag i "
            "perioden (fra startdato til og med slutdato). På botilbudsniveau tælles beboeren "
            "på hvert botilbud, hvor beboeren boede, mens forløbet var aktivt i perioden; "
            "flytter beboeren midt i perioden, tælles beboeren begge steder."
        ),
        U_RESIDENTS,
        Stock(Course, "started_on", "ended_on", via=RESIDENCE),
        key=True,
    ),
    Indicator(
        "referrals",
        S_COURSES,
        _("Nye henvisninger"),
        _(
            "Henvisninger modtaget i perioden (modtagelsesdato), uanset udfald. "
            "Botilbud: det botilbud, henvisningen angår."
        ),
        U_COUNT,
        Events(Referral, "received_on"),
        key=True,
    ),
    Indicator(
        "decisions",
        S_COURSES,
        _("Visitationsbeslutninger"),
        _(
            "Henvisninger, som teamet har truffet beslutning om i perioden (visiteret eller "
            "ikke visiteret). Tilbagetrukne henvisninger tæller ikke."
        ),
        U_COUNT,
        Events(
            Referral,
            "decided_at",
            Q(status__in=[ReferralStatus.ACCEPTED, ReferralStatus.REJECTED]),
            datetime_field=True,
        ),
    ),
    Indicator(
        "accepted",
        S_COURSES,
        _("Heraf visiteret"),
        _("Visitationsbeslutninger i perioden, hvor beboeren blev visiteret til et forløb."),
        U_COUNT,
        Events(Referral, "decided_at", Q(status=ReferralStatus.ACCEPTED), datetime_field=True),
    ),
    Indicator(
        "days_to_decision",
        S_COURSES,
        _("Dage fra henvisning til beslutning"),
        _(
            "For beslutninger truffet i perioden: medianen af antal dage fra henvisningen blev "
            "modtaget, til teamet traf beslutning (samme dag = 0)."
        ),
        U_DAYS,
        Median(
            Referral,
            "decided_at",
            "received_on",
            Q(status__in=[ReferralStatus.ACCEPTED, ReferralStatus.REJECTED]),
            datetime_field=True,
            prepare=_decided_in,
        ),
    ),
    Indicator(
        "days_to_first_visit",
        S_COURSES,
        _("Dage fra henvisning til første besøg"),
        _(
            "For forløb, hvis første besøg ligger i perioden: medianen af antal dage fra "
            "henvisningen blev modtaget til første besøg. Første besøg er forløbets første "
            "journalnotat af typen besøg eller samtale fra startdatoen til og med slutdatoen; "
            "et genoptaget forløb efter ny henvisning måles fra den nye henvisning. "
            "Botilbud: hvor beboeren boede ved første besøg."
        ),
        U_DAYS,
        Median(
            Course,
            "first_visit",
            "referral__received_on",
            via=RESIDENCE,
            prepare=_first_visit,
        ),
    ),
    Indicator(
        "concerns",
        S_CONCERNS,
        _("Bekymringer rejst"),
        _("Bekymringer om beboere, som medarbejdere på botilbud har rejst i perioden."),
        U_COUNT,
        Events(Concern, "raised_at", datetime_field=True),
    ),
    Indicator(
        "concerns_referred",
        S_CONCERNS,
        _("… endt med henvisning"),
        _("Bekymringer rejst i perioden, som teamet har omsat til en henvisning."),
        U_COUNT,
        Events(Concern, "raised_at", Q(status=ConcernStatus.REFERRED), datetime_field=True),
    ),
    Indicator(
        "concerns_closed",
        S_CONCERNS,
        _("… afsluttet uden henvisning"),
        _("Bekymringer rejst i perioden, som teamet har afsluttet uden henvisning."),
        U_COUNT,
        Events(Concern, "raised_at", Q(status=ConcernStatus.CLOSED), datetime_field=True),
    ),
    Indicator(
        "concerns_open",
        S_CONCERNS,
        _("… endnu ikke vurderet"),
        _("Bekymringer rejst i perioden, som teamet endnu ikke har vurderet (i dag)."),
        U_COUNT,
        Events(Concern, "raised_at", Q(status=ConcernStatus.OPEN), datetime_field=True),
    ),
    Indicator(
        "on_board",
        S_BOARD,
        _("Beboere på tavlen"),
        _(
            "Antal forskellige beboere, der har været på en beboeroverblikstavle mindst én dag "
            "i perioden (fra dato på tavlen til og med datoen de blev taget af). "
            "Botilbud: tavlen på det botilbud."
        ),
        U_RESIDENTS,
        Stock(BoardEntry, "placed_on", "ended_on"),
        key=True,
    ),
    Indicator(
        "board_placed",
        S_BOARD,
        _("Sat på tavlen"),
        _("Tavleindgange oprettet med dato på tavlen i perioden."),
        U_COUNT,
        Events(BoardEntry, "placed_on"),
    ),
    Indicator(
        "days_on_board",
        S_BOARD,
        _("Dage på tavlen"),
        _(
            "For tavleindgange taget af tavlen i perioden: medianen af antal dage fra beboeren "
            "blev sat på tavlen, til beboeren blev taget af."
        ),
        U_DAYS,
        Median(
            BoardEntry,
            "ended_on",
            "placed_on",
            Q(ended_on__isnull=False),
            prepare=_ended_in,
        ),
    ),
    Indicator(
        "admissions",
        S_EVENTS,
        _("Indlæggelser"),
        _("Indlæggelser med indlæggelsesdato i perioden, frivillige og tvangsindlæggelser. ")
        + _AT_FACILITY,
        U_COUNT,
        _entry(Kind.ADMISSION),
        key=True,
    ),
    Indicator(
        "readmissions",
        S_EVENTS,
        _("Genindlæggelser inden for 30 dage"),
        _(
            "Indlæggelser i perioden, der begynder højst 30 dage efter den seneste udskrivelse "
            "fra beboerens tidligere indlæggelser (udskrivelsesdagen er dag 0, dag 30 tæller "
            "med); den tidligere indlæggelse kan ligge før perioden og i et andet team. "
        )
        + _AT_FACILITY,
        U_COUNT,
        Readmissions(),
        key=True,
    ),
    Indicator(
        "compulsory_admissions",
        S_EVENTS,
        _("Tvangsindlæggelser"),
        _("Indlæggelser i perioden registreret som tvangsindlæggelse. ") + _AT_FACILITY,
        U_COUNT,
        _entry(Kind.ADMISSION, part="admissions", subtype="compulsory"),
        key=True,
    ),
    Indicator(
        "bed_days",
        S_EVENTS,
        _("Sengedage"),
        _(
            "Døgn indlagt i perioden: hver dag fra indlæggelsesdagen til, men ikke med, "
            "udskrivelsesdagen; en indlæggelse uden udskrivelsesdato tælles til og med i går. "
            "En indlæggelse, der går over flere perioder, fordeles på dem. Botilbud: hvor "
            "beboeren boede på indlæggelsesdagen."
        ),
        U_BED_DAYS,
        BedDays(),
    ),
    Indicator(
        "force",
        S_EVENTS,
        _("Magtanvendelser på botilbud"),
        _("Registrerede episoder af magtanvendelse på botilbuddet i perioden. ") + _AT_FACILITY,
        U_COUNT,
        _entry(Kind.FORCE),
        key=True,
    ),
    Indicator(
        "medication_failure",
        S_EVENTS,
        _("Medicinsvigt"),
        _("Registrerede episoder af medicinsvigt med dato (opdaget) i perioden. ") + _AT_FACILITY,
        U_COUNT,
        _entry(Kind.MEDICATION_FAILURE),
        key=True,
    ),
    Indicator(
        "visits",
        S_CONTACTS,
        _("Besøg og samtaler"),
        _(
            "Journalnotater af typen besøg eller samtale i perioden (besøg på botilbuddet, "
            "telefon, video eller andetsteds). "
        )
        + _AT_FACILITY,
        U_COUNT,
        _entry(Kind.VISIT),
        key=True,
    ),
    Indicator(
        "advice",
        S_CONTACTS,
        _("Rådgivning til botilbuddet"),
        _("Rådgivningsopkald fra botilbuddet til teamet i perioden. ") + _AT_FACILITY,
        U_COUNT,
        _entry(Kind.ADVICE),
    ),
    Indicator(
        "network_meetings",
        S_CONTACTS,
        _("Netværksmøder"),
        _("Afholdte netværksmøder i perioden. ") + _AT_FACILITY,
        U_COUNT,
        _entry(Kind.NETWORK_MEETING),
    ),
    Indicator(
        "courses_ended",
        S_ENDINGS,
        _("Afsluttede forløb"),
        _("Forløb med slutdato i perioden. Botilbud: hvor beboeren boede på slutdatoen."),
        U_COUNT,
        Events(Course, "ended_on", Q(ended_on__isnull=False), via=RESIDENCE),
    ),
    *_transition_indicators(),
]

BY_CODE = {i.code: i for i in INDICATORS}
KEY_INDICATORS = [i for i in INDICATORS if i.key]


# --- computing ----------------------------------------------------------------------------


def _period_q(on: str, period: Period, datetime_field: bool) -> Q:
    start: datetime.date  # a datetime (a date too) for a datetime field
    end: datetime.date
    if datetime_field:
        start, end = aware_midnight(period.start), aware_midnight(period.end_excl)
    else:
        start, end = period.start, period.end_excl
    return Q(**{f"{on}__gte": start, f"{on}__lt": end})


def _scoped(qs, scope: Scope, children: bool, via: str, on: str):
    if children:
        return scope.filter_children(qs, via=via, on=on)
    return scope.filter(qs, via=via, on=on), None


def _plain_kind(indicator: Indicator) -> str | None:
    """The entry kind a measure counts when it counts nothing but that kind."""
    measure = indicator.measure
    plain = measure.model is Entry and len(measure.kinds) == 1 and not measure.part
    if plain and measure.where == Q(kind=measure.kinds[0]):
        return measure.kinds[0]
    return None


def _compute_kind_counts(group: list[Indicator], scope: Scope, period: Period, children: bool):
    """Record entries of plain kinds counted by team (a region, its teams, or a team): one
    index range per team, kind and bucket."""
    kinds = {_plain_kind(i): i.code for i in group}
    team_ids = scope.team_ids
    bounds = [(b.start, b.end_excl) for b in period.buckets]
    out: dict[str, Result] = {i.code: {} for i in group}
    plain = sorted(k for k in kinds if k is not None)  # the caller checked: all are plain
    for (team, kind, bucket), n in entry_counts(team_ids, plain, bounds).items():
        unit = team if children else None
        cells = out[kinds[kind]].setdefault(unit, {})
        total = cells.get(bucket, ZERO).n + n
        cells[bucket] = Cell(total, total)
    return out


def _compute_events(group: list[Indicator], scope: Scope, period: Period, children: bool):
    first = group[0].measure
    by_team = scope.level == REGION or (scope.level == TEAM and not children)
    if by_team and all(_plain_kind(i) for i in group):
        return _compute_kind_counts(group, scope, period, children)
    qs = first.model.objects.filter(_period_q(first.on, period, first.datetime_field))
    by_residence = first.via == RESIDENCE and (
        scope.level == FACILITY or (children and scope.level == TEAM)
    )
    if by_residence and first.model is Entry:
        # The facility's residents lead: their entries of the period, along the index on
        # (resident, date); the kinds are told apart in the counts. (A condition on the kind
        # here would make the database start from every entry of that kind instead.)
        pass
    elif all(i.measure.kinds for i in group):
        qs = qs.filter(kind__in=sorted({k for i in group for k in i.measure.kinds}))
    elif all(i.measure.where for i in group):
        union = Q()
        for indicator in group:
            union |= indicator.measure.where
        qs = qs.filter(union)
    qs, key = _scoped(qs, scope, children, first.via, first.on)
    bounds: list[tuple[datetime.date, datetime.date]]
    if first.datetime_field:
        # moments: the buckets are local days, compared as stored
        bounds = [(aware_midnight(b.start), aware_midnight(b.end_excl)) for b in period.buckets]
    else:
        bounds = [(b.start, b.end_excl) for b in period.buckets]
    wheres = {i.code: i.measure.where or None for i in group}
    counts = count_by_bucket(qs, F(first.on), wheres, bounds, unit=key)
    out: dict[str, Result] = {i.code: {} for i in group}
    for (unit, bucket), values in counts.items():
        for code, n in values.items():
            out[code].setdefault(unit, {})[bucket] = Cell(n, n)
    return out


def _active_q(measure: Stock, start, end_excl) -> Q:
    return Q(**{f"{measure.start}__lt": end_excl}) & (
        Q(**{f"{measure.end}__isnull": True}) | Q(**{f"{measure.end}__gte": start})
    )


def _compute_stock(indicator: Indicator, scope: Scope, period: Period, children: bool):
    measure: Stock = indicator.measure
    qs = measure.model.objects.filter(_active_q(measure, period.start, period.end_excl))
    bounds = [(b.start, b.end_excl) for b in period.buckets]
    lived = measure.via == RESIDENCE and (
        scope.level == FACILITY or (children and scope.level == TEAM)
    )
    if lived:
        # in course and living at the facility on a common day inside the bucket
        facility_ids = [f.pk for f in scope.children] if children else [scope.pk]
        key = "resident__residences__facility_id" if children else None
        qs = qs.filter(resident__residences__facility_id__in=facility_ids)
        counts = distinct_active(
            qs,
            F("resident_id"),
            Greatest(F(measure.start), F("resident__residences__moved_in")),
            F(measure.end),
            bounds,
            unit=key,
            moved_out=F("resident__residences__moved_out"),
        )
    else:
        qs, key = _scoped(qs, scope, children, OWN, measure.start)
        counts = distinct_active(
            qs, F("resident_id"), F(measure.start), F(measure.end), bounds, unit=key
        )
    out: Result = {}
    for (unit, bucket), n in counts.items():
        out.setdefault(unit, {})[bucket] = Cell(n, n)
    return out


def _compute_bed_days(scope: Scope, period: Period, children: bool):
    today = timezone.localdate()
    qs = Entry.objects.filter(kind=Kind.ADMISSION, occurred_on__lt=min(period.end_excl, today))
    qs = qs.filter(Q(occurred_until__isnull=True) | Q(occurred_until__gt=period.start))
    qs, key = _scoped(qs, scope, children, RESIDENCE, "occurred_on")
    result = overlap_days(
        qs,
        F("occurred_on"),
        Coalesce(F("occurred_until"), date_value(today)),
        [(b.start, b.end_excl) for b in period.buckets],
        unit=key,
    )
    out: Result = {}
    for (unit, bucket), (nights, admissions) in result.items():
        out.setdefault(unit, {})[bucket] = Cell(nights, admissions)
    return out


def _compute_median(indicator: Indicator, scope: Scope, period: Period, children: bool):
    measure: Median = indicator.measure
    qs = measure.model.objects.all()
    if measure.prepare is not None:
        qs = measure.prepare(qs, period)
    qs = qs.filter(measure.where)
    qs, key = _scoped(qs, scope, children, measure.via, measure.on)
    day = TruncDate(measure.on) if measure.datetime_field else F(measure.on)
    bounds = [(b.start, b.end_excl) for b in period.buckets]
    result = medians_by_bucket(qs, day, F(measure.since), bounds, unit=key)
    out: Result = {}
    for (unit, b), (median, n) in result.items():
        out.setdefault(unit, {})[b] = Cell(median, n)
    return out


def _compute_readmissions(scope: Scope, period: Period, children: bool):
    """Admissions in the scope and period that began within ``READMISSION_DAYS`` of the latest
    earlier discharge. The window runs over all admissions of the residents with an admission
    in the scope and period (earlier ones and those in other teams included); the ones it
    finds are then attributed to the scope (or a child)."""
    by_residence = scope.level == FACILITY or (children and scope.level == TEAM)
    if by_residence:
        # everyone who lived at the facilities during the period (a few more than needed;
        # the residence on the day of the admission decides what counts)
        facility_ids = [f.pk for f in scope.children] if children else [scope.pk]
        residents: QuerySet[Any, Any] = (
            Residence.objects.filter(facility_id__in=facility_ids, moved_in__lte=period.end)
            .filter(Q(moved_out__isnull=True) | Q(moved_out__gt=period.start))
            .values("resident_id")
        )
    else:
        in_period = Entry.objects.filter(
            kind=Kind.ADMISSION, occurred_on__gte=period.start, occurred_on__lt=period.end_excl
        )
        residents = scope.filter(in_period).values("resident_id")
    # Their earlier admissions were recorded in one of their courses: the teams of those
    # courses lead the database along the index on (team, kind, date). An admission
    # discharged more than 30 days before the period cannot make one in it a readmission,
    # nor hide one (the latest discharge is what counts), so it is left out.
    teams = sorted(
        set(Course.objects.filter(resident_id__in=residents).values_list("team_id", flat=True))
    )  # as a list: the database then walks the index for each team
    admissions = Entry.objects.filter(
        team_id__in=teams,
        kind=Kind.ADMISSION,
        occurred_on__lt=period.end_excl,
        resident_id__in=residents,
    ).filter(
        Q(occurred_until__isnull=True)
        | Q(occurred_until__gte=period.start - datetime.timedelta(days=READMISSION_DAYS))
    )
    # the readmissions of the period that count for the scope (or a child)
    qs = Entry.objects.filter(
        kind=Kind.ADMISSION,
        occurred_on__gte=period.start,
        occurred_on__lt=period.end_excl,
        pk__in=readmitted(admissions, READMISSION_DAYS),
    )
    unit = None
    if by_residence:
        residence = Residence.objects.filter(
            resident_id=OuterRef("resident_id"),
            facility_id__in=facility_ids,
            moved_in__lte=OuterRef("occurred_on"),
        ).filter(Q(moved_out__isnull=True) | Q(moved_out__gt=OuterRef("occurred_on")))
        qs = qs.filter(Exists(residence))
        if children:
            qs = qs.annotate(_at=Subquery(residence.values("facility_id")[:1]))
            unit = "_at"
    else:
        qs = qs.filter(team_id__in=scope.team_ids)
        if children:
            unit = "team_id"
    bounds = [(b.start, b.end_excl) for b in period.buckets]
    counts = count_by_bucket(qs, F("occurred_on"), {"n": None}, bounds, unit=unit)
    out: Result = {}
    for (u, bucket), values in counts.items():
        out.setdefault(u, {})[bucket] = Cell(values["n"], values["n"])
    return out


def _compute_one(indicator: Indicator, scope: Scope, period: Period, children: bool) -> Result:
    measure = indicator.measure
    if isinstance(measure, Stock):
        return _compute_stock(indicator, scope, period, children)
    if isinstance(measure, BedDays):
        return _compute_bed_days(scope, period, children)
    if isinstance(measure, Readmissions):
        return _compute_readmissions(scope, period, children)
    return _compute_median(indicator, scope, period, children)


def _batches(
    indicators: list[Indicator], *, by_residence: bool = False
) -> tuple[list[list[Indicator]], list[Indicator]]:
    """(batches of Events measures, the other indicators). Counted through the residence
    history every record entry of the residents is read anyway, so the parts are merged."""
    batches: dict[tuple, list[Indicator]] = {}
    single = []
    for indicator in indicators:
        measure = indicator.measure
        if isinstance(measure, Events):
            merge = by_residence and measure.via == RESIDENCE
            key = measure.batch[:-1] if merge else measure.batch
            batches.setdefault(key, []).append(indicator)
        else:
            single.append(indicator)
    return list(batches.values()), single


def compute(
    indicators: list[Indicator], scope: Scope, period: Period, *, children: bool = False
) -> dict[str, Result]:
    """{indicator code: {child key or None: {bucket index: Cell}}}; missing cells are zero
    for counts and empty for medians."""
    by_residence = scope.level == FACILITY or (children and scope.level == TEAM)
    batches, single = _batches(indicators, by_residence=by_residence)
    results = {i.code: _compute_one(i, scope, period, children) for i in single}
    for group in batches:
        results.update(_compute_events(group, scope, period, children))
    return results


def _sum_units(result: Result) -> Result:
    """The cells of all children added up per bucket (a region = the sum of its teams)."""
    totals: dict[int, Cell] = {}
    for cells in result.values():
        for bucket, c in cells.items():
            old = totals.get(bucket, ZERO)
            totals[bucket] = Cell(old.value + c.value, old.n + c.n)
    return {None: totals}


def _sum_buckets(result: Result) -> Result:
    """Each child's cells added up over the buckets (events: the whole period)."""
    out: Result = {}
    for unit, cells in result.items():
        n = sum(c.n for c in cells.values())
        out[unit] = {0: Cell(n, n)}
    return out


def compute_with_children(
    scope: Scope, period: Period, key: list[Indicator]
) -> tuple[dict[str, Result], dict[str, Result]]:
    """Every indicator per bucket for the scope, and the ``key`` indicators for the whole
    period per child (team or facility).

    For a region, whose rows are exactly its teams' rows, counts of events, readmissions and
    bed days are computed once per team and bucket: the region's figure is the sum over its
    teams, and a team's figure for the whole period the sum over the buckets."""
    whole = period.whole()
    key_codes = {i.code for i in key}
    results: dict[str, Result] = {}
    per_child: dict[str, Result] = {}
    batches, single = _batches(INDICATORS, by_residence=scope.level == FACILITY)
    by_team = scope.level == REGION
    for group in batches:
        if by_team:
            for code, result in _compute_events(group, scope, period, True).items():
                results[code] = _sum_units(result)
                if code in key_codes:
                    per_child[code] = _sum_buckets(result)
            continue
        results.update(_compute_events(group, scope, period, False))
    if not by_team and scope.children:
        # a team's facilities: through the residence history, one query per table
        for group in _batches(key, by_residence=True)[0]:
            per_child.update(_compute_events(group, scope, whole, True))
    for indicator in single:
        counted = isinstance(indicator.measure, Readmissions | BedDays)
        if by_team and counted:
            result = _compute_one(indicator, scope, period, True)
            results[indicator.code] = _sum_units(result)
            if indicator.code in key_codes:
                per_child[indicator.code] = _sum_buckets(result)
            continue
        results[indicator.code] = _compute_one(indicator, scope, period, False)
        if indicator.code in key_codes and scope.children:
            per_child[indicator.code] = _compute_one(indicator, scope, whole, True)
    return results, per_child


def cell(results: dict[str, Result], indicator: Indicator, unit, bucket: int) -> Cell:
    found = results.get(indicator.code, {}).get(unit, {}).get(bucket)
    if found is not None:
        return found
    return NONE if indicator.is_median else ZERO
