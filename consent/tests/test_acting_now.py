"""Consent writes follow who acts for the resident NOW, not history (issue 11, red-team finding).

Team A's course with resident_in_course ends, the resident moves to facility B1 and team B
opens a course there. Team A still reads the ledger (a past resident's history), but records
and withdraws nothing: only the team with the active course (or one assessing the resident: a
referral pending visitation, an open concern) and the housing staff where the resident lives
now write it.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from consent import access, services
from consent.models import Consent
from courses.services import course_end
from residents.services import move_record
from tests import factories as f

TODAY = timezone.localdate()


def course_ended_and_moved_to_b1(w):
    """Team A ends the course, A1's housing staff record the move to B1, team B opens a course
    there and records a sharing consent with B1. Returns team B's consent."""
    w.course.refresh_from_db()
    course_end(
        user=w.team_doctor,
        course=w.course,
        version=w.course.version,
        ended_on=TODAY,
        end_reason="moved",
        transition="other_team",
        end_summary="Flytter til Strandly; overdraget til teamet der.",
    )
    resident = w.resident_in_course
    move_record(user=w.housing_staff, resident=resident, to_facility=w.facility_b1, moved_in=TODAY)
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=w.facility_b1,
        responsible_doctor=w.other_team_nurse,
        team_contacts=[w.other_team_nurse],
    )
    return services.consent_record(
        user=w.other_team_nurse,
        resident=resident,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=TODAY,
        facility=w.facility_b1,
        direction="both",
        categories=["board", "goals"],
        purpose="Fælles indsats på Strandly",
        legal_basis="sul_43",
    )


def treatment_post() -> dict:
    return {
        "kind": "treatment",
        "form": "oral",
        "given_by": "resident",
        "given_on": TODAY.isoformat(),
    }


def test_former_team_cannot_withdraw_the_new_teams_consent(world, client):
    w = world
    consent = course_ended_and_moved_to_b1(w)
    url = reverse("consent:withdraw", args=[consent.pk])
    client.force_login(w.team_nurse)
    response = client.post(url, {"note": "Beboeren vil ikke mere."})
    assert response.status_code in (403, 404)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert not access.can(w.team_nurse, access.WITHDRAW, consent)
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(user=w.team_nurse, consent=consent)
    # the same valid form is saved by the team that acts now
    client.force_login(w.other_team_nurse)
    assert client.post(url, {"note": "Beboeren vil ikke mere."}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_former_team_cannot_record_a_treatment_consent(world, client):
    w = world
    course_ended_and_moved_to_b1(w)
    resident = w.resident_in_course
    url = reverse("consent:create", args=[resident.pk])
    before = Consent.objects.count()
    client.force_login(w.team_nurse)
    assert client.get(url).status_code == 403
    assert client.post(url, treatment_post()).status_code == 403
    assert Consent.objects.count() == before
    assert not access.may_record(w.team_nurse, resident)
    with pytest.raises(PermissionDenied):
        services.consent_record(
            user=w.team_nurse,
            resident=resident,
            kind="treatment",
            form="oral",
            given_by="resident",
            given_on=TODAY,
        )
    assert Consent.objects.count() == before
    # the same valid form is saved by the team that acts now
    client.force_login(w.other_team_nurse)
    assert client.post(url, treatment_post()).status_code == 302
    assert Consent.objects.count() == before + 1


def test_former_team_still_reads_the_ledger(world, client):
    w = world
    consent = course_ended_and_moved_to_b1(w)
    client.force_login(w.team_nurse)
    response = client.get(reverse("consent:ledger", args=[w.resident_in_course.pk]))
    assert response.status_code == 200
    assert reverse("consent:withdraw", args=[consent.pk]) not in response.content.decode()


def test_team_assessing_a_pending_referral_records_consent_to_treatment(world):
    """A referral pending visitation: the team acts for the resident (consent to treatment is
    needed before the course starts)."""
    w = world
    assert access.team_acts_for(w.team_nurse, w.resident_pending)
    assert access.team_acts_for(w.team_nurse, w.resident_concern)  # an open concern
    consent = services.consent_record(
        user=w.team_nurse,
        resident=w.resident_pending,
        kind="treatment",
        form="oral",
        given_by="resident",
        given_on=TODAY,
    )
    assert access.can(w.team_nurse, access.WITHDRAW, consent)
    assert not access.team_acts_for(w.other_team_nurse, w.resident_pending)
