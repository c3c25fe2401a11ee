"""Registration never moves anyone, knowing a CPR number and a name opens nothing, and a move
between facilities is its own audited step (recorded, or proposed and confirmed/rejected)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from organisation.models import Profession, Role
from residents.models import Move, MoveStatus, Residence, ResidentIdentifier
from tests import factories as f
from tests.factories import make_cpr

TODAY = timezone.localdate()


def register(client, resident=None, *, cpr=None, url="residents:create", **overrides):
    data = {
        "identifier": cpr or resident.identifiers.get().value,
        "first_name": resident.first_name if resident else "Jens",
        "last_name": resident.last_name if resident else "Opdigtetsen",
        "moved_in": TODAY.isoformat(),
    }
    data.update(overrides)
    return client.post(reverse(url), data)


def current_facility(resident):
    return Residence.objects.get(resident=resident, moved_out__isnull=True).facility


def shape(response):
    """What a user can tell from the answer: status, where it sends them (ids masked), and
    the messages it leaves."""
    location = re.sub(r"\d+", "N", response.get("Location", ""))
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    return response.status_code, location, notes


def audit_rows_after(before):
    return list(AuditEvent.objects.filter(pk__gt=before).order_by("id"))


def last_audit_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def other_region_housing_staff(db):
    region = f.RegionFactory(name="Region Anden")
    facility = f.FacilityFactory(region=region, team=f.TeamFactory(region=region))
    return f.MembershipFactory(
        role=Role.FACILITY_STAFF, profession=Profession.SOCIAL_EDUCATOR, facility=facility
    ).user


# --- registration with an existing number ---------------------------------------------------


@pytest.mark.parametrize("persona", ["other_housing_staff", "other_region_housing_staff"])
def test_registering_an_existing_residents_number_neither_opens_nor_moves_them(
    world, client, request, persona
):
    user = (
        request.getfixturevalue(persona)
        if persona.startswith("other_region")
        else world.other_housing_staff
    )
    resident = world.resident_plain
    client.force_login(user)
    response = register(client, resident)
    assert response.status_code == 302
    assert current_facility(resident) == world.facility_a1  # not moved
    assert Residence.objects.filter(resident=resident).count() == 1
    detail = reverse("residents:detail", args=[resident.pk])
    assert client.get(detail).status_code == 404
    # the page it was sent to shows only what was typed, that it awaits confirmation
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "afventer bekræftelse" in body.lower()
    assert world.facility_a1.name not in body
    assert detail not in body
    move = Move.objects.get(resident=resident)
    assert move.status == MoveStatus.PROPOSED and move.created_by == user
    # the resident's own facility still sees them
    client.force_login(world.housing_staff)
    assert client.get(detail).status_code == 200


def fresh_client(user):
    from tests.clients import SignInClient

    client = SignInClient()
    client.force_login(user)
    return client


def test_answer_for_an_invisible_number_equals_the_answer_for_a_new_one(world):
    user = world.other_housing_staff
    fresh = register(fresh_client(user), cpr=make_cpr(datetime.date(1977, 3, 14)))
    existing = register(fresh_client(user), world.resident_in_course)
    other_name = register(
        fresh_client(user), world.resident_plain, first_name="Birgit", last_name="Syntetisk"
    )
    assert shape(fresh) == shape(existing) == shape(other_name)
    assert shape(fresh)[0] == 302
    assert fresh["Location"] != existing["Location"]


def test_visible_resident_living_elsewhere_is_told_to_record_the_move_first(world, client):
    """Housing staff of both A2 and A1 register (at A2) a resident of A1: they see the resident,
    so they are told; nothing moves, and what they typed is kept."""
    user = world.housing_staff
    f.MembershipFactory(
        user=user,
        role=Role.FACILITY_STAFF,
        profession=Profession.SOCIAL_EDUCATOR,
        facility=world.facility_a2,
    )
    client.force_login(user)
    resident = world.resident_plain
    response = register(client, resident)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Beboeren bor på Bostedet Egely. Registrér flytningen først" in body
    assert f'value="{resident.first_name}"' in body
    assert current_facility(resident) == world.facility_a1
    assert not Move.objects.filter(resident=resident).exists()


def test_registering_a_new_resident_records_the_move_in(world, client):
    client.force_login(world.housing_staff)
    cpr = make_cpr(datetime.date(1975, 6, 30))
    before = last_audit_id()
    response = register(client, cpr=cpr)
    resident = ResidentIdentifier.objects.get(value=cpr).resident
    move = Move.objects.get(resident=resident)
    assert response["Location"] == reverse("residents:move_detail", args=[move.pk])
    assert move.status == MoveStatus.RECORDED and move.from_facility is None
    assert [(r.action, r.object_type) for r in audit_rows_after(before)] == [("create", "resident")]
    page = client.get(response["Location"]).content.decode()
    assert reverse("residents:detail", args=[resident.pk]) in page


# --- a move recorded directly ---------------------------------------------------------------


def move_post(facility, moved_in=TODAY):
    return {"to_facility": str(facility.pk), "moved_in": moved_in.isoformat()}


def test_facility_staff_record_a_move_and_lose_the_resident_on_the_next_request(world, client):
    resident = world.resident_plain
    client.force_login(world.housing_staff)
    before = last_audit_id()
    url = reverse("residents:move_record", args=[resident.pk])
    response = client.post(url, move_post(world.facility_b1))
    assert response.status_code == 302
    assert current_facility(resident) == world.facility_b1
    rows = audit_rows_after(before)
    assert [(r.action, r.object_type, r.resident_id) for r in rows] == [
        ("create", "move", resident.pk)
    ]
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 404
    client.force_login(world.other_housing_staff)
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 200


def test_team_with_the_active_course_records_a_move(world, client):
    resident = world.resident_in_course
    client.force_login(world.team_mentor)
    url = reverse("residents:move_record", args=[resident.pk])
    assert client.post(url, move_post(world.facility_a2)).status_code == 302
    assert current_facility(resident) == world.facility_a2
    # the old facility's staff lose the resident, and the concerns raised there
    client.force_login(world.housing_staff)
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "attr", "status"),
    [
        ("other_housing_staff", "resident_plain", 404),
        ("other_team_nurse", "resident_plain", 404),
        ("ward_staff", "resident_plain", 404),
        ("region_admin", "resident_plain", 404),
        ("team_nurse", "resident_concern", 403),  # sees (a concern), has no course: no act
        ("team_nurse", "resident_other_team", 404),
    ],
)
def test_a_move_cannot_be_recorded_by_others(world, client, persona, attr, status):
    resident = getattr(world, attr)
    old = current_facility(resident)
    target = world.facility_b1 if old != world.facility_b1 else world.facility_a1
    client.force_login(getattr(world, persona))
    url = reverse("residents:move_record", args=[resident.pk])
    assert client.post(url, move_post(target)).status_code == status
    assert current_facility(resident) == old
    assert not Move.objects.filter(resident=resident).exists()


def test_move_before_the_current_move_in_is_refused_with_input_kept(world, client):
    client.force_login(world.housing_staff)
    url = reverse("residents:move_record", args=[world.resident_plain.pk])
    response = client.post(url, move_post(world.facility_b1, datetime.date(2019, 5, 1)))
    body = response.content.decode()
    assert response.status_code == 200
    assert "før indflytningen på det nuværende botilbud" in body
    assert 'value="2019-05-01"' in body
    assert current_facility(world.resident_plain) == world.facility_a1


# --- a move proposed by the new facility, confirmed or rejected ----------------------------


@pytest.fixture
def proposal(world, client):
    client.force_login(world.other_housing_staff)
    register(
        client, world.resident_plain, moved_in=(TODAY - datetime.timedelta(days=2)).isoformat()
    )
    client.logout()
    return Move.objects.get(resident=world.resident_plain, status=MoveStatus.PROPOSED)


CONFIRM = {"checked": "on"}


def test_the_residents_facility_confirms_a_proposal(world, client, proposal):
    resident = world.resident_plain
    client.force_login(world.housing_staff)
    listing = client.get(reverse("residents:move_list")).content.decode()
    assert reverse("residents:move_detail", args=[proposal.pk]) in listing
    before = last_audit_id()
    url = reverse("residents:move_confirm", args=[proposal.pk])
    assert client.post(url, CONFIRM).status_code == 302
    assert current_facility(resident) == world.facility_b1
    rows = audit_rows_after(before)
    assert [(r.action, r.object_type, r.detail.get("to")) for r in rows] == [
        ("transition", "move", "confirmed")
    ]
    # the old facility loses the resident on the next request, the new one sees them
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 404
    client.force_login(world.other_housing_staff)
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 200


def test_the_residents_facility_rejects_a_proposal(world, client, proposal):
    client.force_login(world.housing_leader)
    before = last_audit_id()
    url = reverse("residents:move_reject", args=[proposal.pk])
    assert client.post(url, {"reason": "Beboeren bor fortsat her."}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == MoveStatus.REJECTED
    assert current_facility(world.resident_plain) == world.facility_a1
    assert len(audit_rows_after(before)) == 1
    client.force_login(world.other_housing_staff)
    assert (
        client.get(reverse("residents:detail", args=[world.resident_plain.pk])).status_code == 404
    )
    page = client.get(reverse("residents:move_detail", args=[proposal.pk])).content.decode()
    assert "Afvist" in page and "Beboeren bor fortsat her." not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_housing_staff", 403),  # the proposer sees the proposal, never confirms it
        ("team_nurse", 404),  # the team serves A1 but has nothing with this resident
        ("other_team_nurse", 404),
        ("ward_staff", 404),
        ("region_admin", 404),
    ],
)
def test_a_proposal_cannot_be_decided_by_others(world, client, proposal, persona, status):
    client.force_login(getattr(world, persona))
    confirm = reverse("residents:move_confirm", args=[proposal.pk])
    reject = reverse("residents:move_reject", args=[proposal.pk])
    assert client.post(confirm, CONFIRM).status_code == status
    assert client.post(reject, {"reason": "Nej"}).status_code == status
    proposal.refresh_from_db()
    assert proposal.status == MoveStatus.PROPOSED
    assert current_facility(world.resident_plain) == world.facility_a1


def test_a_proposal_with_another_name_cannot_be_confirmed(world, client):
    client.force_login(world.other_housing_staff)
    register(client, world.resident_plain, first_name="Birgit", last_name="Syntetisk")
    move = Move.objects.get(resident=world.resident_plain)
    client.force_login(world.housing_staff)
    page = client.get(reverse("residents:move_confirm", args=[move.pk])).content.decode()
    assert "passer ikke med beboerens navn" in page
    response = client.post(reverse("residents:move_confirm", args=[move.pk]), CONFIRM)
    assert response.status_code == 200
    assert current_facility(world.resident_plain) == world.facility_a1


def test_move_services_ask_the_policy_themselves(world, proposal):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from residents import services

    with pytest.raises(Http404):
        services.move_record(
            user=world.other_housing_staff,
            resident=world.resident_plain,
            to_facility=world.facility_b1,
            moved_in=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.move_confirm(user=world.other_housing_staff, move=proposal)
    with pytest.raises(Http404):
        services.move_reject(user=world.team_nurse, move=proposal, reason="x")
    assert current_facility(world.resident_plain) == world.facility_a1
