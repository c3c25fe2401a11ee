"""Plan one demo region's residents and their concerns, referrals and courses.

Two random streams keep the *set* of residents stable: ``rng_id`` (with ``faker_id``) decides
who exists (names, birth dates, identifiers, where they live, which workflow state they are in)
and never depends on today's date; ``rng_time`` (with ``faker_text``) places events relative to
today and picks staff and text, so a run on another day changes dates only.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from enum import StrEnum

from faker import Faker

from courses.models import (
    Concern,
    ConcernStatus,
    ConsentForm,
    ConsentGivenBy,
    Course,
    CourseStatus,
    Criterion,
    EndReason,
    Referral,
    ReferralSource,
    ReferralStatus,
    Transition,
)
from lib.cpr import IdentifierKind, age_on, fictitious_cpr
from residents.models import Residence, Resident, ResidentIdentifier

from . import vocabulary as vocab
from .common import (
    ADULT_AGE_RANGE,
    BIRTH_ANCHOR,
    CHILD_AGE_RANGE,
    RegionSize,
    add_years,
    days,
    span,
    weighted,
    working_time,
)
from .organisation import FacilityInfo, RegionOrg, TeamInfo

CourseContact = Course.team_contacts.through


class Category(StrEnum):
    ACTIVE = "active"  # accepted referral and an active course
    ENDED = "ended"  # an ended course only
    PENDING = "pending"  # a referral awaiting visitation
    OPEN_CONCERN = "open_concern"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CLOSED_CONCERN = "closed_concern"
    NONE = "none"  # lives at a served facility, nothing registered


# Shares of the residents at served facilities; ACTIVE takes the rest (~85 %).
_SHARES = {
    Category.ACTIVE: 0.0,
    Category.ENDED: 0.04,
    Category.PENDING: 0.03,
    Category.OPEN_CONCERN: 0.019,
    Category.REJECTED: 0.015,
    Category.WITHDRAWN: 0.008,
    Category.CLOSED_CONCERN: 0.01,
    Category.NONE: 0.03,
}
_SOURCES = tuple(ReferralSource.values)
_SOURCE_WEIGHTS = (40, 20, 15, 10, 15)
_CRITERIA = tuple(Criterion.values)
_CRITERIA_P = (0.55, 0.6, 0.4, 0.5)
_ECPR_LETTERS = "ABCDEFGHJKLMNPRSTUVXYZ"


@dataclass(eq=False)
class Person:
    resident: Resident
    facility: FacilityInfo
    child: bool
    values: list[tuple[str, str]]  # (kind, value), oldest first; the last one is current
    prev: FacilityInfo | None = None
    category: Category = Category.NONE
    old_course: bool = False
    from_concern: bool = False

    @property
    def linked(self) -> bool:
        """The earlier course was at the previous facility, served by another team."""
        prev_team = self.prev.team if self.prev else None
        return self.old_course and prev_team is not None and prev_team is not self.facility.team


@dataclass
class _RefDates:
    facility: FacilityInfo
    received: datetime.date
    consent: datetime.date
    status: str
    decided: datetime.date | None = None
    started: datetime.date | None = None
    ended: datetime.date | None = None
    concern_raised: datetime.date | None = None


@dataclass(eq=False)
class ResidentsPlan:
    people: list[Person] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    identifiers: list[ResidentIdentifier] = field(default_factory=list)
    residences: list[Residence] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    contacts: list = field(default_factory=list)  # Course.team_contacts through rows
    moves: list = field(default_factory=list)  # residents.models.Move (btt.demo.confirmations)


def _allocate(total: int, infos: list[FacilityInfo], minimum: int = 3) -> list[int]:
    """Split ``total`` over facilities by weight (largest remainder), at least ``minimum``."""
    weight_sum = sum(i.weight for i in infos)
    raw = [total * i.weight / weight_sum for i in infos]
    counts = [int(x) for x in raw]
    by_fraction = sorted(range(len(raw)), key=lambda k: (counts[k] - raw[k], k))
    for k in by_fraction[: total - sum(counts)]:
        counts[k] += 1
    return [max(minimum, c) for c in counts]


class ResidentPlanner:
    def __init__(
        self,
        org: RegionOrg,
        size: RegionSize,
        *,
        rng_id: random.Random,
        rng_time: random.Random,
        faker_id: Faker,
        faker_text: Faker,
        today: datetime.date,
        used_values: set[str],
    ):
        self.org = org
        self.size = size
        self.rng_id = rng_id
        self.rng = rng_time
        self.faker_id = faker_id
        self.faker_text = faker_text
        self.today = today
        self.used = used_values
        self.out = ResidentsPlan()

    # --- who exists (rng_id only) ----------------------------------------------------------

    def _birth_date(self, child: bool) -> datetime.date:
        low, high, mode = CHILD_AGE_RANGE if child else ADULT_AGE_RANGE
        years = self.rng_id.triangular(low, high, mode)
        birth = BIRTH_ANCHOR - days(int(years * 365.25))
        if (birth.month, birth.day) == (1, 1):  # fictitious_cpr refuses 1 January, see lib.cpr
            birth += days(1)
        return birth

    def _cpr(self, birth: datetime.date) -> str:
        serial = span(self.rng_id, 0, 999)
        for k in range(1000):
            value = fictitious_cpr(birth, serial + k)
            if value not in self.used:
                self.used.add(value)
                return value
        raise RuntimeError(f"no free fictitious CPR number for {birth}")

    def _ecpr(self, birth: datetime.date) -> str:
        """National replacement number: DDMMYY + 1 + two capital letters + one digit."""
        a = span(self.rng_id, 0, len(_ECPR_LETTERS) - 1)
        b = span(self.rng_id, 0, len(_ECPR_LETTERS) - 1)
        n = len(_ECPR_LETTERS)
        for k in range(n * n * 10):
            i, j, digit = (a + k // (n * 10)) % n, (b + k // 10) % n, k % 10
            value = f"{birth:%d%m%y}1{_ECPR_LETTERS[i]}{_ECPR_LETTERS[j]}{digit}"
            if value not in self.used:
                self.used.add(value)
                return value
        raise RuntimeError(f"no free replacement number for {birth}")

    def _identifiers(self, birth: datetime.date, shape: str) -> list[tuple[str, str]]:
        cpr, ecpr = IdentifierKind.CPR.value, IdentifierKind.ECPR_NATIONAL.value
        if shape == "ecpr":
            return [(ecpr, self._ecpr(birth))]
        if shape == "history":  # a new CPR number, or a CPR number replacing an eCPR
            old = (
                (ecpr, self._ecpr(birth)) if self.rng_id.random() < 0.5 else (cpr, self._cpr(birth))
            )
            return [old, (cpr, self._cpr(birth))]
        return [(cpr, self._cpr(birth))]

    def _shapes(self, n: int) -> list[str]:
        """Exactly ~2 % replacement numbers and ~1 % identifier histories (at least one each)."""
        n_ecpr, n_history = max(1, round(n * 0.02)), max(1, round(n * 0.01))
        shapes = ["ecpr"] * n_ecpr + ["history"] * n_history
        shapes += ["cpr"] * (n - len(shapes))
        self.rng_id.shuffle(shapes)
        return shapes

    def _people(self) -> None:
        adult = [f for f in self.org.facilities if not f.child]
        child = [f for f in self.org.facilities if f.child]
        plan = list(zip(adult, _allocate(self.size.adult_residents, adult), strict=True))
        plan += zip(child, _allocate(self.size.child_residents, child, minimum=2), strict=True)
        shapes = iter(self._shapes(sum(count for _info, count in plan)))
        for info, count in plan:
            for _ in range(count):
                birth = self._birth_date(info.child)
                resident = Resident(
                    first_name=self.faker_id.first_name(),
                    last_name=self.faker_id.last_name(),
                    birth_date=birth,
                )
                person = Person(resident, info, info.child, self._identifiers(birth, next(shapes)))
                moved = self.rng_id.random() < 0.08
                if moved and not info.child and age_on(birth, BIRTH_ANCHOR) >= 25:
                    person.prev = self.rng_id.choice([f for f in adult if f is not info])
                self.out.people.append(person)

    def _categories(self) -> None:
        """Shuffle exact numbers of each state over the served residents, then variants."""
        for child in (False, True):
            served = [p for p in self.out.people if p.child == child and p.facility.team]
            n = len(served)
            counts = {c: max(1, round(n * share)) for c, share in _SHARES.items()}
            counts[Category.ACTIVE] = n - sum(v for c, v in counts.items() if c != "active")
            cats = [c for c, k in counts.items() for _ in range(k)]
            self.rng_id.shuffle(cats)
            for person, cat in zip(served, cats, strict=True):
                person.category = cat
            if not child and self.org.index == 0:
                self._guarantee_first_facility(served)
            self._variants(served)

    def _guarantee_first_facility(self, served: list[Person]) -> None:
        """The demo's first facility shows a course, a pending referral and an open concern."""
        first = self.org.adult_teams[0].facilities[0]
        inside = [p for p in served if p.facility is first]
        outside = [p for p in served if p.facility is not first]
        needed = (Category.ACTIVE, Category.PENDING, Category.OPEN_CONCERN)
        for cat in needed:
            if any(p.category == cat for p in inside):
                continue
            donor = next(p for p in outside if p.category == cat)
            taker = next(
                p
                for p in inside
                if p.category not in needed or sum(q.category == p.category for q in inside) > 1
            )
            donor.category, taker.category = taker.category, donor.category

    def _variants(self, served: list[Person]) -> None:
        rng = self.rng_id
        firsts: dict[Category, int] = {}
        for p in served:
            k = firsts[p.category] = firsts.get(p.category, -1) + 1
            draw_old, draw_concern = rng.random(), rng.random()
            if p.category == Category.ACTIVE:
                p.old_course = k == 0 or draw_old < 0.05
                p.from_concern = k == 1 or draw_concern < 0.06
            elif p.category == Category.PENDING:
                p.old_course = draw_old < 0.15
                p.from_concern = k == 0 or draw_concern < 0.25
            elif p.category == Category.REJECTED:
                p.from_concern = draw_concern < 0.2
            elif p.category == Category.OPEN_CONCERN:
                p.old_course = draw_old < 0.1
            elif p.category == Category.ENDED:
                p.old_course = True

    # --- when things happened (rng_time) ---------------------------------------------------

    def _dates(self, p: Person):
        """All dates of one resident's history, respecting age, order and the constraints."""
        rng, today = self.rng, self.today
        birth = p.resident.birth_date
        adult_from = add_years(birth, 6 if p.child else 18)
        if p.child:
            earliest, history = max(add_years(birth, 8), today - days(3 * 365)), 900
        else:
            earliest, history = adult_from + days(60), 2200
        refs: list[_RefDates] = []
        next_lo, cur_in, prev_span = earliest, None, None
        if p.old_course:
            back = span(rng, 700, 1200) if p.child else span(rng, 900, 3000)
            rec = max(earliest, min(today - days(back), today - days(400)))
            decided = rec + days(span(rng, 2, 40))
            started = decided + days(span(rng, 0, 14))
            quiet = 30 if p.category == Category.ENDED and not p.linked else 120
            ended = min(started + days(span(rng, 60, 1500)), today - days(quiet))
            ended = max(started + days(1), ended)
            old = _RefDates(
                p.facility, rec, rec - days(span(rng, 0, 20)), "accepted", decided, started, ended
            )
            if p.linked and p.prev is not None:  # a linked person has an earlier facility
                old.facility = p.prev
                cur_in = ended + days(span(rng, 0, 21))
                prev_in = min(rec, max(adult_from, rec - days(span(rng, 60, 2000))))
                prev_span = (prev_in, ended)
                old.consent = max(old.consent, prev_in)
                next_lo = cur_in + days(14)
            else:
                next_lo = ended + days(14)
            refs.append(old)
        concern_lo = next_lo - days(13)  # after any earlier course ended / after moving in
        concern: tuple[str, datetime.date, datetime.date | None] | None = None
        cat = p.category
        if cat in (Category.ACTIVE, Category.PENDING, Category.REJECTED, Category.WITHDRAWN):
            if cat == Category.ACTIVE:
                back, cap = span(rng, 10, history), 10
            elif cat == Category.PENDING:
                back, cap = span(rng, 1, 60), 1
            else:
                back, cap = span(rng, 20, history), 20
            rec = min(max(next_lo, today - days(back)), today - days(cap))
            ref = _RefDates(p.facility, rec, rec - days(span(rng, 0, 20)), str(cat))
            if cur_in is not None:
                ref.consent = max(ref.consent, cur_in)
            if cat != Category.PENDING:
                ref.decided = min(rec + days(span(rng, 2, 40)), today - days(1))
            if cat == Category.ACTIVE and ref.decided is not None:  # decided just above
                ref.started = min(ref.decided + days(span(rng, 0, 14)), today)
                ref.status = "accepted"
            if p.from_concern:
                ref.concern_raised = max(concern_lo, rec - days(span(rng, 3, 30)))
            refs.append(ref)
        elif cat == Category.OPEN_CONCERN:
            raised = min(max(concern_lo, today - days(span(rng, 1, 45))), today - days(1))
            concern = (ConcernStatus.OPEN, raised, None)
        elif cat == Category.CLOSED_CONCERN:
            raised = min(max(concern_lo, today - days(span(rng, 20, 900))), today - days(20))
            concern = (ConcernStatus.CLOSED, raised, raised + days(span(rng, 1, 19)))
        if cur_in is None:
            marks = [d for r in refs for d in (r.consent, r.concern_raised) if d]
            marks += [concern[1]] if concern else []
            first = min(marks, default=today - days(span(rng, 30, 400)))
            back = span(rng, 30, 1500 if p.child else 2500)
            cur_in = min(first, max(adult_from, first - days(back)))
            if p.prev is not None:
                prev_out = cur_in - days(span(rng, 0, 30))
                prev_in = prev_out - days(span(rng, 120, 2000))
                if prev_in >= adult_from:
                    prev_span = (prev_in, prev_out)
        return refs, concern, cur_in, prev_span

    # --- objects ---------------------------------------------------------------------------

    def _pick_team_member(self, team: TeamInfo, weights: tuple[float, float, float]):
        group = weighted(self.rng, ("doctors", "nurses", "leader"), weights)
        if group == "leader":
            return team.leader
        return self.rng.choice(getattr(team, group))

    def _referrer(self, source: str, facility: FacilityInfo) -> str:
        name = f"{self.faker_text.first_name()} {self.faker_text.last_name()}"
        if source == ReferralSource.REGIONAL_PSYCHIATRY:
            options = (
                f"{facility.serving_team.team.name} (egen henvisning)",
                f"{self.rng.choice(self.org.wards).name}, overlæge {name}",
                f"Distriktspsykiatrien {facility.facility.municipality}, læge {name}",
            )
            return self.rng.choice(options)
        if source == ReferralSource.GP:
            practice = self.rng.choice(vocab.REFERRER_PRACTICE)
            return f"{practice} {facility.facility.municipality}, praktiserende læge {name}"
        if source == ReferralSource.HOSPITAL:
            ward = self.rng.choice(
                ("medicinsk afdeling", "akutmodtagelsen", "neurologisk afdeling")
            )
            return f"{self.org.spec.hospital}, {ward}"
        if source == ReferralSource.SPECIALIST:
            return f"Speciallæge i psykiatri {name}"
        return f"Tilknyttet læge {name}, {facility.facility.name}"

    def _reason(self) -> str:
        rng = self.rng
        details = rng.sample(vocab.REASON_DETAILS, span(rng, 1, 2))
        return " ".join(
            [rng.choice(vocab.REASON_OPENINGS), *details, rng.choice(vocab.REASON_NEEDS)]
        )

    def _criteria(self) -> list[str]:
        chosen = [c for c, p in zip(_CRITERIA, _CRITERIA_P, strict=True) if self.rng.random() < p]
        return sorted(chosen or [self.rng.choice(_CRITERIA)])

    def _concern(self, p, info, status, raised, assessed=None) -> Concern:
        rng, team = self.rng, info.team
        raiser = info.leader if rng.random() < 0.15 else rng.choice(info.staff)
        concern = Concern(
            resident=p.resident,
            facility=info.facility,
            team=team.team,
            description=rng.choice(vocab.CONCERN_DESCRIPTIONS) + rng.choice(vocab.CONCERN_ENDINGS),
            raised_by=raiser,
            raised_at=working_time(rng, raised),
            status=status,
        )
        if assessed is not None:
            concern.assessed_by = rng.choice(team.nurses + team.doctors)
            concern.assessed_at = working_time(rng, assessed)
            if status == ConcernStatus.CLOSED:
                concern.assessment_note = rng.choice(vocab.CONCERN_CLOSE_NOTES)
        self.out.concerns.append(concern)
        return concern

    def _referral(self, p: Person, d: _RefDates) -> Referral:
        rng, info = self.rng, d.facility
        team = info.serving_team
        concern = None
        if d.concern_raised is not None:
            concern = self._concern(p, info, ConcernStatus.REFERRED, d.concern_raised, d.received)
        source = weighted(rng, _SOURCES, _SOURCE_WEIGHTS)
        if p.child:
            young = age_on(p.resident.birth_date, d.received) < 15
            given_by = ConsentGivenBy.GUARDIAN if young or rng.random() < 0.5 else "resident"
        else:
            given_by = ConsentGivenBy.GUARDIAN if rng.random() < 0.06 else "resident"
        referral = Referral(
            resident=p.resident,
            team=team.team,
            facility=info.facility,
            concern=concern,
            source=source,
            referrer_name=self._referrer(source, info),
            received_on=d.received,
            reason=self._reason(),
            criteria=self._criteria(),
            criteria_other=rng.choice(vocab.CRITERIA_OTHER),
            consent_informed_on=d.consent,
            consent_form=ConsentForm.WRITTEN if rng.random() < 0.8 else ConsentForm.ORAL,
            consent_given_by=given_by,
            status=d.status,
            created_by=rng.choice([*team.nurses, team.leader]),
            created_at=working_time(rng, d.received),
        )
        if concern is not None:
            concern.assessed_by = referral.created_by
            concern.assessed_at = referral.created_at
        if d.decided is not None:
            reasons, weights = {
                ReferralStatus.ACCEPTED: (vocab.ACCEPT_REASONS, (0.6, 0.25, 0.15)),
                ReferralStatus.REJECTED: (vocab.REJECT_REASONS, (0.7, 0.0, 0.3)),
                ReferralStatus.WITHDRAWN: (vocab.WITHDRAW_REASONS, (0.0, 0.7, 0.3)),
            }[ReferralStatus(d.status)]
            referral.decision_reason = rng.choice(reasons)
            referral.decided_by = self._pick_team_member(team, weights)
            referral.decided_at = working_time(rng, d.decided)
        self.out.referrals.append(referral)
        if d.started is not None:
            self._course(p, d, referral)
        return referral

    def _course(self, p: Person, d: _RefDates, referral: Referral) -> None:
        if d.started is None:  # called for started courses only
            return
        rng, info = self.rng, d.facility
        team = info.serving_team
        doctors = team.doctors
        doctor = doctors[0] if len(doctors) == 1 or rng.random() < 0.65 else rng.choice(doctors)
        first = rng.choice(team.others if team.others and rng.random() < 0.1 else team.nurses)
        contacts = [first]
        if rng.random() < 0.35:
            contacts.append(rng.choice([u for u in team.nurses + team.others if u is not first]))
        course = Course(
            resident=p.resident,
            team=team.team,
            facility=info.facility,
            referral=referral,
            started_on=d.started,
            status=CourseStatus.ACTIVE,
            responsible_doctor=doctor,
            facility_contact=rng.choice(info.staff) if rng.random() < 0.9 else None,
        )
        if d.ended is not None:
            course.status = CourseStatus.ENDED
            course.ended_on = d.ended
            course.ended_by = rng.choice(team.nurses + team.doctors)
            reason: str
            if info is not p.facility:  # the course ended because the resident moved
                reason = EndReason.MOVED
                course.transition = Transition.OTHER_TEAM
            else:
                reason = weighted(
                    rng, ("completed", "other_offer", "declined", "other"), (45, 25, 20, 10)
                )
                course.transition = rng.choice(vocab.END_TRANSITIONS[reason])
            course.end_reason = reason
            course.end_summary = rng.choice(vocab.END_SUMMARIES[reason])
        self.out.courses.append(course)
        self.out.contacts += [CourseContact(course=course, user=u) for u in contacts]

    def _objects(self, p: Person) -> None:
        refs, concern, cur_in, prev_span = self._dates(p)
        out, rng = self.out, self.rng
        out.residents.append(p.resident)
        registered = prev_span[0] if prev_span else cur_in
        if prev_span and p.prev is not None:  # an earlier stay was at the earlier facility
            out.residences.append(
                Residence(
                    resident=p.resident,
                    facility=p.prev.facility,
                    moved_in=prev_span[0],
                    moved_out=prev_span[1],
                )
            )
        out.residences.append(
            Residence(resident=p.resident, facility=p.facility.facility, moved_in=cur_in)
        )
        changed = max(registered + days(1), self.today - days(span(rng, 30, 900)))
        for k, (kind, value) in enumerate(p.values):
            current = k == len(p.values) - 1
            out.identifiers.append(
                ResidentIdentifier(
                    resident=p.resident,
                    kind=kind,
                    value=value,
                    valid_from=changed if k > 0 else registered,
                    valid_to=None if current else changed,
                )
            )
        for d in refs:
            self._referral(p, d)
        if concern is not None:
            status, raised, assessed = concern
            self._concern(p, p.facility, status, raised, assessed)

    def plan(self) -> ResidentsPlan:
        self._people()
        self._categories()
        for person in self.out.people:
            self._objects(person)
        return self.out
