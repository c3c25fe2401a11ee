"""Demo data for the course record (forløbsjournal), written after the board and agreements.

Every course gets entries over its period, at plausible rates: a visit or conversation about
monthly (weekly while the resident is on a board), advice calls to the facility, a few network
meetings a year, contacts with the GP and home nursing; admissions about every other year
(some compulsory, some readmissions within 30 days) with the team's part in them, crises, rare
clusters of force for a few residents, medication failures; the current medication (2-6 drugs
with the date FMK was checked, some stopped), medication reviews by the doctor or pharmacist,
observations, tapering plans and agreements on medication handling; assessments (psychiatric,
suicide risk with review dates, some overdue, substance use, somatic, KRAM, health checks);
treatment and crisis plans for most residents in several versions, and end plans for ended
courses. Housing staff record some of the admissions, force, medication failures and crises
themselves (sector "facility").

One resident at Bostedet Egely, the densest record of the demo, has ten years of history:
earlier courses (with their referrals) are added before the current one, and every rate is
``DENSE_FACTOR`` times the usual. It is the resident for the timeline benchmark (named in the
command's summary and in the README).

Every entry's data is what its form in ``record.forms`` would save; every entry has its
versions 1..n. Deterministic: one seeded random stream, courses visited in a fixed order
(resident, start, primary key), dates drawn as offsets (a run on another day moves the dates,
not the choices). Written in one transaction like the rest of the demo data, without services
or audit rows, and with PostgreSQL's ``COPY`` (see ``insert_plan``).
"""

from __future__ import annotations

import datetime
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from psycopg import sql

from accounts.models import User
from board.models import BoardEntry
from consent.models import Consent, ConsentForm, ConsentKind, GivenBy
from consent.selectors import active_q
from courses.models import Course, CourseStatus, Referral, ReferralSource, ReferralStatus
from organisation.models import (
    Membership,
    MembershipStatus,
    Profession,
    Role,
    TeamKind,
    Ward,
)
from record.forms import COLUMNS, FORMS
from record.kinds import CATEGORY, TEAM_WRITERS, Kind
from record.models import Entry, EntryVersion, Sector
from residents.models import Residence, Resident

from . import record_texts as tx
from . import vocabulary as vocab
from .common import BIRTH_ANCHOR, add_years, days, span, weighted, working_time

EGELY = "Bostedet Egely"
DENSE_YEARS = 10
DENSE_FACTOR = 12.0  # the densest resident's rates, times the usual
# Usual days between two entries of a kind, per course (each gap drawn 0.6-1.4 times this).
GAP = {
    "visit": 45,
    "visit_on_board": 7,
    "advice": 300,
    "network_meeting": 270,
    "external_contact": 365,
    "admission": 730,
    "crisis": 900,
    "medication_review": 450,
    "medication_observation": 730,
    "psychiatric": 730,
    "suicide_risk": 365,
    "substance": 365,
    "somatic": 450,
    "kram": 450,
    "health_check": 450,
    "plan_revision": 180,
}
TEAM, FACILITY = Sector.TEAM, Sector.FACILITY


def _defaults() -> dict[str, dict]:
    """Per kind: every data field with the value an empty form field saves."""
    out = {}
    for kind, form in FORMS.items():
        empty: dict[str, Any] = {}
        for name, f in form.base_fields.items():
            if name in COLUMNS:
                continue
            if isinstance(f, forms.MultipleChoiceField):
                empty[name] = []
            elif isinstance(f, forms.BooleanField):
                empty[name] = False
            elif isinstance(f, forms.CharField | forms.ChoiceField):
                empty[name] = ""
            else:  # integers, decimals, dates
                empty[name] = None
        out[kind] = empty
    return out


DEFAULTS = _defaults()


def _decimal(whole: int, tenth: int) -> str:
    """A one-decimal number as ``record.forms`` saves it ("86.4", "80")."""
    return f"{whole}.{tenth}" if tenth else str(whole)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(eq=False)
class _Team:
    pk: int
    name: str
    phone: str
    child: bool
    region_id: int
    by_profession: dict[str, list[User]] = field(default_factory=dict)
    profession: dict[int, str] = field(default_factory=dict)  # user pk -> profession
    leader: User | None = None

    def of(self, *professions: str) -> list[User]:
        return [u for p in professions for u in self.by_profession.get(p, [])]


@dataclass(eq=False)
class _Course:
    pk: int
    resident_id: int
    name: str
    team: _Team
    facility_id: int
    started_on: datetime.date
    ended_on: datetime.date  # today for an active course
    doctor: User
    contacts: list[User]
    facility_staff: list[User]
    facility_contact: User | None
    transition: str
    dense: bool = False
    words: dict = field(default_factory=dict)  # the placeholders of record_texts

    def __post_init__(self):
        contact = self.facility_contact or (self.facility_staff[0] if self.facility_staff else None)
        self.words = {
            "name": self.name,
            "contact": contact.first_name if contact else "kontaktpersonen",
            "nurse": self.contacts[0].first_name if self.contacts else "sygeplejersken",
            "team": self.team.name,
        }


class _V:
    """One planned version (a row of ``EntryVersion``)."""

    __slots__ = (
        "number",
        "occurred_on",
        "occurred_until",
        "review_on",
        "subtype",
        "data",
        "author_id",
        "created_at",
        "reason",
    )
    number: int
    occurred_on: datetime.date
    occurred_until: datetime.date | None
    review_on: datetime.date | None
    subtype: str
    data: dict[str, Any]
    author_id: int
    created_at: datetime.datetime
    reason: str

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


class _E:
    """One planned entry: where it belongs and its versions (the last is the content)."""

    __slots__ = ("resident_id", "course_id", "team_id", "facility_id", "kind", "sector", "versions")

    def __init__(self, resident_id, course_id, team_id, facility_id, kind, sector):
        self.resident_id, self.course_id, self.team_id = resident_id, course_id, team_id
        self.facility_id, self.kind, self.sector = facility_id, kind, sector
        self.versions: list[_V] = []

    @property
    def occurred_on(self) -> datetime.date:
        return self.versions[-1].occurred_on


