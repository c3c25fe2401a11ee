"""The weekly overview meetings, their minutes and actions, and the questions and updates
left between meetings, for the board demo data (``btt.demo.board`` plans the board itself).

A mixin of ``btt.demo.board.BoardPlanner``: it uses the planner's facilities, entries and
``rng_meet`` stream, and adds its rows to ``self.plan.rows``.
"""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.models import User
from board import models as bm

from . import vocabulary as vocab
from .common import at, days, span, weighted, working_time

if TYPE_CHECKING:
    from .board import BoardPlan, _Course, _Facility, _Planned

EGELY = "Bostedet Egely"
ACTIVE = bm.EntryStatus.ACTIVE
TO_TEAM, TO_FACILITY = bm.QuestionDirection.TO_TEAM, bm.QuestionDirection.TO_FACILITY
_REASONS = ("new", "review_due", "question", "open_action")  # agenda order (board.services)


def pick(rng: random.Random, seq):
    """One element using exactly one draw (``rng.choice`` may use more)."""
    return seq[span(rng, 0, len(seq) - 1)]


def ddmm(day: datetime.date) -> str:
    return f"{day.day:02d}.{day.month:02d}"


class MeetingsMixin:
    """Schedules, past meetings with minutes and actions, and questions (``BoardPlanner``)."""

    # the planner's (``BoardPlanner.__init__``)
    rng_meet: random.Random
    facilities: list[_Facility]
    plan: BoardPlan
    today: datetime.date
    yesterday: datetime.date

    def schedules(self) -> None:
        rng = self.rng_meet
        for info in self.facilities:
            minutes = 9 * 60 + 30 * span(rng, 0, 10)  # 09:00-14:00 on the half hour
            info.schedule = bm.MeetingSchedule(
                facility_id=info.pk,
                weekday=span(rng, 0, 4),
                starts_at=datetime.time(minutes // 60, minutes % 60),
                minutes_per_resident=5 if rng.random() < 0.3 else None,
            )
            self.plan.rows[bm.MeetingSchedule].append(info.schedule)

    def questions(self) -> None:
        """About one in three residents on a board, a few others; about half answered."""
        rng, questions = self.rng_meet, self.plan.rows[bm.Question]
        on_board = {p.course.pk for p in self.plan.entries if p.entry.status == ACTIVE}
        for info in self.facilities:
            for course in info.courses:
                if rng.random() < (0.34 if course.pk in on_board else 0.025):
                    self.question(course, answered=rng.random() < 0.5)
            if info.name == EGELY:  # at least two open questions to the team
                mine = [q for q in questions if q.facility_id == info.pk and q.direction == TO_TEAM]
                missing = max(0, 2 - sum(q.answered_at is None for q in mine))
                for course in [c for c in info.courses if c.pk in on_board][:missing]:
                    question = self.question(course, answered=False, direction=TO_TEAM)
                    question.asked_by = info.memorable("botilbud")

    def question(self, course: _Course, *, answered: bool, direction: str | None = None):
        rng, info = self.rng_meet, course.facility
        kind = bm.QuestionKind.QUESTION if rng.random() < 0.65 else bm.QuestionKind.UPDATE
        drawn = TO_TEAM if rng.random() < 0.6 else TO_FACILITY
        direction = direction or drawn
        team_side = pick(rng, [info.nurse, course.doctor, *course.team_contacts])
        housing = [course.contact] * 2 + info.members if course.contact else info.members
        asker, answerer = team_side, pick(rng, housing)
        if direction == TO_TEAM:
            asker, answerer = answerer, asker
        ago = span(rng, 3, 60) if answered else span(rng, 1, 13)
        asked_at = working_time(rng, self.today - days(ago))
        i = span(rng, 0, len(vocab.BOARD_QUESTIONS[(direction, kind)]) - 1)
        q = bm.Question(
            resident_id=course.resident_id,
            facility_id=info.pk,
            team_id=info.team.pk,
            kind=kind,
            direction=direction,
            text=vocab.BOARD_QUESTIONS[(direction, kind)][i].format(name=course.name),
            asked_by=asker,
            asked_at=asked_at,
        )
        if answered:
            day = min(asked_at.date() + days(span(rng, 0, 4)), self.yesterday)
            later = asked_at + datetime.timedelta(minutes=span(rng, 20, 90))
            q.answered_at = max(working_time(rng, day), later)
            q.answered_by = answerer
            q.answer = vocab.BOARD_ANSWERS[(direction, kind)][i].format(name=course.name)
        self.plan.rows[bm.Question].append(q)
        return q

    def meetings(self) -> None:
        """4-8 past weekly meetings where a board exists, on the scheduled weekday."""
        rng = self.rng_meet
        by_facility: dict[int, list[_Planned]] = {}
        for p in self.plan.entries:
            by_facility.setdefault(p.course.facility.pk, []).append(p)
        for info in self.facilities:
            entries = by_facility.get(info.pk, [])
            if not any(p.entry.status == ACTIVE for p in entries):
                continue
            if info.schedule is None:  # every facility has one (``schedules``)
                continue
            back = (self.today.weekday() - info.schedule.weekday) % 7 or 7
            held: list[datetime.date] = []
            day, wanted = self.today - days(back), span(rng, 4, 8)
            while len(held) < wanted:
                if not held or rng.random() > 0.08:  # now and then a week without a meeting
                    held.append(day)
                day -= days(7)
            questions = [q for q in self.plan.rows[bm.Question] if q.facility_id == info.pk]
            actions: list[bm.Action] = []
            previous = None
            for held_on in sorted(held):
                present = [
                    p
                    for p in entries
                    if p.entry.placed_on <= held_on <= (p.entry.ended_on or held_on)
                ]
                if present:
                    self.meeting(info, held_on, previous, present, questions, actions)
                    previous = held_on
            if info.name == EGELY and all(a.done_at is not None for a in actions):
                self.egely_open_action(info)

    def meeting(self, info, held_on, previous, present, questions, actions) -> None:
        rng, schedule, nurse, team = self.rng_meet, info.schedule, info.nurse, info.team
        team_att = [nurse]
        extra = [u for u in team.doctors + team.others + team.nurses if u is not nurse]
        if rng.random() < 0.35 and extra:
            team_att.append(pick(rng, extra))
        facility_att = rng.sample(info.members, min(len(info.members), span(rng, 1, 3)))
        opened_at = at(held_on, schedule.starts_at.hour, schedule.starts_at.minute)
        length = (schedule.minutes_per_resident or 6) * len(present) + span(rng, 5, 20)
        meeting = bm.Meeting(
            facility_id=info.pk,
            team_id=team.pk,
            held_on=held_on,
            status=bm.MeetingStatus.CLOSED,
            opened_by=nurse,
            opened_at=opened_at,
            closed_by=nurse,
            closed_at=opened_at + datetime.timedelta(minutes=length),
            minutes_per_resident=schedule.minutes_per_resident,
            version=2,
        )
        rows = self.plan.rows
        rows[bm.Meeting].append(meeting)
        for sector, people in ((bm.Sector.TEAM, team_att), (bm.Sector.FACILITY, facility_att)):
            rows[bm.Attendance] += [
                bm.Attendance(meeting=meeting, user=u, sector=sector) for u in people
            ]
        ranked = []
        for p in present:
            e, rid = p.entry, p.entry.resident_id
            new = e.placed_on > previous if previous else (held_on - e.placed_on).days < 7
            reasons = ["new"] if new else []
            if e.status == ACTIVE and e.review_on <= held_on:
                reasons.append("review_due")
            if any(
                _open_on(q.resident_id == rid, q.asked_at, q.answered_at, held_on)
                for q in questions
            ):
                reasons.append("question")
            if any(
                _open_on(a.resident_id == rid, a.created_at, a.done_at, held_on) for a in actions
            ):
                reasons.append("open_action")
            first = min((_REASONS.index(r) for r in reasons), default=len(_REASONS))
            ranked.append((first, e.placed_on, p.course.pk, p, reasons or ["on_board"]))
        ranked.sort(key=lambda r: r[:3])
        notes = rng.sample(vocab.BOARD_NOTES, min(len(ranked), len(vocab.BOARD_NOTES)))
        decisions = rng.sample(vocab.BOARD_DECISIONS, min(len(ranked), len(vocab.BOARD_DECISIONS)))
        items: list[Any] = []  # AgendaItems, each with the planned ``course`` beside it
        for position, (_f, _d, _c, p, reasons) in enumerate(ranked, start=1):
            name = p.course.name
            follow_up = ddmm(held_on + days(7 * span(rng, 1, 4)))
            decision = decisions[(position - 1) % len(decisions)].format(name=name, date=follow_up)
            if p.entry.ended_on == held_on:
                reason = str(bm.EndReason(p.entry.end_reason).label).lower()
                decision = vocab.BOARD_DECISION_ENDED.format(reason=reason, name=name)
            item: Any = bm.AgendaItem(
                meeting=meeting,
                resident_id=p.entry.resident_id,
                entry=p.entry,
                position=position,
                reasons=reasons,
                note=notes[(position - 1) % len(notes)].format(name=name),
                decisions=decision,
                discussed=True,
                version=2,
            )
            item.course = p.course
            items.append(item)
        rows[bm.AgendaItem] += items
        candidates = [i for i in items if i.entry.ended_on != held_on]
        for _ in range(min(weighted(rng, (0, 1, 2), (35, 45, 20)), len(candidates))):
            item = pick(rng, candidates)
            if rng.random() < 0.55:
                contact = item.course.contact
                owner = contact if contact in facility_att else pick(rng, facility_att)
                actions.append(self.action(meeting, item, owner, bm.Sector.FACILITY))
            else:
                owner = pick(rng, [*team_att, item.course.doctor])
                actions.append(self.action(meeting, item, owner, bm.Sector.TEAM))

    def action(self, meeting, item, owner: User, sector: str, due_on=None) -> bm.Action:
        rng, held_on = self.rng_meet, meeting.held_on
        due_on = due_on or held_on + days(span(rng, 2, 14))
        soon = (due_on - held_on).days < 7
        due = vocab.WEEKDAYS[due_on.weekday()] if soon else f"d. {ddmm(due_on)}"
        action = bm.Action(
            meeting=meeting,
            resident_id=item.resident_id,
            facility_id=meeting.facility_id,
            text=pick(rng, vocab.BOARD_ACTIONS[sector]).format(name=item.course.name, due=due),
            owner=owner,
            owner_sector=sector,
            due_on=due_on,
            created_by=meeting.opened_by,
            created_at=meeting.opened_at + datetime.timedelta(minutes=4 * item.position),
        )
        chance = 0.9 if due_on < self.yesterday else 0.45 if held_on < self.today - days(3) else 0.1
        latest = min(due_on + days(3), self.yesterday)
        if rng.random() < chance and latest > held_on:
            action.done_at = working_time(
                rng, held_on + days(span(rng, 1, (latest - held_on).days))
            )
            action.done_by = owner
        self.plan.rows[bm.Action].append(action)
        return action

    def egely_open_action(self, info: _Facility) -> None:
        """The memorable facility shows an open action from its last meeting."""
        last = self.plan.rows[bm.Meeting][-1]
        items = self.plan.rows[bm.AgendaItem]
        item = next(i for i in reversed(items) if i.meeting is last and i.entry.ended_on is None)
        due_on = self.today + days(span(self.rng_meet, 2, 5))
        action = self.action(last, item, info.memorable("botilbud"), bm.Sector.FACILITY, due_on)
        action.done_at = action.done_by = None


def _open_on(match: bool, since: datetime.datetime, until, day: datetime.date) -> bool:
    """A matching question or action was open on ``day``: raised before, closed that day or
    later (or not yet)."""
    if not match or timezone.localdate(since) >= day:
        return False
    return until is None or timezone.localdate(until) >= day
