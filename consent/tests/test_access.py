"""The consent policy (consent/access.py): who may record and withdraw which consents.

Issue 11, hole 4: housing staff could grant themselves the team's health data by recording a
sharing consent from the team to their own facility. Consent to share the team's information
is recorded by the team that holds it; housing staff record what the facility shares.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from consent import access, services
from consent.models import ALL_CATEGORIES, Consent
from consent.selectors import shared_categories

TODAY = timezone.localdate()
WITHHELD = "deles ikke – samtykke mangler"


def _valid_sharing_post(w, direction="team_to_facility"):
    """A form the resident's team may save: every category shared with facility A1."""
    return {
        "kind": "sharing",
        "facility": str(w.facility_a1.pk),
        "direction": direction,
        "categories": sorted(ALL_CATEGORIES),
        "purpose": "Fælles indsats",
        "legal_basis": "sul_43",
        "form": "written",
        "given_by": "resident",
        "given_on": TODAY.isoformat(),
    }


def _record(user, w, **kw):
    values = {
        "resident": w.resident_in_course,
        "kind": "sharing",
        "form": "written",
        "given_by": "resident",
        "given_on": TODAY,
        "facility": w.facility_a1,
        "direction": "team_to_facility",
        "categories": ["board", "medication"],
        "purpose": "Fælles indsats",
        "legal_basis": "sul_43",
    }
    values.update(kw)
    return services.consent_record(user=user, **values)


def _withheld(client, w) -> int:
    url = reverse("residents:detail", args=[w.resident_in_course.pk])
    return client.get(url).content.decode().count(WITHHELD)


# --- hole 4: housing staff cannot open the team's information to themselves ---------------


@pytest.mark.parametrize("direction", ["team_to_facility", "both"])
def test_housing_staff_posting_a_valid_team_to_facility_consent_are_refused(
    world, client, direction
):
    w = world
    client.force_login(w.housing_staff)
    assert _withheld(client, w) == 6
    before = Consent.objects.count()
    url = reverse("consent:create", args=[w.resident_in_course.pk])
    response = client.post(url, _valid_sharing_post(w, direction))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Samtykke til at dele teamets oplysninger med botilbuddet registreres af teamet" in body
    assert Consent.objects.count() == before
    assert _withheld(client, w) == 6  # nothing new on the resident page
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()


def test_the_same_form_posted_by_the_team_is_saved(world, client):
    """The form above is valid: the resident's team saves it and the facility sees it all."""
    w = world
    client.force_login(w.team_nurse)
    url = reverse("consent:create", args=[w.resident_in_course.pk])
    assert client.post(url, _valid_sharing_post(w)).status_code == 302
    assert shared_categories(w.housing_staff, w.resident_in_course) == ALL_CATEGORIES


@pytest.mark.parametrize(
    "values",
    [
        {"direction": "team_to_facility"},
        {"direction": "both"},
        {"kind": "refusal", "direction": "", "facility": None},
        {"kind": "treatment", "direction": "", "form": "oral", "facility": None},
        {"kind": "relatives", "relatives": "Mor", "direction": "", "facility": None},
    ],
    ids=["team_to_facility", "both", "refusal", "treatment", "relatives"],
)
def test_housing_staff_calling_the_service_directly_are_refused(world, values):
    w = world
    before = (Consent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        _record(w.housing_staff, w, **values)
    assert (Consent.objects.count(), AuditEvent.objects.count()) == before
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()


def test_housing_staff_record_what_the_facility_shares_with_one_audit_row(world):
    w = world
    before = AuditEvent.objects.count()
    consent = _record(w.housing_staff, w, direction="facility_to_team", legal_basis="sel")
    assert consent.recorded_by == w.housing_staff
    assert AuditEvent.objects.count() == before + 1
    # ... and it opens nothing of the team's to the facility
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()


def test_housing_staff_may_not_name_another_facility(world):
    w = world
    with pytest.raises(PermissionDenied):
        _record(w.housing_staff, w, direction="facility_to_team", facility=w.facility_a2)


def test_outsiders_calling_the_service_get_not_found(world):
    w = world
    for user in (w.other_housing_staff, w.other_team_nurse, w.ward_staff, w.region_admin):
        with pytest.raises(Http404):
            _record(user, w)
    assert not Consent.objects.filter(recorded_by__in=[w.other_housing_staff]).exists()


def test_team_staff_record_every_kind_with_one_audit_row(world):
    w = world
    before = AuditEvent.objects.count()
    _record(w.team_mentor, w)
    _record(w.team_nurse, w, kind="refusal", direction="", categories=["medication"])
    _record(w.team_nurse, w, kind="treatment", direction="", form="oral", facility=None)
    assert AuditEvent.objects.count() == before + 3
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board"}


def test_team_may_not_open_a_facility_of_another_team(world):
    w = world
    with pytest.raises(PermissionDenied):
        _record(w.team_nurse, w, facility=w.facility_b1)
    assert not Consent.objects.filter(facility=w.facility_b1).exists()


def test_emergency_access_records_nothing(world):
    from emergency.models import EmergencyAccess

    w = world
    EmergencyAccess.objects.create(
        user=w.team_doctor,
        team=w.team_a,
        resident=w.resident_other_team,
        reason_category="acute_admission",
        reason_text="Akut indlagt; eget team lukket.",
        started_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=2),
    )
    doctor = type(w.team_doctor).objects.get(pk=w.team_doctor.pk)  # a new request's user
    assert shared_categories(doctor, w.resident_other_team) == ALL_CATEGORIES  # may read
    assert not access.may_record(doctor, w.resident_other_team)
    with pytest.raises(PermissionDenied):
        services.consent_record(
            user=doctor,
            resident=w.resident_other_team,
            kind="treatment",
            form="oral",
            given_by="resident",
            given_on=TODAY,
        )


