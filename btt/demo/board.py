"""Demo data for the overview board (beboeroverblikstavle), the weekly meetings and the
questions between them, written after the residents, courses and consents exist.

10-20 % of the residents in an active course are on a board, with the history of its columns
and earlier spells on the board; every facility with a team has a weekly meeting time, and the
facilities with a board have past minutes, actions, and open and answered questions.

Deterministic: seeded random streams, rows visited in primary-key order, dates drawn as offsets
from today (a run on another day moves the dates, not the choices). Written directly with
``bulk_create`` in one transaction like the rest of the demo data: no services, no audit rows.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from board import models as bm
from consent.models import TO_FACILITY, Consent, ConsentKind, ConsentScope
from consent.selectors import active_q, shared_categories_bulk
from courses.models import Course, CourseStatus
from organisation.models import (
    Facility,
    Membership,
    MembershipStatus,
    Profession,
    Role,
    TeamKind,
)

from . import vocabulary as vocab
from .board_meetings import ACTIVE, EGELY, MeetingsMixin, ddmm
from .board_meetings import pick as _pick
from .common import days, span, weighted, working_time

BATCH_SIZE = 500
EGELY_FULL = ("board", "goals", "plans")  # at least two Egely board residents share these
_CRITERIA = tuple(bm.BoardCriterion.values)
_CRITERIA_W = (14, 14, 9, 9, 16, 6, 6, 12, 5, 10, 3)  # in BoardCriterion order
_FIELDS = bm.FACILITY_FIELDS + bm.SHARED_FIELDS + bm.TEAM_FIELDS  # the columns with a history
_ROW_MODELS: tuple[type[Model], ...] = (
    ConsentScope,
    bm.MeetingSchedule,
    bm.Meeting,
    bm.Attendance,
    bm.AgendaItem,
)
_ROW_MODELS += (bm.Action, bm.Question)  # written after the entries, in foreign-key order


def _text(value) -> str:
    """A value as ``board.services`` writes it into ``BoardEntryChange``."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value.pk) if isinstance(value, User) else str(value)


