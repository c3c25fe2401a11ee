"""Every workflow transition through the services, and every illegal one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from courses import services
from courses.models import (
    Concern,
    ConcernStatus,
    Course,
    CourseStatus,
    Referral,
    ReferralStatus,
)
from lib.errors import StaleVersion, TransitionError
from organisation.models import TeamKind
from tests import factories as f

TODAY = timezone.localdate()


def referral_kwargs(**overrides):
    data = {
        "source": "gp",
        "referrer_name": "Egen læge",
        "received_on": TODAY,
        "reason": "Tiltagende uro og medicinsvigt.",
        "criteria": ["no_insight", "admissions"],
        "criteria_other": "",
        "consent_informed_on": TODAY,
        "consent_form": "written",
        "consent_given_by": "resident",
    }
    data.update(overrides)
    return data


def refer(w, resident, user=None, **overrides):
    return services.referral_create(
        user=user or w.team_nurse,
        resident=resident,
        team=w.team_a,
        facility=w.facility_a1,
        **referral_kwargs(**overrides),
    )


def accept(w, referral, **overrides):
    data = {
        "user": w.team_doctor,
        "referral": referral,
        "reason": "Opfylder målgruppen.",
        "started_on": TODAY,
        "team_contacts": [w.team_nurse],
        "responsible_doctor": w.team_doctor,
        "facility_contact": w.housing_staff,
    }
    data.update(overrides)
    return services.referral_accept(**data)


def known(w, resident):
    """Make the resident known to team A (a closed concern), so the team may refer them."""
    f.ConcernFactory(
        resident=resident, facility=w.facility_a1, raised_by=w.housing_staff, status="closed"
    )
    return resident


def audit_count():
    return AuditEvent.objects.count()


# --- concerns ------------------------------------------------------------------------------


def test_housing_staff_raise_a_concern(world):
    w = world
    before = audit_count()
    concern = services.concern_raise(
        user=w.housing_staff, resident=w.resident_plain, facility=w.facility_a1, description="Uro"
    )
    assert concern.status == ConcernStatus.OPEN
    assert concern.team == w.team_a
    assert audit_count() == before + 1


def test_concern_refused_when_facility_has_no_team(world):
    w = world
    w.facility_a1.team = None
    w.facility_a1.save()
    with pytest.raises(ValidationError):
        services.concern_raise(
            user=w.housing_staff, resident=w.resident_plain, facility=w.facility_a1, description="x"
        )


def test_concern_refused_for_resident_in_course(world):
    w = world
    with pytest.raises(TransitionError):
        services.concern_raise(
            user=w.housing_staff,
            resident=w.resident_in_course,
            facility=w.facility_a1,
            description="x",
        )


def test_second_open_concern_refused(world):
    w = world
    with pytest.raises(TransitionError):
        services.concern_raise(
            user=w.housing_staff,
            resident=w.resident_concern,
            facility=w.facility_a1,
            description="x",
        )


def test_concern_closed_once(world):
    w = world
    services.concern_close(user=w.team_nurse, concern=w.concern_open, note="Vurderet; ikke nu.")
    w.concern_open.refresh_from_db()
    assert w.concern_open.status == ConcernStatus.CLOSED
    assert w.concern_open.assessed_by == w.team_nurse
    with pytest.raises(TransitionError, match="Afsluttet uden henvisning"):
        services.concern_close(user=w.team_nurse, concern=w.concern_open, note="igen")


def test_concern_turned_into_referral(world):
    w = world
    referral = refer(w, w.resident_concern, concern=w.concern_open)
    w.concern_open.refresh_from_db()
    assert w.concern_open.status == ConcernStatus.REFERRED
    assert referral.concern == w.concern_open
    # a referred concern can neither be closed nor referred again
    with pytest.raises(TransitionError):
        services.concern_close(user=w.team_nurse, concern=w.concern_open, note="x")
    services.referral_withdraw(user=w.team_nurse, referral=referral, reason="fejl")
    with pytest.raises(TransitionError):
        refer(w, w.resident_concern, concern=w.concern_open)


def test_concern_of_another_resident_cannot_be_used(world):
    w = world
    with pytest.raises(ValidationError):
        refer(w, known(w, w.resident_plain), concern=w.concern_open)
    assert not Referral.objects.filter(resident=w.resident_plain).exists()


# --- referrals -----------------------------------------------------------------------------


def test_referral_created_with_audit(world):
    w = world
    before = audit_count()
    referral = refer(w, known(w, w.resident_plain))
    assert referral.status == ReferralStatus.PENDING
    assert referral.criteria == ["admissions", "no_insight"]
    assert audit_count() == before + 1
    row = AuditEvent.objects.latest("id")
    assert (row.action, row.resident_id, row.object_type) == (
        "create",
        w.resident_plain.pk,
        "referral",
    )


def test_under_18_refused_for_adult_team(world):
    w = world
    young = f.ResidentFactory(
        facility=w.facility_a1, birth_date=TODAY.replace(year=TODAY.year - 17)
    )
    with pytest.raises(ValidationError, match="under 18"):
        refer(w, known(w, young))
    assert not Referral.objects.filter(resident=young).exists()


def test_exactly_18_today_is_accepted(world):
    w = world
    day = 28 if (TODAY.month, TODAY.day) == (2, 29) else TODAY.day
    birthday = TODAY.replace(year=TODAY.year - 18, day=day)
    adult = f.ResidentFactory(facility=w.facility_a1, birth_date=birthday)
    assert refer(w, known(w, adult)).status == ReferralStatus.PENDING


def test_child_and_youth_team_takes_under_18(world):
    w = world
    w.team_a.kind = TeamKind.CHILD_YOUTH
    w.team_a.save()
    young = f.ResidentFactory(
        facility=w.facility_a1, birth_date=TODAY.replace(year=TODAY.year - 15)
    )
    assert refer(w, known(w, young)).status == ReferralStatus.PENDING


def test_consent_must_precede_referral(world):
    w = world
    with pytest.raises(ValidationError):
        refer(
            w,
            known(w, w.resident_plain),
            received_on=TODAY - datetime.timedelta(days=2),
            consent_informed_on=TODAY,
        )


def test_duplicate_pending_referral_refused(world):
    w = world
    with pytest.raises(TransitionError):
        refer(w, w.resident_pending)


def test_referral_refused_for_resident_in_active_course(world):
    w = world
    with pytest.raises(TransitionError):
        refer(w, w.resident_in_course)


def test_referral_refused_for_facility_of_another_team(world):
    w = world
    with pytest.raises(ValidationError):
        services.referral_create(
            user=w.team_nurse,
            resident=known(w, w.resident_plain),
            team=w.team_a,
            facility=w.facility_b1,
            **referral_kwargs(),
        )


def test_accept_opens_course(world):
    w = world
    before = audit_count()
    course = accept(w, w.referral_pending)
    w.referral_pending.refresh_from_db()
    assert w.referral_pending.status == ReferralStatus.ACCEPTED
    assert w.referral_pending.decided_by == w.team_doctor
    assert course.status == CourseStatus.ACTIVE
    assert list(course.team_contacts.all()) == [w.team_nurse]
    assert course.facility_contact == w.housing_staff
    assert audit_count() == before + 1  # the new course, naming the referral's transition
    row = AuditEvent.objects.latest("id")
    assert (row.object_type, row.detail["referral_to"]) == ("course", "accepted")


@pytest.mark.parametrize("first", ["accept", "reject", "withdraw"])
@pytest.mark.parametrize("second", ["accept", "reject", "withdraw"])
def test_decided_referral_cannot_change_again(world, first, second):
    w = world
    actions = {
        "accept": lambda: accept(w, w.referral_pending),
        "reject": lambda: services.referral_reject(
            user=w.team_doctor, referral=w.referral_pending, reason="Uden for målgruppen"
        ),
        "withdraw": lambda: services.referral_withdraw(
            user=w.team_nurse, referral=w.referral_pending, reason="Fejlhenvist"
        ),
    }
    actions[first]()
    status = Referral.objects.get(pk=w.referral_pending.pk).status
    courses = Course.objects.count()
    with pytest.raises(TransitionError, match="status er allerede"):
        actions[second]()
    assert Referral.objects.get(pk=w.referral_pending.pk).status == status
    assert Course.objects.count() == courses


def test_course_cannot_start_before_referral(world):
    w = world
    with pytest.raises(ValidationError):
        accept(
            w,
            w.referral_pending,
            started_on=w.referral_pending.received_on - datetime.timedelta(days=1),
        )
    assert Referral.objects.get(pk=w.referral_pending.pk).status == ReferralStatus.PENDING


def test_accept_needs_a_team_contact(world):
    w = world
    with pytest.raises(ValidationError):
        accept(w, w.referral_pending, team_contacts=[])
    assert not Course.objects.filter(referral=w.referral_pending).exists()


def test_failure_mid_accept_leaves_nothing_half_written(world, monkeypatch):
    """The referral's status, the new course and their audit rows commit together or not at all."""
    w = world
    before = audit_count()

    def broken_set(*args, **kwargs):
        raise RuntimeError("simulated failure after the course row was written")

    monkeypatch.setattr(Course.team_contacts.related_manager_cls, "set", broken_set)
    with pytest.raises(RuntimeError):
        accept(w, w.referral_pending)
    assert Referral.objects.get(pk=w.referral_pending.pk).status == ReferralStatus.PENDING
    assert not Course.objects.filter(referral=w.referral_pending).exists()
    assert audit_count() == before


