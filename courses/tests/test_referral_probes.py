"""Referral by number as a way to probe which CPR numbers exist (review of issue 11): a held
referral's page reads like a new resident's, probes are throttled per user (counted from the
audit rows), a second identical held referral is not saved; and a malformed concern id in the
query string is a 404, not a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from courses.models import Referral, ReferralStatus
from residents.models import Resident
from residents.tests.test_registration_probes import fresh_number, phrases, signed_in

from .test_views import new_resident_post, referral_post

TODAY = timezone.localdate()


def refer(client, w, number, facility):
    data = new_resident_post(w, number, facility=str(facility.pk))
    return client.post(reverse("courses:referral_create"), data)


def test_held_referrals_page_says_nothing_a_new_numbers_page_lacks(world):
    w = world
    client = signed_in(w.other_team_nurse)
    new = refer(client, w, fresh_number(), w.facility_b1)
    held = refer(client, w, w.resident_plain.identifiers.get().value, w.facility_b1)
    assert new.status_code == held.status_code == 302
    assert Referral.objects.get(resident=w.resident_plain).status == ReferralStatus.HELD
    new_page = client.get(new["Location"]).content.decode()
    held_page = client.get(held["Location"]).content.decode()
    extra = phrases(held_page) - phrases(new_page)
    assert extra == {"Afventer bekræftelse fra beboerens botilbud eller team"}  # the status
    for word in ("i forvejen", "allerede", "registreret"):
        assert word not in held_page.lower()


def test_21st_referral_by_number_within_an_hour_is_refused(world):
    w = world
    client = signed_in(w.team_nurse)
    invisible = [w.resident_plain, w.resident_other_team]
    for i in range(20):
        number = invisible[i].identifiers.get().value if i < len(invisible) else fresh_number(i)
        assert refer(client, w, number, w.facility_a2).status_code == 302
    referrals_before, residents_before = Referral.objects.count(), Resident.objects.count()
    for number in (fresh_number(99), w.resident_pending.identifiers.get().value):
        response = refer(client, w, number, w.facility_a2)
        body = response.content.decode()
        assert response.status_code == 429
        assert "Du har oprettet 20 henvisninger med CPR-nummer inden for den seneste time" in body
        assert 'value="Dr. Testlæge, almen praksis"' in body
    assert (Referral.objects.count(), Resident.objects.count()) == (
        referrals_before,
        residents_before,
    )
    denied = AuditEvent.objects.filter(user=w.team_nurse, outcome="denied")
    assert [row.detail for row in denied] == [
        {"probe": "referral_by_number", "throttled": True}
    ] * 2
    # another user is not held back
    assert refer(signed_in(w.team_doctor), w, fresh_number(98), w.facility_a2).status_code == 302


def test_a_second_held_referral_is_answered_as_saved_but_not_saved(world):
    w = world
    client = signed_in(w.other_team_nurse)
    number = w.resident_plain.identifiers.get().value
    first = refer(client, w, number, w.facility_b1)
    second = refer(client, w, number, w.facility_b1)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Referral.objects.filter(resident=w.resident_plain).count() == 1


@pytest.mark.parametrize("value", ["²", "-1", "0", "99999999999999999999999", "1e3"])
def test_malformed_concern_id_is_404_not_500(world, client, value):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("courses:referral_create_for_resident", args=[w.resident_concern.pk])
    assert client.get(url, {"bekymring": value}).status_code == 404
    assert client.post(url, {**referral_post(), "concern": value}).status_code == 404
    assert not Referral.objects.filter(resident=w.resident_concern).exists()
    # a well-formed one still works
    assert client.get(url, {"bekymring": str(w.concern_open.pk)}).status_code == 200


def test_referrals_by_number_older_than_an_hour_do_not_count(world):
    w = world
    for _ in range(20):
        AuditEvent.objects.create(
            user=w.team_nurse,
            action="create",
            purpose="treatment",
            detail={"probe": "referral_by_number"},
            at=timezone.now() - datetime.timedelta(minutes=61),
        )
    client = signed_in(w.team_nurse)
    assert refer(client, w, fresh_number(1), w.facility_a2).status_code == 302
    for _ in range(19):
        AuditEvent.objects.create(  # 19 more within the hour: with the one above, 20
            user=w.team_nurse,
            action="create",
            purpose="treatment",
            detail={"probe": "referral_by_number"},
            at=timezone.now() - datetime.timedelta(minutes=59),
        )
    assert refer(client, w, fresh_number(2), w.facility_a2).status_code == 429