@dataclass(eq=False)
class RecordPlan:
    today: datetime.date
    dense_id: int | None = None
    entries: list[_E] = field(default_factory=list)  # planned, not yet inserted
    dense_name: str = ""
    dense_facility: str = ""
    dense_since: datetime.date | None = None
    # what earlier batches held (see ``tally``)
    totals: dict = field(default_factory=dict)
    residents: set = field(default_factory=set)
    kinds: set = field(default_factory=set)

    def tally(self) -> None:
        """Count the planned entries into the totals (before they are dropped)."""
        t, entries = self.totals, self.entries
        t["entries"] = t.get("entries", 0) + len(entries)
        t["versions"] = t.get("versions", 0) + sum(len(e.versions) for e in entries)
        t["facility"] = t.get("facility", 0) + sum(e.sector == FACILITY for e in entries)
        mine = [e.occurred_on for e in entries if e.resident_id == self.dense_id]
        t["dense_entries"] = t.get("dense_entries", 0) + len(mine)
        if mine:
            self.dense_since = min(mine + ([self.dense_since] if self.dense_since else []))
        self.residents.update(e.resident_id for e in entries)
        self.kinds.update(e.kind for e in entries)

    def counts(self) -> dict:
        """Totals over every batch, the planned entries included (call after ``tally``)."""
        t = self.totals
        return {
            "entries": t.get("entries", 0),
            "versions": t.get("versions", 0),
            "residents": len(self.residents),
            "kinds": len(self.kinds),
            "facility": t.get("facility", 0),
            "dense_name": self.dense_name,
            "dense_facility": self.dense_facility,
            "dense_entries": t.get("dense_entries", 0),
            "dense_since": self.dense_since,
        }

    def digest(self) -> str:
        return record_digest(
            [
                (e.resident_id, e.kind, e.occurred_on, e.versions[-1].subtype, len(e.versions))
                for e in self.entries
            ],
            self.today,
        )


