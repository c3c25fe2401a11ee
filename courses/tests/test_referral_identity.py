"""A referral typed with a CPR number and a name never moves anyone and opens nothing: a
resident the team may not see gets a *held* referral, answered like a new number, which someone
who acts for the resident confirms or refuses. Also the referral page's former 500 and the
ward look-up's throttle."""

import datetime
import logging
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from courses import services
from courses.models import Referral, ReferralStatus
from residents.models import Residence
from tests.clients import SignInClient
from tests.factories import make_cpr

from .test_views import new_resident_post, referral_post

TODAY = timezone.localdate()


def current_facility(resident):
    return Residence.objects.get(resident=resident, moved_out__isnull=True).facility


def typed(w, resident, facility, **overrides):
    cpr = resident.identifiers.get().value
    data = {
        "first_name": resident.first_name,
        "last_name": resident.last_name,
        "facility": str(facility.pk),
    }
    data.update(overrides)
    return new_resident_post(w, cpr, **data)


def post_as(user, data):
    client = SignInClient()
    client.force_login(user)
    response = client.post(reverse("courses:referral_create"), data)
    return client, response


def shape(response):
    location = re.sub(r"\d+", "N", response.get("Location", ""))
    return (
        response.status_code,
        location,
        [str(m) for m in get_messages(response.wsgi_request)],
    )


def last_audit_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- referring an existing resident -------------------------------------------------------


def test_referral_of_an_existing_resident_does_not_move_them(world):
    """Team A refers Lone (lives at Egely, A1) choosing Lyngen (A2): she stays at Egely."""
    w = world
    client, response = post_as(w.team_nurse, typed(w, w.resident_plain, w.facility_a2))
    assert response.status_code == 302
    assert current_facility(w.resident_plain) == w.facility_a1
    assert Residence.objects.filter(resident=w.resident_plain).count() == 1
    referral = Referral.objects.get(resident=w.resident_plain)
    assert referral.status == ReferralStatus.HELD  # team A had nothing with her: held
    assert client.get(reverse("residents:detail", args=[w.resident_plain.pk])).status_code == 404


def test_referral_of_another_teams_resident_opens_nothing(world):
    w = world
    resident = w.resident_in_course
    client, response = post_as(w.other_team_nurse, typed(w, resident, w.facility_b1))
    assert response.status_code == 302
    assert current_facility(resident) == w.facility_a1
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 404
    assert client.get(reverse("courses:course_detail", args=[w.course.pk])).status_code == 404
    page = client.get(response["Location"]).content.decode()
    assert resident.full_name in page  # exactly what was typed, and nothing else
    assert w.facility_a1.name not in page
    assert reverse("residents:detail", args=[resident.pk]) not in page
    assert w.course.referral.reason not in page
    # the visitation page is no way in either
    referral = Referral.objects.get(resident=resident, team=w.team_b)
    decide = client.get(reverse("courses:referral_decide", args=[referral.pk]))
    assert decide.status_code == 403
    assert resident.full_name not in decide.content.decode()


def test_answer_for_an_invisible_number_equals_the_answer_for_a_new_one(world):
    w = world
    user = w.other_team_nurse
    fresh_cpr = make_cpr(datetime.date(1979, 8, 21))
    _, fresh = post_as(user, new_resident_post(w, fresh_cpr, facility=str(w.facility_b1.pk)))
    _, existing = post_as(user, typed(w, w.resident_in_course, w.facility_b1))
    _, other_name = post_as(
        user,
        typed(w, w.resident_plain, w.facility_b1, first_name="Birgit", last_name="Syntetisk"),
    )
    assert shape(fresh) == shape(existing) == shape(other_name)
    assert shape(fresh)[0] == 302