# --- courses -------------------------------------------------------------------------------


def end(w, course, **overrides):
    data = {
        "user": w.team_doctor,
        "course": course,
        "version": course.version,
        "ended_on": TODAY,
        "end_reason": "completed",
        "transition": "gp",
        "end_summary": "Stabil; egen læge overtager medicinen.",
    }
    data.update(overrides)
    return services.course_end(**data)


def test_course_ends_once(world):
    w = world
    course = end(w, w.course)
    assert course.status == CourseStatus.ENDED
    assert course.ended_by == w.team_doctor
    assert course.version == 2
    with pytest.raises(TransitionError):
        end(w, course)


def test_course_cannot_end_before_start_or_in_future(world):
    w = world
    with pytest.raises(ValidationError, match="før forløbets start"):
        end(w, w.course, ended_on=w.course.started_on - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="fremtiden"):
        end(w, w.course, ended_on=TODAY + datetime.timedelta(days=1))
    assert Course.objects.get(pk=w.course.pk).status == CourseStatus.ACTIVE


def test_stale_course_edit_is_refused(world):
    w = world
    services.course_update_contacts(
        user=w.team_nurse,
        course=w.course,
        version=1,
        team_contacts=[w.team_nurse, w.team_mentor],
        responsible_doctor=w.team_doctor,
    )
    with pytest.raises(StaleVersion):
        services.course_update_contacts(
            user=w.team_leader,
            course=w.course,
            version=1,
            team_contacts=[w.team_leader],
            responsible_doctor=w.team_doctor,
        )
    with pytest.raises(StaleVersion):
        end(w, w.course, version=1)
    course = Course.objects.get(pk=w.course.pk)
    assert set(course.team_contacts.all()) == {w.team_nurse, w.team_mentor}
    assert course.status == CourseStatus.ACTIVE


def test_re_referral_after_end_keeps_history(world):
    w = world
    end(w, w.course)
    referral = refer(w, w.resident_in_course)
    second = accept(w, referral)
    courses = Course.objects.filter(resident=w.resident_in_course).order_by("id")
    assert [c.status for c in courses] == [CourseStatus.ENDED, CourseStatus.ACTIVE]
    assert courses[1] == second
    assert Referral.objects.filter(resident=w.resident_in_course).count() == 2


def test_concern_refused_while_in_course_then_allowed_after_end(world):
    w = world
    with pytest.raises(TransitionError):
        services.concern_raise(
            user=w.housing_staff,
            resident=w.resident_in_course,
            facility=w.facility_a1,
            description="x",
        )
    end(w, w.course)
    concern = services.concern_raise(
        user=w.housing_staff, resident=w.resident_in_course, facility=w.facility_a1, description="x"
    )
    assert concern.status == ConcernStatus.OPEN
    assert Concern.objects.filter(resident=w.resident_in_course).count() == 1
