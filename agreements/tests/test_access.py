"""The agreement policy (agreements/access.py): who sees, edits, signs, terminates; the
services ask it themselves; notice cannot be backdated."""

from __future__ import annotations

import datetime
import pathlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from agreements import access, services
from agreements.models import Agreement, Status
from audit.models import AuditEvent
from lib.notice import notice_end

pytestmark = pytest.mark.django_db

APP = pathlib.Path(__file__).resolve().parents[1]


# --- notice cannot be backdated (issue 11) -----------------------------------------------------


def test_backdated_notice_is_refused_with_a_danish_error_and_the_input_kept(world, client):
    agreement = world.agreement
    client.force_login(world.team_leader)
    backdated = timezone.localdate() - datetime.timedelta(days=3 * 365)
    response = client.post(
        reverse("agreements:terminate", args=[agreement.pk]),
        {"given_on": backdated.isoformat()},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "En opsigelse kan ikke tilbagedateres" in body
    assert f'value="{backdated.isoformat()}"' in body  # what was typed is kept
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_FORCE
    assert agreement.notice_given_on is None and agreement.ends_on is None


def test_yesterdays_notice_is_refused_by_the_service(world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.agreement_terminate(
            user=world.team_leader, agreement=world.agreement, given_on=yesterday
        )
    assert "given_on" in exc.value.message_dict
    assert AuditEvent.objects.count() == before
    assert Agreement.objects.get(pk=world.agreement.pk).status == Status.IN_FORCE


def test_notice_given_today_ends_as_lib_notice_says(world, client):
    client.force_login(world.housing_leader)
    today = timezone.localdate()
    response = client.post(
        reverse("agreements:terminate", args=[world.agreement.pk]), {"given_on": today.isoformat()}
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    assert agreement.status == Status.NOTICE
    assert agreement.notice_given_on == today
    assert agreement.ends_on == notice_end(today, agreement.notice_months)
    assert agreement.ends_on > today


# --- the policy ---------------------------------------------------------------------------------


def test_visible_and_get_for_user(world):
    pk = world.agreement.pk
    for name in ("team_nurse", "team_mentor", "housing_staff", "region_admin", "team_leader"):
        user = getattr(world, name)
        assert access.visible(user).filter(pk=pk).exists(), name
        assert access.get_for_user(user, pk).pk == pk
    for name in ("other_team_nurse", "other_housing_staff", "ward_staff"):
        user = getattr(world, name)
        assert not access.visible(user).filter(pk=pk).exists(), name
        for action in access.ACTIONS:
            with pytest.raises(Http404):
                access.get_for_user(user, pk, action=action)
    for name in ("team_nurse", "housing_staff", "region_admin"):
        for action in access.LEADER_ACTIONS:
            with pytest.raises(PermissionDenied):
                access.get_for_user(getattr(world, name), pk, action=action)


def test_leaders_sign_for_their_own_party(world):
    agreement = world.agreement
    assert access.leader_party(world.team_leader, agreement) == "team"
    assert access.leader_party(world.housing_leader, agreement) == "facility"
    assert access.leader_party(world.team_nurse, agreement) is None


def test_can_follows_the_state(world):
    agreement = world.agreement  # in force
    leader = world.team_leader
    assert access.can(leader, access.EDIT, agreement)
    assert access.can(leader, access.TERMINATE, agreement)
    assert not access.can(leader, access.SIGN, agreement)  # nothing new to sign
    assert not access.can(world.team_nurse, access.EDIT, agreement)
    assert access.can(world.team_nurse, access.VIEW, agreement)


@pytest.mark.parametrize("persona", ["other_team_nurse", "other_housing_staff", "ward_staff"])
def test_services_called_directly_by_outsiders_raise_404_and_write_nothing(world, persona):
    user = getattr(world, persona)
    agreement = world.agreement
    before = (AuditEvent.objects.count(), Agreement.objects.get(pk=agreement.pk).version)
    calls = [
        lambda: services.agreement_edit(
            user=user, agreement=agreement, lock=agreement.version, sections={}
        ),
        lambda: services.agreement_sign(user=user, agreement=agreement),
        lambda: services.agreement_terminate(
            user=user, agreement=agreement, given_on=timezone.localdate()
        ),
        lambda: services.activity_record(
            user=user,
            facility=world.facility_a1,
            kind="teaching",
            held_on=timezone.localdate(),
            topic="Undervisning",
            participants=[],
        ),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()
    assert (AuditEvent.objects.count(), Agreement.objects.get(pk=agreement.pk).version) == before


def test_create_is_for_leaders_of_a_party(world):
    facility = world.facility_a2  # served by team A, no agreement yet
    Agreement.objects.filter(facility=facility).delete()
    with pytest.raises(PermissionDenied):
        services.agreement_create(user=world.team_nurse, team=world.team_a, facility=facility)
    with pytest.raises(Http404):
        services.agreement_create(user=world.other_team_nurse, team=world.team_a, facility=facility)
    assert not Agreement.objects.filter(facility=facility).exists()
    assert facility in access.creatable_facilities(world.team_leader)
    assert facility not in access.creatable_facilities(world.team_nurse)


def test_each_service_writes_exactly_one_audit_row(world):
    facility = world.facility_a2
    Agreement.objects.filter(facility=facility).delete()

    def rows(call):
        before = AuditEvent.objects.count()
        result = call()
        assert AuditEvent.objects.count() - before == 1, call
        return result

    agreement = rows(
        lambda: services.agreement_create(
            user=world.team_leader, team=world.team_a, facility=facility
        )
    )
    rows(
        lambda: services.agreement_edit(
            user=world.team_leader, agreement=agreement, lock=agreement.version, sections={}
        )
    )
    rows(lambda: services.agreement_sign(user=world.team_leader, agreement=agreement))
    rows(
        lambda: services.activity_record(
            user=world.team_nurse,
            facility=world.facility_a1,
            kind="teaching",
            held_on=timezone.localdate(),
            topic="Fælles undervisning",
            participants=[],
        )
    )
    rows(
        lambda: services.agreement_terminate(
            user=world.housing_leader, agreement=world.agreement, given_on=timezone.localdate()
        )
    )


def test_the_leader_rule_is_written_once():
    """Only agreements/access.py reads the principal's ids for agreements."""
    pattern = re.compile(r"principal_for|(principal|\bp)\.\w*(team_ids|facility_ids|region_ids)\b")
    offenders = []
    for path in APP.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "access.py":
            continue
        if pattern.search(path.read_text()):
            offenders.append(str(path.relative_to(APP)))
    assert offenders == []
