"""Plan the demo's steps that someone else confirms: held referrals, moves between facilities,
a proposed membership, and the history of every membership.

- Held referrals: team staff typed the number and name of a resident who lives at a facility
  the team serves but has no course, referral or concern in the team (``Category.NONE``), so
  the referral is held until the facility confirms it. Per region: a few still held (the first
  at Bostedet Egely when a resident there fits, else in Botilbudsteam Nord), one not confirmed
  (refused by the facility) and one confirmed (now an ordinary referral awaiting visitation).
- Moves: every planned change of facility (a closed and an open residence) is a move in the
  resident's history, most recorded by the old facility, some proposed by the new facility
  and confirmed by the old one. One open proposal from another facility of the first team for
  a resident of its first facility (Bostedet Egely: ``botilbud`` decides it), and one proposal
  by that facility's staff for a resident elsewhere, typed with a wrong name and rejected.
- Memberships: each was granted before the first planned step of the region (its oldest move or
  referral), staff and ward staff by their leader or the region administrator, leaders and
  administrators by the system (``by`` empty, as a superuser's grant at installation). One member of the first team was
  proposed by the region administrator and confirmed by the team leader; one new nurse's
  membership is proposed by the region administrator and waits for the team leader
  (``teamleder``). Every membership has its history rows (``MembershipEvent``).

Its own random stream (``plan._seeded(..., stream=4)``): the residents, courses and everything
else planned before keep the same draws. Like the rest of the demo data, written with
``bulk_create`` without services and without audit rows.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from faker import Faker

from accounts.models import User
from courses.models import ConsentForm, ConsentGivenBy, Referral, ReferralSource, ReferralStatus
from organisation.models import (
    Membership,
    MembershipEvent,
    MembershipEventKind,
    MembershipStatus,
    Profession,
    Role,
)
from residents.models import Move, MoveStatus, Residence

from . import vocabulary as vocab
from .common import BIRTH_ANCHOR, RegionSize, add_years, at, days, span, weighted, working_time
from .organisation import FacilityInfo, RegionOrg, TeamInfo
from .residents import Category, Person, ResidentPlanner, ResidentsPlan

# Held referrals per region, in this order (as far as there are residents who fit).
HELD_STATES = (
    ReferralStatus.HELD,
    ReferralStatus.NOT_CONFIRMED,
    ReferralStatus.PENDING,  # confirmed by the facility: now awaiting visitation
    ReferralStatus.HELD,
    ReferralStatus.HELD,
)
CONFIRMED_MOVE_SHARE = 0.25  # moves proposed by the new facility (the rest are recorded)
# The record's densest resident is someone of 40 or older at Bostedet Egely (btt.demo.record);
# the open proposal takes a younger resident so that it never touches that history.
PROPOSAL_MAX_AGE = 40


def _later(rng: random.Random, when: datetime.datetime, within: int, *, latest: datetime.date):
    """A working time 0-``within`` days after ``when`` (not after ``latest``), after ``when``."""
    day = min(timezone.localtime(when).date() + days(span(rng, 0, within)), latest)
    later = working_time(rng, day)
    if later <= when:
        later = when + datetime.timedelta(minutes=span(rng, 20, 90))
    return later


class ConfirmationPlanner:
    def __init__(
        self,
        org: RegionOrg,
        people: ResidentsPlan,
        size: RegionSize,
        *,
        rng: random.Random,
        faker: Faker,
        today: datetime.date,
    ):
        self.org = org
        self.people = people
        self.rng = rng
        self.faker = faker
        self.today = today
        # The referral texts of the resident planner, drawn from this planner's stream.
        self.texts = ResidentPlanner(
            org,
            size,
            rng_id=rng,
            rng_time=rng,
            faker_id=faker,
            faker_text=faker,
            today=today,
            used_values=set(),
        )
        self.residences: dict[int, list[Residence]] = {}
        for residence in people.residences:
            self.residences.setdefault(id(residence.resident), []).append(residence)
        self.first_team: TeamInfo = org.adult_teams[0]
        self.first_facility: FacilityInfo = self.first_team.facilities[0]
        self.moves: list[Move] = []

    # --- helpers ---------------------------------------------------------------------------

    def _current(self, p: Person) -> Residence:
        return self.residences[id(p.resident)][-1]

    def _single(self, p: Person) -> bool:
        return len(self.residences[id(p.resident)]) == 1

    def _staff(self, info: FacilityInfo):
        return self.rng.choice(info.staff) if self.rng.random() < 0.85 else info.leader

    def _past(self, day: datetime.date) -> datetime.datetime:
        """A working time on ``day``, but never later than yesterday."""
        return working_time(self.rng, min(day, self.today - days(1)))

    def _decided(self, created: datetime.datetime, within: int) -> datetime.datetime:
        """A working time 0-``within`` days after ``created``, at the latest yesterday."""
        return _later(self.rng, created, within, latest=self.today - days(1))

    # --- held referrals --------------------------------------------------------------------

    def _held_candidates(self) -> list[Person]:
        fits = [
            p
            for p in self.people.people
            if p.category == Category.NONE and not p.child and p.facility.team is not None
        ]
        first = self.first_facility

        def order(p: Person) -> int:
            if p.facility is first:
                return 0
            return 1 if p.facility.team is self.first_team else 2

        return sorted(fits, key=order)  # stable: the plan's order within each group

    def _held_referral(self, p: Person, status: str) -> Referral:
        rng, info = self.rng, p.facility
        team = info.serving_team
        received = self.today - days(span(rng, 2, 20))
        consent = max(received - days(span(rng, 0, 14)), self._current(p).moved_in)
        source = weighted(
            rng,
            (ReferralSource.REGIONAL_PSYCHIATRY, ReferralSource.GP, ReferralSource.FACILITY_DOCTOR),
            (60, 25, 15),
        )
        referral = Referral(
            resident=p.resident,
            team=team.team,
            facility=info.facility,
            source=source,
            referrer_name=self.texts._referrer(source, info),
            received_on=received,
            reason=self.texts._reason(),
            criteria=self.texts._criteria(),
            criteria_other=rng.choice(vocab.CRITERIA_OTHER),
            consent_informed_on=consent,
            consent_form=ConsentForm.WRITTEN if rng.random() < 0.8 else ConsentForm.ORAL,
            consent_given_by=ConsentGivenBy.RESIDENT,
            status=status,
            created_by=rng.choice([*team.nurses, team.leader]),
            created_at=working_time(rng, received),
            # what the team typed: the resident's own name, so the facility can confirm it
            typed_first_name=p.resident.first_name,
            typed_last_name=p.resident.last_name,
        )
        if status == ReferralStatus.NOT_CONFIRMED:
            referral.decided_by = self._staff(info)
            referral.decided_at = self._decided(referral.created_at, 5)
            referral.decision_reason = rng.choice(vocab.NOT_CONFIRMED_REASONS)
        return referral

    def held_referrals(self) -> None:
        candidates = self._held_candidates()
        for person, status in zip(candidates, HELD_STATES, strict=False):
            self.people.referrals.append(self._held_referral(person, status))

    # --- moves -----------------------------------------------------------------------------

    def _move(self, p: Person, **fields) -> Move:
        move = Move(
            resident=p.resident,
            typed_first_name=p.resident.first_name,
            typed_last_name=p.resident.last_name,
            **fields,
        )
        self.moves.append(move)
        return move

    def history_moves(self) -> None:
        """A move for every planned change of facility (``created_at`` is set on writing)."""
        infos = {id(info.facility): info for info in self.org.facilities}
        for p in self.people.people:
            periods = self.residences[id(p.resident)]
            if len(periods) < 2:
                continue
            old, new = periods[-2], periods[-1]
            old_info, new_info = infos[id(old.facility)], infos[id(new.facility)]
            created = self._past(new.moved_in + days(span(self.rng, 0, 2)))
            if self.rng.random() < CONFIRMED_MOVE_SHARE or not any(
                m.status == MoveStatus.CONFIRMED for m in self.moves
            ):
                self._move(
                    p,
                    from_facility=old.facility,
                    to_facility=new.facility,
                    moved_in=new.moved_in,
                    status=MoveStatus.CONFIRMED,
                    created_by=self._staff(new_info),
                    created_at=created,
                    decided_by=self._staff(old_info),
                    decided_at=self._decided(created, 4),
                )
            else:
                self._move(
                    p,
                    from_facility=old.facility,
                    to_facility=new.facility,
                    moved_in=new.moved_in,
                    status=MoveStatus.RECORDED,
                    created_by=self._staff(old_info),
                    created_at=created,
                )

    def _open_candidates(self, where) -> list[Person]:
        youngest_dense = add_years(BIRTH_ANCHOR, -PROPOSAL_MAX_AGE)
        return [
            p
            for p in self.people.people
            if where(p)
            and p.category == Category.ACTIVE
            and not p.child
            and self._single(p)
            and p.resident.birth_date > youngest_dense
        ]

    def proposals(self) -> None:
        """One open proposal for a resident of the first facility (decided there), and one
        proposal by that facility's staff for a resident elsewhere, rejected there."""
        rng, first = self.rng, self.first_facility
        others = [f for f in self.first_team.facilities if f is not first]
        pending = self._open_candidates(lambda p: p.facility is first)
        if pending and others:
            p = pending[span(rng, 0, len(pending) - 1)]
            target = others[span(rng, 0, len(others) - 1)]
            moved_in = self.today - days(span(rng, 2, 6))
            self._move(
                p,
                from_facility=first.facility,
                to_facility=target.facility,
                moved_in=moved_in,
                status=MoveStatus.PROPOSED,
                created_by=target.staff[0],
                created_at=self._past(moved_in + days(span(rng, 0, 1))),
            )
        elsewhere = self._open_candidates(
            lambda p: p.facility is not first and p.facility.team is not None
        )
        if elsewhere:
            p = elsewhere[span(rng, 0, len(elsewhere) - 1)]
            moved_in = self.today - days(span(rng, 10, 40))
            created = self._past(moved_in + days(span(rng, 0, 2)))
            wrong = self.faker.last_name()
            while wrong == p.resident.last_name:
                wrong = self.faker.last_name()
            move = self._move(
                p,
                from_facility=p.facility.facility,
                to_facility=first.facility,
                moved_in=moved_in,
                status=MoveStatus.REJECTED,
                created_by=first.staff[0],  # ``botilbud`` in the first region
                created_at=created,
                decided_by=self._staff(p.facility),
                decided_at=self._decided(created, 2),
                decision_note=rng.choice(vocab.MOVE_REJECT_NOTES),
            )
            move.typed_last_name = wrong

    # --- memberships -----------------------------------------------------------------------

    def _event(self, m: Membership, kind: str, by, when, **detail) -> None:
        """A history row; ``btt.demo.write`` adds the ids (for_user_id, scope) on writing."""
        self.org.membership_events.append(
            MembershipEvent(membership=m, by=by, kind=kind, at=when, detail=detail)
        )

    def membership_history(self) -> None:
        rng, org = self.rng, self.org
        # Granted before anyone acted in the region's planned rows (moves, referrals).
        acted = [m.created_at for m in self.moves] + [r.created_at for r in self.people.referrals]
        first_act = min((timezone.localtime(t).date() for t in acted), default=self.today)
        start = first_act - days(span(rng, 30, 90))
        granter: dict[int, User | None] = {}
        for team in org.teams:
            for user in (*team.doctors, *team.nurses, *team.others):
                granter[id(user)] = team.leader
        for info in org.facilities:
            for user in info.staff:
                granter[id(user)] = info.leader
        admin = org.admins[0]
        leader_times: dict[int, datetime.datetime] = {}
        for m in org.memberships:  # leaders and administrators first: they grant the others
            if m.role in (Role.TEAM_LEADER, Role.FACILITY_LEADER, Role.REGION_ADMIN):
                m.confirmed_at = at(start, 8, span(rng, 0, 59))
                leader_times[id(m.user)] = m.confirmed_at
        for m in org.memberships:
            if m.confirmed_at is not None:
                continue
            by = admin if m.role == Role.WARD_STAFF else granter[id(m.user)]
            m.confirmed_by = by
            m.confirmed_at = _later(rng, leader_times[id(by)], 10, latest=self.today)
        # One member of the first team was proposed by the administrator and confirmed by the
        # team leader.
        team = self.first_team
        later = next(m for m in org.memberships if m.user is team.others[-1])
        proposed = working_time(rng, start + days(span(rng, 1, 3)))
        later.proposed_by = admin
        later.confirmed_by = team.leader
        later.confirmed_at = _later(rng, proposed, 3, latest=self.today)
        for m in org.memberships:
            what = {"role": m.role, "profession": m.profession}
            if m is later:
                self._event(m, MembershipEventKind.PROPOSED, admin, proposed, **what)
                self._event(
                    m, MembershipEventKind.CONFIRMED, m.confirmed_by, m.confirmed_at, to="confirmed"
                )
            else:
                self._event(m, MembershipEventKind.GRANTED, m.confirmed_by, m.confirmed_at, **what)

    def pending_membership(self) -> None:
        """A new nurse of the first team: the administrator has proposed the membership, and
        it grants nothing until the team leader confirms it."""
        org, team = self.org, self.first_team
        prefix = "" if org.index == 0 else f"{org.spec.slug}."
        domain = "example.dk" if org.index == 0 else f"{org.spec.slug}.example.dk"
        username = f"{prefix}{team.slug}.sygeplejerske{len(team.nurses) + 1}"
        user = User(
            username=username,
            first_name=self.faker.first_name(),
            last_name=self.faker.last_name(),
            email=f"{username}@{domain}",
            is_active=True,
            region=org.region,  # the administrator created the account
        )
        org.users.append(user)
        admin = org.admins[0]
        m = Membership(
            user=user,
            role=Role.TEAM_STAFF,
            profession=Profession.NURSE,
            team=team.team,
            status=MembershipStatus.PENDING,
            proposed_by=admin,
        )
        org.memberships.append(m)
        when = working_time(self.rng, self.today - days(span(self.rng, 1, 4)))
        self._event(
            m, MembershipEventKind.PROPOSED, admin, when, role=m.role, profession=m.profession
        )

    def plan(self) -> None:
        self.held_referrals()
        self.history_moves()
        self.proposals()
        self.people.moves.extend(self.moves)
        self.membership_history()
        self.pending_membership()
