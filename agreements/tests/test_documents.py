"""Agreement documents: create from the template, edit, sign, PDF, terminate, read access."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import SECTIONS, Agreement, AgreementVersion, Signature, Status
from agreements.services import latest_version
from lib.notice import notice_end
from organisation.models import Profession, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def _edit_data(agreement, version, **overrides):
    data = {"lock": agreement.version}
    for key, text in version.sections.items():
        data[f"section_{key}"] = text
    data.update(
        {
            "visit_days": ["1", "3"],
            "visit_from": "09:00",
            "visit_to": "12:00",
            "meeting_weekday": "2",
            "meeting_time": "13:30",
            "team_contacts": "Sygeplejerske Anna Test",
            "facility_contacts": "Pædagog Bo Test",
            "shared_mailbox": "team@example.org",
            "team_phone": "11223344",
            "opening_days": ["0", "1", "2", "3", "4"],
            "opens_at": "08:00",
            "closes_at": "15:30",
            "after_hours": "Psykiatrisk akutmodtagelse",
        }
    )
    data.update(overrides)
    return data


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_full_lifecycle_template_edit_sign_pdf_terminate(world, client):
    facility = world.facility_a2
    f.FacilityAddressFactory(facility=facility, street="Lyngvej 7", postal_code="8000")
    facility_leader = f.MembershipFactory(
        role=Role.FACILITY_LEADER, profession=Profession.LEADER, facility=facility
    ).user

    client.force_login(world.team_leader)
    page = client.get(reverse("agreements:list"))
    assert reverse("agreements:create", args=[facility.pk]) in page.content.decode()
    assert client.get(reverse("agreements:create", args=[facility.pk])).status_code == 200
    response = client.post(reverse("agreements:create", args=[facility.pk]))
    agreement = Agreement.objects.get(facility=facility)
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:detail", args=[agreement.pk])
    assert agreement.status == Status.DRAFT

    edit_url = reverse("agreements:edit", args=[agreement.pk])
    assert client.get(edit_url).status_code == 200
    version = latest_version(agreement)
    response = client.post(
        edit_url, _edit_data(agreement, version, section_safety="Alarmer bæres altid.")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement.refresh_from_db()
    v2 = latest_version(agreement)
    assert v2.number == 2
    assert v2.sections["safety"] == "Alarmer bæres altid."
    assert v2.visit_days == [1, 3] and v2.opening_days == [0, 1, 2, 3, 4]
    assert v2.meeting_weekday == 2 and v2.after_hours == "Psykiatrisk akutmodtagelse"

    sign_url = reverse("agreements:sign", args=[agreement.pk])
    assert client.get(sign_url).status_code == 405
    assert client.post(sign_url).status_code == 302
    client.force_login(facility_leader)
    assert client.post(sign_url).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_FORCE
    assert latest_version(agreement).in_force_from == timezone.localdate()

    detail = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    positions = [detail.find(str(heading)) for _key, heading in SECTIONS]
    assert -1 not in positions and positions == sorted(positions)
    assert "Lyngvej 7" in detail and world.team_a.name in detail
    assert "Ikke underskrevet" not in detail
    assert world.team_leader.get_full_name() in detail
    assert reverse("agreements:version", args=[agreement.pk, 1]) in detail

    response = client.get(reverse("agreements:pdf", args=[agreement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    text = _pdf_text(response.content)
    for _key, heading in SECTIONS:
        assert str(heading) in text, heading
    assert "Alarmer bæres altid." in text
    assert world.team_leader.get_full_name() in text
    assert facility_leader.get_full_name() in text
    assert "Lyngvej 7" in text

    terminate_url = reverse("agreements:terminate", args=[agreement.pk])
    page = client.get(terminate_url).content.decode()
    assert timezone.localdate().isoformat() in page  # the notice date defaults to today
    given_on = timezone.localdate()
    response = client.post(terminate_url, {"given_on": given_on.isoformat()})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.NOTICE
    assert agreement.ends_on == notice_end(given_on, 3)
    detail = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert agreement.ends_on.strftime("%d.%m.%Y") in detail


def test_unsigned_agreement_shows_not_signed(world, client):
    client.force_login(world.team_leader)
    client.post(reverse("agreements:create", args=[world.facility_a2.pk]))
    agreement = Agreement.objects.get(facility=world.facility_a2)
    detail = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert detail.count("Ikke underskrevet") == 2
    assert "Underskriv" in detail


def test_non_leaders_cannot_sign(world, client):
    agreement = world.agreement
    client.force_login(world.team_leader)
    client.post(
        reverse("agreements:edit", args=[agreement.pk]),
        _edit_data(agreement, latest_version(agreement)),
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.RENEGOTIATION
    before = (Signature.objects.count(), agreement.version)
    for user in (world.team_nurse, world.housing_staff, world.region_admin):
        client.force_login(user)
        response = client.post(reverse("agreements:sign", args=[agreement.pk]))
        assert response.status_code == 403
    agreement.refresh_from_db()
    assert (Signature.objects.count(), agreement.version) == before
    assert agreement.status == Status.RENEGOTIATION


def test_non_leaders_cannot_edit_or_terminate(world, client):
    agreement = world.agreement
    client.force_login(world.housing_staff)
    data = _edit_data(agreement, latest_version(agreement))
    assert client.post(reverse("agreements:edit", args=[agreement.pk]), data).status_code == 403
    response = client.post(
        reverse("agreements:terminate", args=[agreement.pk]),
        {"given_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_FORCE and agreement.versions.count() == 1


@pytest.mark.parametrize("persona", ["other_team_nurse", "other_housing_staff", "ward_staff"])
def test_outsiders_get_404(world, client, persona):
    client.force_login(getattr(world, persona))
    pk = world.agreement.pk
    for url in (
        reverse("agreements:detail", args=[pk]),
        reverse("agreements:pdf", args=[pk]),
        reverse("agreements:version", args=[pk, 1]),
        reverse("agreements:edit", args=[pk]),
        reverse("agreements:terminate", args=[pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert world.facility_a1.name not in response.content.decode()
    assert client.post(reverse("agreements:sign", args=[pk])).status_code == 404


def test_housing_staff_reads_their_agreement(world, client):
    client.force_login(world.housing_staff)
    listing = client.get(reverse("agreements:list")).content.decode()
    assert reverse("agreements:detail", args=[world.agreement.pk]) in listing
    assert "I kraft" in listing
    assert "Ny samarbejdsaftale" not in listing
    detail = client.get(reverse("agreements:detail", args=[world.agreement.pk])).content.decode()
    assert world.facility_a1.name in detail and "Underskrifter" in detail
    assert reverse("agreements:edit", args=[world.agreement.pk]) not in detail
    response = client.get(reverse("agreements:pdf", args=[world.agreement.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_version_in_force_at_a_past_date(world, client):
    agreement = world.agreement
    today = timezone.localdate()
    AgreementVersion.objects.filter(agreement=agreement, number=1).update(
        in_force_from=today - datetime.timedelta(days=60)
    )
    client.force_login(world.team_leader)
    client.post(
        reverse("agreements:edit", args=[agreement.pk]),
        _edit_data(agreement, latest_version(agreement), section_purpose="Ny formålstekst."),
    )
    client.post(reverse("agreements:sign", args=[agreement.pk]))
    client.force_login(world.housing_leader)
    client.post(reverse("agreements:sign", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_FORCE
    AgreementVersion.objects.filter(agreement=agreement, number=2).update(
        in_force_from=today - datetime.timedelta(days=10)
    )
    url = reverse("agreements:detail", args=[agreement.pk])

    def asked(day):
        return client.get(url, {"dato": day}).content.decode()

    past = today - datetime.timedelta(days=30)
    assert f"Den {past:%d.%m.%Y} var version 1 i kraft." in asked(past.isoformat())
    assert f"Den {today:%d.%m.%Y} var version 2 i kraft." in asked(today.isoformat())
    before = today - datetime.timedelta(days=90)
    assert "var ingen version af aftalen i kraft" in asked(before.isoformat())
    for bad in ("31-01-2025", "2025-02-30", "i går", "9" * 30):
        response = client.get(url, {"dato": bad})
        assert response.status_code == 200
        assert "Datoen skal skrives som" in response.content.decode()
    version_page = client.get(reverse("agreements:version", args=[agreement.pk, 1]))
    assert version_page.status_code == 200
    assert client.get(reverse("agreements:version", args=[agreement.pk, 9])).status_code == 404


def test_stale_edit_keeps_the_users_text(world, client):
    agreement = world.agreement
    version = latest_version(agreement)
    stale = _edit_data(agreement, version, section_medication="Min egen tekst om medicin.")
    client.force_login(world.housing_leader)
    assert (
        client.post(
            reverse("agreements:edit", args=[agreement.pk]), _edit_data(agreement, version)
        ).status_code
        == 302
    )
    client.force_login(world.team_leader)
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), stale)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Aftalen er ændret af en anden" in body
    assert "Min egen tekst om medicin." in body
    assert agreement.versions.count() == 2


def test_unknown_posted_fields_are_refused(world, client):
    agreement = world.agreement
    client.force_login(world.team_leader)
    data = _edit_data(agreement, latest_version(agreement), team="999", section_parties="x")
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert agreement.versions.count() == 1


def test_second_live_agreement_for_the_pair_is_refused(world, client):
    client.force_login(world.team_leader)
    response = client.post(reverse("agreements:create", args=[world.facility_a1.pk]))
    assert response.status_code == 200
    assert "allerede en gældende aftale" in response.content.decode()
    assert Agreement.objects.filter(facility=world.facility_a1).count() == 1
    listing = client.get(reverse("agreements:list")).content.decode()
    assert reverse("agreements:create", args=[world.facility_a1.pk]) not in listing
    assert reverse("agreements:create", args=[world.facility_a2.pk]) in listing


def test_region_overview(world, client):
    client.force_login(world.region_admin)
    response = client.get(reverse("agreements:region"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "i kraft" in body and "ingen aftale" in body
    assert "1/3" in body  # one of three facilities covered today
    client.force_login(world.team_nurse)
    assert client.get(reverse("agreements:region")).status_code == 404
