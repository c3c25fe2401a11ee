"""A small synthetic world with one named persona per role, used across the test suite.

Region with two adult teams (A, B) and a ward. Team A serves facilities A1 and A2, team B
serves B1. Residents at A1: one in an active course, one with a pending referral, one with an
open concern, one with nothing yet; one resident at B1 in team B's course.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from organisation.models import Profession, Role

from . import factories as f


@dataclass
class World:
    region: object
    team_a: object
    team_b: object
    facility_a1: object
    facility_a2: object
    facility_b1: object
    ward: object
    # personas
    team_nurse: object
    team_doctor: object
    team_leader: object
    team_mentor: object  # team member who may not make clinical decisions
    other_team_nurse: object
    housing_staff: object
    housing_leader: object
    other_housing_staff: object
    housing_staff_a2: object  # same team (A), other facility (A2)
    ward_staff: object
    region_admin: object
    # residents and workflow objects
    resident_in_course: object
    resident_pending: object
    resident_concern: object
    resident_plain: object
    resident_other_team: object
    course: object
    referral_pending: object
    concern_open: object
    course_other_team: object
    consent_partial: object  # resident_in_course shares board and goals with facility A1
    emergency_past: object  # an expired emergency access by the team doctor, for review
    board_entry: object  # resident_in_course on facility A1's board
    meeting_closed: object  # last week's meeting at A1, with an agenda item and an open action
    agenda_item: object
    action_open: object
    question_open: object  # housing staff's open question about resident_in_course
    agreement: object  # team A and facility A1's agreement, signed by both leaders: in force
    # course record of resident_in_course (record.services, payloads from record/tests/samples)
    crisis_plan: object  # team entry, category plans (not in the partial consent); 2 versions
    visit_note: object  # team entry of a team-only kind (visit): never shared
    facility_admission: object  # recorded by housing_staff (sector facility), category admissions
    medication: object  # team entry by the doctor; a kind only prescribing professions write


def _member(role, profession, **scope):
    return f.MembershipFactory(role=role, profession=profession, **scope).user


def build_world() -> World:
    region = f.RegionFactory(name="Region Test")
    team_a = f.TeamFactory.create(region=region, name="Botilbudsteam Nord")
    team_b = f.TeamFactory(region=region, name="Botilbudsteam Syd")
    facility_a1 = f.FacilityFactory.create(region=region, team=team_a, name="Bostedet Egely")
    facility_a2 = f.FacilityFactory(region=region, team=team_a, name="Bofællesskabet Lyngen")
    facility_b1 = f.FacilityFactory(region=region, team=team_b, name="Botilbuddet Strandly")
    ward = f.WardFactory(region=region, name="Psykiatrisk sengeafsnit P1")

    team_nurse = _member(Role.TEAM_STAFF, Profession.NURSE, team=team_a)
    team_doctor = _member(Role.TEAM_STAFF, Profession.DOCTOR, team=team_a)
    team_leader = _member(Role.TEAM_LEADER, Profession.LEADER, team=team_a)
    team_mentor = _member(Role.TEAM_STAFF, Profession.RECOVERY_MENTOR, team=team_a)
    other_team_nurse = _member(Role.TEAM_STAFF, Profession.NURSE, team=team_b)
    housing_staff = _member(Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, facility=facility_a1)
    housing_leader = _member(Role.FACILITY_LEADER, Profession.LEADER, facility=facility_a1)
    other_housing_staff = _member(
        Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, facility=facility_b1
    )
    housing_staff_a2 = _member(
        Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, facility=facility_a2
    )
    ward_staff = _member(Role.WARD_STAFF, Profession.NURSE, ward=ward)
    region_admin = _member(Role.REGION_ADMIN, Profession.OTHER, region=region)
    region_admin.is_staff = True
    region_admin.save(update_fields=["is_staff"])

    today = timezone.localdate()
    resident_in_course = f.ResidentFactory.create(
        facility=facility_a1, first_name="Dorte", last_name="Testesen"
    )
    resident_pending = f.ResidentFactory(
        facility=facility_a1, first_name="Peter", last_name="Prøvesen"
    )
    resident_concern = f.ResidentFactory(
        facility=facility_a1, first_name="Mads", last_name="Eksempelsen"
    )
    resident_plain = f.ResidentFactory(
        facility=facility_a1, first_name="Lone", last_name="Fiktivsen"
    )
    resident_other_team = f.ResidentFactory.create(
        facility=facility_b1, first_name="Karl", last_name="Andersted"
    )

    course = f.CourseFactory(
        referral__resident=resident_in_course,
        referral__facility=facility_a1,
        referral__received_on=today - datetime.timedelta(days=100),
        responsible_doctor=team_doctor,
        facility_contact=housing_staff,
        team_contacts=[team_nurse],
        referral__decided_by=team_doctor,
        referral__decided_at=timezone.now() - datetime.timedelta(days=90),
        started_on=today - datetime.timedelta(days=90),
    )
    referral_pending = f.ReferralFactory(
        resident=resident_pending, facility=facility_a1, created_by=team_nurse
    )
    concern_open = f.ConcernFactory(
        resident=resident_concern, facility=facility_a1, raised_by=housing_staff
    )
    course_other_team = f.CourseFactory(
        referral__resident=resident_other_team,
        referral__facility=facility_b1,
        responsible_doctor=other_team_nurse,
        team_contacts=[other_team_nurse],
    )
    from consent.services import consent_record
    from emergency.models import EmergencyAccess

    consent_partial = consent_record(
        user=team_nurse,
        resident=resident_in_course,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=today - datetime.timedelta(days=30),
        facility=facility_a1,
        direction="both",
        categories=["board", "goals"],
        purpose="Fælles indsats og tavlemøder",
        legal_basis="sul_43",
    )
    emergency_past = EmergencyAccess.objects.create(
        user=team_doctor,
        team=team_a,
        resident=resident_other_team,
        reason_category="acute_admission",
        reason_text="Akut indlagt; eget team lukket.",
        started_at=timezone.now() - datetime.timedelta(days=1, hours=3),
        expires_at=timezone.now() - datetime.timedelta(days=1, hours=1),
    )
    from board import services as board_services
    from board.models import AgendaItem

    board_entry = board_services.board_entry_create(
        user=team_nurse,
        resident=resident_in_course,
        placed_on=today - datetime.timedelta(days=20),
        criteria=["early_signs", "medication_failure"],
        need_text="Sover dårligt og har sprunget medicin over i en uge.",
        review_on=today + datetime.timedelta(days=7),
        goals_short="Tager medicin hver dag i to uger.",
        goals_long="Stabil hverdag uden indlæggelse.",
        resident_goals="Jeg vil gerne kunne sove om natten.",
        treatment_interventions="Medicingennemgang ved lægen; tættere opfølgning.",
    )
    board_services.board_entry_update(
        user=housing_staff,
        entry=board_entry,
        version=board_entry.version,
        changes={"social_interventions": "Daglig kontakt om morgenen; fælles gåtur."},
    )
    board_entry.refresh_from_db()
    meeting_closed = board_services.meeting_open(
        user=team_nurse, facility=facility_a1, held_on=today - datetime.timedelta(days=7)
    )
    agenda_item = AgendaItem.objects.get(meeting=meeting_closed, resident=resident_in_course)
    board_services.agenda_item_update(
        user=team_nurse,
        item=agenda_item,
        version=agenda_item.version,
        note="Bedre søvn; medicin taget 5 af 7 dage.",
        decisions="Fortsætter på tavlen.",
    )
    action_open = board_services.action_create(
        user=team_nurse,
        item=agenda_item,
        text="Kontaktperson taler med Dorte om morgenmedicinen.",
        owner=housing_staff,
        due_on=today + datetime.timedelta(days=3),
    )
    board_services.meeting_close(user=team_nurse, meeting=meeting_closed)
    agenda_item.refresh_from_db()
    question_open = board_services.question_ask(
        user=housing_staff,
        resident=resident_in_course,
        kind="question",
        text="Hvordan gik samtalen med lægen i tirsdags?",
    )
    from agreements import services as agreement_services

    agreement = agreement_services.agreement_create(
        user=team_leader, team=team_a, facility=facility_a1
    )
    agreement_services.agreement_sign(user=team_leader, agreement=agreement)
    agreement_services.agreement_sign(user=housing_leader, agreement=agreement)
    agreement.refresh_from_db()
    from record.tests.samples import correct_entry, make_entry

    crisis_plan = make_entry(
        team_nurse,
        resident_in_course,
        "crisis_plan",
        red_signs="Dorte hører stemmer fra naboens lejlighed og holder op med at spise.",
        helps="En rolig stemme, en kop te og en gåtur ved søen.",
    )
    crisis_plan = correct_entry(
        team_doctor,
        crisis_plan,
        reason="Gul fase efter samtalen i dag",
        subtype="yellow",
        red_signs="Dorte hører stemmer fra naboens lejlighed og holder op med at spise.",
        helps="En rolig stemme, en kop te og en gåtur ved søen.",
    )
    visit_note = make_entry(
        team_nurse,
        resident_in_course,
        "visit",
        note="Samtale i haven med Dorte om søvnen og savnet af hunden.",
    )
    facility_admission = make_entry(
        housing_staff,
        resident_in_course,
        "admission",
        note="Kørt til akutmodtagelsen af aftenvagten efter en urolig nat.",
    )
    medication = make_entry(
        team_doctor,
        resident_in_course,
        "medication",
        reason="Søvnbesvær og uro om aftenen (verdens medicin)",
    )
    return World(**{k: v for k, v in locals().items() if k in World.__dataclass_fields__})