def board_digest(rows, today: datetime.date) -> str:
    """Digest of (resident name, days on the board before ``today``, status, criteria): the
    same for two runs with the same seed, whichever day they run on."""
    lines = sorted(
        f"{name}\t{(today - placed_on).days}\t{status}\t{','.join(criteria)}"
        for name, placed_on, status, criteria in rows
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@dataclass(eq=False)
class _Team:
    pk: int
    child: bool
    nurses: list[User] = field(default_factory=list)
    doctors: list[User] = field(default_factory=list)
    others: list[User] = field(default_factory=list)
    leader: User | None = None


@dataclass(eq=False)
class _Facility:
    pk: int
    name: str
    team: _Team
    staff: list[User] = field(default_factory=list)
    leader: User | None = None
    courses: list[_Course] = field(default_factory=list)  # active, in pk order
    nurse: User | None = None  # the team's fixed nurse here
    schedule: bm.MeetingSchedule | None = None

    @property
    def members(self) -> list[User]:
        return self.staff + ([self.leader] if self.leader else [])

    def memorable(self, username: str) -> User:
        return next((u for u in self.staff if u.username == username), self.staff[0])


@dataclass(eq=False)
class _Course:
    pk: int
    resident_id: int
    team_id: int
    name: str  # the resident's first name, as staff write it
    full_name: str
    facility: _Facility
    started_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str
    contact: User | None  # the housing contact
    doctor: User
    team_contacts: list[User]

    def as_row(self) -> SimpleNamespace:  # what shared_categories_bulk needs
        return SimpleNamespace(
            pk=self.pk, resident_id=self.resident_id, facility_id=self.facility.pk
        )


@dataclass(eq=False)
class _Planned:
    entry: bm.BoardEntry
    course: _Course
    changes: list[bm.BoardEntryChange] = field(default_factory=list)
    end: dict | None = None  # the final save of an ended entry


@dataclass(eq=False)
class BoardPlan:
    today: datetime.date
    active_course_residents: int = 0
    entries: list[_Planned] = field(default_factory=list)
    rows: dict[type[Model], list[Any]] = field(default_factory=lambda: {m: [] for m in _ROW_MODELS})

    def digest(self) -> str:
        return board_digest(
            [
                (p.course.full_name, p.entry.placed_on, p.entry.status, p.entry.criteria)
                for p in self.entries
            ],
            self.today,
        )

    def counts(self) -> dict:
        active = sum(p.entry.status == ACTIVE for p in self.entries)
        actions, questions = self.rows[bm.Action], self.rows[bm.Question]
        done = sum(a.done_at is not None for a in actions)
        answered = sum(q.answered_at is not None for q in questions)
        return {
            "active_entries": active,
            "ended_entries": len(self.entries) - active,
            "active_course_residents": self.active_course_residents,
            "board_share": active / max(1, self.active_course_residents),
            "entry_changes": sum(len(p.changes) for p in self.entries),
            "schedules": len(self.rows[bm.MeetingSchedule]),
            "meetings": len(self.rows[bm.Meeting]),
            "agenda_items": len(self.rows[bm.AgendaItem]),
            "actions_open": len(actions) - done,
            "actions_done": done,
            "questions_open": len(questions) - answered,
            "questions_answered": answered,
        }


def board_summary(c: dict) -> str:
    return (
        f"Board: {c['active_entries']} residents on a board ({100 * c['board_share']:.1f} % of "
        f"{c['active_course_residents']} in an active course), {c['ended_entries']} earlier "
        f"entries, {c['entry_changes']} column changes; {c['schedules']} meeting times, "
        f"{c['meetings']} past meetings, {c['agenda_items']} agenda items; actions "
        f"{c['actions_open']} open / {c['actions_done']} done; questions "
        f"{c['questions_open']} open / {c['questions_answered']} answered."
    )


class BoardPlanner(MeetingsMixin):
    def __init__(self, seed: int, today: datetime.date):
        self.rng = random.Random(seed * 53 + 11)  # noqa: S311  # nosec B311
        self.rng_meet = random.Random(seed * 53 + 12)  # noqa: S311  # nosec B311
        self.today, self.yesterday = today, today - days(1)
        self.plan = BoardPlan(today=today)
        self.facilities: list[_Facility] = []
        self.ended_courses: list[_Course] = []

    # --- what is in the database -------------------------------------------------------

    def load(self) -> None:
        teams: dict[int, _Team] = {}
        for f in Facility.objects.filter(team__isnull=False).select_related("team").order_by("pk"):
            if f.team is None or f.team_id is None:  # filtered out above
                continue
            child = f.team.kind == TeamKind.CHILD_YOUTH
            team = teams.setdefault(f.team_id, _Team(pk=f.team_id, child=child))
            self.facilities.append(_Facility(pk=f.pk, name=f.name, team=team))
        by_pk = {f.pk: f for f in self.facilities}
        roles = (Role.TEAM_STAFF, Role.TEAM_LEADER, Role.FACILITY_STAFF, Role.FACILITY_LEADER)
        users: dict[int | None, User] = {}
        memberships = Membership.objects.filter(
            is_active=True, status=MembershipStatus.CONFIRMED, role__in=roles
        )
        for m in memberships.select_related("user").order_by("pk"):
            users[m.user_id] = m.user
            if m.team_id in teams:
                team = teams[m.team_id]
                if m.role == Role.TEAM_LEADER:
                    team.leader = m.user
                else:
                    group: dict[str, str] = {
                        Profession.NURSE: "nurses",
                        Profession.DOCTOR: "doctors",
                    }
                    getattr(team, group.get(m.profession, "others")).append(m.user)
            elif m.facility_id in by_pk:
                info = by_pk[m.facility_id]
                if m.role == Role.FACILITY_LEADER:
                    info.leader = m.user
                else:
                    info.staff.append(m.user)
        for team in teams.values():  # the team's nurses take its facilities in turn
            mine = [f for f in self.facilities if f.team is team]
            for i, info in enumerate(mine):
                info.nurse = team.nurses[i % len(team.nurses)] if team.nurses else team.leader
        contacts: dict[int, list[User]] = {}
        through = Course.team_contacts.through.objects.order_by("pk")
        for course_id, user_id in through.values_list("course_id", "user_id"):
            if user_id in users:
                contacts.setdefault(course_id, []).append(users[user_id])
        courses = Course.objects.filter(facility_id__in=list(by_pk)).select_related("resident")
        for c in courses.order_by("pk"):
            if c.responsible_doctor_id not in users:
                continue
            course = _Course(
                pk=c.pk,
                resident_id=c.resident_id,
                team_id=c.team_id,
                name=c.resident.first_name.split()[0],
                full_name=c.resident.full_name,
                facility=by_pk[c.facility_id],
                started_on=c.started_on,
                ended_on=c.ended_on,
                end_reason=c.end_reason,
                contact=users.get(c.facility_contact_id),
                doctor=users[c.responsible_doctor_id],
                team_contacts=contacts.get(c.pk, []),
            )
            if c.status == CourseStatus.ACTIVE:
                course.facility.courses.append(course)
                self.plan.active_course_residents += 1
            else:
                self.ended_courses.append(course)

    # --- who writes --------------------------------------------------------------------

    def team_author(self, course: _Course) -> User:
        return _pick(self.rng, course.team_contacts or [course.facility.nurse])

    def facility_author(self, course: _Course) -> User:
        if course.contact is not None and self.rng.random() < 0.7:
            return course.contact
        return _pick(self.rng, course.facility.members)

    def either_author(self, course: _Course) -> User:
        team = self.rng.random() < 0.6
        return self.team_author(course) if team else self.facility_author(course)

    # --- who is on which board ---------------------------------------------------------

    def eligible(self, info: _Facility) -> list[_Course]:
        return [c for c in info.courses if (self.today - c.started_on).days >= 2]

    def counts(self) -> dict[_Facility, int]:
        """Some facilities with none, typically 2-6, a couple with 8-10, a few children;
        nudged into 12-17 % of the residents in an active course if outside."""
        rng, n_active = self.rng, self.plan.active_course_residents
        adult = [f for f in self.facilities if not f.team.child and f.members]
        child = [f for f in self.facilities if f.team.child and f.members]
        roomy = [f for f in adult if len(self.eligible(f)) >= 16 and f.name != EGELY]
        big = set(rng.sample(roomy, 2)) if len(adult) >= 20 and len(roomy) >= 2 else set()
        counts: dict[_Facility, int] = {}
        for f in adult:
            n, roll = len(self.eligible(f)), rng.random()
            usual = weighted(rng, (1, 2, 3, 4, 5, 6), (10, 32, 28, 16, 9, 5))
            if f.name == EGELY:
                counts[f] = min(n, span(rng, 5, 7))
            elif f in big:
                counts[f] = min(n - 4, span(rng, 8, 10))
            else:
                counts[f] = 0 if roll < 0.1 else min(usual, n // 2)
        for f in rng.sample(child, min(2, len(child))):
            counts[f] = min(len(self.eligible(f)) // 3, span(rng, 1, 2))
        movable = [f for f in adult if f.name != EGELY and f not in big and counts[f] > 0]
        total = sum(counts.values())
        while not 0.12 * n_active <= total <= 0.17 * n_active:
            step = 1 if total < 0.12 * n_active else -1
            cap = {f: min(6, len(self.eligible(f)) // 2) for f in movable}
            room = [f for f in movable if (counts[f] > 1 if step < 0 else counts[f] < cap[f])]
            if not room:
                break
            counts[_pick(rng, room)] += step
            total += step
        return counts

    def choose(self, info: _Facility, k: int) -> list[_Course]:
        eligible = self.eligible(info)
        if info.name != EGELY:
            return sorted(self.rng.sample(eligible, k), key=lambda c: c.pk)
        # Egely: most share the board with the facility, one does not (a withheld entry).
        shared = shared_categories_bulk([c.as_row() for c in eligible])
        with_board = [c for c in eligible if "board" in shared[c.pk]]
        without = [c for c in eligible if "board" not in shared[c.pk]]
        chosen = self.rng.sample(without, min(1, len(without), k))
        chosen += self.rng.sample(with_board, min(k - len(chosen), len(with_board)))
        rest = [c for c in without if c not in chosen]
        chosen += self.rng.sample(rest, min(k - len(chosen), len(rest)))
        full = sum(set(EGELY_FULL) <= shared[c.pk] for c in chosen)
        partial = [c for c in chosen if c in with_board and not set(EGELY_FULL) <= shared[c.pk]]
        for c in partial[: max(0, 2 - full)]:
            consent = (
                Consent.objects.filter(
                    resident_id=c.resident_id,
                    kind=ConsentKind.SHARING,
                    facility_id=info.pk,
                    direction__in=TO_FACILITY,
                    scopes__category="board",
                )
                .filter(active_q(self.today))
                .order_by("pk")
                .first()
            )
            if consent is None:  # ``with_board``: they have one
                continue
            has = set(consent.scopes.values_list("category", flat=True))
            scopes = [ConsentScope(consent=consent, category=x) for x in EGELY_FULL if x not in has]
            self.plan.rows[ConsentScope] += scopes
        return sorted(chosen, key=lambda c: c.pk)

    # --- entries -----------------------------------------------------------------------

    def criteria(self) -> list[str]:
        pool, weights, chosen = list(_CRITERIA), list(_CRITERIA_W), []
        for _ in range(weighted(self.rng, (1, 2, 3), (35, 45, 20))):
            i = pool.index(weighted(self.rng, tuple(pool), tuple(weights)))
            chosen.append(pool.pop(i))
            weights.pop(i)
        return [c for c in _CRITERIA if c in chosen]

    def entry(self, course: _Course, placed_on: datetime.date, review_on: datetime.date):
        rng, name = self.rng, course.name
        recent = (self.today - placed_on).days
        criteria = self.criteria()
        need = [_pick(rng, vocab.BOARD_NEED_OPENINGS).format(name=name)]
        need += [_pick(rng, vocab.BOARD_NEED_BY_CRITERION[c]) for c in criteria]
        others = ", ".join(rng.sample(vocab.BOARD_INVOLVED, span(rng, 1, 3)))
        informed_on = min(placed_on + days(span(rng, 0, 7)), self.yesterday)
        informed = _pick(rng, vocab.BOARD_RESIDENT_INFORMED).format(date=ddmm(informed_on))
        nurses = [u for u in course.team_contacts if u in course.facility.team.nurses]
        entry = bm.BoardEntry(
            resident_id=course.resident_id,
            course_id=course.pk,
            team_id=course.team_id,
            facility_id=course.facility.pk,
            placed_on=placed_on,
            review_on=review_on,
            housing_contact=course.contact,
            others_involved=others[:1].upper() + others[1:] if rng.random() < 0.85 else "",
            criteria=criteria,
            need_text=" ".join(need),
            goals_short=_pick(rng, vocab.BOARD_GOALS_SHORT),
            goals_long=_pick(rng, vocab.BOARD_GOALS_LONG),
            resident_goals=_pick(rng, vocab.BOARD_RESIDENT_GOALS),
            resident_informed="" if recent <= 3 and rng.random() < 0.5 else informed,
            social_interventions=_pick(rng, vocab.BOARD_SOCIAL),
            treatment_interventions=_pick(rng, vocab.BOARD_TREATMENT),
            created_by=nurses[0] if nurses else course.facility.nurse,
        )
        if recent < 7 and rng.random() < 0.5:
            entry.social_interventions = ""
        if recent < 4 and rng.random() < 0.4:
            entry.treatment_interventions = ""
        planned = _Planned(entry=entry, course=course)
        self.plan.entries.append(planned)
        return planned

    def place_active(self, course: _Course, first: bool) -> _Planned:
        rng = self.rng
        bucket = weighted(rng, ((1, 30), (31, 84), (85, 200)), (40, 38, 22))
        offset = span(rng, 35, 150) if first else span(rng, *bucket)  # first: minutes exist
        offset = max(1, min(offset, (self.today - course.started_on).days))
        overdue = rng.random() < 0.27 and offset >= 21
        review = -span(rng, 1, 14) if overdue else span(rng, 0, 21)
        return self.entry(course, self.today - days(offset), self.today + days(review))

    def place_ended(self, active: dict[int, _Planned]) -> None:
        """Earlier spells on the board (~5 %), some for residents who are on it again now."""
        rng, today = self.rng, self.today
        n = round(0.05 * self.plan.active_course_residents)
        again, fresh, old = [], [], []
        for info in self.facilities:
            for c in info.courses:
                age = (today - c.started_on).days
                if c.resident_id in active:
                    offset = (today - active[c.resident_id].entry.placed_on).days
                    if age >= offset + 60:
                        again.append((c, offset + 14, min(offset + 120, age - 21)))
                elif age >= 60:
                    fresh.append((c, 3, min(240, age - 21)))
        for c in self.ended_courses:
            if c.ended_on is None:  # ended courses have an end date
                continue
            ago = (today - c.ended_on).days
            if ago <= 400 and (c.ended_on - c.started_on).days >= 60:
                old.append((c, ago + 1, ago + 10))
        n_again, n_old = min(len(again), round(n * 0.3)), min(len(old), round(n * 0.1))
        picked = rng.sample(again, n_again) + rng.sample(old, n_old)
        picked += rng.sample(fresh, min(len(fresh), n - n_again - n_old))
        reasons = (bm.EndReason.GOALS_MET, bm.EndReason.STABLE, bm.EndReason.ADMITTED, "other")
        for course, lo, hi in sorted(picked, key=lambda t: t[0].pk):
            ended_on = today - days(span(rng, lo, hi))
            placed_on = min(
                max(course.started_on, ended_on - days(span(rng, 21, 180))), ended_on - days(1)
            )
            p = self.entry(course, placed_on, placed_on)
            e = p.entry
            reason = weighted(rng, reasons, (40, 35, 15, 10))
            if course.ended_on is not None:
                reason = "moved" if course.end_reason == "moved" else "course_ended"
            # taken off the board at the weekly meeting (no draw: the weekday depends on today)
            schedule = course.facility.schedule  # every facility has one (``schedules``)
            weekday = schedule.weekday if schedule is not None else ended_on.weekday()
            meeting_day = ended_on - days((ended_on.weekday() - weekday) % 7)
            e.ended_on = meeting_day if meeting_day > placed_on else ended_on
            e.status, e.end_reason = bm.EntryStatus.ENDED, reason
            e.ending_text = _pick(rng, vocab.BOARD_ENDINGS[reason]).format(date=ddmm(e.ended_on))
            p.end = {"ending_text": e.ending_text, "end_reason": reason, "ended_on": e.ended_on}
            p.end["by"] = self.either_author(course)

    def history(self, p: _Planned) -> None:
        """Creation, 1-4 later saves (the facility's own columns come in a save by housing
        staff), and for ended entries the final save, as ``board.services`` writes them: the
        rows of a save carry the version it produced; creation is version 1."""
        rng, e, course, end = self.rng, p.entry, p.course, p.end
        start, last = e.placed_on, e.ended_on or self.yesterday
        final = {f: getattr(e, f) for f in _FIELDS}
        initial = dict(final)
        saves: list[tuple[datetime.datetime, User, dict]] = []

        def save(who: User, change: dict, day: datetime.date | None = None) -> None:
            day = day or start + days(span(rng, 0, (last - start).days))
            saves.append((working_time(rng, day), who, change))
            for f in change:  # before this save the column was empty (criteria: one fewer)
                if f != "review_on":
                    initial[f] = e.criteria[:-1] if f == "criteria" else ""

        own = {f: final[f] for f in ("housing_contact", "social_interventions") if final[f]}
        if own:
            save(self.facility_author(course), own)
        kinds = rng.sample(
            ("review", "goals_short", "treatment_interventions", "criteria", "others_involved"), 5
        )
        if not end and (self.today - start).days > 35:  # an old entry has been followed up
            kinds.remove("review")
            kinds.insert(0, "review")
        wanted = span(rng, 0 if own else 1, 3) + len(saves)
        added = {"criteria": len(e.criteria) > 1, "others_involved": bool(e.others_involved)}
        for kind in kinds:
            hi = min(e.review_on - days(1), last)
            if len(saves) >= wanted or (kind == "review" and (end or hi <= start)):
                continue
            if kind == "review":  # followed up: a new review date (board_entry_review)
                e.last_reviewed_on = start + days(span(rng, 1, (hi - start).days))
                initial["review_on"] = start + days(span(rng, 14, 28))
                save(self.either_author(course), {"review_on": e.review_on}, e.last_reviewed_on)
            elif kind == "goals_short":
                save(self.either_author(course), {kind: e.goals_short})
                initial[kind] = _other(rng, vocab.BOARD_GOALS_SHORT, e.goals_short)
            elif kind == "treatment_interventions" and e.treatment_interventions:
                who = course.doctor if rng.random() < 0.4 else self.team_author(course)
                save(who, {kind: e.treatment_interventions})
                initial[kind] = _other(rng, vocab.BOARD_TREATMENT, e.treatment_interventions)
            elif added.get(kind):
                save(self.either_author(course), {kind: final[kind]})
        if e.review_on <= start:  # ended entries: the first review date lay after placing
            initial["review_on"] = e.review_on = start + days(span(rng, 14, 28))
        saves.sort(key=lambda s: s[0])
        created_at = working_time(rng, start)
        if saves and created_at >= saves[0][0]:
            created_at = saves[0][0] - datetime.timedelta(minutes=span(rng, 5, 90))
        if end and e.ended_on is not None:  # an ended entry has its end date
            stamp = max([created_at, *(s[0] for s in saves)]) + datetime.timedelta(hours=1)
            saves.append((max(stamp, working_time(rng, e.ended_on)), end.pop("by"), end))
        e.created_at = created_at
        current = dict.fromkeys(_FIELDS, "")
        creation = {f: v for f, v in initial.items() if _text(v)}
        for version, (when, who, change) in enumerate(
            [(created_at, e.created_by, creation), *saves], 1
        ):
            for f, value in change.items():
                p.changes.append(
                    bm.BoardEntryChange(
                        entry=e,
                        version=version,
                        field=f,
                        old_value=current.get(f, ""),
                        new_value=_text(value),
                        changed_by=who,
                        changed_at=when,
                    )
                )
                current[f] = _text(value)
                e.cell_meta[f] = {"by": who.pk, "name": who.get_full_name(), "at": when.isoformat()}
            e.version = version

    def entries(self) -> None:
        """Who is on which board and since when first; then the histories, whose draws
        depend on dates, so that they cannot shift the choices."""
        counts = self.counts()
        active: dict[int, _Planned] = {}
        for info in self.facilities:
            for i, course in enumerate(self.choose(info, counts.get(info, 0))):
                active[course.resident_id] = self.place_active(course, first=i == 0)
        self.place_ended(active)
        for p in self.plan.entries:
            self.history(p)

    def build(self) -> BoardPlan:
        self.load()
        self.schedules()
        self.entries()
        self.questions()
        self.meetings()
        return self.plan


def _other(rng: random.Random, options: tuple[str, ...], current: str) -> str:
    """An earlier text for a column: another template than the current one."""
    choice = _pick(rng, options)
    return choice if choice != current else options[(options.index(choice) + 1) % len(options)]


def plan_demo_board(seed: int, today: datetime.date | None = None) -> BoardPlan:
    """Plan the board demo data from what is in the database (reads only; the consent
    scopes it would add are in ``rows``)."""
    return BoardPlanner(seed, today or timezone.localdate()).build()


def write_demo_board(seed: int) -> dict:
    """Plan and insert the board demo data; returns the counts (see ``board_summary``)."""
    with transaction.atomic():
        plan = plan_demo_board(seed)
        entries = [p.entry for p in plan.entries]
        bm.BoardEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
        changes = [c for p in plan.entries for c in p.changes]
        bm.BoardEntryChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
        for model, rows in plan.rows.items():
            model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return plan.counts()
