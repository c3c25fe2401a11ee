"""What docs/demo-users.md asks a tester to try works on the demo data, over real form posts:
``botilbud`` confirms the move proposal, the facility confirms a held referral, and
``teamleder`` confirms the membership the region administrator proposed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from courses.models import Referral, ReferralStatus
from organisation.access import principal_for
from organisation.models import Membership, MembershipEventKind, MembershipStatus, Role
from residents import access as residents_access
from residents.models import Move, MoveStatus
from residents.selectors import current_residence, team_residents_of


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", seed=7, small=True, stdout=StringIO())


def test_demo_confirmations_work_through_the_pages(seeded, client):
    # botilbud (Bostedet Egely) sees the proposal and confirms it; then loses the resident
    botilbud = User.objects.get(username="botilbud")
    move = Move.objects.select_related("resident").get(status=MoveStatus.PROPOSED)
    client.force_login(botilbud)
    page = client.get(reverse("residents:move_list"))
    assert page.status_code == 200
    assert reverse("residents:move_detail", args=[move.pk]) in page.content.decode()
    response = client.post(reverse("residents:move_confirm", args=[move.pk]), {"checked": "on"})
    assert response.status_code == 302
    move.refresh_from_db()
    assert move.status == MoveStatus.CONFIRMED and move.decided_by == botilbud
    assert current_residence(move.resident).facility_id == move.to_facility_id
    assert not residents_access.can(botilbud, residents_access.VIEW, move.resident)

    # the team sees only what it typed in its queue; the facility confirms the held referral
    held = Referral.objects.filter(status=ReferralStatus.HELD).order_by("pk").first()
    client.force_login(held.created_by)
    page = client.get(reverse("courses:visitation_queue"))
    assert page.status_code == 200 and held.typed_last_name in page.content.decode()
    staff = User.objects.filter(
        memberships__facility=held.facility_id, memberships__role=Role.FACILITY_STAFF
    ).order_by("pk")[0]
    client.force_login(staff)
    response = client.post(reverse("courses:referral_confirm", args=[held.pk]), {"checked": "on"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == ReferralStatus.PENDING
    assert team_residents_of([held.team_id]).filter(pk=held.resident_id).exists()

    # teamleder sees the proposal and the history, and confirms the proposal
    leader = User.objects.get(username="teamleder")
    pending = Membership.objects.get(status=MembershipStatus.PENDING)
    client.force_login(leader)
    page = client.get(reverse("organisation:staff_team", args=[pending.team_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("organisation:membership_decide", args=[pending.pk]) in body
    assert "<td>Tildelt</td>" in body and "<td>Foreslået</td>" in body  # the history
    response = client.post(
        reverse("organisation:membership_decide", args=[pending.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.CONFIRMED and pending.confirmed_by == leader
    assert pending.team_id in principal_for(pending.user).team_ids
    assert pending.events.filter(kind=MembershipEventKind.CONFIRMED, by=leader).exists()
