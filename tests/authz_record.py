"""Authorisation rules for the course record's URLs (merged into tests/authz_matrix.py).

The world's record belongs to resident_in_course (team A's course, living at facility A1):

- ``crisis_plan``: a team entry of category "plans", in two versions. The world's consent to
  A1 covers board and goals only, so housing staff read it only with the ``housing_staff:full``
  variant (every category); with partial or no consent it is not found (404). The
  housing leader has the world's partial consent: 404.
- ``visit_note``: a team entry of a team-only kind (visit): never shared, 404 for housing staff
  in every variant.
- ``facility_admission``: an admission recorded by housing_staff (sector facility): A1's
  housing staff read it in every consent variant, and so does team A (the team's course).
- ``medication``: a team entry written by the doctor; only prescribing professions (doctor,
  nurse, pharmacist) write or correct the kind.

Choices of arguments, one rule per URL name:

- overview and timeline: the resident: team A and A1's housing staff (every variant) 200.
- create: the kind "crisis", which both sectors may record: team A and A1's housing staff 200;
  an empty POST re-shows the form with errors (200).
- detail, version 1, print: the crisis plan (team A 200, housing staff only with full consent).
- correct: the medication entry, a kind restricted by profession: the team's nurse and doctor
  200, the team leader and the recovery mentor 403 (they see it but may not correct it);
  housing staff with full consent see it but may not correct a team entry (403); with partial
  or no consent it is not found (404).
- visit days: the team's list of today's visits; a team member's own teams only: team A's
  staff and team B's nurse (their own team's list) 200; everyone else 404. The visit day of
  facility A1: team A's staff 200; everyone else 404.

``EXTRA`` holds the rules for the other world entries on the same URLs (run by
tests/test_access_record.py with the same personas and consent variants): what housing staff
see of the facility admission and the visit note, who corrects the crisis plan and the
facility admission, and who may create a kind restricted by profession or sector; and the
object of an ended course (a resident of A1 whose only course, with team A, has ended): both
sectors still read what they read before, nobody writes or corrects (403).
"""

from tests.authz_matrix_base import HOUSING_A1, TEAM_A, Rule, ok

PRESCRIBERS_A = ("team_nurse", "team_doctor")
NON_PRESCRIBERS_A = ("team_leader", "team_mentor")


def _resident(w):
    return [w.resident_in_course.pk]


def _crisis_plan(w):
    return [w.crisis_plan.pk]


def _crisis_secrets(w):
    return [w.resident_in_course.full_name, w.crisis_plan.data["red_signs"]]


def _visit_secrets(w):
    return [w.resident_in_course.full_name, w.visit_note.data["note"]]


def _medication_secrets(w):
    return [w.resident_in_course.full_name, w.medication.data["reason"]]


def _admission_secrets(w):
    return [w.resident_in_course.full_name, w.facility_admission.data["note"]]


def _ended(w):
    """A resident of A1 whose course with team A has ended, with a team visit note and an
    event the facility recorded (made once per world)."""
    cached = getattr(w, "_record_ended_course", None)
    if cached is not None:
        return cached
    from types import SimpleNamespace

    from django.utils import timezone

    from courses.services import course_end
    from record.tests.samples import make_entry, new_resident_in_course

    resident = new_resident_in_course(w, first_name="Else", last_name="Afsluttesen")
    visit = make_entry(w.team_nurse, resident, "visit", note="Sidste samtale før afslutningen.")
    crisis = make_entry(
        w.housing_staff, resident, "crisis", description="Uro om natten efter afslutningen."
    )
    course = resident.courses.get()
    course_end(
        user=w.team_doctor,
        course=course,
        version=course.version,
        ended_on=timezone.localdate(),
        end_reason="completed",
        transition="gp",
        end_summary="Afsluttet efter planen.",
    )
    cached = SimpleNamespace(resident=resident, visit=visit, crisis=crisis)
    w._record_ended_course = cached
    return cached


def _ended_secrets(w):
    ended = _ended(w)
    return [ended.resident.full_name, ended.visit.data["note"], ended.crisis.data["description"]]


RECORD_READERS = ok(*TEAM_A, *HOUSING_A1)
PLANS_READERS = ok(*TEAM_A, "housing_staff:full")

RULES: dict = {
    "record:overview": Rule(args=_resident, allow=RECORD_READERS, secret=_crisis_secrets),
    "record:timeline": Rule(args=_resident, allow=RECORD_READERS, secret=_crisis_secrets),
    "record:create": Rule(
        args=lambda w: [w.resident_in_course.pk, "crisis"],
        allow=RECORD_READERS,
        writes=True,
        secret=lambda w: [w.resident_in_course.full_name],
    ),
    "record:detail": Rule(args=_crisis_plan, allow=PLANS_READERS, secret=_crisis_secrets),
    "record:version": Rule(
        args=lambda w: [w.crisis_plan.pk, 1], allow=PLANS_READERS, secret=_crisis_secrets
    ),
    "record:print": Rule(args=_crisis_plan, allow=PLANS_READERS, secret=_crisis_secrets),
    "record:correct": Rule(
        args=lambda w: [w.medication.pk],
        allow={
            **ok(*PRESCRIBERS_A),
            **ok(*NON_PRESCRIBERS_A, "housing_staff:full", status=403),
        },
        writes=True,
        secret=_medication_secrets,
    ),
    "record:visit_days": Rule(allow=ok(*TEAM_A, "other_team_nurse")),
    "record:visit_day": Rule(
        args=lambda w: [w.facility_a1.pk], allow=ok(*TEAM_A), secret=_crisis_secrets
    ),
}

