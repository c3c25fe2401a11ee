"""The job queue in Django admin (procrastinate's contrib admin): read-only, for superusers;
a region administrator (staff with the demo group's permissions) and team staff are kept out.
Job arguments are ids only, so even the admin's job pages show no personal data."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from btt.demo.write import admin_group
from notifications.tasks import fan_out
from tests import factories as f

CHANGELIST = "admin:procrastinate_procrastinatejob_changelist"


def test_the_job_admin_is_registered():
    assert admin.site.is_registered(ProcrastinateJob)


def test_superuser_sees_jobs_and_their_status(world, client):
    job_id = fan_out.defer(kind="consent_lapsing", recipient_ids=[1], url="/", dedupe_key="k")
    superuser = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert "fan_out" in response.content.decode()
    detail = client.get(reverse("admin:procrastinate_procrastinatejob_change", args=[job_id]))
    assert detail.status_code == 200


def test_region_admin_and_team_staff_are_kept_out(world, client):
    world.region_admin.groups.add(admin_group())
    client.force_login(world.region_admin)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    client.force_login(world.team_nurse)  # not staff: sent to the admin's login
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
