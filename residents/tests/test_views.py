"""Registering residents (housing staff) and the resident page."""

import datetime

from django.urls import reverse
from django.utils import timezone

from residents.models import Residence, ResidentIdentifier
from tests.factories import make_cpr

TODAY = timezone.localdate()


def post(client, **data):
    base = {"first_name": "Jens", "last_name": "Opdigtetsen", "moved_in": TODAY.isoformat()}
    return client.post(reverse("residents:create"), {**base, **data})


def test_register_resident_with_cpr(world, client):
    client.force_login(world.housing_staff)
    cpr = make_cpr(datetime.date(1975, 6, 30))
    response = post(client, identifier=cpr)
    identifier = ResidentIdentifier.objects.get(value=cpr)
    move = identifier.resident.moves.get()
    assert response["Location"] == reverse("residents:move_detail", args=[move.pk])
    assert identifier.resident.birth_date == datetime.date(1975, 6, 30)
    assert identifier.resident.residences.get().facility == world.facility_a1


def test_replacement_number_needs_matching_birth_date(world, client):
    client.force_login(world.housing_staff)
    body = post(client, identifier="3006751AB2").content.decode()
    assert "Skriv fødselsdatoen, når der bruges erstatnings-CPR." in body
    body = post(client, identifier="3006751AB2", birth_date="1976-06-30").content.decode()
    assert "Fødselsdatoen passer ikke med de første seks cifre i nummeret." in body
    assert 'value="3006751AB2"' in body and 'value="1976-06-30"' in body
    response = post(client, identifier="3006751ab2", birth_date="1975-06-30")
    assert response.status_code == 302
    identifier = ResidentIdentifier.objects.get(value="3006751AB2")
    assert identifier.kind == "ecpr_national"


def test_registering_another_facilitys_resident_moves_nobody(world, client):
    """A resident of Strandly (team B) typed in at Egely: a proposal, not a move (the move
    itself is residents/tests/test_moves.py)."""
    client.force_login(world.housing_staff)
    resident = world.resident_other_team
    cpr = resident.identifiers.get().value
    response = post(
        client, identifier=cpr, first_name=resident.first_name, last_name=resident.last_name
    )
    assert response.status_code == 302
    residences = Residence.objects.filter(resident=resident)
    assert [(r.facility, r.moved_out) for r in residences] == [(world.facility_b1, None)]
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 404
    client.force_login(world.other_housing_staff)
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 200


def test_housing_staff_see_contacts_but_not_referral(world, client):
    client.force_login(world.housing_staff)
    body = client.get(
        reverse("residents:detail", args=[world.resident_in_course.pk])
    ).content.decode()
    assert "Aktivt forløb" in body
    assert world.team_nurse.get_full_name() in body
    assert world.course.referral.reason not in body
    assert reverse("courses:course_detail", args=[world.course.pk]) not in body


def test_markup_in_names_is_escaped(world, client):
    client.force_login(world.housing_staff)
    cpr = make_cpr(datetime.date(1970, 2, 3))
    post(client, identifier=cpr, first_name="<script>alert(1)</script>", last_name="<b>x</b>")
    resident = ResidentIdentifier.objects.get(value=cpr).resident
    body = client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