def test_visible_resident_living_elsewhere_is_told_to_record_the_move_first(world, client):
    """Team A knows Mads (a concern) at Egely; referring him to Lyngen is refused, input kept."""
    w = world
    client.force_login(w.team_nurse)
    data = typed(w, w.resident_concern, w.facility_a2)
    response = client.post(reverse("courses:referral_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Beboeren bor på Bostedet Egely. Registrér flytningen først" in body
    assert 'value="Dr. Testlæge, almen praksis"' in body
    assert not Referral.objects.filter(resident=w.resident_concern).exists()
    assert current_facility(w.resident_concern) == w.facility_a1
    # at the facility he lives at, the referral is attached to him and awaits visitation
    response = client.post(
        reverse("courses:referral_create"), typed(w, w.resident_concern, w.facility_a1)
    )
    assert response.status_code == 302
    assert Referral.objects.get(resident=w.resident_concern).status == ReferralStatus.PENDING


# --- confirming a held referral ----------------------------------------------------------


@pytest.fixture
def held(world):
    w = world
    post_as(w.team_nurse, typed(w, w.resident_plain, w.facility_a1))
    return Referral.objects.get(resident=w.resident_plain, status=ReferralStatus.HELD)


def test_the_residents_facility_confirms_a_held_referral(world, client, held):
    w = world
    client.force_login(w.housing_staff)
    page = client.get(reverse("residents:detail", args=[w.resident_plain.pk])).content.decode()
    assert reverse("courses:referral_confirm", args=[held.pk]) in page
    assert held.reason not in page
    confirm_page = client.get(reverse("courses:referral_confirm", args=[held.pk]))
    assert held.reason not in confirm_page.content.decode()  # the team's text stays the team's
    before = last_audit_id()
    response = client.post(reverse("courses:referral_confirm", args=[held.pk]), {"checked": "on"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == ReferralStatus.PENDING
    assert AuditEvent.objects.filter(pk__gt=before).count() == 1
    client.force_login(w.team_nurse)
    assert client.get(reverse("residents:detail", args=[w.resident_plain.pk])).status_code == 200


def test_the_residents_facility_refuses_a_held_referral(world, client, held):
    w = world
    client.force_login(w.housing_leader)
    url = reverse("courses:referral_not_confirm", args=[held.pk])
    assert client.post(url, {"reason": "Ukendt for os."}).status_code == 302
    held.refresh_from_db()
    assert held.status == ReferralStatus.NOT_CONFIRMED
    client.force_login(w.team_nurse)
    assert client.get(reverse("residents:detail", args=[w.resident_plain.pk])).status_code == 404
    page = client.get(reverse("courses:referral_detail", args=[held.pk])).content.decode()
    assert "Ukendt for os." not in page and w.housing_leader.get_full_name() not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("team_nurse", 403),  # the referring team sees its referral, never confirms it
        ("team_doctor", 403),
        ("other_team_nurse", 404),
        ("other_housing_staff", 404),
        ("ward_staff", 404),
        ("region_admin", 404),
    ],
)
def test_a_held_referral_cannot_be_confirmed_by_others(world, client, held, persona, status):
    client.force_login(getattr(world, persona))
    url = reverse("courses:referral_confirm", args=[held.pk])
    assert client.post(url, {"checked": "on"}).status_code == status
    url = reverse("courses:referral_not_confirm", args=[held.pk])
    assert client.post(url, {"reason": "Nej"}).status_code == status
    held.refresh_from_db()
    assert held.status == ReferralStatus.HELD


def test_a_held_referral_for_another_facility_needs_the_move_first(world, client):
    w = world
    post_as(w.other_team_nurse, typed(w, w.resident_plain, w.facility_b1))
    referral = Referral.objects.get(resident=w.resident_plain)
    client.force_login(w.housing_staff)
    response = client.post(
        reverse("courses:referral_confirm", args=[referral.pk]), {"checked": "on"}
    )
    assert response.status_code == 200
    assert "Registrér flytningen først, eller afvis henvisningen." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.HELD


def test_referral_services_ask_the_policy_themselves(world, held):
    w = world
    with pytest.raises(PermissionDenied):
        services.referral_confirm(user=w.team_nurse, referral=held)
    with pytest.raises(PermissionDenied):
        services.referral_reject(user=w.team_mentor, referral=w.referral_pending, reason="x")
    from django.http import Http404

    with pytest.raises(Http404):
        services.referral_withdraw(user=w.other_team_nurse, referral=w.referral_pending, reason="x")
    with pytest.raises(Http404):
        services.referral_create(
            user=w.team_nurse,
            resident=w.resident_plain,  # team A does not see her: knowing her is not enough
            team=w.team_a,
            facility=w.facility_a1,
            source="gp",
            referrer_name="x",
            received_on=TODAY,
            reason="x",
            criteria=["no_insight"],
            criteria_other="",
            consent_informed_on=TODAY,
            consent_form="written",
            consent_given_by="resident",
        )


# --- the referral page for a resident outside the team's facilities (was a 500) ----------


def test_referral_page_under_emergency_access_is_403_not_500(world, client):
    from emergency.tests.test_emergency import open_access

    w = world
    client.force_login(w.other_team_nurse)
    assert open_access(client, w).status_code == 302
    url = reverse("courses:referral_create_for_resident", args=[w.resident_in_course.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, referral_post()).status_code == 403
    page = client.get(reverse("residents:detail", args=[w.resident_in_course.pk]))
    assert url not in page.content.decode()


def test_referral_page_for_a_known_resident_living_elsewhere_is_403_not_500(world, client):
    """Mads (a concern in team A) moves to Strandly (team B): team A still sees him through
    the concern, but may not refer him to itself."""
    from residents.services import move_record

    w = world
    move_record(
        user=w.housing_staff, resident=w.resident_concern, to_facility=w.facility_b1, moved_in=TODAY
    )
    client.force_login(w.team_nurse)
    url = reverse("courses:referral_create_for_resident", args=[w.resident_concern.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, referral_post()).status_code == 403
    assert not Referral.objects.filter(resident=w.resident_concern).exists()


# --- ward look-up ------------------------------------------------------------------------


def lookup(client, number):
    return client.post(reverse("courses:ward_lookup"), {"identifier": number})


def test_31st_look_up_within_ten_minutes_is_refused(world, client, caplog):
    w = world
    client.force_login(w.ward_staff)
    cpr = w.resident_in_course.identifiers.get().value
    caplog.set_level(logging.DEBUG)
    for _ in range(30):
        assert lookup(client, cpr).status_code == 200
    response = lookup(client, cpr)
    body = response.content.decode()
    assert response.status_code == 429
    assert "Du har lavet 30 opslag inden for 10 minutter" in body
    assert "Botilbudsteam Nord" not in body
    rows = AuditEvent.objects.filter(user=w.ward_staff, action="lookup")
    assert rows.filter(outcome="allowed").count() == 30
    assert rows.filter(outcome="denied").count() == 1
    for row in rows:
        assert cpr not in str(row.detail) and cpr[:6] not in str(row.detail)
    assert cpr not in caplog.text


def test_the_window_is_ten_minutes_counted_from_the_audit_rows(world, client):
    """The count comes from the database (so it holds across server processes): 30 look-ups
    11 minutes ago do not count, 30 made 9 minutes ago do."""
    w = world

    def earlier(minutes):
        for _ in range(30):
            AuditEvent.objects.create(
                user=w.ward_staff,
                action="lookup",
                purpose="lookup",
                at=timezone.now() - datetime.timedelta(minutes=minutes),
            )

    client.force_login(w.ward_staff)
    number = w.resident_plain.identifiers.get().value
    earlier(11)
    assert lookup(client, number).status_code == 200
    earlier(9)
    assert lookup(client, number).status_code == 429


def test_unknown_number_and_number_without_course_answer_alike(world, client):
    w = world
    client.force_login(w.ward_staff)

    def result(number):
        body = lookup(client, number).content.decode()
        return re.search(r'<div id="lookup-result".*?</div>', body, re.S).group(0)

    unknown = result(make_cpr(datetime.date(1981, 4, 9)))
    no_course = result(w.resident_plain.identifiers.get().value)
    assert unknown == no_course
    assert "Nej – intet aktivt forløb" in unknown
