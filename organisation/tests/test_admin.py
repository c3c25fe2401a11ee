"""Region admins maintain their own region's organisation in Django admin, nothing more."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def admin_client_for(world, client):
    group = Group.objects.create(name="Regional administrator")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["organisation", "accounts"],
            codename__regex=r"^(view|change|add)_",
        )
    )
    world.region_admin.groups.add(group)
    client.force_login(world.region_admin)
    return client


def test_region_admin_sees_own_region_only(world, admin_client_for):
    other = f.FacilityFactory(name="Fremmed Botilbud")
    body = admin_client_for.get(reverse("admin:organisation_facility_changelist")).content.decode()
    assert world.facility_a1.name in body
    assert other.name not in body
    response = admin_client_for.get(reverse("admin:organisation_facility_change", args=[other.pk]))
    assert response.status_code == 302  # Django admin: object not found -> back to the list


def test_region_admin_cannot_see_residents_in_admin(world, admin_client_for):
    assert admin_client_for.get("/admin/residents/resident/").status_code == 404
    assert admin_client_for.get("/admin/courses/course/").status_code == 404


def test_region_admin_cannot_grant_admin_rights(world, admin_client_for):
    url = reverse("admin:accounts_user_change", args=[world.team_nurse.pk])
    body = admin_client_for.get(url).content.decode()
    assert 'name="is_superuser"' not in body
    assert 'name="is_staff"' not in body


def test_staff_without_admin_role_cannot_use_admin(world, client):
    client.force_login(world.team_leader)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
