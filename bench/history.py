"""Synthetic follow-up history for the indicator benchmark: regions with teams that start
step by step over the years, residents who move, referrals (some from concerns, some again
after an ended course), courses, the course record's events, board entries, consents and
cooperation agreements. Deterministic for a seed; written with ``bulk_create``.

The event rates fall the longer a resident is in course, rise in the weeks before a resident is
put on the board and fall after, so the trends and the before/after table have a shape.

Only the record entries of the living plans get ``EntryVersion`` rows (the adherence figures
read them); other entries get none, which the indicators never read. Not for the demo: for
``bench/indicators.py`` and the trend test (``bench/tests/test_history.py``). It lives here,
outside the apps, because no app that ships generates data.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement, AgreementVersion
from board.models import BoardEntry
from consent.models import Consent
from courses.models import Concern, Course, Referral
from organisation.models import Facility, Membership, Region, Team
from record.kinds import CATEGORY, Kind
from record.models import Entry, EntryVersion
from residents.models import Residence, Resident

BATCH = 5000
TRANSITIONS = ("gp", "community_psychiatry", "specialised", "municipal", "none", "other")
FIRST_NAMES = ("Anna", "Bent", "Camilla", "Dennis", "Eva", "Frank", "Gitte", "Henrik", "Ida")
LAST_NAMES = ("Historiksen", "Tidsen", "Forløbsen", "Periodsen", "Årsen", "Månedsen")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@dataclass
class Size:
    regions: int = 5
    teams_per_region: int = 5
    facilities_per_team: int = 14
    residents: int = 13500  # about 7,000 of them in course at the end
    years: int = 10


NATION = Size()
TINY = Size(regions=1, teams_per_region=2, facilities_per_team=2, residents=80, years=4)


@dataclass
class _Stay:
    facility: Facility
    start: datetime.date
    end: datetime.date | None  # moved out (exclusive)


@dataclass
class _Person:
    resident: Resident
    stays: list[_Stay] = field(default_factory=list)

    def facility_on(self, day: datetime.date) -> Facility | None:
        for stay in self.stays:
            if stay.start <= day and (stay.end is None or day < stay.end):
                return stay.facility
        return None


class HistoryWriter:
    def __init__(self, size: Size, seed: int = 7, today: datetime.date | None = None):
        self.size = size
        # Synthetic data: not for security.
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.today = today or timezone.localdate()
        self.start = self.today.replace(year=self.today.year - size.years)
        self.counts: dict[str, int] = {}
        self.entries: list[Entry] = []
        self.living: dict[tuple[int, str], tuple[Entry, list[tuple]]] = {}

    # --- helpers ------------------------------------------------------------------------

    def _save(self, model, objects: list) -> list:
        model.objects.bulk_create(objects, batch_size=BATCH)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(objects)
        return objects

    def _between(self, low: datetime.date, high: datetime.date) -> datetime.date:
        if high <= low:
            return low
        return low + days(self.rng.randrange((high - low).days + 1))

    def _aware(self, day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))

    # --- organisation -------------------------------------------------------------------

    def organisation(self) -> None:
        size, rng = self.size, self.rng
        self.regions = self._save(
            Region, [Region(name=f"Historikregion {i + 1}") for i in range(size.regions)]
        )
        teams = []
        for region in self.regions:
            for t in range(size.teams_per_region):
                teams.append(Team(region=region, name=f"{region.name} team {t + 1}", kind="adult"))
        self.teams = self._save(Team, teams)
        # teams start step by step during the first three years
        span = min(3 * 365, (self.today - self.start).days // 2)
        self.team_start = {t.pk: self.start + days(rng.randrange(span + 1)) for t in self.teams}
        facilities = []
        for team in self.teams:
            for f in range(size.facilities_per_team):
                facilities.append(
                    Facility(
                        region=team.region,
                        team=team,
                        name=f"{team.name} botilbud {f + 1}",
                        owner_type="municipal",
                        legal_basis="sel_108",
                        municipality="Historikkommune",
                    )
                )
        self.facilities = self._save(Facility, facilities)
        users, memberships = [], []

        def user(name: str) -> User:
            u = User(username=name, first_name="Historik", last_name=name)
            u.set_unusable_password()
            users.append(u)
            return u

        self.author, self.leader, self.housing = {}, {}, {}
        for team in self.teams:
            self.author[team.pk] = user(f"hist-nurse-{team.pk}")
            self.leader[team.pk] = user(f"hist-leader-{team.pk}")
        for facility in self.facilities:
            self.housing[facility.pk] = user(f"hist-housing-{facility.pk}")
        self.planners = {r.pk: user(f"hist-planner-{r.pk}") for r in self.regions}
        self._save(User, users)
        for team in self.teams:
            memberships.append(
                Membership(
                    user=self.author[team.pk], role="team_staff", profession="nurse", team=team
                )
            )
            memberships.append(
                Membership(
                    user=self.leader[team.pk], role="team_leader", profession="leader", team=team
                )
            )
        for facility in self.facilities:
            memberships.append(
                Membership(
                    user=self.housing[facility.pk],
                    role="facility_staff",
                    profession="social_educator",
                    facility=facility,
                )
            )
        for region in self.regions:
            memberships.append(
                Membership(
                    user=self.planners[region.pk],
                    role="region_admin",
                    profession="other",
                    region=region,
                )
            )
        self._save(Membership, memberships)

    # --- residents ----------------------------------------------------------------------

    def residents(self) -> None:
        rng = self.rng
        people, residences = [], []
        residents = [
            Resident(
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)} {i}",
                birth_date=datetime.date(1950 + rng.randrange(50), 1 + rng.randrange(12), 2),
            )
            for i in range(self.size.residents)
        ]
        self._save(Resident, residents)
        by_team: dict[int, list[Facility]] = {}
        for facility in self.facilities:
            by_team.setdefault(facility.team_id, []).append(facility)
        for resident in residents:
            facility = rng.choice(self.facilities)
            moved_in = self._between(self.start - days(5 * 365), self.today - days(60))
            person = _Person(resident)
            if rng.random() < 0.12:
                # moves once, to another facility of the same team
                moved = self._between(moved_in + days(90), self.today - days(30))
                if moved > moved_in + days(30):
                    other = rng.choice(by_team[facility.team_id])
                    if other.pk != facility.pk:
                        person.stays.append(_Stay(facility, moved_in, moved))
                        facility, moved_in = other, moved
            person.stays.append(_Stay(facility, moved_in, None))
            for stay in person.stays:
                residences.append(
                    Residence(
                        resident=resident,
                        facility=stay.facility,
                        moved_in=stay.start,
                        moved_out=stay.end,
                    )
                )
            people.append(person)
        self._save(Residence, residences)
        self.people = people

    # --- courses and everything in them -------------------------------------------------

    def courses(self) -> None:
        rng, today = self.rng, self.today
        referrals, concerns, plans = [], [], []
        for person in self.people:
            if rng.random() > 0.92:
                continue
            first_stay = person.stays[0]
            team_id = first_stay.facility.team_id
            earliest = max(self.team_start[team_id], first_stay.start) + days(14)
            received = earliest + days(int(rng.expovariate(1 / 200)))
            while received < today - days(20):
                facility = person.facility_on(received)
                if facility is None:
                    break
                team_id = facility.team_id
                if team_id is None:  # every facility here is served by a team
                    break
                decided = received + days(rng.randrange(2, 40))
                if decided >= today:
                    break
                accepted = rng.random() < 0.9
                started = min(decided + days(rng.randrange(0, 14)), today)
                ended: datetime.date | None = started + days(int(rng.expovariate(1 / 4000)) + 90)
                if ended is not None and ended >= today:
                    ended = None
                plans.append(
                    (person, facility, team_id, received, decided, accepted, started, ended)
                )
                if ended is None or not accepted:
                    break
                if rng.random() > 0.15:  # most ended courses are not followed by another
                    break
                received = ended + days(rng.randrange(60, 400))
        for person, facility, team_id, received, decided, accepted, *_rest in plans:
            concern = None
            if rng.random() < 0.3:
                concern = Concern(
                    resident=person.resident,
                    facility=facility,
                    team_id=team_id,
                    description="Bekymring (historik).",
                    raised_by=self.housing[facility.pk],
                    raised_at=self._aware(received - days(rng.randrange(3, 30))),
                    status="referred",
                    assessed_by=self.author[team_id],
                    assessed_at=self._aware(received),
                )
                concerns.append(concern)
            referrals.append(
                Referral(
                    resident=person.resident,
                    team_id=team_id,
                    facility=facility,
                    concern=concern,
                    source="gp",
                    referrer_name="Egen læge",
                    received_on=received,
                    reason="Historik.",
                    consent_informed_on=received,
                    consent_form="written",
                    consent_given_by="resident",
                    status="accepted" if accepted else "rejected",
                    decided_by=self.author[team_id],
                    decided_at=self._aware(decided),
                    created_by=self.author[team_id],
                    created_at=self._aware(received),
                )
            )
        # concerns closed without a referral
        for person in rng.sample(self.people, len(self.people) // 12):
            stay = person.stays[-1]
            if stay.facility.team_id is None:  # every facility here is served by a team
                continue
            raised = self._between(max(stay.start, self.team_start[stay.facility.team_id]), today)
            if raised >= today:
                continue
            closed = rng.random() < 0.85 or raised < today - days(60)
            concerns.append(
                Concern(
                    resident=person.resident,
                    facility=stay.facility,
                    team_id=stay.facility.team_id,
                    description="Bekymring (historik).",
                    raised_by=self.housing[stay.facility.pk],
                    raised_at=self._aware(raised),
                    status="closed" if closed else "open",
                    assessed_at=self._aware(min(raised + days(7), today)) if closed else None,
                )
            )
        self._save(Concern, concerns)
        for referral in referrals:
            referral.concern_id = referral.concern.pk if referral.concern else None
        self._save(Referral, referrals)
        courses, consents, contacts = [], [], []
        board: list[BoardEntry] = []
        for plan, referral in zip(plans, referrals, strict=True):
            person, facility, team_id, received, decided, accepted, started, ended = plan
            if not accepted:
                continue
            course = Course(
                resident=person.resident,
                team_id=team_id,
                facility=facility,
                referral=referral,
                started_on=started,
                status="ended" if ended else "active",
                responsible_doctor=self.author[team_id],
                facility_contact=self.housing[facility.pk] if rng.random() < 0.85 else None,
                ended_on=ended,
                end_reason="completed" if ended else "",
                transition=rng.choice(TRANSITIONS) if ended else "",
                ended_by=self.author[team_id] if ended else None,
            )
            courses.append((course, person))
        self._save(Course, [c for c, _p in courses])
        through = Course.team_contacts.through
        for course, person in courses:
            contacts.append(through(course_id=course.pk, user_id=self.author[course.team_id].pk))
            self._events(course, person, board)
            given = course.started_on
            last = course.ended_on or self.today
            while given <= last:
                fac = person.facility_on(given)
                if fac is not None and rng.random() < 0.9:
                    consents.append(
                        Consent(
                            resident=person.resident,
                            kind="sharing",
                            facility=fac,
                            direction="both",
                            form="written",
                            given_by="resident",
                            given_on=given,
                            expires_on=given.replace(year=given.year + 1)
                            if not (given.month == 2 and given.day == 29)
                            else given + days(365),
                            recorded_by=self.author[course.team_id],
                        )
                    )
                given += days(365 + rng.randrange(0, 40))
        self._save(through, contacts)
        self._save(BoardEntry, board)
        self._save(Consent, consents)
        self._save(Entry, self.entries)
        versions = []
        for entry, revisions in self.living.values():
            for number, (on, review) in enumerate(revisions, start=1):
                versions.append(
                    EntryVersion(
                        entry=entry,
                        number=number,
                        occurred_on=on,
                        review_on=review,
                        author=entry.recorded_by,
                    )
                )
        self._save(EntryVersion, versions)

    def _entry(self, course, person, kind, on, *, until=None, subtype="", review_on=None):
        facility = person.facility_on(on) or course.facility
        author = self.author[course.team_id]
        sector = "facility" if kind in (Kind.FORCE, Kind.MEDICATION_FAILURE) else "team"
        entry = Entry(
            resident=person.resident,
            course=course,
            team_id=course.team_id,
            facility=facility,
            kind=kind,
            category=CATEGORY.get(kind) or "",
            sector=sector,
            occurred_on=on,
            occurred_until=until,
            review_on=review_on,
            subtype=subtype,
            data={},
            recorded_by=author,
            updated_by=author,
        )
        self.entries.append(entry)
        return entry

    def _events(self, course: Course, person: _Person, board: list) -> None:
        rng, today = self.rng, self.today
        start, end = course.started_on, min(course.ended_on or today, today)
        # the board: one episode for about a fifth of the courses
        placed = taken_off = None
        if rng.random() < 0.22 and (end - start).days > 120:
            placed = self._between(start + days(60), end - days(20))
            length = rng.randrange(20, 160)
            taken_off = placed + days(length) if placed + days(length) < end else None
            if course.ended_on is not None and taken_off is None:
                taken_off = course.ended_on
            facility = person.facility_on(placed) or course.facility
            board.append(
                BoardEntry(
                    resident=person.resident,
                    course=course,
                    team_id=course.team_id,
                    facility=facility,
                    status="ended" if taken_off else "active",
                    placed_on=placed,
                    review_on=placed + days(14),
                    ended_on=taken_off,
                    end_reason="stable" if taken_off else "",
                    ending_text="Stabil (historik)." if taken_off else "",
                    created_by=self.author[course.team_id],
                    created_at=self._aware(placed),
                )
            )
        # living plans: one entry per resident and kind (kept across a new course), a new
        # version about every six months
        for kind in (Kind.TREATMENT_PLAN, Kind.CRISIS_PLAN):
            if rng.random() < 0.1:
                continue
            on = start + days(rng.randrange(5, 60))
            revisions = []
            while on <= end:
                review = on + days(180)
                revisions.append((on, review))
                on = review + days(rng.randrange(-20, 60))
            if not revisions:
                continue
            key = (person.resident.pk, kind)
            last_on, last_review = revisions[-1]
            if key in self.living:
                entry, earlier = self.living[key]
                earlier.extend(revisions)
                entry.occurred_on, entry.review_on = last_on, last_review
                entry.version = len(earlier)
                continue
            entry = self._entry(course, person, kind, last_on, review_on=last_review)
            entry.version = len(revisions)
            self.living[key] = (entry, revisions)
        for kind, every in ((Kind.SUICIDE_RISK, 180), (Kind.MEDICATION_REVIEW, 365)):
            on = start + days(rng.randrange(10, 90))
            while on <= end:
                self._entry(course, person, kind, on, review_on=on + days(every))
                on += days(every + rng.randrange(-20, 80))
        # month by month: contacts and events
        day = start
        next_free = start  # no new admission while admitted
        while day <= end:
            months_in = (day - start).days / 30.4
            effect = 1.0 if months_in < 6 else max(0.5, 1.0 - (months_in - 6) / 36)
            if placed is not None:
                on_board = day >= placed and (taken_off is None or day < taken_off)
                if placed - days(90) <= day < placed:
                    effect *= 2.5  # why the resident came on the board
                elif on_board:
                    effect *= 1.2
                elif day >= placed:
                    effect *= 0.6  # after the board
            month_end = min(day + days(30), end)
            span = (month_end - day).days

            def when(d=day, s=span):
                return d + days(rng.randrange(s + 1))

            for _visit in range(rng.choice((1, 2, 2, 3, 3, 4))):
                self._entry(course, person, Kind.VISIT, when(), subtype="visit")
            if rng.random() < 0.3:
                self._entry(course, person, Kind.ADVICE, when(), subtype="phone")
            if rng.random() < 0.08:
                self._entry(course, person, Kind.NETWORK_MEETING, when())
            if rng.random() < 0.045 * effect:
                on = when()
                while on >= next_free and on < today:
                    out = on + days(rng.randrange(2, 45))
                    subtype = "compulsory" if rng.random() < 0.3 else "voluntary"
                    self._entry(
                        course,
                        person,
                        Kind.ADMISSION,
                        on,
                        until=out if out < today else None,
                        subtype=subtype,
                    )
                    next_free = out
                    if rng.random() > 0.18:
                        break
                    on = out + days(rng.randrange(3, 40))  # readmitted
            if rng.random() < 0.04 * effect:
                self._entry(course, person, Kind.FORCE, when(), subtype="holding")
            if rng.random() < 0.05 * effect:
                self._entry(course, person, Kind.MEDICATION_FAILURE, when())
            day = month_end + days(1)

    # --- agreements ---------------------------------------------------------------------

    def agreements(self) -> None:
        rng = self.rng
        agreements, versions = [], []
        for facility in self.facilities:
            if rng.random() > 0.8:
                continue
            start = self.team_start[facility.team_id] + days(rng.randrange(30, 1000))
            in_force = start if start <= self.today else None
            agreement = Agreement(
                team_id=facility.team_id,
                facility=facility,
                status="in_force" if in_force else "draft",
                created_by=self.leader[facility.team_id],
                created_at=self._aware(min(start, self.today)),
            )
            agreements.append(agreement)
            versions.append((agreement, in_force))
        self._save(Agreement, agreements)
        self._save(
            AgreementVersion,
            [
                AgreementVersion(
                    agreement=a,
                    number=1,
                    created_by=a.created_by,
                    in_force_from=in_force,
                )
                for a, in_force in versions
            ],
        )

    def write(self) -> dict[str, int]:
        with transaction.atomic():
            self.organisation()
            self.residents()
            self.courses()
            self.agreements()
        return self.counts


def generate(
    size: Size = NATION, seed: int = 7, today: datetime.date | None = None
) -> HistoryWriter:
    writer = HistoryWriter(size, seed=seed, today=today)
    writer.write()
    return writer