# (label, URL name, rule) for the other world entries on the same pages.
EXTRA: list[tuple[str, str, Rule]] = [
    (
        "facility admission: both sectors read it, whatever the consent",
        "record:detail",
        Rule(
            args=lambda w: [w.facility_admission.pk],
            allow=RECORD_READERS,
            secret=_admission_secrets,
        ),
    ),
    (
        "facility admission, version 1",
        "record:version",
        Rule(
            args=lambda w: [w.facility_admission.pk, 1],
            allow=RECORD_READERS,
            secret=_admission_secrets,
        ),
    ),
    (
        "facility admission: corrected by the facility that recorded it, not the team",
        "record:correct",
        Rule(
            args=lambda w: [w.facility_admission.pk],
            allow={**ok(*HOUSING_A1), **ok(*TEAM_A, status=403)},
            writes=True,
            secret=_admission_secrets,
        ),
    ),
    (
        "facility admission: not a plan, nothing to print",
        "record:print",
        Rule(args=lambda w: [w.facility_admission.pk], allow={}, secret=_admission_secrets),
    ),
    (
        "visit note: the team's own journal, never shared",
        "record:detail",
        Rule(args=lambda w: [w.visit_note.pk], allow=ok(*TEAM_A), secret=_visit_secrets),
    ),
    (
        "visit note, version 1",
        "record:version",
        Rule(args=lambda w: [w.visit_note.pk, 1], allow=ok(*TEAM_A), secret=_visit_secrets),
    ),
    (
        "visit note: any team member corrects; housing staff never see it",
        "record:correct",
        Rule(
            args=lambda w: [w.visit_note.pk],
            allow=ok(*TEAM_A),
            writes=True,
            secret=_visit_secrets,
        ),
    ),
    (
        "crisis plan: not restricted by profession; housing staff read it at most",
        "record:correct",
        Rule(
            args=_crisis_plan,
            allow={**ok(*TEAM_A), "housing_staff:full": 403},
            writes=True,
            secret=_crisis_secrets,
        ),
    ),
    (
        "medication: read by housing staff only with a consent that covers medication",
        "record:detail",
        Rule(
            args=lambda w: [w.medication.pk],
            allow=ok(*TEAM_A, "housing_staff:full"),
            secret=_medication_secrets,
        ),
    ),
    (
        "create medication: prescribing professions only; housing staff may not",
        "record:create",
        Rule(
            args=lambda w: [w.resident_in_course.pk, "medication"],
            allow={
                **ok(*PRESCRIBERS_A),
                **ok(*NON_PRESCRIBERS_A, *HOUSING_A1, status=403),
            },
            writes=True,
            secret=lambda w: [w.resident_in_course.full_name],
        ),
    ),
    (
        "create a visit note: team only",
        "record:create",
        Rule(
            args=lambda w: [w.resident_in_course.pk, "visit"],
            allow={**ok(*TEAM_A), **ok(*HOUSING_A1, status=403)},
            writes=True,
            secret=lambda w: [w.resident_in_course.full_name],
        ),
    ),
    (
        "create an unknown kind: not found",
        "record:create",
        Rule(args=lambda w: [w.resident_in_course.pk, "no-such-kind"], allow={}, writes=True),
    ),
    (
        "ended course: the team's visit note is still read by the team",
        "record:detail",
        Rule(args=lambda w: [_ended(w).visit.pk], allow=ok(*TEAM_A), secret=_ended_secrets),
    ),
    (
        "ended course: the team's visit note is corrected by nobody",
        "record:correct",
        Rule(
            args=lambda w: [_ended(w).visit.pk],
            allow=ok(*TEAM_A, status=403),
            writes=True,
            secret=_ended_secrets,
        ),
    ),
    (
        "ended course: the facility's event is still read by both sectors",
        "record:detail",
        Rule(args=lambda w: [_ended(w).crisis.pk], allow=RECORD_READERS, secret=_ended_secrets),
    ),
    (
        "ended course: the facility's event is corrected by nobody",
        "record:correct",
        Rule(
            args=lambda w: [_ended(w).crisis.pk],
            allow=ok(*TEAM_A, *HOUSING_A1, status=403),
            writes=True,
            secret=_ended_secrets,
        ),
    ),
    (
        "ended course: the journal is still read by both sectors",
        "record:overview",
        Rule(
            args=lambda w: [_ended(w).resident.pk],
            allow=RECORD_READERS,
            secret=lambda w: [_ended(w).resident.full_name],
        ),
    ),
    (
        "ended course: no new entry, by either sector",
        "record:create",
        Rule(
            args=lambda w: [_ended(w).resident.pk, "crisis"],
            allow=ok(*TEAM_A, *HOUSING_A1, status=403),
            writes=True,
            secret=lambda w: [_ended(w).resident.full_name],
        ),
    ),
    (
        "another team's resident: not found for team A and A1",
        "record:overview",
        Rule(
            args=lambda w: [w.resident_other_team.pk],
            # B1's own staff; A2's housing staff (team A's other facility) see nobody at B1
            allow={**ok("other_team_nurse", "other_housing_staff"), "housing_staff_a2": 404},
            secret=lambda w: [w.resident_other_team.full_name],
        ),
    ),
]