def test_the_form_offers_housing_staff_only_what_they_may_record(world, client):
    w = world
    client.force_login(w.housing_staff)
    page = client.get(reverse("consent:create", args=[w.resident_in_course.pk]))
    body = page.content.decode()
    assert 'value="facility_to_team"' in body
    for value in ("team_to_facility", "both", "treatment", "relatives", "refusal"):
        assert f'value="{value}"' not in body
    client.force_login(w.team_nurse)
    body = client.get(reverse("consent:create", args=[w.resident_in_course.pk])).content.decode()
    for value in ("team_to_facility", "both", "facility_to_team", "treatment", "refusal"):
        assert f'value="{value}"' in body


# --- withdrawal: as easy as giving, and never a way to widen sharing --------------------------


def test_housing_staff_withdraw_a_sharing_consent_to_their_facility(world):
    w = world
    consent = _record(w.team_nurse, w)
    assert access.can(w.housing_staff, access.WITHDRAW, consent)
    before = AuditEvent.objects.count()
    services.consent_withdraw(user=w.housing_staff, consent=consent)
    assert AuditEvent.objects.count() == before + 1
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()


def test_housing_staff_may_not_withdraw_a_refusal_or_a_treatment_consent(world, client):
    w = world
    _record(w.team_nurse, w)
    refusal = _record(
        w.team_nurse, w, kind="refusal", direction="", facility=None, categories=["medication"]
    )
    treatment = _record(w.team_nurse, w, kind="treatment", direction="", form="oral")
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board"}
    for consent in (refusal, treatment):
        assert not access.can(w.housing_staff, access.WITHDRAW, consent)
        with pytest.raises(PermissionDenied):
            services.consent_withdraw(user=w.housing_staff, consent=consent)
    client.force_login(w.housing_staff)
    response = client.post(reverse("consent:withdraw", args=[refusal.pk]), {"note": ""})
    assert response.status_code == 403
    refusal.refresh_from_db()
    assert refusal.withdrawn_at is None
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board"}
    # the ledger offers them the withdrawal of the sharing consent only
    body = client.get(reverse("consent:ledger", args=[w.resident_in_course.pk])).content.decode()
    assert reverse("consent:withdraw", args=[refusal.pk]) not in body
    assert reverse("consent:withdraw", args=[treatment.pk]) not in body


def test_team_withdraws_any_consent_of_its_resident(world):
    w = world
    refusal = _record(
        w.team_nurse, w, kind="refusal", direction="", facility=None, categories=["medication"]
    )
    facility_side = _record(w.housing_staff, w, direction="facility_to_team", legal_basis="sel")
    for consent in (refusal, facility_side):
        assert access.can(w.team_mentor, access.WITHDRAW, consent)
        services.consent_withdraw(user=w.team_mentor, consent=consent)


def test_outsiders_cannot_withdraw(world):
    w = world
    consent = _record(w.team_nurse, w)
    for user in (w.other_housing_staff, w.other_team_nurse, w.ward_staff):
        with pytest.raises(Http404):
            services.consent_withdraw(user=user, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
