"""What housing staff see of a resident's course record, decided by consent on every request.

One team entry of each consent category and each team-only kind, plus an event the facility
recorded itself; for each consent situation we assert exactly which entries the journal lists
and which entry pages answer 200 or 404, and that withheld text is nowhere in the HTML.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ALL_CATEGORIES, Category
from consent.services import consent_record, consent_withdraw
from record.kinds import CATEGORY, Kind
from residents.models import Residence
from residents.services import move_record
from tests import factories as f

from .samples import MARKERS, make_entry, new_resident_in_course, writer_for

pytestmark = pytest.mark.django_db

# one team entry per consent category that the record uses
BY_CATEGORY = {
    Category.ASSESSMENTS: Kind.SUICIDE_RISK,
    Category.PLANS: Kind.CRISIS_PLAN,
    Category.MEDICATION: Kind.MEDICATION,
    Category.ADMISSIONS: Kind.COMPULSORY,
}
TEAM_ONLY = [k for k, c in CATEGORY.items() if c is None]  # force, visit, external contact
FACILITY_EVENT = Kind.CRISIS  # recorded by housing staff


def test_the_fixture_covers_every_category_the_record_uses():
    assert set(BY_CATEGORY) == {c for c in CATEGORY.values() if c}
    assert sorted(TEAM_ONLY) == sorted([Kind.FORCE, Kind.VISIT, Kind.EXTERNAL_CONTACT])


@pytest.fixture
def journal(world):
    """A fresh resident at A1 in team A's course with one entry of each sort."""
    resident = new_resident_in_course(world, first_name="Inger", last_name="Delingsen")
    entries = {}
    for category, kind in BY_CATEGORY.items():
        entries[category] = make_entry(writer_for(world, kind), resident, kind)
    for kind in TEAM_ONLY:
        entries[kind] = make_entry(world.team_nurse, resident, kind)
    entries["facility"] = make_entry(world.housing_staff, resident, FACILITY_EVENT)
    return resident, entries


def share(world, resident, categories, *, given_days_ago=10, facility=None):
    return consent_record(
        user=world.team_nurse,
        resident=resident,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=timezone.localdate() - datetime.timedelta(days=given_days_ago),
        facility=facility or world.facility_a1,
        direction="both",
        categories=list(categories),
        purpose="Fælles indsats om behandling og hverdag",
        legal_basis="sul_43",
    )


def refuse(world, resident, categories):
    return consent_record(
        user=world.team_nurse,
        resident=resident,
        kind="refusal",
        form="oral",
        given_by="resident",
        given_on=timezone.localdate(),
        categories=list(categories),
    )


def link(entry) -> str:
    return f'href="{reverse("record:detail", args=[entry.pk])}"'


def assert_sees_exactly(client, resident, entries, visible_keys):
    overview = client.get(reverse("record:overview", args=[resident.pk]))
    assert overview.status_code == 200
    html = overview.content.decode()
    for key, entry in entries.items():
        detail = client.get(reverse("record:detail", args=[entry.pk]))
        if key in visible_keys:
            assert link(entry) in html, f"{key} missing from the journal"
            assert detail.status_code == 200, key
            assert MARKERS[entry.kind] in detail.content.decode()
        else:
            assert link(entry) not in html, f"{key} listed although withheld"
            assert MARKERS[entry.kind] not in html, f"{key} text on the journal"
            assert detail.status_code == 404, key
            assert MARKERS[entry.kind] not in detail.content.decode()
            for url in (
                reverse("record:version", args=[entry.pk, 1]),
                reverse("record:correct", args=[entry.pk]),
            ):
                assert client.get(url).status_code == 404


