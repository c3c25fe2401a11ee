"""A small hand-built world for the indicator tests, with exact dates.

One region, team A (facilities A1, A2) and team B (facility B1). ``build_dataset`` writes the
first half of 2024 (the test period) with the cases the acceptance asks for: period
boundaries, a readmission on day 30 and one on day 31, a resident who moves facility
mid-period, and a course reopened after a new referral. The expected figures are written out
in test_indicators.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from agreements.models import Agreement, AgreementVersion
from board.models import BoardEntry
from consent.models import Consent
from courses.models import Concern
from organisation.models import Profession, Role
from record.kinds import CATEGORY
from record.models import Entry, EntryVersion
from residents.models import Residence
from tests import factories as f

D = datetime.date


@dataclass
class Org:
    region: object
    team_a: object
    team_b: object
    fac_a1: object
    fac_a2: object
    fac_b1: object
    nurse_a: object  # team staff in team A
    leader_a: object
    nurse_b: object
    facility_leader_a1: object
    facility_staff_a1: object
    planner: object  # region admin


def make_org() -> Org:
    region = f.RegionFactory(name="Region Indikator")
    team_a = f.TeamFactory(region=region, name="Team A")
    team_b = f.TeamFactory(region=region, name="Team B")
    fac_a1 = f.FacilityFactory(region=region, team=team_a, name="Botilbud A1")
    fac_a2 = f.FacilityFactory(region=region, team=team_a, name="Botilbud A2")
    fac_b1 = f.FacilityFactory(region=region, team=team_b, name="Botilbud B1")

    def member(role, profession, **scope):
        return f.MembershipFactory(role=role, profession=profession, **scope).user

    return Org(
        region=region,
        team_a=team_a,
        team_b=team_b,
        fac_a1=fac_a1,
        fac_a2=fac_a2,
        fac_b1=fac_b1,
        nurse_a=member(Role.TEAM_STAFF, Profession.NURSE, team=team_a),
        leader_a=member(Role.TEAM_LEADER, Profession.LEADER, team=team_a),
        nurse_b=member(Role.TEAM_STAFF, Profession.NURSE, team=team_b),
        facility_leader_a1=member(Role.FACILITY_LEADER, Profession.LEADER, facility=fac_a1),
        facility_staff_a1=member(Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, facility=fac_a1),
        planner=member(Role.REGION_ADMIN, Profession.OTHER, region=region),
    )


def resident(facility, moved_in=None, moved_out=None):
    person = f.ResidentFactory()
    Residence.objects.create(
        resident=person,
        facility=facility,
        moved_in=moved_in or D(2020, 1, 1),
        moved_out=moved_out,
    )
    return person


def move(person, facility, on):
    Residence.objects.filter(resident=person, moved_out__isnull=True).update(moved_out=on)
    Residence.objects.create(resident=person, facility=facility, moved_in=on)


def aware(day, hour=12, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def referral(person, team, facility, *, received, status="pending", decided_at=None):
    return f.ReferralFactory(
        resident=person,
        team=team,
        facility=facility,
        received_on=received,
        consent_informed_on=received,
        status=status,
        decided_at=decided_at,
    )


def course(
    person,
    team,
    facility,
    *,
    received,
    decided,
    started=None,
    ended=None,
    transition="",
    contacts=(),
    facility_contact=None,
):
    ref = referral(
        person, team, facility, received=received, status="accepted", decided_at=aware(decided)
    )
    return f.CourseFactory(
        referral=ref,
        resident=person,
        team=team,
        facility=facility,
        started_on=started or decided,
        ended_on=ended,
        status="ended" if ended else "active",
        end_reason="completed" if ended else "",
        transition=transition,
        team_contacts=list(contacts),
        facility_contact=facility_contact,
    )


def entry(the_course, kind, on, *, until=None, subtype="", review_on=None):
    author = f.UserFactory()
    row = Entry.objects.create(
        resident=the_course.resident,
        course=the_course,
        team=the_course.team,
        facility=the_course.facility,  # deliberately the course's: indicators use residences
        kind=kind,
        category=CATEGORY.get(kind) or "",
        sector="team",
        occurred_on=on,
        occurred_until=until,
        review_on=review_on,
        subtype=subtype,
        data={},
        recorded_by=author,
        updated_by=author,
    )
    EntryVersion.objects.create(
        entry=row,
        number=1,
        occurred_on=on,
        occurred_until=until,
        review_on=review_on,
        subtype=subtype,
        author=author,
    )
    return row


def revise(row, on, review_on):
    """A new version of a living plan (the treatment or crisis plan)."""
    row.version += 1
    row.occurred_on, row.review_on = on, review_on
    row.save()
    EntryVersion.objects.create(
        entry=row, number=row.version, occurred_on=on, review_on=review_on, author=row.recorded_by
    )
    return row


def board(the_course, facility, placed, ended=None):
    return BoardEntry.objects.create(
        resident=the_course.resident,
        course=the_course,
        team=the_course.team,
        facility=facility,
        placed_on=placed,
        review_on=placed + datetime.timedelta(days=14),
        status="ended" if ended else "active",
        ended_on=ended,
        end_reason="stable" if ended else "",
        ending_text="Stabil." if ended else "",
        created_by=f.UserFactory(),
    )


def concern(person, facility, raised, status):
    return Concern.objects.create(
        resident=person,
        facility=facility,
        team=facility.team,
        description="Bekymring.",
        raised_by=f.UserFactory(),
        raised_at=aware(raised),
        status=status,
    )


def consent(person, facility, given, expires=None, withdrawn_at=None):
    return Consent.objects.create(
        resident=person,
        kind="sharing",
        facility=facility,
        direction="both",
        form="written",
        given_by="resident",
        given_on=given,
        expires_on=expires,
        withdrawn_at=withdrawn_at,
        recorded_by=f.UserFactory(),
    )


def agreement(team, facility, in_force_from, ends_on=None):
    made = Agreement.objects.create(
        team=team,
        facility=facility,
        status="in_force",
        ends_on=ends_on,
        created_by=f.UserFactory(),
    )
    AgreementVersion.objects.create(
        agreement=made, number=1, created_by=made.created_by, in_force_from=in_force_from
    )
    return made


@dataclass
class Dataset:
    org: Org
    r1: object  # team A; moves from A1 to A2 on 15 February
    r2: object  # team B at B1; course ended 31 March, reopened 6 May after a new referral
    r3: object  # referral to team A, rejected
    r4: object  # concerns at A2
    r5: object  # concern that became a pending referral
    c1: object
    c2: object
    c3: object


def build_dataset() -> Dataset:
    """The first half of 2024, written out in test_indicators.py."""
    org = make_org()
    # r1: team A, lives at A1 and moves to A2 mid-period
    r1 = resident(org.fac_a1)
    move(r1, org.fac_a2, D(2024, 2, 15))
    c1 = course(
        r1,
        org.team_a,
        org.fac_a1,
        received=D(2023, 12, 20),
        decided=D(2024, 1, 5),
        started=D(2024, 1, 8),
        contacts=[org.nurse_a],
        facility_contact=org.facility_staff_a1,
    )
    entry(c1, "network_meeting", D(2023, 12, 31))  # before the period
    entry(c1, "advice", D(2024, 1, 1), subtype="phone")  # first day of the period
    entry(c1, "visit", D(2024, 1, 10), subtype="visit")  # first visit: 21 days
    entry(c1, "admission", D(2024, 1, 31), until=D(2024, 2, 5), subtype="voluntary")
    entry(c1, "force", D(2024, 2, 14), subtype="holding")  # at A1
    entry(c1, "force", D(2024, 2, 15), subtype="holding")  # moving day: at A2
    entry(c1, "visit", D(2024, 2, 20), subtype="visit")
    # 31 days after the discharge of 5 February: not a readmission
    entry(c1, "admission", D(2024, 3, 7), until=D(2024, 3, 10), subtype="compulsory")
    # 30 days after the discharge of 10 March: a readmission; not discharged yet
    entry(c1, "admission", D(2024, 4, 9), subtype="voluntary")
    entry(c1, "medication_failure", D(2024, 6, 30))  # last day of the period
    entry(c1, "medication_failure", D(2024, 7, 1))  # after it
    board(c1, org.fac_a1, D(2024, 2, 1), D(2024, 2, 29))

    # r2: team B; course ended 31 March, reopened on a new referral in May
    r2 = resident(org.fac_b1)
    c2 = course(
        r2,
        org.team_b,
        org.fac_b1,
        received=D(2024, 1, 2),
        decided=D(2024, 1, 12),
        started=D(2024, 1, 15),
        ended=D(2024, 3, 31),
        transition="gp",
    )
    entry(c2, "visit", D(2024, 1, 20), subtype="visit")  # first visit: 18 days
    entry(c2, "admission", D(2024, 3, 20), until=D(2024, 3, 25), subtype="voluntary")
    c3 = course(
        r2,
        org.team_b,
        org.fac_b1,
        received=D(2024, 5, 2),
        decided=D(2024, 5, 6),
        contacts=[org.nurse_b],
    )
    entry(c3, "visit", D(2024, 5, 10), subtype="visit")  # first visit: 8 days
    entry(c3, "admission", D(2024, 5, 20), until=D(2024, 6, 2), subtype="voluntary")
    board(c3, org.fac_b1, D(2024, 5, 10), D(2024, 6, 10))

    # r3: referral to team A rejected; decided 00:30 on 1 February (23:30 UTC the day before)
    r3 = resident(org.fac_a1)
    referral(
        r3,
        org.team_a,
        org.fac_a1,
        received=D(2024, 1, 25),
        status="rejected",
        decided_at=aware(D(2024, 2, 1), 0, 30),
    )
    # r4, r5: concerns at A2
    r4 = resident(org.fac_a2)
    concern(r4, org.fac_a2, D(2024, 1, 15), "closed")
    concern(r4, org.fac_a2, D(2024, 3, 5), "open")
    r5 = resident(org.fac_a2)
    concern(r5, org.fac_a2, D(2024, 2, 1), "referred")
    referral(r5, org.team_a, org.fac_a2, received=D(2024, 2, 3))
    return Dataset(org, r1, r2, r3, r4, r5, c1, c2, c3)


def add_adherence(ds: Dataset) -> None:
    """Plans, assessments, consents and agreements for the adherence figures on 30 June."""
    org = ds.org
    tp = entry(ds.c1, "treatment_plan", D(2024, 1, 15), review_on=D(2024, 5, 1))
    revise(tp, D(2024, 5, 1), D(2024, 10, 1))  # in force on 30 June
    revise(tp, D(2024, 8, 1), D(2025, 1, 1))  # applies from August: not yet on 30 June
    entry(ds.c1, "crisis_plan", D(2024, 1, 15), review_on=D(2024, 6, 1))  # overdue
    entry(ds.c1, "suicide_risk", D(2024, 3, 1), review_on=D(2024, 9, 1))
    entry(ds.c1, "medication_review", D(2023, 6, 1), review_on=D(2024, 6, 1))  # 395 days
    consent(ds.r1, org.fac_a2, D(2023, 8, 1), expires=D(2024, 8, 1))  # A2: where r1 lives
    consent(ds.r1, org.fac_a1, D(2024, 1, 1), expires=D(2025, 1, 1))  # A1: moved away

    entry(ds.c3, "treatment_plan", D(2024, 5, 10), review_on=D(2024, 11, 1))
    entry(ds.c3, "crisis_plan", D(2024, 5, 10), review_on=D(2024, 11, 1))
    entry(ds.c2, "suicide_risk", D(2023, 1, 1), review_on=D(2023, 7, 1))
    entry(ds.c3, "suicide_risk", D(2024, 6, 30), review_on=D(2024, 12, 31))  # on the day
    entry(ds.c3, "medication_review", D(2024, 6, 30), review_on=D(2025, 6, 30))
    consent(ds.r2, org.fac_b1, D(2024, 1, 1), withdrawn_at=aware(D(2024, 6, 30), 10))
    consent(ds.r2, org.fac_b1, D(2023, 6, 30), expires=D(2024, 6, 30))  # lapses on the day

    agreement(org.team_a, org.fac_a1, D(2024, 3, 1))
    agreement(org.team_a, org.fac_a2, D(2024, 4, 15))


def build_more(ds: Dataset, residents: int = 12) -> int:
    """More of everything in the same period (for the query-count tests); returns how many
    rows were added."""
    org = ds.org
    added = 0
    for i in range(residents):
        team, facility = (org.team_a, org.fac_a1) if i % 2 else (org.team_b, org.fac_b1)
        person = resident(facility)
        if i % 3 == 0:
            move(person, org.fac_a2 if team == org.team_a else facility, D(2024, 3, 1 + i))
        the_course = course(
            person,
            team,
            facility,
            received=D(2024, 1, 1 + i),
            decided=D(2024, 1, 10 + i),
            contacts=[org.nurse_a],
        )
        for day in range(1, 28, 3):
            entry(the_course, "visit", D(2024, 2, day), subtype="visit")
        entry(the_course, "admission", D(2024, 4, 1 + i), until=D(2024, 4, 10 + i))
        entry(the_course, "admission", D(2024, 5, 1 + i), until=D(2024, 5, 3 + i))
        entry(the_course, "force", D(2024, 3, 3 + i))
        entry(the_course, "treatment_plan", D(2024, 2, 1), review_on=D(2024, 12, 1))
        board(the_course, facility, D(2024, 3, 1), D(2024, 3, 20 + i))
        concern(person, facility, D(2024, 1, 2 + i), "referred")
        consent(person, facility, D(2024, 1, 1), expires=D(2025, 1, 1))
        added += 20
    agreement(org.team_b, org.fac_b1, D(2024, 2, 1))
    return added
