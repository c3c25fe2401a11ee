import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from record.models import Entry

pytestmark = pytest.mark.django_db


def test_crisis_plan_create_correct_view(client, world):
    client.force_login(world.team_nurse)
    url = reverse("record:create", args=[world.resident_in_course.pk, "crisis_plan"])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    data = {
        "occurred_on": today.isoformat(),
        "subtype": "yellow",
        "green_signs": "Sover godt",
        "yellow_signs": "Sover dårligt",
        "red_signs": "Hører stemmer",
        "red_team": "Ring til teamet",
        "helps": "Gåture",
        "call_open": "Teamet 7010 0000",
        "call_closed": "Psykiatrisk akutmodtagelse",
        "review_on": (today + datetime.timedelta(days=90)).isoformat(),
    }
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    entry = Entry.objects.get(kind="crisis_plan")
    r = client.get(reverse("record:detail", args=[entry.pk]))
    assert "Hører stemmer" in r.content.decode()
    r = client.post(
        reverse("record:correct", args=[entry.pk]),
        {**data, "subtype": "red", "version": 1, "correction_reason": "Forværring"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.version == 2 and entry.versions.count() == 2
    r = client.get(reverse("record:detail", args=[entry.pk]))
    assert "Kriseplanen er i rød fase" not in r.content.decode()  # already on the board
    assert client.get(reverse("record:print", args=[entry.pk])).status_code == 200
    assert client.get(reverse("record:version", args=[entry.pk, 1])).status_code == 200
    assert (
        client.get(reverse("record:overview", args=[world.resident_in_course.pk])).status_code
        == 200
    )
