"""Registration and move proposals as a way to probe which CPR numbers exist (review of issue
11): the page after the redirect reads alike for a new and an invisible number, probes are
throttled per user (counted from the audit rows), a second identical proposal is not saved,
and a recorded move stays in the region."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from organisation.models import Profession, Role
from residents import services
from residents.models import Move, MoveStatus, Residence, Resident
from tests import factories as f
from tests.clients import SignInClient
from tests.factories import make_cpr

TODAY = timezone.localdate()
TYPED = {"first_name": "Birgit", "last_name": "Syntetisk"}


def register(client, number, *, url="residents:create", **overrides):
    data = {"identifier": number, **TYPED, "moved_in": TODAY.isoformat(), **overrides}
    return client.post(reverse(url), data)


def number_of(resident):
    return resident.identifiers.get().value


def fresh_number(i=0):
    return make_cpr(datetime.date(1970, 1, 1) + datetime.timedelta(days=97 * i + 3))


def signed_in(user):
    client = SignInClient()
    client.force_login(user)
    return client


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks, self._skip = set(), 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skip:
            self.chunks.add(text)


def phrases(html: str) -> set[str]:
    """The visible text of a page, piece by piece; dates and times left out."""
    parser = _Text()
    parser.feed(html)
    return {c for c in parser.chunks if not re.fullmatch(r"[\d.:, ]+", c)}


# --- the page after the redirect ------------------------------------------------------------


@pytest.mark.parametrize("url", ["residents:create", "residents:move_propose"])
def test_page_after_registering_an_invisible_number_says_nothing_a_new_numbers_page_lacks(
    world, url
):
    client = signed_in(world.other_housing_staff)
    new = register(client, fresh_number(), url=url)
    invisible = register(client, number_of(world.resident_in_course), url=url)
    assert new.status_code == invisible.status_code == 302
    new_page = client.get(new["Location"]).content.decode()
    invisible_page = client.get(invisible["Location"]).content.decode()
    extra = phrases(invisible_page) - phrases(new_page)
    assert extra == {"Afventer bekræftelse fra beboerens botilbud eller team"}  # the status
    for word in ("i forvejen", "allerede", "registreret et andet sted"):
        assert word not in invisible_page.lower()
    assert Move.objects.get(resident=world.resident_in_course).status == MoveStatus.PROPOSED


# --- throttle -------------------------------------------------------------------------------


def test_21st_registration_or_proposal_within_an_hour_is_refused(world):
    """New numbers, invisible numbers and proposals count alike; the 21st answer is 429 with
    a Danish message, what was typed is kept, nothing is saved, and a denied row is logged."""
    user = world.other_housing_staff
    client = signed_in(user)
    invisible = [world.resident_in_course, world.resident_plain, world.resident_pending]
    for i in range(20):
        if i < len(invisible):
            number, url = number_of(invisible[i]), "residents:move_propose"
        else:
            number, url = fresh_number(i), "residents:create"
        assert register(client, number, url=url).status_code == 302
    residents_before, moves_before = Resident.objects.count(), Move.objects.count()
    for number in (fresh_number(99), number_of(world.resident_concern)):
        response = register(client, number)
        body = response.content.decode()
        assert response.status_code == 429
        assert "Du har registreret eller foreslået 20 beboere inden for den seneste time" in body
        assert 'value="Birgit"' in body
    assert (Resident.objects.count(), Move.objects.count()) == (residents_before, moves_before)
    denied = AuditEvent.objects.filter(user=user, outcome="denied")
    assert denied.count() == 2
    assert all(row.detail == {"probe": "registration", "throttled": True} for row in denied)
    # another user is not held back
    assert register(signed_in(world.housing_staff), fresh_number(98)).status_code == 302


def test_registrations_older_than_an_hour_do_not_count(world):
    user = world.other_housing_staff
    for _ in range(20):
        AuditEvent.objects.create(
            user=user,
            action="create",
            purpose="sharing",
            detail={"probe": "registration"},
            at=timezone.now() - datetime.timedelta(minutes=61),
        )
    client = signed_in(user)
    assert register(client, fresh_number(1)).status_code == 302
    for _ in range(19):
        AuditEvent.objects.create(  # 19 more within the hour: with the one above, 20
            user=user,
            action="create",
            purpose="sharing",
            detail={"probe": "registration"},
            at=timezone.now() - datetime.timedelta(minutes=59),
        )
    assert register(client, fresh_number(2)).status_code == 429


# --- a second identical proposal --------------------------------------------------------------


def test_a_second_proposal_for_the_same_resident_is_answered_as_saved_but_not_saved(world):
    client = signed_in(world.other_housing_staff)
    number = number_of(world.resident_plain)
    first = register(client, number, url="residents:move_propose")
    second = register(client, number, url="residents:move_propose")
    again = register(client, number)  # the registration page is the same step
    assert first.status_code == second.status_code == again.status_code == 302
    assert first["Location"] == second["Location"] == again["Location"]
    assert Move.objects.filter(resident=world.resident_plain).count() == 1
    # a proposal by someone else is a proposal of its own
    colleague = f.MembershipFactory(
        role=Role.FACILITY_STAFF,
        profession=Profession.SOCIAL_EDUCATOR,
        facility=world.facility_b1,
    ).user
    register(signed_in(colleague), number, url="residents:move_propose")
    assert Move.objects.filter(resident=world.resident_plain).count() == 2


# --- a recorded move stays in the region ------------------------------------------------------


@pytest.fixture
def other_region_facility(db):
    region = f.RegionFactory(name="Region Fjern")
    return f.FacilityFactory(region=region, team=f.TeamFactory(region=region), name="Fjernbo")


def test_a_recorded_move_to_another_region_is_refused_with_input_kept(
    world, client, other_region_facility
):
    resident = world.resident_plain
    client.force_login(world.housing_staff)
    url = reverse("residents:move_record", args=[resident.pk])
    form_page = client.get(url).content.decode()
    assert other_region_facility.name not in form_page  # not offered
    assert world.facility_b1.name in form_page
    moved_in = (TODAY - datetime.timedelta(days=2)).isoformat()
    response = client.post(
        url, {"to_facility": str(other_region_facility.pk), "moved_in": moved_in}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vælg et botilbud i samme region" in body
    assert f'value="{moved_in}"' in body
    assert Residence.objects.get(resident=resident, moved_out__isnull=True).facility == (
        world.facility_a1
    )
    assert not Move.objects.filter(resident=resident).exists()


def test_move_record_service_refuses_another_region_itself(world, other_region_facility):
    resident = world.resident_plain
    with pytest.raises(ValidationError) as exc:
        services.move_record(
            user=world.housing_staff,
            resident=resident,
            to_facility=other_region_facility,
            moved_in=TODAY,
        )
    assert exc.value.code == "other_region"
    assert not Move.objects.filter(resident=resident).exists()
    # within the region it is recorded
    services.move_record(
        user=world.housing_staff, resident=resident, to_facility=world.facility_b1, moved_in=TODAY
    )
    assert Residence.objects.get(resident=resident, moved_out__isnull=True).facility == (
        world.facility_b1
    )
