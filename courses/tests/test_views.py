"""The workflow through its pages: happy paths, Danish errors that keep the input, audit rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from courses.models import Concern, Course, Referral, ReferralStatus
from residents.models import Resident, ResidentIdentifier
from tests.factories import make_cpr

TODAY = timezone.localdate()


def referral_post(**overrides):
    data = {
        "source": "gp",
        "referrer_name": "Dr. Testlæge, almen praksis",
        "received_on": TODAY.isoformat(),
        "reason": "Tiltagende psykotiske symptomer.",
        "criteria": ["no_insight"],
        "criteria_other": "",
        "consent_given_by": "resident",
        "consent_form": "written",
        "consent_informed_on": TODAY.isoformat(),
        "consent_confirmed": "on",
    }
    data.update(overrides)
    return data


def new_resident_post(w, cpr, **overrides):
    data = referral_post(
        identifier=f"{cpr[:6]}-{cpr[6:]}",
        first_name="Birgit",
        last_name="Syntetisk",
        facility=str(w.facility_a2.pk),
        moved_in=(TODAY - datetime.timedelta(days=400)).isoformat(),
    )
    data.update(overrides)
    return data


def test_housing_staff_raise_concern_through_the_page(world, client):
    w = world
    client.force_login(w.housing_staff)
    url = reverse("courses:concern_create", args=[w.resident_plain.pk])
    response = client.post(url, {"description": ""})
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()
    response = client.post(url, {"description": "Sover dårligt og er mistænksom."})
    concern = Concern.objects.get(resident=w.resident_plain)
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:concern_detail", args=[concern.pk])


def test_new_resident_referral_registers_resident(world, client):
    w = world
    client.force_login(w.team_nurse)
    cpr = make_cpr(datetime.date(1980, 5, 17))
    response = client.post(reverse("courses:referral_create"), new_resident_post(w, cpr))
    assert response.status_code == 302, response.content.decode()[:3000]
    identifier = ResidentIdentifier.objects.get(value=cpr)
    resident = identifier.resident
    assert resident.birth_date == datetime.date(1980, 5, 17)
    assert resident.residences.get(moved_out__isnull=True).facility == w.facility_a2
    referral = Referral.objects.get(resident=resident)
    assert referral.team == w.team_a
    assert referral.status == ReferralStatus.PENDING


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("310445-2001", "Datoen i nummeret findes ikke."),
        ("12345", "Skriv et CPR-nummer med 10 cifre"),
        ("1203452AB2", "Skriv et CPR-nummer med 10 cifre"),
    ],
)
def test_bad_identifier_shows_danish_error_and_keeps_input(world, client, identifier, message):
    w = world
    client.force_login(w.team_nurse)
    data = new_resident_post(w, "0000000000", identifier=identifier)
    response = client.post(reverse("courses:referral_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert 'value="Birgit"' in body
    assert 'value="Dr. Testlæge, almen praksis"' in body
    assert f'value="{identifier}"' in body
    assert "Tiltagende psykotiske symptomer." in body
    assert not Resident.objects.filter(first_name="Birgit").exists()


def test_under_18_refused_on_the_page(world, client):
    w = world
    client.force_login(w.team_nurse)
    born = TODAY.replace(year=TODAY.year - 17) - datetime.timedelta(days=1)
    if (born.month, born.day) == (1, 1):
        born -= datetime.timedelta(days=1)
    cpr = make_cpr(born)
    response = client.post(reverse("courses:referral_create"), new_resident_post(w, cpr))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Beboeren er under 18 år" in body
    assert 'value="Birgit"' in body
    assert not ResidentIdentifier.objects.filter(value=cpr).exists()  # nothing half-saved


def test_existing_number_with_another_name_answers_like_a_new_number(world, client):
    """Another team's resident typed with another name: no "registered with another name"
    (that would tell the number exists); the referral is held and opens nothing."""
    w = world
    client.force_login(w.other_team_nurse)
    cpr = w.resident_in_course.identifiers.get().value
    data = new_resident_post(w, cpr, facility=str(w.facility_b1.pk))
    response = client.post(reverse("courses:referral_create"), data)
    assert response.status_code == 302
    referral = Referral.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert referral.status == ReferralStatus.HELD
    body = client.get(response["Location"]).content.decode()
    assert w.resident_in_course.full_name not in body
    assert "Birgit Syntetisk" in body


def test_referral_needs_criteria_or_text_and_confirmed_consent(world, client):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("courses:referral_create_for_resident", args=[w.resident_concern.pk])
    data = referral_post(criteria=[], consent_confirmed="")
    del data["consent_confirmed"]
    response = client.post(url, data)
    body = response.content.decode()
    assert "Marker mindst ét kriterie" in body
    assert "Henvisning kræver, at beboeren er informeret og har samtykket." in body
    assert not Referral.objects.filter(resident=w.resident_concern).exists()


def test_future_dates_refused(world, client):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("courses:referral_create_for_resident", args=[w.resident_concern.pk])
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, referral_post(received_on=tomorrow, consent_informed_on=tomorrow))
    assert "Datoen kan ikke ligge i fremtiden." in response.content.decode()


def test_referral_from_concern_marks_concern_referred(world, client):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("courses:referral_create_for_resident", args=[w.resident_concern.pk])
    response = client.get(url + f"?bekymring={w.concern_open.pk}")
    assert w.concern_open.description in response.content.decode()  # reason pre-filled
    response = client.post(url, {**referral_post(), "concern": str(w.concern_open.pk)})
    assert response.status_code == 302
    w.concern_open.refresh_from_db()
    assert w.concern_open.status == "referred"
    assert w.concern_open.referral.status == ReferralStatus.PENDING


def test_visitation_accept_opens_course(world, client):
    w = world
    client.force_login(w.team_doctor)
    url = reverse("courses:referral_decide", args=[w.referral_pending.pk])
    response = client.post(url, {"decision": "accept", "reason": "Opfylder målgruppen."})
    body = response.content.decode()
    assert "Vælg mindst én kontaktperson i teamet." in body
    assert "Vælg den behandlingsansvarlige læge." in body
    assert "Opfylder målgruppen." in body
    response = client.post(
        url,
        {
            "decision": "accept",
            "reason": "Opfylder målgruppen.",
            "started_on": TODAY.isoformat(),
            "team_contacts": [str(w.team_nurse.pk)],
            "responsible_doctor": str(w.team_doctor.pk),
            "facility_contact": str(w.housing_staff.pk),
        },
    )
    course = Course.objects.get(referral=w.referral_pending)
    assert response["Location"] == reverse("courses:course_detail", args=[course.pk])
    # a second decision is refused with a clear message
    response = client.post(url, {"decision": "reject", "reason": "x"})
    assert "status er allerede" in response.content.decode()


def test_visitation_doctor_must_be_a_team_doctor(world, client):
    w = world
    client.force_login(w.team_doctor)
    url = reverse("courses:referral_decide", args=[w.referral_pending.pk])
    response = client.post(
        url,
        {
            "decision": "accept",
            "reason": "ok",
            "started_on": TODAY.isoformat(),
            "team_contacts": [str(w.other_team_nurse.pk)],
            "responsible_doctor": str(w.team_nurse.pk),
        },
    )
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed." in response.content.decode()
    assert not Course.objects.filter(referral=w.referral_pending).exists()


def test_reject_through_the_page(world, client):
    w = world
    client.force_login(w.team_leader)
    url = reverse("courses:referral_decide", args=[w.referral_pending.pk])
    response = client.post(url, {"decision": "reject", "reason": "Uden for målgruppen."})
    assert response.status_code == 302
    w.referral_pending.refresh_from_db()
    assert w.referral_pending.status == ReferralStatus.REJECTED
    detail = client.get(reverse("courses:referral_detail", args=[w.referral_pending.pk]))
    assert "Uden for målgruppen." in detail.content.decode()


def test_end_course_keeps_input_on_error(world, client):
    w = world
    client.force_login(w.team_doctor)
    url = reverse("courses:course_end", args=[w.course.pk])
    data = {
        "version": "1",
        "ended_on": (w.course.started_on - datetime.timedelta(days=1)).isoformat(),
        "end_reason": "completed",
        "transition": "gp",
        "end_summary": "Overgår til egen læge.",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert "Slutdatoen kan ikke ligge før forløbets start" in body
    assert "Overgår til egen læge." in body
    data["ended_on"] = TODAY.isoformat()
    assert client.post(url, data).status_code == 302
    w.course.refresh_from_db()
    assert w.course.status == "ended"


def test_stale_contacts_edit_shows_conflict_and_keeps_choice(world, client):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("courses:course_contacts", args=[w.course.pk])
    first = {
        "version": "1",
        "team_contacts": [str(w.team_mentor.pk)],
        "responsible_doctor": str(w.team_doctor.pk),
    }
    assert client.post(url, first).status_code == 302
    stale = {
        "version": "1",
        "team_contacts": [str(w.team_leader.pk)],
        "responsible_doctor": str(w.team_doctor.pk),
    }
    response = client.post(url, stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "ændret af en anden" in body
    assert w.team_mentor.get_full_name() in body  # what is saved now
    assert f'value="{w.team_leader.pk}"' in body and "checked" in body
    course = Course.objects.get(pk=w.course.pk)
    assert list(course.team_contacts.all()) == [w.team_mentor]
    # the form now carries the current version, so saving again is a deliberate overwrite
    assert 'name="version" value="2"' in body


def test_ward_lookup(world, client):
    w = world
    client.force_login(w.ward_staff)
    url = reverse("courses:ward_lookup")
    cpr = w.resident_in_course.identifiers.get().value
    body = client.post(url, {"identifier": f"{cpr[:6]}-{cpr[6:]}"}).content.decode()
    assert "Ja – aktivt forløb i Botilbudsteam Nord" in body
    assert w.team_nurse.get_full_name() in body
    assert w.course.referral.reason not in body
    body = client.post(
        url, {"identifier": w.resident_plain.identifiers.get().value}
    ).content.decode()
    assert "Nej – intet aktivt forløb" in body
    body = client.post(url, {"identifier": "310445-2001"}).content.decode()
    assert "Datoen i nummeret findes ikke." in body
    rows = AuditEvent.objects.filter(action="lookup").order_by("id")
    assert [r.detail["found"] for r in rows] == [True, False]
    assert rows[0].resident_id == w.resident_in_course.pk


def test_search_by_cpr_and_name(world, client):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("residents:search")
    cpr = w.resident_in_course.identifiers.get().value
    body = client.post(url, {"q": f"{cpr[:6]}-{cpr[6:]}"}).content.decode()
    assert w.resident_in_course.full_name in body
    assert w.resident_plain.full_name not in body
    body = client.post(url, {"q": "testesen"}).content.decode()
    assert w.resident_in_course.full_name in body
    # outside the team: another team's resident is not found, even by exact number
    other_cpr = w.resident_other_team.identifiers.get().value
    body = client.post(url, {"q": other_cpr}).content.decode()
    assert w.resident_other_team.full_name not in body
    assert "0 beboere fundet" in body


def test_search_with_htmx_returns_only_the_results(world, client):
    w = world
    client.force_login(w.housing_staff)
    response = client.post(reverse("residents:search"), {"q": "Fiktivsen"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="search-results"' in body
    assert w.resident_plain.full_name in body
    assert "HX-Request" in response["Vary"]


def test_old_identifier_still_finds_resident(world, client):
    from lib.cpr import parse_cpr
    from residents.services import identifier_replace

    w = world
    old = w.resident_in_course.identifiers.get().value
    new = make_cpr(w.resident_in_course.birth_date)
    identifier_replace(
        user=w.team_nurse,
        resident=w.resident_in_course,
        identifier=parse_cpr(new, today=TODAY),
        valid_from=TODAY,
    )
    client.force_login(w.team_nurse)
    for number in (old, new):
        body = client.post(reverse("residents:search"), {"q": number}).content.decode()
        assert w.resident_in_course.full_name in body
    page = client.get(reverse("residents:detail", args=[w.resident_in_course.pk])).content.decode()
    assert f"{old[:6]}-{old[6:]}" in page and f"{new[:6]}-{new[6:]}" in page


@pytest.mark.parametrize(
    ("name", "attr", "object_type"),
    [
        ("residents:detail", "resident_in_course", "resident"),
        ("courses:course_detail", "course", "course"),
        ("courses:referral_detail", "referral_pending", "referral"),
        ("courses:concern_detail", "concern_open", "concern"),
    ],
)
def test_each_read_writes_one_audit_row(world, client, name, attr, object_type):
    w = world
    obj = getattr(w, attr)
    client.force_login(w.team_nurse)
    before = AuditEvent.objects.count()
    assert client.get(reverse(name, args=[obj.pk])).status_code == 200
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert len(rows) == 1
    row = rows[0]
    assert (row.action, row.object_type, row.object_id) == ("view", object_type, str(obj.pk))
    assert row.user == w.team_nurse
    assert row.request_id
    assert "Botilbudsteam Nord" in row.organisation


def test_search_logs_each_shown_resident_without_the_number(world, client):
    w = world
    client.force_login(w.housing_staff)
    cpr = w.resident_plain.identifiers.get().value
    client.post(reverse("residents:search"), {"q": cpr})
    rows = AuditEvent.objects.filter(action="search")
    assert [r.resident_id for r in rows] == [w.resident_plain.pk]
    assert cpr not in str(rows[0].detail)
    assert rows[0].detail == {"criterion": "identifier"}


def test_no_cpr_or_name_in_any_url(world, client):
    """Search and look-up are POSTs; links carry ids only."""
    w = world
    client.force_login(w.team_nurse)
    body = client.get(reverse("home")).content.decode()
    cpr = w.resident_in_course.identifiers.get().value
    import re

    hrefs = re.findall(r'href="([^"]+)"', body)
    assert hrefs
    for href in hrefs:
        assert cpr not in href and cpr[:6] not in href
        assert "Testesen" not in href
