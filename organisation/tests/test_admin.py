"""Region admins maintain their own region's organisation in Django admin, nothing more.

Every test of another region posts a form that is valid (the same post succeeds for the
admin's own region, or for an administrator of the other region) and checks that nothing
changed.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.models import AuditEvent
from organisation.models import (
    Facility,
    Membership,
    MembershipStatus,
    Profession,
    Region,
    Role,
    Team,
    Ward,
)
from tests import factories as f

ADMIN_PERMISSIONS = r"^(view|change|add|delete)_"


@pytest.fixture
def admin_group(db):
    group = Group.objects.create(name="Regional administrator")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["organisation", "accounts"],
            codename__regex=ADMIN_PERMISSIONS,
        )
    )
    return group


@pytest.fixture
def admin_client_for(world, client, admin_group):
    world.region_admin.groups.add(admin_group)
    client.force_login(world.region_admin)
    return client


@pytest.fixture
def other(world, admin_group):
    """Region B with a team, a facility, a ward, a staff member and its own administrator."""
    region = f.RegionFactory(name="Region Fremmed")
    team = f.TeamFactory(region=region, name="Fremmed Botilbudsteam")
    facility = f.FacilityFactory(region=region, team=team, name="Fremmed Botilbud")
    ward = f.WardFactory(region=region, name="Fremmed Sengeafsnit")
    staff = f.MembershipFactory(team=team, role=Role.TEAM_STAFF, profession=Profession.NURSE)
    admin = f.MembershipFactory(
        region=region, role=Role.REGION_ADMIN, profession=Profession.OTHER
    ).user
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    admin.groups.add(admin_group)

    class Other:
        pass

    o = Other()
    o.region, o.team, o.facility, o.ward, o.staff, o.admin = (
        region,
        team,
        facility,
        ward,
        staff,
        admin,
    )
    return o


def _facility_form(facility, **changes):
    data = {
        "region": facility.region_id,
        "team": facility.team_id or "",
        "name": facility.name,
        "owner_type": facility.owner_type,
        "legal_basis": facility.legal_basis,
        "municipality": facility.municipality,
        "phone": facility.phone,
        "addresses-TOTAL_FORMS": "0",
        "addresses-INITIAL_FORMS": "0",
        "addresses-MIN_NUM_FORMS": "0",
        "addresses-MAX_NUM_FORMS": "1000",
        "_save": "Gem",
    }
    data.update(changes)
    return data


def _team_form(team, **changes):
    data = {
        "region": team.region_id,
        "name": team.name,
        "kind": team.kind,
        "phone": team.phone,
        "email": team.email,
        "board_flag_weeks": team.board_flag_weeks,
        "_save": "Gem",
    }
    data.update(changes)
    return data


def _membership_add_form(*, user, role, profession, **scope):
    data = {"user": user.pk, "role": role, "profession": profession, "_save": "Gem"}
    for key in ("team", "facility", "ward", "region"):
        data[key] = scope[key].pk if key in scope else ""
    return data


# --- scope: lists, objects by URL, choices ------------------------------------------------


def test_region_admin_sees_own_region_only(world, admin_client_for, other):
    body = admin_client_for.get(reverse("admin:organisation_facility_changelist")).content.decode()
    assert world.facility_a1.name in body
    assert other.facility.name not in body
    assert other.team.name not in body  # not even in the team filter
    response = admin_client_for.get(
        reverse("admin:organisation_facility_change", args=[other.facility.pk])
    )
    assert response.status_code == 404


def test_region_admin_search_finds_nothing_of_another_region(world, admin_client_for, other):
    for model, term, shown in [
        ("facility", "Fremmed", other.facility.name),
        ("team", "Fremmed", other.team.name),
        ("ward", "Fremmed", other.ward.name),
        ("membership", other.staff.user.username, other.staff.user.get_full_name()),
    ]:
        url = reverse(f"admin:organisation_{model}_changelist")
        body = admin_client_for.get(url, {"q": term}).content.decode()
        assert shown not in body, model


@pytest.mark.parametrize("view", ["change", "delete", "history"])
@pytest.mark.parametrize("model", ["facility", "team", "ward", "region", "membership"])
def test_region_admin_gets_404_for_objects_of_another_region(
    world, admin_client_for, other, model, view
):
    obj = {
        "facility": other.facility,
        "team": other.team,
        "ward": other.ward,
        "region": other.region,
        "membership": other.staff,
    }[model]
    url = reverse(f"admin:organisation_{model}_{view}", args=[obj.pk])
    assert admin_client_for.get(url).status_code == 404
    assert admin_client_for.post(url, {"post": "yes"}).status_code == 404
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_region_admin_cannot_change_facility_of_another_region_with_valid_form(
    world, admin_client_for, client, other
):
    url = reverse("admin:organisation_facility_change", args=[other.facility.pk])
    response = admin_client_for.post(url, _facility_form(other.facility, name="Overtaget"))
    assert response.status_code == 404
    other.facility.refresh_from_db()
    assert other.facility.name == "Fremmed Botilbud"
    # the same form is valid: region B's own administrator saves it
    client.force_login(other.admin)
    response = client.post(url, _facility_form(other.facility, name="Omdøbt af B"))
    assert response.status_code == 302
    other.facility.refresh_from_db()
    assert other.facility.name == "Omdøbt af B"


def test_region_admin_cannot_move_own_facility_to_another_regions_team(
    world, admin_client_for, other
):
    url = reverse("admin:organisation_facility_change", args=[world.facility_a2.pk])
    response = admin_client_for.post(url, _facility_form(world.facility_a2, team=other.team.pk))
    assert response.status_code == 200  # re-shown with an error
    world.facility_a2.refresh_from_db()
    assert world.facility_a2.team_id == world.team_a.pk
    # the own region's team is fine (the form is otherwise valid), and audited
    before = AuditEvent.objects.count()
    response = admin_client_for.post(url, _facility_form(world.facility_a2, team=world.team_b.pk))
    assert response.status_code == 302
    world.facility_a2.refresh_from_db()
    assert world.facility_a2.team_id == world.team_b.pk
    assert AuditEvent.objects.count() == before + 1


def test_region_admin_cannot_add_team_or_ward_in_another_region(world, admin_client_for, other):
    add_team = reverse("admin:organisation_team_add")
    data = _team_form(Team(region=other.region, name="Nyt Fremmed Team", kind="adult"))
    assert admin_client_for.post(add_team, data).status_code == 200
    assert not Team.objects.filter(name="Nyt Fremmed Team").exists()
    data = _team_form(Team(region=world.region, name="Nyt Eget Team", kind="adult"))
    assert admin_client_for.post(add_team, data).status_code == 302
    assert Team.objects.filter(name="Nyt Eget Team", region=world.region).exists()
    add_ward = reverse("admin:organisation_ward_add")
    response = admin_client_for.post(
        add_ward, {"region": other.region.pk, "name": "Nyt Fremmed Afsnit", "_save": "Gem"}
    )
    assert response.status_code == 200
    assert not Ward.objects.filter(name="Nyt Fremmed Afsnit").exists()


def test_region_admin_cannot_add_or_delete_regions(world, admin_client_for):
    response = admin_client_for.post(
        reverse("admin:organisation_region_add"), {"name": "Ny Region", "_save": "Gem"}
    )
    assert response.status_code == 403
    assert not Region.objects.filter(name="Ny Region").exists()


def test_region_admin_cannot_give_a_user_of_another_region_a_membership(
    world, admin_client_for, other
):
    data = _membership_add_form(
        user=other.staff.user, role=Role.TEAM_STAFF, profession=Profession.NURSE, team=world.team_a
    )
    response = admin_client_for.post(reverse("admin:organisation_membership_add"), data)
    assert response.status_code == 200
    assert not Membership.objects.filter(user=other.staff.user, team=world.team_a).exists()


def test_region_admin_cannot_change_membership_of_another_region_with_valid_form(
    world, admin_client_for, other
):
    url = reverse("admin:organisation_membership_change", args=[other.staff.pk])
    data = {"role": Role.TEAM_LEADER, "profession": Profession.LEADER, "_save": "Gem"}
    assert admin_client_for.post(url, data).status_code == 404
    other.staff.refresh_from_db()
    assert (other.staff.role, other.staff.profession) == (Role.TEAM_STAFF, Profession.NURSE)


def test_user_autocomplete_offers_no_user_of_another_region(world, admin_client_for, other):
    response = admin_client_for.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "organisation",
            "model_name": "membership",
            "field_name": "user",
            "term": other.staff.user.username,
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


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


# --- memberships in the admin go through the services ---------------------------------------


def test_region_admin_adding_membership_for_themselves_gains_no_resident_access(
    world, admin_client_for
):
    """Hole 3: a valid admin form giving the administrator a team role."""
    data = _membership_add_form(
        user=world.region_admin,
        role=Role.TEAM_STAFF,
        profession=Profession.NURSE,
        team=world.team_a,
    )
    admin_client_for.post(reverse("admin:organisation_membership_add"), data)
    assert not Membership.objects.filter(
        user=world.region_admin, team=world.team_a, status=MembershipStatus.CONFIRMED
    ).exists()
    response = admin_client_for.get(reverse("residents:detail", args=[world.resident_in_course.pk]))
    assert response.status_code == 404


def test_region_admin_adding_team_membership_only_proposes_it(world, admin_client_for):
    data = _membership_add_form(
        user=world.other_team_nurse,
        role=Role.TEAM_STAFF,
        profession=Profession.NURSE,
        team=world.team_a,
    )
    before = AuditEvent.objects.count()
    response = admin_client_for.post(reverse("admin:organisation_membership_add"), data)
    assert response.status_code == 302
    m = Membership.objects.get(user=world.other_team_nurse, team=world.team_a)
    assert m.status == MembershipStatus.PENDING
    assert m.proposed_by == world.region_admin
    assert AuditEvent.objects.count() == before + 1


def test_region_admin_cannot_change_a_team_membership_in_the_admin(world, admin_client_for):
    """A new profession can open other data (medication): only the leader changes it."""
    m = Membership.objects.get(user=world.team_mentor)
    url = reverse("admin:organisation_membership_change", args=[m.pk])
    data = {"role": Role.TEAM_STAFF, "profession": Profession.DOCTOR, "_save": "Gem"}
    assert admin_client_for.post(url, data).status_code == 403
    m.refresh_from_db()
    assert m.profession == Profession.RECOVERY_MENTOR


def test_region_admin_grants_ward_membership_directly_and_it_is_audited(world, admin_client_for):
    data = _membership_add_form(
        user=world.other_team_nurse,
        role=Role.WARD_STAFF,
        profession=Profession.NURSE,
        ward=world.ward,
    )
    before = AuditEvent.objects.count()
    assert (
        admin_client_for.post(reverse("admin:organisation_membership_add"), data).status_code == 302
    )
    m = Membership.objects.get(user=world.other_team_nurse, ward=world.ward)
    assert (m.status, m.confirmed_by) == (MembershipStatus.CONFIRMED, world.region_admin)
    row = AuditEvent.objects.get(pk__gt=0, object_type="membership", object_id=str(m.pk))
    assert row.detail["event"] == "membership_granted"
    assert AuditEvent.objects.count() == before + 1


def test_region_admin_cannot_make_anyone_region_admin(world, admin_client_for):
    data = _membership_add_form(
        user=world.team_nurse,
        role=Role.REGION_ADMIN,
        profession=Profession.OTHER,
        region=world.region,
    )
    assert (
        admin_client_for.post(reverse("admin:organisation_membership_add"), data).status_code == 200
    )
    assert not Membership.objects.filter(user=world.team_nurse, role=Role.REGION_ADMIN).exists()


def test_memberships_are_never_deleted_in_the_admin(world, admin_client_for):
    m = Membership.objects.get(user=world.team_nurse)
    url = reverse("admin:organisation_membership_delete", args=[m.pk])
    assert admin_client_for.post(url, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=m.pk).exists()


def test_region_admin_ends_a_membership_with_the_admin_action(world, admin_client_for):
    m = Membership.objects.get(user=world.team_nurse)
    before = AuditEvent.objects.count()
    response = admin_client_for.post(
        reverse("admin:organisation_membership_changelist"),
        {"action": "end_selected", "_selected_action": [m.pk]},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert not m.is_active and m.ended_at is not None
    assert AuditEvent.objects.count() == before + 1


def test_superuser_appoints_first_leader_but_only_proposes_once_there_is_one(world, client):
    superuser = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    team = f.TeamFactory(region=world.region, name="Nyt team uden leder")
    add = reverse("admin:organisation_membership_add")
    data = _membership_add_form(
        user=world.other_team_nurse, role=Role.TEAM_LEADER, profession=Profession.LEADER, team=team
    )
    assert client.post(add, data).status_code == 302
    leader = Membership.objects.get(team=team, role=Role.TEAM_LEADER)
    assert leader.status == MembershipStatus.CONFIRMED
    data = _membership_add_form(
        user=world.team_nurse, role=Role.TEAM_STAFF, profession=Profession.NURSE, team=team
    )
    assert client.post(add, data).status_code == 302
    staff = Membership.objects.get(team=team, user=world.team_nurse)
    assert staff.status == MembershipStatus.PENDING


def test_superuser_sees_every_region(world, client, other):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:organisation_facility_change", args=[other.facility.pk])
    assert client.get(url).status_code == 200
    assert Facility.objects.filter(pk=other.facility.pk).exists()
