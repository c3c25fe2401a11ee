"""Joint competence development, and the agreement's meeting time on the meeting schedule."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from agreements.models import CompetenceActivity
from agreements.tests.test_call_box import in_force
from audit.models import AuditEvent
from board.models import MeetingSchedule


def post(client, user, facility, **data):
    client.force_login(user)
    return client.post(reverse("agreements:activity_create", args=[facility.pk]), data)


@pytest.mark.django_db
class TestActivities:
    def test_record_with_both_sectors(self, world, client):
        response = post(
            client,
            world.housing_leader,
            world.facility_a1,
            kind="theme_day",
            held_on="2025-03-04",
            topic="Temadag om kriseplaner",
            team_participants=[world.team_nurse.pk],
            facility_participants=[world.housing_staff.pk],
            other_participants="Kommunens hjemmepleje",
        )
        assert response.status_code == 302
        activity = CompetenceActivity.objects.get()
        assert activity.team_id == world.team_a.pk and activity.facility_id == world.facility_a1.pk
        assert activity.held_on == datetime.date(2025, 3, 4)
        assert set(activity.participants.all()) == {world.team_nurse, world.housing_staff}
        assert AuditEvent.objects.filter(object_id=str(activity.pk)).exists()
        html = client.get(reverse("agreements:activities", args=[world.facility_a1.pk])).content
        assert "Temadag om kriseplaner" in html.decode()

    def test_participant_from_elsewhere_refused(self, world, client):
        response = post(
            client,
            world.team_nurse,
            world.facility_a1,
            kind="teaching",
            held_on="2025-03-04",
            topic="Undervisning",
            team_participants=[world.other_team_nurse.pk],
        )
        assert response.status_code == 200
        assert not CompetenceActivity.objects.exists()

    @pytest.mark.parametrize("persona", ["other_team_nurse", "other_housing_staff", "ward_staff"])
    def test_outsiders_404(self, world, client, persona):
        response = post(
            client, getattr(world, persona), world.facility_a1, kind="teaching", topic="x"
        )
        assert response.status_code == 404
        assert (
            client.get(reverse("agreements:activities", args=[world.facility_a1.pk])).status_code
            == 404
        )
        assert not CompetenceActivity.objects.exists()


@pytest.mark.django_db
class TestMeetingScheduleFromAgreement:
    def test_list_and_prefill(self, world, client):
        version = in_force(world)
        version.meeting_weekday = 1
        version.meeting_time = datetime.time(10, 0)
        version.save()
        MeetingSchedule.objects.filter(facility=world.facility_a1).delete()
        client.force_login(world.team_nurse)
        html = client.get(reverse("board:meetings", args=[world.facility_a1.pk])).content.decode()
        assert "Fra samarbejdsaftalen: tirsdag kl. 10.00" in html
        form = client.get(reverse("board:schedule", args=[world.facility_a1.pk])).context["form"]
        assert form.initial == {"weekday": 1, "starts_at": datetime.time(10, 0)}

    def test_schedule_wins(self, world, client):
        version = in_force(world)
        version.meeting_weekday = 1
        version.meeting_time = datetime.time(10, 0)
        version.save()
        MeetingSchedule.objects.update_or_create(
            facility=world.facility_a1, defaults={"weekday": 3, "starts_at": datetime.time(13)}
        )
        client.force_login(world.team_nurse)
        html = client.get(reverse("board:meetings", args=[world.facility_a1.pk])).content.decode()
        assert "Fra samarbejdsaftalen" not in html
        form = client.get(reverse("board:schedule", args=[world.facility_a1.pk])).context["form"]
        assert form.initial["weekday"] == 3
