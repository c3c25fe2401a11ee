"""Framework adherence on one day, and implementation coverage over time.

Adherence: of the residents in course on the day (in the scope), the share with each of the
framework's basics in place. Coverage: at the end of each bucket, the facilities with a
cooperation agreement in force, and the residents in course who live at one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from consent.models import Consent, ConsentKind
from courses.models import Course
from organisation.models import Facility
from record.kinds import Kind
from record.models import Entry, EntryVersion
from residents.models import Residence

from .buckets import distinct_active
from .periods import Period, aware_midnight
from .scope import FACILITY, Scope, lived_at_q

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MEDICATION_REVIEW_DAYS = getattr(settings, "INDICATORS_MEDICATION_REVIEW_DAYS", 365)
MEDICATION_REVIEW_CHOICES = (90, 180, 365, 730)


@dataclass(frozen=True)
class Criterion:
    code: str
    label: StrOrPromise
    definition: StrOrPromise


def criteria(medication_days: int) -> list[Criterion]:
    return [
        Criterion(
            "treatment_plan",
            _("Gældende behandlingsplan"),
            _(
                "Den version af beboerens behandlingsplan, der gjaldt på dagen (senest gældende "
                "fra dagen eller før), har en revurderingsdato, der ikke er overskredet."
            ),
        ),
        Criterion(
            "crisis_plan",
            _("Gældende kriseplan"),
            _(
                "Den version af beboerens kriseplan, der gjaldt på dagen, har en "
                "revurderingsdato, der ikke er overskredet."
            ),
        ),
        Criterion(
            "suicide_risk",
            _("Selvmordsrisikovurdering inden for revurderingsintervallet"),
            _(
                "Der er en selvmordsrisikovurdering dateret dagen eller før, hvis dato for "
                "næste vurdering ikke er overskredet på dagen."
            ),
        ),
        Criterion(
            "medication_review",
            _("Medicingennemgang inden for %(days)s dage") % {"days": medication_days},
            _(
                "Der er registreret en medicingennemgang dateret inden for de seneste "
                "%(days)s dage til og med dagen."
            )
            % {"days": medication_days},
        ),
        Criterion(
            "consent",
            _("Gyldigt samtykke til videregivelse"),
            _(
                "Et samtykke til videregivelse mellem team og botilbud til det botilbud, hvor "
                "beboeren boede på dagen: givet senest dagen, ikke udløbet og ikke trukket "
                "tilbage på dagen."
            ),
        ),
        Criterion(
            "contacts",
            _("Kontaktpersoner i begge sektorer"),
            _(
                "Forløbet har mindst én kontaktperson i teamet og en kontaktperson på "
                "botilbuddet (som registreret i dag; ændringer gemmes ikke bagud i tid)."
            ),
        ),
    ]


@dataclass(frozen=True)
class Share:
    code: str
    label: StrOrPromise
    definition: StrOrPromise
    numerator: int
    denominator: int
    counts_residents: bool = True  # facilities are not suppressed

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return 100 * self.numerator / self.denominator


def _courses_on(scope: Scope, day: datetime.date):
    qs = Course.objects.filter(started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )
    if scope.level == FACILITY:
        return qs.filter(lived_at_q([scope.pk], day))
    return qs.filter(team_id__in=scope.team_ids)


def _contacts() -> Q:
    contacts = Course.team_contacts.through.objects.filter(course_id=OuterRef("pk"))
    return Q(facility_contact__isnull=False) & Q(Exists(contacts))


def _teams_of(residents) -> list[int]:
    """The teams of every course of the residents (earlier ones and other regions' too): each
    of their record entries was recorded in one of those courses, so these teams lead the
    database along the indexes that begin with the team (as a list: the database then walks
    the index for each team, and never reads another region's rows)."""
    return sorted(
        set(Course.objects.filter(resident_id__in=residents).values_list("team_id", flat=True))
    )


def _medication_review(residents, teams: list[int], day: datetime.date, days: int) -> int:
    """Residents with a medication review dated in the last ``days`` days, along the index on
    (team, kind, date)."""
    return Entry.objects.filter(
        team_id__in=teams,
        kind=Kind.MEDICATION_REVIEW,
        occurred_on__gt=day - datetime.timedelta(days=days),
        occurred_on__lte=day,
        resident_id__in=residents,
    ).aggregate(n=Count("resident_id", distinct=True))["n"]


def _record_checks(residents, teams: list[int], day: datetime.date) -> dict[str, int]:
    """Residents with a suicide risk assessment not overdue, and with a treatment plan and a
    crisis plan in force and not overdue, counted from the record's side: the entries whose
    review date has not passed are few, and the partial index on (team, kind, review date),
    which also holds the date, the resident and the id, leads to those of the ``teams`` (the
    region's, not the whole country's) without reading the table.

    A living plan's entry carries its newest version. If that version applies from the day or
    before, it is the one in force on the day; if it applies from a later day, the version in
    force is the newest earlier one dated on or before the day (``EntryVersion``). Either way
    the entry's review date is on or after the day (a plan is reviewed after it applies)."""
    newer = EntryVersion.objects.filter(
        entry_id=OuterRef("entry_id"), number__gt=OuterRef("number"), occurred_on__lte=day
    )
    earlier_version = EntryVersion.objects.filter(
        entry_id=OuterRef("pk"), occurred_on__lte=day, review_on__gte=day
    ).filter(~Exists(newer))
    suicide = Q(kind=Kind.SUICIDE_RISK, occurred_on__lte=day)
    plan = Q(kind__in=[Kind.TREATMENT_PLAN, Kind.CRISIS_PLAN]) & (
        Q(occurred_on__lte=day) | Q(Exists(earlier_version))
    )
    return (
        Entry.objects.filter(team_id__in=teams, resident_id__in=residents, review_on__gte=day)
        .filter(kind__in=[Kind.SUICIDE_RISK, Kind.TREATMENT_PLAN, Kind.CRISIS_PLAN])
        .filter(suicide | plan)
        .aggregate(
            suicide_risk=Count("resident_id", distinct=True, filter=suicide),
            treatment_plan=Count(
                "resident_id", distinct=True, filter=plan & Q(kind=Kind.TREATMENT_PLAN)
            ),
            crisis_plan=Count("resident_id", distinct=True, filter=plan & Q(kind=Kind.CRISIS_PLAN)),
        )
    )


def _consent_check(residents, day: datetime.date) -> int:
    """Residents with a sharing consent in force on the day, to the facility they lived at.
    Each consent of the scope's residents is checked against that resident's own residences
    (the index on resident), instead of joining every residence of the consent's facility."""
    lived_there = Residence.objects.filter(
        resident_id=OuterRef("resident_id"),
        facility_id=OuterRef("facility_id"),
        moved_in__lte=day,
    ).filter(Q(moved_out__isnull=True) | Q(moved_out__gt=day))
    return (
        Consent.objects.filter(
            resident_id__in=residents,
            kind=ConsentKind.SHARING,
            given_on__lte=day,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=day))
        .filter(
            Q(withdrawn_at__isnull=True)
            | Q(withdrawn_at__gte=aware_midnight(day + datetime.timedelta(days=1)))
        )
        .filter(Exists(lived_there))
        .aggregate(n=Count("resident_id", distinct=True))["n"]
    )


def scope_facilities(scope: Scope):
    """Facilities whose agreements count: those the scope's teams serve (now)."""
    if scope.level == FACILITY:
        return Facility.objects.filter(pk=scope.pk)
    return Facility.objects.filter(team_id__in=scope.team_ids)


def adherence(
    scope: Scope, day: datetime.date, medication_days: int = MEDICATION_REVIEW_DAYS
) -> tuple[list[Share], int]:
    """(shares, residents in course on the day). Five queries, each an aggregate."""
    courses = _courses_on(scope, day)
    counts = courses.aggregate(
        total=Count("resident_id", distinct=True),
        contacts=Count("resident_id", distinct=True, filter=_contacts()),
    )
    residents = courses.values("resident_id")
    teams = _teams_of(residents)
    counts["medication_review"] = _medication_review(residents, teams, day, medication_days)
    counts.update(_record_checks(residents, teams, day))
    counts["consent"] = _consent_check(residents, day)
    total = counts["total"]
    shares = [
        Share(c.code, c.label, c.definition, counts[c.code], total)
        for c in criteria(medication_days)
    ]
    periods = _agreement_periods(scope)
    facilities = _served(scope)  # always: the same queries for all data
    if periods:
        covered = len({f for f, start, end in periods if _covers(start, end, day)})
        shares.append(
            Share(
                "agreement",
                _("Botilbud med samarbejdsaftale i kraft"),
                _(
                    "Andel af de botilbud, som teamet (regionens teams) betjener i dag, der "
                    "havde en underskrevet samarbejdsaftale i kraft på dagen."
                ),
                covered,
                facilities,
                counts_residents=False,
            )
        )
    return shares, total


def _served(scope: Scope) -> int:
    if "served" not in scope.cache:
        scope.cache["served"] = scope_facilities(scope).count()
    return scope.cache["served"]


def _agreement_periods(scope: Scope) -> list[tuple[int, datetime.date, datetime.date | None]]:
    """(facility, first day in force, last day or None) of each agreement of the scope's
    facilities that has come into force: one row per agreement, from one query."""
    if "agreements" not in scope.cache:
        scope.cache["agreements"] = _read_agreement_periods(scope)
    return scope.cache["agreements"]


def _read_agreement_periods(scope: Scope) -> list:
    rows = (
        Agreement.objects.filter(facility__in=scope_facilities(scope))
        .values("pk", "facility_id", "ends_on")
        .annotate(start=Min("versions__in_force_from"))
        .order_by()
    )
    return [(r["facility_id"], r["start"], r["ends_on"]) for r in rows if r["start"] is not None]


def _covers(start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    return start <= day and (end is None or day <= end)


@dataclass(frozen=True)
class CoveragePoint:
    day: datetime.date
    label: str
    facilities: int
    facilities_covered: int
    residents: int
    residents_covered: int

    @property
    def facilities_percent(self) -> float | None:
        return 100 * self.facilities_covered / self.facilities if self.facilities else None

    @property
    def residents_percent(self) -> float | None:
        return 100 * self.residents_covered / self.residents if self.residents else None


COVERAGE_DEFINITION = _(
    "Ved udgangen af hver periode (eller i dag): andelen af botilbud, som teamet (regionens "
    "teams) betjener i dag, der havde en samarbejdsaftale i kraft, og andelen af beboerne i "
    "forløb, der boede på et botilbud med en aftale i kraft."
)


def coverage(scope: Scope, period: Period) -> list[CoveragePoint]:
    """Implementation coverage at the end of each bucket. Three queries: the facilities
    served, each agreement's period in force (one row per agreement), and the residents in
    course per facility and bucket; combined per facility (aggregates, not rows)."""
    today = timezone.localdate()
    days = [min(b.end, today) for b in period.buckets]
    served = _served(scope)
    periods = _agreement_periods(scope)
    in_force = [{f for f, start, end in periods if _covers(start, end, day)} for day in days]
    courses = Course.objects.filter(started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )
    # one filter(): the residence conditions hold for the same residence row
    lived = Q(resident__residences__moved_in__lte=period.end) & (
        Q(resident__residences__moved_out__isnull=True)
        | Q(resident__residences__moved_out__gt=period.start)
    )
    if scope.level == FACILITY:
        courses = courses.filter(lived, resident__residences__facility_id=scope.pk)
    else:
        courses = courses.filter(lived, team_id__in=scope.team_ids)
    # residents in course on each day, per facility they lived at that day (the days after
    # today are all today: each day once)
    distinct_days = sorted(set(days))
    counts = distinct_active(
        courses,
        F("resident_id"),
        Greatest(F("started_on"), F("resident__residences__moved_in")),
        F("ended_on"),
        [(day, day + datetime.timedelta(days=1)) for day in distinct_days],
        unit="resident__residences__facility_id",
        moved_out=F("resident__residences__moved_out"),
    )
    residents = [0] * len(days)
    covered = [0] * len(days)
    for i, day in enumerate(days):
        j = distinct_days.index(day)
        for (facility_id, bucket), n in counts.items():
            if bucket == j:
                residents[i] += n
                if facility_id in in_force[i]:
                    covered[i] += n
    return [
        CoveragePoint(
            day=day,
            label=b.label,
            facilities=served,
            facilities_covered=len(in_force[i]),
            residents=residents[i],
            residents_covered=covered[i],
        )
        for i, (b, day) in enumerate(zip(period.buckets, days, strict=True))
    ]