def record_digest(rows, today: datetime.date) -> str:
    """Digest of (resident id, kind, day, subtype, versions) with the day as days before
    ``today``: the same for two runs with the same seed, whichever day they run on."""
    lines = sorted(
        f"{resident}\t{kind}\t{(today - day).days}\t{subtype}\t{versions}"
        for resident, kind, day, subtype, versions in rows
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def record_summary(c: dict) -> str:
    since = c["dense_since"].strftime("%d.%m.%Y") if c["dense_since"] else "-"
    return (
        f"Course record: {c['entries']} entries ({c['versions']} versions) for "
        f"{c['residents']} residents, {c['kinds']} kinds, {c['facility']} recorded by housing "
        f"staff; densest record: {c['dense_name']} ({c['dense_facility']}), "
        f"{c['dense_entries']} entries since {since}."
    )


# --- The densest resident: ten years of history ---------------------------------------------


class DenseHistory:
    """Earlier courses (with accepted referrals and treatment consents) for one resident at
    Bostedet Egely, so that the record spans ten years. Chosen by attributes that do not depend
    on the day of the run."""

    def __init__(self, seed: int, today: datetime.date):
        self.rng = random.Random(seed * 59 + 17)  # noqa: S311  # nosec B311
        self.today = today

    def start(self) -> datetime.date:
        return add_years(self.today, -DENSE_YEARS) - days(120)

    def earliest(self, course: Course) -> datetime.date:
        """The first date of the resident's history as planned (referral, consent, concern)."""
        concerns = course.resident.concerns.values_list("raised_at", flat=True)
        referral = course.referral
        return min(
            [referral.consent_informed_on, referral.received_on]
            + [timezone.localdate(d) for d in concerns]
        )

    def pick(self) -> Course | None:
        """The first (by primary key) adult at Egely over 40 in an active course, with no
        earlier course or move, whose history starts at least six years after the record's
        ten years begin (room for earlier courses). Offsets from today, so any day picks the
        same resident."""
        oldest_birth = add_years(BIRTH_ANCHOR, -40)
        single = (
            Course.objects.filter(
                status=CourseStatus.ACTIVE,
                facility__name=EGELY,
                team__kind=TeamKind.ADULT,
                resident__birth_date__lte=oldest_birth,
            )
            .annotate(n=Count("resident__courses", distinct=True))
            .filter(n=1)
            .select_related("resident", "referral", "team", "facility")
            .order_by("pk")
        )
        for course in single:
            roomy = (self.earliest(course) - self.start()).days >= 6 * 365
            if roomy and course.resident.residences.count() == 1:
                return course
        return None

    def add(self) -> int | None:
        course = self.pick()
        if course is None:
            return None
        rng, resident = self.rng, course.resident
        referral = course.referral
        start = self.start() - days(span(rng, 0, 30))
        end = self.earliest(course) - days(span(rng, 30, 60))
        length = (end - start).days
        n = min(3, length // 700)  # earlier courses of about two years or more, with gaps
        Residence.objects.filter(resident=resident, moved_out__isnull=True).update(
            moved_in=start - days(span(rng, 200, 400))
        )
        team = course.team
        doctors = list(
            User.objects.filter(
                memberships__team=team,
                memberships__profession=Profession.DOCTOR,
                memberships__status=MembershipStatus.CONFIRMED,
            ).order_by("pk")
        )
        nurses = list(
            User.objects.filter(
                memberships__team=team,
                memberships__profession=Profession.NURSE,
                memberships__status=MembershipStatus.CONFIRMED,
            ).order_by("pk")
        )
        staff = list(
            User.objects.filter(
                memberships__facility=course.facility,
                memberships__status=MembershipStatus.CONFIRMED,
            ).order_by("pk")
        )
        gaps = [span(rng, 90, 240) for _ in range(n)]
        each = (length - sum(gaps)) // n
        day = start
        reasons = ("completed", "declined", "completed")
        for k in range(n):
            received = day
            decided = received + days(span(rng, 5, 20))
            started = decided + days(span(rng, 0, 10))
            ended = received + days(each)
            reason = reasons[k % len(reasons)]
            new_referral = Referral.objects.create(
                resident=resident,
                team=team,
                facility=course.facility,
                source=rng.choice(
                    (
                        ReferralSource.REGIONAL_PSYCHIATRY,
                        ReferralSource.GP,
                        ReferralSource.FACILITY_DOCTOR,
                    )
                ),
                referrer_name=f"{team.name} (egen henvisning)"
                if k
                else f"Tilknyttet læge, {course.facility.name}",
                received_on=received,
                reason=" ".join(
                    [
                        rng.choice(vocab.REASON_OPENINGS),
                        rng.choice(vocab.REASON_DETAILS),
                        rng.choice(vocab.REASON_NEEDS),
                    ]
                ),
                criteria=sorted(referral.criteria),
                criteria_other="",
                consent_informed_on=received - days(span(rng, 0, 10)),
                consent_form=ConsentForm.WRITTEN,
                consent_given_by="resident",
                status=ReferralStatus.ACCEPTED,
                created_by=nurses[0],
                created_at=working_time(rng, received),
                decided_by=doctors[0],
                decided_at=working_time(rng, decided),
                decision_reason=rng.choice(vocab.ACCEPT_REASONS),
            )
            old = Course.objects.create(
                resident=resident,
                team=team,
                facility=course.facility,
                referral=new_referral,
                started_on=started,
                status=CourseStatus.ENDED,
                responsible_doctor=doctors[k % len(doctors)],
                facility_contact=staff[k % len(staff)] if staff else None,
                ended_on=ended,
                ended_by=doctors[0],
                end_reason=reason,
                transition=rng.choice(vocab.END_TRANSITIONS[reason]),
                end_summary=rng.choice(vocab.END_SUMMARIES[reason]),
            )
            old.team_contacts.set([nurses[k % len(nurses)]])
            Consent.objects.create(
                resident=resident,
                kind=ConsentKind.TREATMENT,
                form=ConsentForm.WRITTEN,
                given_by=GivenBy.RESIDENT,
                given_on=new_referral.consent_informed_on,
                recorded_by=doctors[0],
                recorded_at=timezone.now(),
            )
            day = ended + days(gaps[k])
        return resident.pk


# --- The record ------------------------------------------------------------------------------


class RecordPlanner:
    def __init__(self, seed: int, today: datetime.date, dense_id: int | None):
        self.rng = random.Random(seed * 59 + 13)  # noqa: S311  # nosec B311
        self.today = today
        self.tz = timezone.get_current_timezone()
        self.plan = RecordPlan(today=today, dense_id=dense_id)
        self.dense_id = dense_id
        self.courses: list[_Course] = []
        self.board: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
        self.relatives: dict[int, tuple[datetime.date, str]] = {}
        self.wards: dict[int, list[str]] = {}
        self.has_single: set[tuple[int, str]] = set()
        self.plan_entries: dict[tuple[int, str], _E] = {}
        self.last_course: dict[int, int] = {}

    # --- what is in the database -------------------------------------------------------

    def load(self) -> None:
        teams: dict[int, _Team] = {}
        facility_staff: dict[int, list[User]] = {}
        users: dict[int | None, User] = {}
        roles = (Role.TEAM_STAFF, Role.TEAM_LEADER, Role.FACILITY_STAFF, Role.FACILITY_LEADER)
        memberships = Membership.objects.filter(
            is_active=True, status=MembershipStatus.CONFIRMED, role__in=roles
        )
        for m in memberships.select_related("user", "team").order_by("pk"):
            users[m.user_id] = m.user
            if m.team_id and m.team is not None:
                team = teams.get(m.team_id)
                if team is None:
                    t = m.team
                    team = teams[m.team_id] = _Team(
                        pk=t.pk,
                        name=t.name,
                        phone=t.phone,
                        child=t.kind == TeamKind.CHILD_YOUTH,
                        region_id=t.region_id,
                    )
                if m.role == Role.TEAM_LEADER:
                    team.leader = m.user
                else:
                    team.by_profession.setdefault(m.profession, []).append(m.user)
                    team.profession[m.user_id] = m.profession
            elif m.facility_id:
                facility_staff.setdefault(m.facility_id, []).append(m.user)
        for region_id, name in Ward.objects.order_by("pk").values_list("region_id", "name"):
            self.wards.setdefault(region_id, []).append(name)
        contacts: dict[int, list[User]] = {}
        through = Course.team_contacts.through.objects.order_by("pk")
        for course_id, user_id in through.values_list("course_id", "user_id"):
            if user_id in users:
                contacts.setdefault(course_id, []).append(users[user_id])
        rows = Course.objects.select_related("resident").order_by("pk")
        for c in rows:
            team = teams.get(c.team_id)
            if team is None or c.responsible_doctor_id not in users:
                continue
            self.courses.append(
                _Course(
                    pk=c.pk,
                    resident_id=c.resident_id,
                    name=c.resident.first_name.split()[0],
                    team=team,
                    facility_id=c.facility_id,
                    started_on=c.started_on,
                    ended_on=c.ended_on or self.today,
                    doctor=users[c.responsible_doctor_id],
                    contacts=contacts.get(c.pk) or team.of(Profession.NURSE)[:1],
                    facility_staff=facility_staff.get(c.facility_id, []),
                    facility_contact=users.get(c.facility_contact_id),
                    transition=c.transition if c.status == CourseStatus.ENDED else "",
                    dense=c.resident_id == self.dense_id,
                )
            )
        self.courses.sort(key=lambda c: (c.resident_id, c.started_on, c.pk))
        for course in self.courses:
            self.last_course[course.resident_id] = course.pk
        spells = BoardEntry.objects.order_by("pk").values_list(
            "resident_id", "placed_on", "ended_on"
        )
        for resident_id, placed_on, ended_on in spells:
            self.board.setdefault(resident_id, []).append((placed_on, ended_on or self.today))
        relatives = (
            Consent.objects.filter(kind=ConsentKind.RELATIVES)
            .filter(active_q(self.today))
            .order_by("pk")
            .values_list("resident_id", "given_on", "relatives")
        )
        self.relatives = {rid: (given_on, text) for rid, given_on, text in relatives}
        if self.dense_id:
            resident = Resident.objects.get(pk=self.dense_id)
            self.plan.dense_name = resident.full_name
            residence = resident.residences.select_related("facility").first()
            self.plan.dense_facility = residence.facility.name if residence else ""

    # --- helpers -------------------------------------------------------------------------

    def pick(self, options):
        return options[int(self.rng.random() * len(options))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def text(self, c: _Course, template: str, **extra) -> str:
        if "{" not in template:
            return template
        return template.format(**c.words, **extra) if extra else template.format(**c.words)

    def join(self, c: _Course, *pools, **extra) -> str:
        return " ".join(filter(None, (self.text(c, self.pick(p), **extra) for p in pools)))

    def dates(self, start, end, gap: float, *, first_within: float | None = None):
        """Days from ``start`` to ``end`` about ``gap`` days apart (each gap 0.6-1.4 x)."""
        rng, out = self.rng, []
        day = start + days(int(rng.random() * (first_within if first_within else gap)))
        while day <= end:
            out.append(day)
            day += days(max(1, int(gap * (0.6 + 0.8 * rng.random()))))
        return out

    def team_author(self, c: _Course, kind: str) -> User:
        allowed = TEAM_WRITERS.get(kind)
        if allowed is None:
            if self.chance(0.8) and c.contacts:
                return self.pick(c.contacts)
            staff = c.team.of(*c.team.by_profession) or [c.doctor]
            return self.pick(staff)
        mine = [u for u in c.contacts if c.team.profession.get(u.pk) in allowed]
        if mine and self.chance(0.7):
            return self.pick(mine)
        if Profession.DOCTOR in allowed and (self.chance(0.6) or len(allowed) == 1):
            return c.doctor
        pool = c.team.of(*sorted(allowed))
        return self.pick(pool) if pool else c.doctor

    def facility_author(self, c: _Course) -> User | None:
        if c.facility_contact is not None and self.chance(0.6):
            return c.facility_contact
        return self.pick(c.facility_staff) if c.facility_staff else None

    def ward(self, c: _Course) -> str:
        wards = self.wards.get(c.team.region_id) or ["Psykiatrisk sengeafsnit"]
        return self.pick(wards)

    def when(self, day: datetime.date) -> datetime.datetime:
        """A working-time moment of ``day`` (like ``common.working_time``, without the cost of
        ``make_aware``: 8-15 o'clock has no DST gap)."""
        rng = self.rng
        return datetime.datetime(
            day.year, day.month, day.day, span(rng, 8, 15), span(rng, 0, 59), tzinfo=self.tz
        )

    def version(self, kind: str, s: dict, number: int, stamp) -> _V:
        written = min(s["day"] + days(s.get("lag", 0)), self.today)
        when = self.when(written)
        if stamp is not None and when <= stamp:
            when = stamp + datetime.timedelta(minutes=span(self.rng, 5, 120))
        return _V(
            number,
            s["day"],
            s.get("until"),
            s.get("review"),
            s.get("subtype", ""),
            {**DEFAULTS[kind], **s["data"]},
            s["author"].pk,
            when,
            s.get("reason", ""),
        )

    def add(self, c: _Course, kind: str, states: list[dict], sector: str = TEAM) -> _E:
        """One entry with its versions; each state: day, author, data, and optionally until,
        review, subtype, reason, lag (days between the event and the writing)."""
        entry = _E(c.resident_id, c.pk, c.team.pk, c.facility_id, kind, sector)
        self.extend(entry, states)
        self.plan.entries.append(entry)
        return entry

    def extend(self, entry: _E, states: list[dict]) -> None:
        """Add versions (the entry's content is the last one's)."""
        versions = entry.versions
        for s in states:
            stamp = versions[-1].created_at if versions else None
            versions.append(self.version(entry.kind, s, len(versions) + 1, stamp))

    def one(self, c, kind, day, author, data, sector=TEAM, **columns) -> _E:
        return self.add(c, kind, [{"day": day, "author": author, "data": data, **columns}], sector)

    # --- contacts --------------------------------------------------------------------------

    def contacts(self, c: _Course, start, end, f: float) -> None:
        visit_days = set(self.dates(start, end, GAP["visit"] / f))
        for placed, ended in self.board.get(c.resident_id, []):
            lo, hi = max(placed, start), min(ended, end)
            if lo <= hi:
                visit_days.update(self.dates(lo, hi, GAP["visit_on_board"] / max(1.0, f / 2)))
        for day in sorted(visit_days):
            mode = weighted(self.rng, ("visit", "phone", "video", "elsewhere"), (70, 20, 5, 5))
            planned = "planned" if self.chance(0.8) else "ad_hoc"
            data = {
                "planned": planned,
                "note": self.join(
                    c, tx.VISIT_OPENINGS, tx.VISIT_STATE, tx.VISIT_STATE, tx.VISIT_PLAN
                ),
                "participants": self.text(c, self.pick(tx.VISIT_PARTICIPANTS)),
            }
            self.one(c, Kind.VISIT, day, self.team_author(c, Kind.VISIT), data, subtype=mode)
        for day in self.dates(start, end, GAP["advice"] / f):
            data = {
                "caller": self.text(c, self.pick(tx.CALLERS)),
                "question": self.text(c, self.pick(tx.ADVICE_QUESTIONS)),
                "advice": self.join(c, tx.ADVICE_ANSWERS),
            }
            subtype = "phone" if self.chance(0.9) else "video"
            self.one(c, Kind.ADVICE, day, self.team_author(c, Kind.ADVICE), data, subtype=subtype)
        for day in self.dates(start, end, GAP["network_meeting"] / f, first_within=90):
            given_on, relatives = self.relatives.get(c.resident_id, (day, ""))
            if given_on > day or self.chance(0.5):  # only with the resident's consent
                relatives = ""
            doctor = "læge" if self.chance(0.5) else "psykolog"
            data = {
                "team_participants": f"Sygeplejerske og {doctor} fra botilbudsteamet",
                "facility_participants": self.text(c, "Kontaktperson {contact} og afdelingsleder"),
                "relatives": relatives,
                "others": self.pick(tx.NETWORK_OTHERS),
                "agenda": self.pick(tx.NETWORK_AGENDAS),
                "outcome": self.join(c, tx.NETWORK_OUTCOMES),
            }
            author = self.team_author(c, Kind.NETWORK_MEETING)
            self.one(c, Kind.NETWORK_MEETING, day, author, data, lag=span(self.rng, 0, 2))
        for day in self.dates(start, end, GAP["external_contact"] / f):
            subtype = weighted(
                self.rng, ("gp", "home_nursing", "substance_treatment", "other"), (50, 25, 10, 15)
            )
            data = {
                "who": self.pick(tx.EXTERNAL_WHO[subtype]),
                "note": self.join(c, tx.EXTERNAL_NOTES[subtype]),
            }
            author = self.team_author(c, Kind.EXTERNAL_CONTACT)
            self.one(c, Kind.EXTERNAL_CONTACT, day, author, data, subtype=subtype)

    # --- events ----------------------------------------------------------------------------

    def events(self, c: _Course, start, end, f: float) -> None:
        rng = self.rng
        heavy = min(f, 4.0)  # even the densest record has at most about two admissions a year
        gap = GAP["admission"] * (2 if c.team.child else 1) / heavy
        admissions = self.dates(start, end, gap)
        last_out = None
        for day in admissions:
            if last_out is not None and day <= last_out + days(3):
                continue
            last_out = self.admission(c, day, end)
            if last_out and last_out < end and self.chance(0.15):  # readmitted within 30 days
                again = last_out + days(span(rng, 2, 28))
                if again <= end:
                    last_out = self.admission(c, again, end) or last_out
        for day in self.dates(start, end, GAP["crisis"] / f):
            self.crisis(c, day)
        if f > 1 or self.chance(0.05):  # force: rare, in clusters for a few residents
            for lo in (
                self.dates(start, end, 365 / (0.2 * heavy)) if f > 1 else [self.within(start, end)]
            ):
                hi = min(end, lo + days(span(rng, 20, 90)))
                for day in self.dates(lo, hi, 14)[: span(rng, 2, 6)]:
                    self.force(c, day)
        failures = self.dates(start, end, 365 / (0.7 * f)) if f > 1 or self.chance(0.12) else []
        for day in failures[: 30 if f > 1 else span(rng, 1, 3)]:
            self.medication_failure(c, day)
        if f > 1 or self.chance(0.07):
            subtype = weighted(
                rng,
                ("integrated_substance", "forensic", "eating_disorder", "trauma", "other"),
                (45, 10, 10, 25, 10),
            )
            data = {
                "recipient": self.pick(tx.REFERRAL_RECIPIENTS[subtype]),
                "reason": self.pick(tx.REFERRAL_REASONS[subtype]),
            }
            author = self.team_author(c, Kind.SPECIALISED_REFERRAL)
            day = self.within(start, end)
            self.one(c, Kind.SPECIALISED_REFERRAL, day, author, data, subtype=subtype)

    def within(self, start, end) -> datetime.date:
        return start + days(span(self.rng, 0, max(0, (end - start).days)))

    def admission(self, c: _Course, day, end) -> datetime.date | None:
        rng, today = self.rng, self.today
        compulsory = self.chance(0.2)
        length = span(rng, 3, 45) if self.chance(0.8) else span(rng, 46, 120)
        out = day + days(length)
        if out <= end:
            discharged = out
        elif end < today:  # the course ended while admitted: discharged by then
            discharged = end
        else:  # still admitted today
            discharged = None
        ward = self.ward(c)
        subtype = "compulsory" if compulsory else "voluntary"
        note_pool = tx.COMPULSORY_ADMISSION_NOTES if compulsory else tx.ADMISSION_NOTES
        data = {
            "ward": ward,
            "planned": "planned" if not compulsory and self.chance(0.15) else "acute",
            "note": self.text(c, self.pick(note_pool)),
        }
        by_facility = self.chance(0.35) and c.facility_staff
        sector = FACILITY if by_facility else TEAM
        author = self.facility_author(c) if by_facility else self.team_author(c, Kind.ADMISSION)
        if self.chance(0.5) and not compulsory:  # a crisis before the admission
            self.crisis(c, max(c.started_on, day - days(span(rng, 0, 3))), phase="red")
        states = [{"day": day, "author": author, "data": data, "subtype": subtype}]
        if discharged:
            who = author if by_facility else self.team_author(c, Kind.ADMISSION)
            states.append(
                {
                    "day": day,
                    "until": discharged,
                    "author": who,
                    "data": data,
                    "subtype": subtype,
                    "reason": "Udskrevet",
                    "lag": (discharged - day).days,
                }
            )
        self.add(c, Kind.ADMISSION, states, sector)
        last = discharged or today
        roles = ["admission_talk", "visit", "discharge_talk", "follow_up"]
        for role in roles[: weighted(rng, (1, 2, 3, 4), (30, 35, 25, 10))]:
            when = {
                "admission_talk": day,
                "visit": day + days(span(rng, 1, max(1, (last - day).days))),
                "discharge_talk": last,
                "follow_up": last + days(span(rng, 1, 7)),
            }[role]
            if when > end or (role in ("discharge_talk", "follow_up") and not discharged):
                continue
            data = {
                "ward": ward if role != "follow_up" else "",
                "note": self.text(c, self.pick(tx.ADMISSION_ROLE_NOTES[role])),
            }
            author = self.team_author(c, Kind.ADMISSION_ROLE)
            self.one(c, Kind.ADMISSION_ROLE, when, author, data, subtype=role)
        if compulsory or self.chance(0.05):
            kinds = ["compulsory_admission"] if compulsory else []
            kinds += rng.sample(
                ("detention", "treatment", "belt", "holding", "sedation"), span(rng, 0, 2)
            )
            for k in kinds or ["holding"]:
                when = min(day + days(span(rng, 0, max(0, (last - day).days))), today)
                data = {"ward": ward, "note": self.pick(tx.COMPULSORY_NOTES[k])}
                author = self.team_author(c, Kind.COMPULSORY)
                self.one(c, Kind.COMPULSORY, when, author, data, subtype=k, lag=span(rng, 0, 3))
        return discharged

    def crisis(self, c: _Course, day, phase: str | None = None) -> None:
        phase = phase or weighted(self.rng, ("yellow", "red", "green"), (60, 30, 10))
        data = {
            "description": self.text(c, self.pick(tx.CRISIS_DESCRIPTIONS[phase])),
            "action": self.text(c, self.pick(tx.CRISIS_ACTIONS[phase])),
            "crisis_plan_used": self.chance(0.6),
        }
        by_facility = c.facility_staff and self.chance(0.6)
        author = self.facility_author(c) if by_facility else self.team_author(c, Kind.CRISIS)
        sector = FACILITY if by_facility else TEAM
        self.one(c, Kind.CRISIS, day, author, data, sector, subtype=phase)

    def force(self, c: _Course, day) -> None:
        subtype = weighted(
            self.rng,
            ("holding", "leading", "detention", "hygiene", "alarm", "other"),
            (40, 30, 8, 10, 7, 5),
        )
        data = {
            "duration_minutes": span(self.rng, 1, 30),
            "situation": self.text(c, self.pick(tx.FORCE_SITUATIONS[subtype])),
            "reported": self.chance(0.9),
        }
        by_facility = c.facility_staff and self.chance(0.85)
        author = self.facility_author(c) if by_facility else self.team_author(c, Kind.FORCE)
        self.one(
            c, Kind.FORCE, day, author, data, FACILITY if by_facility else TEAM, subtype=subtype
        )

    def medication_failure(self, c: _Course, day) -> None:
        drug = self.pick(tx.DRUGS)[0] if self.chance(0.8) else ""
        data = {
            "drug": drug,
            "days_missed": span(self.rng, 1, 14),
            "description": self.text(c, self.pick(tx.FAILURE_DESCRIPTIONS)),
            "action": self.text(c, self.pick(tx.FAILURE_ACTIONS)),
        }
        by_facility = c.facility_staff and self.chance(0.7)
        author = (
            self.facility_author(c) if by_facility else self.team_author(c, Kind.MEDICATION_FAILURE)
        )
        sector = FACILITY if by_facility else TEAM
        self.one(c, Kind.MEDICATION_FAILURE, day, author, data, sector)

    # --- medication --------------------------------------------------------------------------

    def medication(self, c: _Course, start, end, f: float) -> None:
        rng, today = self.rng, self.today
        n = span(rng, 2, 6) + (4 if f > 1 else 0)
        stopped = span(rng, 0, 2) + (12 if f > 1 else 0)
        weights = tuple(d[-1] for d in tx.DRUGS)
        chosen: list = []
        while len(chosen) < min(n + stopped, len(tx.DRUGS)):
            drug = weighted(rng, tx.DRUGS, weights)
            if drug not in chosen:
                chosen.append(drug)
        drugs_now = []
        for k, (drug, strengths, dose, frequency, reason, _w) in enumerate(chosen):
            began = start + days(span(rng, 0, min(60, (end - start).days)))
            if k >= n:  # stopped: a later day, within the course
                began = self.within(start, end)
            author = self.team_author(c, Kind.MEDICATION)
            source = weighted(
                rng, ("fmk", "discharge_letter", "facility_list", "resident"), (75, 10, 10, 5)
            )
            checked = None
            if source == "fmk":
                checked = min(today, max(began, end - days(span(rng, 0, 150))))
            data = {
                "drug": drug,
                "strength": self.pick(strengths),
                "dose_amount": dose[0] if dose else None,
                "dose_unit": dose[1] if dose else "",
                "frequency": frequency,
                "as_needed": dose is None,
                "reason": reason,
                "prescriber": self.pick(tx.PRESCRIBERS).format(team=c.team.name, ward=self.ward(c)),
                "fmk_checked_on": _iso(checked),
            }
            states = [{"day": began, "author": author, "data": data, "subtype": source}]
            if k >= n and began < end:
                until = began + days(span(rng, 1, max(1, (end - began).days)))
                until = min(until, today)
                states.append(
                    {
                        "day": began,
                        "until": until,
                        "author": self.team_author(c, Kind.MEDICATION),
                        "data": data,
                        "subtype": source,
                        "reason": self.pick(tx.STOP_REASONS),
                        "lag": (until - began).days,
                    }
                )
            else:
                drugs_now.append(drug)
            self.add(c, Kind.MEDICATION, states)
        drug_names = [d[0] for d in chosen]
        reviewers = c.team.of(Profession.PHARMACIST) + [c.doctor]
        for day in self.dates(start, end, GAP["medication_review"] / f, first_within=120):
            author = self.pick(reviewers)
            drug = self.pick(drug_names)
            data = {
                "fmk_checked_on": day.isoformat(),
                "findings": self.text(c, self.pick(tx.REVIEW_FINDINGS), drug=drug),
                "actions": self.text(c, self.pick(tx.REVIEW_ACTIONS), drug=drug),
            }
            review = day + days(weighted(rng, (90, 180, 365), (20, 60, 20)))
            self.one(c, Kind.MEDICATION_REVIEW, day, author, data, review=review)
        for day in self.dates(start, end, GAP["medication_observation"] / f):
            data = {
                "drug": self.pick(drug_names),
                "effect": self.pick(tx.OBSERVATION_EFFECTS),
                "side_effects": self.pick(tx.OBSERVATION_SIDE),
                "action": self.pick(tx.OBSERVATION_ACTIONS),
            }
            if not data["effect"] and not data["side_effects"]:
                data["effect"] = "Ingen tydelig effekt endnu."
            author = self.team_author(c, Kind.MEDICATION_OBSERVATION)
            self.one(c, Kind.MEDICATION_OBSERVATION, day, author, data)
        if f > 1 or self.chance(0.1):
            day = self.within(start, end)
            drug = self.pick(drug_names)
            data = {
                "drug": drug,
                "resident_wish": self.text(c, self.pick(tx.TAPERING_WISHES), drug=drug),
                "steps": self.pick(tx.TAPERING_STEPS),
                "warning_signs": self.pick(tx.TAPERING_SIGNS),
            }
            review = day + days(span(rng, 14, 60))
            author = self.team_author(c, Kind.TAPERING_PLAN)
            self.one(c, Kind.TAPERING_PLAN, day, author, data, review=review)
        if self.chance(0.9):
            for day in [start + days(span(rng, 0, min(30, (end - start).days)))] + (
                [self.within(start, end)] if self.chance(0.2 * f) else []
            ):
                handling = weighted(
                    rng, ("facility", "home_nursing", "pharmacy", "resident"), (55, 15, 20, 10)
                )
                data = {
                    "handling": self.text(c, tx.HANDLING_TEXTS[handling]),
                    "blood_tests": self.pick(tx.BLOOD_TESTS),
                    "contact": self.text(c, self.pick(tx.CONTACT_TEXTS)),
                }
                author = self.team_author(c, Kind.MEDICATION_AGREEMENT)
                self.one(c, Kind.MEDICATION_AGREEMENT, day, author, data, subtype=handling)

    # --- assessments -----------------------------------------------------------------------

    def assessments(self, c: _Course, start, end, f: float) -> None:
        rng, dense = self.rng, f > 1
        if self.chance(0.8) or dense:
            first = start + days(span(rng, 0, min(60, (end - start).days)))
            for day in [first, *self.dates(first + days(200), end, GAP["psychiatric"] / f)]:
                data = {
                    "background": self.pick(tx.PSYCH_BACKGROUNDS),
                    "mental_state": self.pick(tx.PSYCH_STATES),
                    "diagnoses": self.pick(tx.PSYCH_DIAGNOSES),
                    "functioning": self.pick(tx.PSYCH_FUNCTIONING),
                    "conclusion": self.pick(tx.PSYCH_CONCLUSIONS),
                }
                review = day + days(span(rng, 90, 365)) if self.chance(0.7) else None
                author = self.team_author(c, Kind.PSYCHIATRIC)
                self.one(c, Kind.PSYCHIATRIC, day, author, data, review=review)
        if self.chance(0.55) or dense:
            for day in self.dates(start, end, GAP["suicide_risk"] / f, first_within=60):
                level = weighted(rng, ("low", "moderate", "high", "acute"), (50, 30, 15, 5))
                factors = sorted(rng.sample([k for k, _l in _RISK_FACTORS], span(rng, 0, 3)))
                data = {
                    "risk_factors": factors,
                    "risk_text": self.pick(tx.RISK_TEXTS),
                    "protective_factors": self.text(c, self.pick(tx.RISK_PROTECTIVE)),
                    "actions": self.text(c, self.pick(tx.RISK_ACTIONS[level])),
                }
                review = day + days({"low": 120, "moderate": 45, "high": 14, "acute": 3}[level])
                author = self.team_author(c, Kind.SUICIDE_RISK)
                self.one(c, Kind.SUICIDE_RISK, day, author, data, subtype=level, review=review)
        if self.chance(0.35) or dense:
            for day in self.dates(start, end, GAP["substance"] / f):
                substances = sorted(
                    rng.sample(list(tx.SUBSTANCE_PATTERNS), span(rng, 1, 2)),
                    key=list(tx.SUBSTANCE_PATTERNS).index,
                )
                data = {
                    "substances": substances,
                    "pattern": " ".join(self.pick(tx.SUBSTANCE_PATTERNS[s]) for s in substances),
                    "motivation": self.pick(tx.SUBSTANCE_MOTIVATION),
                    "municipal_treatment": self.pick(tx.SUBSTANCE_MUNICIPAL),
                }
                subtype = weighted(rng, ("yes", "no", "unclear"), (30, 40, 30))
                review = day + days(span(rng, 60, 240)) if self.chance(0.6) else None
                author = self.team_author(c, Kind.SUBSTANCE)
                self.one(c, Kind.SUBSTANCE, day, author, data, subtype=subtype, review=review)
        if self.chance(0.65) or dense:
            weight = 60 + span(rng, 0, 60)
            for day in self.dates(start, end, GAP["somatic"] / f):
                systolic = span(rng, 105, 165)
                weight += span(rng, -3, 5)
                data = {
                    "blood_pressure_systolic": systolic,
                    "blood_pressure_diastolic": systolic - span(rng, 30, 55),
                    "pulse": span(rng, 55, 105),
                    "weight_kg": _decimal(weight, span(rng, 0, 9)),
                    "waist_cm": max(60, weight + span(rng, 5, 25)),
                    "blood_tests": self.pick(tx.SOMATIC_BLOOD),
                    "findings": self.pick(tx.SOMATIC_FINDINGS),
                    "follow_up": self.pick(tx.SOMATIC_FOLLOW),
                }
                review = day + days(span(rng, 90, 365)) if self.chance(0.6) else None
                author = self.team_author(c, Kind.SOMATIC)
                self.one(c, Kind.SOMATIC, day, author, data, review=review)
        if self.chance(0.65) or dense:
            for day in self.dates(start, end, GAP["kram"] / f):
                data = {
                    "diet": self.pick(tx.KRAM_DIET),
                    "smoking_per_day": weighted(rng, (0, 5, 10, 20, 30), (35, 10, 20, 25, 10)),
                    "alcohol_units_week": weighted(rng, (0, 2, 6, 14, 30), (45, 20, 20, 10, 5)),
                    "exercise": self.pick(tx.KRAM_EXERCISE),
                    "resident_goals": self.pick(tx.KRAM_GOALS),
                }
                review = day + days(365) if self.chance(0.5) else None
                author = self.team_author(c, Kind.KRAM)
                self.one(c, Kind.KRAM, day, author, data, review=review)
        if self.chance(0.5) or dense:
            for day in self.dates(start, end, GAP["health_check"] / max(1.0, f / 2)):
                data = {
                    "gp": self.pick(tx.EXTERNAL_WHO["gp"]),
                    "findings": self.pick(tx.HEALTH_CHECK_FINDINGS),
                }
                author = self.team_author(c, Kind.HEALTH_CHECK)
                self.one(c, Kind.HEALTH_CHECK, day, author, data)

    # --- plans (one living document per resident, corrected into versions) ------------------

    def plans(self, c: _Course, start, end, f: float) -> None:
        rng, today = self.rng, self.today
        resident = c.resident_id
        latest = self.last_course[resident] == c.pk
        for kind, share in ((Kind.TREATMENT_PLAN, 0.85), (Kind.CRISIS_PLAN, 0.75)):
            if (resident, kind) in self.has_single:
                if c.dense:
                    self.revise(c, kind, start, end, f)
                continue
            if not (c.dense or (latest and self.chance(share))):
                continue
            self.has_single.add((resident, kind))
            first = start + days(span(rng, 7, 60))
            if first > end:
                first = start
            self.plan_entries[(resident, kind)] = self.add(
                c, kind, [self.plan_state(c, kind, first, end)]
            )
            self.revise(c, kind, first + days(60), end, f)
            if latest and c.ended_on >= today and not c.dense and self.chance(0.8):
                self.keep_current(c, kind)
        end_free = (resident, Kind.END_PLAN) not in self.has_single
        if c.ended_on < today and end_free:
            if self.chance(0.85) or c.dense:
                self.has_single.add((resident, Kind.END_PLAN))
                day = max(start, c.ended_on - days(span(rng, 20, 90)))
                self.plan_entries[(resident, Kind.END_PLAN)] = self.add(
                    c, Kind.END_PLAN, [self.end_state(c, day, c.ended_on)]
                )
        elif c.dense and c.ended_on < today:
            entry = self.plan_entries[(resident, Kind.END_PLAN)]
            day = max(start, c.ended_on - days(span(rng, 20, 90)))
            self.extend(entry, [self.end_state(c, day, c.ended_on, reason="Forløbet afsluttes")])
        elif end_free and latest and c.ended_on >= today and self.chance(0.03):
            self.has_single.add((resident, Kind.END_PLAN))
            day = today - days(span(rng, 0, 20))
            if day >= start:
                until = today + days(span(rng, 14, 90))
                self.add(c, Kind.END_PLAN, [self.end_state(c, day, until)])

    def revise(self, c: _Course, kind: str, start, end, f: float) -> None:
        """Later versions of a living plan, every 3-9 months (a few for most residents)."""
        rng = self.rng
        entry = self.plan_entries[(c.resident_id, kind)]
        wanted = 99 if c.dense else weighted(rng, (0, 1, 2, 3, 5), (35, 25, 20, 12, 8))
        states = [
            self.plan_state(c, kind, day, end, reason=True)
            for day in self.dates(start, end, GAP["plan_revision"] / (2 if c.dense else 1))[:wanted]
        ]
        if states:
            self.extend(entry, states)

    def keep_current(self, c: _Course, kind: str) -> None:
        """Most residents in an active course have a plan revised within its review interval
        (the framework's adherence figures should look like a team that mostly keeps up)."""
        entry = self.plan_entries[(c.resident_id, kind)]
        last = entry.versions[-1]
        if last.review_on is not None and last.review_on >= self.today:
            return
        day = self.today - days(span(self.rng, 5, 80))
        if day <= last.occurred_on:
            return
        self.extend(entry, [self.plan_state(c, kind, day, self.today, reason=True)])

    def plan_state(self, c: _Course, kind: str, day, end, reason: bool = False) -> dict:
        rng = self.rng
        # a review date that has passed unless the plan was revised since: some are overdue
        review = day + days(weighted(rng, (90, 120, 180, 365), (20, 30, 40, 10)))
        author = self.team_author(c, kind)
        if reason and self.chance(0.4):
            author = c.doctor
        state = {"day": day, "review": review, "author": author, "lag": span(rng, 0, 3)}
        if reason:
            state["reason"] = self.text(c, self.pick(tx.PLAN_REASONS))
        if kind == Kind.TREATMENT_PLAN:
            state["data"] = {
                "goals": self.join(c, tx.PLAN_GOALS, tx.PLAN_GOALS),
                "resident_words": self.pick(tx.PLAN_WORDS),
                "interventions": self.pick(tx.PLAN_INTERVENTIONS),
                "responsibilities": self.text(c, self.pick(tx.PLAN_RESPONSIBILITIES)),
            }
            return state
        on_board = any(lo <= day <= hi for lo, hi in self.board.get(c.resident_id, []))
        phase = weighted(rng, ("green", "yellow", "red"), (30, 50, 20) if on_board else (75, 20, 5))
        phone = c.team.phone or f"70 20 {span(rng, 10, 99)} {span(rng, 10, 99)}"
        state["subtype"] = phase
        state["data"] = {
            "green_signs": self.text(c, self.pick(tx.CRISIS_GREEN)),
            "green_resident": self.pick(tx.CRISIS_RESIDENT),
            "green_facility": self.text(c, self.pick(tx.CRISIS_FACILITY)),
            "green_team": self.pick(tx.CRISIS_TEAM),
            "yellow_signs": self.text(c, self.pick(tx.CRISIS_YELLOW)),
            "yellow_resident": self.pick(tx.CRISIS_RESIDENT),
            "yellow_facility": self.text(c, self.pick(tx.CRISIS_FACILITY)),
            "yellow_team": self.pick(tx.CRISIS_TEAM),
            "red_signs": self.text(c, self.pick(tx.CRISIS_RED)),
            "red_resident": self.pick(tx.CRISIS_RESIDENT),
            "red_facility": self.text(c, self.pick(tx.CRISIS_FACILITY)),
            "red_team": self.pick(tx.CRISIS_TEAM),
            "triggers": self.pick(tx.CRISIS_TRIGGERS),
            "helps": self.pick(tx.CRISIS_HELPS),
            "avoid": self.pick(tx.CRISIS_AVOID),
            "call_open": tx.CALL_OPEN.format(team=c.team.name, phone=phone),
            "call_closed": self.pick(tx.CALL_CLOSED),
            "own_words": self.chance(0.6),
        }
        return state

    def end_state(self, c: _Course, day, until, reason: str = "") -> dict:
        transition = c.transition if c.transition in _TRANSITIONS else "other"
        if not c.transition:
            transition = weighted(
                self.rng, ("gp", "community_psychiatry", "municipal"), (60, 30, 10)
            )
        return {
            "day": day,
            "until": until,
            "subtype": transition,
            "author": self.team_author(c, Kind.END_PLAN),
            "reason": reason,
            "data": {
                "plan": self.pick(tx.END_PLANS),
                "with_resident": self.text(c, self.pick(tx.END_WITH_RESIDENT)),
                "handover": self.pick(tx.END_HANDOVER),
            },
        }

    # --- all together ------------------------------------------------------------------------

    def course(self, c: _Course) -> None:
        start, end = c.started_on, min(c.ended_on, self.today)
        if end < start:
            return
        f = DENSE_FACTOR if c.dense else 1.0
        self.contacts(c, start, end, f)
        self.events(c, start, end, f)
        self.medication(c, start, end, f)
        self.assessments(c, start, end, f)
        self.plans(c, start, end, f)

    def build(self) -> RecordPlan:
        """The whole plan in memory (for the tests; ``write_demo_record`` goes in batches)."""
        self.load()
        for c in self.courses:
            self.course(c)
        self.plan.tally()
        return self.plan

    def batches(self, size: int = 300):
        """Plan the courses a few hundred at a time, a resident's courses together; yields
        the plan with that batch's entries, then drops them (memory stays small at the
        national scale)."""
        self.load()
        count = 0
        for k, c in enumerate(self.courses):
            self.course(c)
            count += 1
            following = self.courses[k + 1] if k + 1 < len(self.courses) else None
            if following is None or (count >= size and following.resident_id != c.resident_id):
                self.plan.tally()
                yield self.plan
                self.plan.entries = []
                self.plan_entries.clear()
                count = 0


def _choices(kind: str, name: str) -> list[tuple[str, Any]]:
    """A choice field's choices (a list: Django normalises them)."""
    field = cast(forms.ChoiceField, FORMS[kind].base_fields[name])
    return cast("list[tuple[str, Any]]", field.choices)


_RISK_FACTORS = _choices(Kind.SUICIDE_RISK, "risk_factors")
_TRANSITIONS = {value for value, _label in _choices(Kind.END_PLAN, "subtype")}


def plan_demo_record(
    seed: int, today: datetime.date | None = None, dense_id: int | None = None
) -> RecordPlan:
    """Plan the record from what is in the database (reads only)."""
    return RecordPlanner(seed, today or timezone.localdate(), dense_id).build()


def write_demo_record(seed: int) -> dict:
    """Add the densest resident's earlier courses, plan the record and insert it; returns the
    counts (see ``record_summary``)."""
    today = timezone.localdate()
    with transaction.atomic():
        dense_id = DenseHistory(seed, today).add()
        planner = RecordPlanner(seed, today, dense_id)
        for plan in planner.batches():
            insert_plan(plan)
    return planner.plan.counts()


ENTRY_FIELDS = (
    "id",
    "resident",
    "course",
    "team",
    "facility",
    "kind",
    "category",
    "sector",
    "occurred_on",
    "occurred_until",
    "review_on",
    "subtype",
    "data",
    "recorded_by",
    "recorded_at",
    "updated_by",
    "updated_at",
    "version",
)
VERSION_FIELDS = (
    "entry",
    "number",
    "occurred_on",
    "occurred_until",
    "review_on",
    "subtype",
    "data",
    "author",
    "created_at",
    "reason",
)


def _copy_statement(model: type[models.Model], names: tuple[str, ...]) -> sql.Composed:
    """``COPY "table" ("column", ...) FROM STDIN``: the names are quoted identifiers from the
    model's metadata; the rows travel as data, never as SQL."""
    column = {f.name: f.column for f in model._meta.concrete_fields}
    return sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(model._meta.db_table),
        columns=sql.SQL(", ").join([sql.Identifier(column[name]) for name in names]),
    )


def insert_plan(plan: RecordPlan) -> None:
    """Insert the planned entries and versions with PostgreSQL's ``COPY`` (the model layer's
    per-field work would cost most of seed_demo's time here). Entries get explicit ids after
    the largest one; the id sequence is reset afterwards."""
    ops = connection.ops
    day, moment = ops.adapt_datefield_value, ops.adapt_datetimefield_value
    json_field = Entry._meta.get_field("data")

    def as_json(value):
        return json_field.get_db_prep_save(value, connection)

    start = (Entry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    entries, versions = [], []
    for pk, e in enumerate(plan.entries, start):
        first, last = e.versions[0], e.versions[-1]
        for v in e.versions:
            v.data = as_json(v.data)
            versions.append(
                (
                    pk,
                    v.number,
                    day(v.occurred_on),
                    day(v.occurred_until),
                    day(v.review_on),
                    v.subtype,
                    v.data,
                    v.author_id,
                    moment(v.created_at),
                    v.reason,
                )
            )
        entries.append(
            (
                pk,
                e.resident_id,
                e.course_id,
                e.team_id,
                e.facility_id,
                e.kind,
                CATEGORY[e.kind] or "",
                e.sector,
                day(last.occurred_on),
                day(last.occurred_until),
                day(last.review_on),
                last.subtype,
                last.data,
                first.author_id,
                moment(first.created_at),
                last.author_id,
                moment(last.created_at),
                len(e.versions),
            )
        )
    with connection.cursor() as cursor:
        for model, names, rows in (
            (Entry, ENTRY_FIELDS, entries),
            (EntryVersion, VERSION_FIELDS, versions),
        ):
            with cursor.copy(_copy_statement(model, names)) as copy:
                for row in rows:
                    copy.write_row(row)
        for statement in ops.sequence_reset_sql(no_style(), [Entry]):
            cursor.execute(statement)