CASES = {
    "all_categories": (sorted(ALL_CATEGORIES), [], [*BY_CATEGORY, "facility"]),
    "board_and_goals": (["board", "goals"], [], ["facility"]),
    "no_consent": (None, [], ["facility"]),
    "all_but_refused_medication": (
        sorted(ALL_CATEGORIES),
        [Category.MEDICATION],
        [Category.ASSESSMENTS, Category.PLANS, Category.ADMISSIONS, "facility"],
    ),
    "plans_and_admissions": (
        [Category.PLANS, Category.ADMISSIONS],
        [],
        [Category.PLANS, Category.ADMISSIONS, "facility"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_housing_staff_see_what_consent_covers(client, world, journal, case):
    resident, entries = journal
    categories, refused, visible = CASES[case]
    if categories:
        share(world, resident, categories)
    if refused:
        refuse(world, resident, refused)
    for user in (world.housing_staff, world.housing_leader):
        client.force_login(user)
        assert_sees_exactly(client, resident, entries, set(visible))


def test_team_sees_everything_and_other_facility_nothing(client, world, journal):
    resident, entries = journal
    share(world, resident, sorted(ALL_CATEGORIES))
    client.force_login(world.team_mentor)
    assert_sees_exactly(client, resident, entries, set(entries))
    client.force_login(world.other_housing_staff)
    assert client.get(reverse("record:overview", args=[resident.pk])).status_code == 404
    for entry in entries.values():
        assert client.get(reverse("record:detail", args=[entry.pk])).status_code == 404


def test_consent_to_another_facility_shares_nothing_with_this_one(client, world, journal):
    resident, entries = journal
    share(world, resident, sorted(ALL_CATEGORIES), facility=world.facility_a2)
    client.force_login(world.housing_staff)
    assert_sees_exactly(client, resident, entries, {"facility"})


def test_lapsed_consent_shares_nothing(client, world, journal):
    resident, entries = journal
    share(world, resident, sorted(ALL_CATEGORIES), given_days_ago=400)
    client.force_login(world.housing_staff)
    assert_sees_exactly(client, resident, entries, {"facility"})


def test_world_resident_with_the_default_partial_consent(client, world):
    """resident_in_course shares board and goals only: of the world's record, housing staff
    see the admission they recorded and nothing of the team's."""
    client.force_login(world.housing_staff)
    entries = {
        "crisis_plan": world.crisis_plan,
        "visit_note": world.visit_note,
        "medication": world.medication,
        "facility": world.facility_admission,
    }
    overview = client.get(reverse("record:overview", args=[world.resident_in_course.pk]))
    html = overview.content.decode()
    assert link(world.facility_admission) in html
    for key in ("crisis_plan", "visit_note", "medication"):
        assert link(entries[key]) not in html
        assert client.get(reverse("record:detail", args=[entries[key].pk])).status_code == 404
    assert "Dorte hører stemmer" not in html
    assert "verdens medicin" not in html


def test_withdrawal_takes_effect_on_the_next_request(client, world, journal):
    resident, entries = journal
    consent = share(world, resident, sorted(ALL_CATEGORIES))
    client.force_login(world.housing_staff)
    plan = entries[Category.PLANS]
    url = reverse("record:detail", args=[plan.pk])
    assert client.get(url).status_code == 200
    consent_withdraw(user=world.team_nurse, consent=consent, note="Beboeren ønsker det ikke")
    assert client.get(url).status_code == 404  # same session, next request
    assert client.get(reverse("record:print", args=[plan.pk])).status_code == 404
    assert_sees_exactly(client, resident, entries, {"facility"})


def test_refusal_added_later_takes_effect_on_the_next_request(client, world, journal):
    resident, entries = journal
    share(world, resident, sorted(ALL_CATEGORIES))
    client.force_login(world.housing_staff)
    url = reverse("record:detail", args=[entries[Category.ASSESSMENTS].pk])
    assert client.get(url).status_code == 200
    refuse(world, resident, [Category.ASSESSMENTS])
    assert client.get(url).status_code == 404


def test_facility_events_visible_regardless_of_consent(client, world, journal):
    resident, entries = journal
    refuse(world, resident, sorted(ALL_CATEGORIES))
    client.force_login(world.housing_staff)
    response = client.get(reverse("record:detail", args=[entries["facility"].pk]))
    assert response.status_code == 200
    assert MARKERS[FACILITY_EVENT] in response.content.decode()


def test_after_moving_away_the_facility_sees_nothing(client, world, journal):
    resident, entries = journal
    share(world, resident, sorted(ALL_CATEGORIES))
    staff_a2 = f.MembershipFactory(
        role="facility_staff", profession="social_educator", facility=world.facility_a2
    ).user
    client.force_login(world.housing_staff)
    assert client.get(reverse("record:overview", args=[resident.pk])).status_code == 200
    move_record(
        user=world.team_nurse,
        resident=resident,
        to_facility=world.facility_a2,
        moved_in=timezone.localdate(),
    )
    assert client.get(reverse("record:overview", args=[resident.pk])).status_code == 404
    for entry in entries.values():  # not even the event A1 recorded itself
        assert client.get(reverse("record:detail", args=[entry.pk])).status_code == 404
    assert (
        client.get(reverse("record:create", args=[resident.pk, FACILITY_EVENT])).status_code == 404
    )
    # the new facility sees neither A1's events nor the team's (consent names A1)
    client.force_login(staff_a2)
    assert_sees_exactly(client, resident, entries, set())


def test_moved_out_without_a_new_home_the_facility_sees_nothing(client, world, journal):
    resident, entries = journal
    share(world, resident, sorted(ALL_CATEGORIES))
    client.force_login(world.housing_staff)
    url = reverse("record:detail", args=[entries["facility"].pk])
    assert client.get(url).status_code == 200
    Residence.objects.filter(resident=resident).update(moved_out=timezone.localdate())
    assert client.get(url).status_code == 404
    assert client.get(reverse("record:overview", args=[resident.pk])).status_code == 404
    # the team still reads everything
    client.force_login(world.team_nurse)
    assert client.get(url).status_code == 200
