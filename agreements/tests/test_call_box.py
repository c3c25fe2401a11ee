"""“Hvem ringer jeg til nu?” from the facility's agreement in force, with a fixed clock."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, AgreementVersion, Status
from agreements.selectors import (
    agreement_facts,
    live_agreement_for_facility,
    version_in_force,
    who_to_call,
)

MONDAY = datetime.date(2025, 3, 3)
SATURDAY = datetime.date(2025, 3, 8)
AFTER_HOURS = "Psykiatrisk Akutmodtagelse, tlf. 38 64 00 00"


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def in_force(world) -> AgreementVersion:
    """Facility A1's agreement in force (the world's, if it has one), with known hours."""
    agreement = Agreement.objects.filter(facility=world.facility_a1).exclude(
        status=Status.TERMINATED
    ).first() or Agreement.objects.create(
        team=world.team_a,
        facility=world.facility_a1,
        status=Status.IN_FORCE,
        created_by=world.team_leader,
    )
    version = agreement.versions.order_by("-number").first() or AgreementVersion(
        agreement=agreement, number=1, created_by=world.team_leader
    )
    version.in_force_from = datetime.date(2024, 1, 1)
    version.opening_days = [0, 1, 2, 3, 4]
    version.opens_at = datetime.time(8, 0)
    version.closes_at = datetime.time(15, 30)
    version.after_hours = AFTER_HOURS
    version.team_phone = "38 64 12 34"
    version.shared_mailbox = "btt-nord@example.org"
    version.sections = {**(version.sections or {}), "safety": "Overfaldsalarm ved samtaler."}
    version.visit_days = [1, 3]
    version.visit_from = datetime.time(9, 0)
    version.visit_to = datetime.time(12, 0)
    version.save()
    agreement.status = Status.IN_FORCE
    agreement.save(update_fields=["status"])
    return version


def advice(world, when):
    agreement = live_agreement_for_facility(world.facility_a1)
    return who_to_call(version_in_force(agreement, timezone.localtime(when).date()), when)


@pytest.mark.django_db
class TestWhoToCall:
    def test_at_opening_time_the_team(self, world):
        in_force(world)
        result = advice(world, at(MONDAY, 8, 0))
        assert result.open_now
        assert result.who == world.team_a.name
        assert result.phone == "38 64 12 34" and result.mailbox == "btt-nord@example.org"

    def test_one_minute_before_after_hours(self, world):
        in_force(world)
        result = advice(world, at(MONDAY, 7, 59))
        assert not result.open_now and result.who == AFTER_HOURS

    def test_at_closing_time_after_hours(self, world):
        in_force(world)
        assert advice(world, at(MONDAY, 15, 29)).open_now
        result = advice(world, at(MONDAY, 15, 30))
        assert not result.open_now and result.who == AFTER_HOURS

    def test_closed_weekday_after_hours(self, world):
        in_force(world)
        result = advice(world, at(SATURDAY, 10, 0))
        assert not result.open_now and result.who == AFTER_HOURS
        assert "mandag" in result.hours and "08.00–15.30" in result.hours

    def test_no_agreement_nothing(self, world):
        Agreement.objects.filter(facility=world.facility_a2).delete()
        facts = agreement_facts(world.facility_a2, at(MONDAY, 10))
        assert facts["call_advice"] is None and facts["agreement_version"] is None

    def test_queries_constant(self, world, django_assert_max_num_queries):
        in_force(world)
        with django_assert_max_num_queries(5):
            agreement_facts(world.facility_a1, at(MONDAY, 10))


@pytest.mark.django_db
class TestPages:
    def get(self, client, user, url, when):
        client.force_login(user)
        with mock.patch("django.utils.timezone.now", return_value=when):
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    def test_resident_page_open_and_closed(self, world, client):
        in_force(world)
        url = reverse("residents:detail", args=[world.resident_in_course.pk])
        for user in (world.team_nurse, world.housing_staff):
            html = self.get(client, user, url, at(MONDAY, 10, 0))
            assert "Hvem ringer jeg til nu?" in html
            assert "Ring til botilbudsteamet" in html and "38 64 12 34" in html
            assert "btt-nord@example.org" in html
            html = self.get(client, user, url, at(MONDAY, 16, 0))
            assert "Uden for åbningstid:" in html and AFTER_HOURS in html
            assert "Ring til botilbudsteamet" not in html

    def test_facility_page_and_safety(self, world, client):
        in_force(world)
        url = reverse("organisation:facility_detail", args=[world.facility_a1.pk])
        html = self.get(client, world.team_nurse, url, at(SATURDAY, 10, 0))
        assert "Uden for åbningstid:" in html
        assert "Sikkerhed ved besøg" in html and "Overfaldsalarm ved samtaler." in html
        assert "tirsdag, torsdag" in html and "09.00–12.00" in html
        html = self.get(client, world.team_nurse, url, at(MONDAY, 9, 0))
        assert "Ring til botilbudsteamet" in html

    def test_no_agreement_on_page(self, world, client):
        Agreement.objects.filter(facility=world.facility_a2).delete()
        url = reverse("organisation:facility_detail", args=[world.facility_a2.pk])
        html = self.get(client, world.team_nurse, url, at(MONDAY, 10, 0))
        assert "Ingen samarbejdsaftale i kraft" in html
        assert "Hvem ringer jeg til nu?" not in html and "Sikkerhed ved besøg" not in html
