"""The agreement's lifecycle in its services: template, versions, signatures, notice."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from agreements import services
from agreements.models import SECTION_KEYS, TEXT_SECTIONS, Agreement, Status
from agreements.selectors import version_in_force
from lib.errors import StaleVersion, TransitionError
from lib.notice import notice_end

TODAY = timezone.localdate()


@pytest.fixture
def draft(world):
    Agreement.objects.filter(facility=world.facility_a2).delete()
    return services.agreement_create(
        user=world.team_leader, team=world.team_a, facility=world.facility_a2
    )


def test_template_prefills_every_text_section(draft):
    version = draft.versions.get()
    assert set(version.sections) == set(TEXT_SECTIONS)
    assert "tre måneders varsel til udgangen af en måned" in version.sections["duration"]
    assert len(SECTION_KEYS) == 14
    assert draft.status == Status.DRAFT


def test_only_leaders_create_edit_sign(world, draft):
    # members of a party may see the agreement (403); others may not (404)
    for user, denial in (
        (world.team_nurse, PermissionDenied),
        (world.housing_staff_a2, PermissionDenied),
        (world.other_team_nurse, Http404),
    ):
        with pytest.raises(denial):
            services.agreement_sign(user=user, agreement=draft)
        with pytest.raises(denial):
            services.agreement_edit(user=user, agreement=draft, lock=draft.version, sections={})
    assert Agreement.objects.get(pk=draft.pk).status == Status.DRAFT


def test_both_leaders_sign_then_in_force(world, draft):
    from organisation.models import Profession, Role
    from tests import factories as f

    leader_a2 = f.MembershipFactory(
        role=Role.FACILITY_LEADER, profession=Profession.LEADER, facility=world.facility_a2
    ).user
    services.agreement_sign(user=world.team_leader, agreement=draft)
    assert Agreement.objects.get(pk=draft.pk).status == Status.SIGNED_ONE
    with pytest.raises(TransitionError):
        services.agreement_sign(user=world.team_leader, agreement=draft)
    services.agreement_sign(user=leader_a2, agreement=draft)
    agreement = Agreement.objects.get(pk=draft.pk)
    assert agreement.status == Status.IN_FORCE
    v1 = agreement.versions.get(number=1)
    assert v1.in_force_from == TODAY and v1.signatures.count() == 2

    # an edit starts a renegotiation; v1 stays in force until v2 is signed by both
    v2 = services.agreement_edit(
        user=leader_a2,
        agreement=agreement,
        lock=agreement.version,
        sections={"safety": "Alarm i kontoret."},
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.RENEGOTIATION
    assert version_in_force(agreement, TODAY) == v1
    with pytest.raises(StaleVersion):
        services.agreement_edit(user=world.team_leader, agreement=agreement, lock=1, sections={})
    services.agreement_sign(user=world.team_leader, agreement=agreement)
    services.agreement_sign(user=leader_a2, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_FORCE
    v2.refresh_from_db()
    assert version_in_force(agreement, TODAY) == v2

    # notice: three months to the end of a month (lib.notice), given today
    ended = services.agreement_terminate(user=leader_a2, agreement=agreement, given_on=TODAY)
    assert ended.ends_on == notice_end(TODAY, 3) and ended.status == Status.NOTICE
    assert ended.ends_on > TODAY
    with pytest.raises(TransitionError):
        services.agreement_edit(user=leader_a2, agreement=ended, lock=ended.version, sections={})


def test_one_live_agreement_per_pair(world, draft):
    with pytest.raises(TransitionError):
        services.agreement_create(
            user=world.team_leader, team=world.team_a, facility=world.facility_a2
        )
