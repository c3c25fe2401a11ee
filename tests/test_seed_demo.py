"""The seed_demo command: realistic, complete, fictitious and deterministic demo data."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F
from django.test import RequestFactory, override_settings
from django.utils import timezone

from accounts.models import User
from btt.demo import (
    ADMIN_GROUP_NAME,
    BIRTH_ANCHOR,
    DEMO_PASSWORD,
    build_plan,
    identity_digest,
)
from btt.demo.organisation import MEMORABLE_USERS
from courses import access as courses_access
from courses.models import (
    Concern,
    ConcernStatus,
    Course,
    CourseStatus,
    Criterion,
    Referral,
    ReferralSource,
    ReferralStatus,
)
from lib.cpr import IdentifierKind, is_never_issued, parse_cpr, parse_replacement
from organisation import access as organisation_access
from organisation.models import (
    LEADER_ROLES,
    Facility,
    LegalBasis,
    Membership,
    MembershipEvent,
    MembershipEventKind,
    MembershipStatus,
    OwnerType,
    Region,
    Role,
    Team,
    TeamKind,
)
from residents import access as residents_access
from residents.models import Move, MoveStatus, Residence, Resident, ResidentIdentifier
from residents.selectors import current_residence, team_residents_of
from tests import shared_data

SEED = 7


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True  # the command refuses to run without DEBUG


def seed_small() -> str:
    """The small region (seed 7), seeded once for this module (tests/shared_data.py)."""
    with override_settings(DEBUG=True):  # the command refuses to run without DEBUG
        return seed(seed=SEED, small=True)


_small_module = shared_data.module_fixture("_small_module", seed_small)


@pytest.fixture
def small(_small_module, db, debug):
    """The small region's command output; what a test writes is rolled back after it."""
    return shared_data.fresh(_small_module, seed_small)


def db_digest() -> str:
    pairs = []
    for resident in Resident.objects.prefetch_related("identifiers"):
        ids = sorted(resident.identifiers.all(), key=lambda i: (i.valid_from, i.pk))
        pairs.append((resident.full_name, ",".join(i.value for i in ids)))
    return identity_digest(pairs)


def test_every_workflow_state_is_present(small):
    assert set(Concern.objects.values_list("status", flat=True)) == set(ConcernStatus.values)
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert set(Course.objects.values_list("status", flat=True)) == set(CourseStatus.values)
    assert set(Referral.objects.values_list("source", flat=True)) == set(ReferralSource.values)
    assert set(Move.objects.values_list("status", flat=True)) == set(MoveStatus.values)
    assert set(Membership.objects.values_list("status", flat=True)) == {
        MembershipStatus.CONFIRMED,
        MembershipStatus.PENDING,
    }
    assert set(MembershipEvent.objects.values_list("kind", flat=True)) == {
        MembershipEventKind.GRANTED,
        MembershipEventKind.PROPOSED,
        MembershipEventKind.CONFIRMED,
    }
    # re-referral: an ended course and a later course for the same resident
    assert Resident.objects.annotate(n=Count("courses")).filter(n__gte=2).exists()
    assert Concern.objects.filter(status=ConcernStatus.REFERRED, referral__isnull=False).exists()
    assert not Concern.objects.filter(status=ConcernStatus.REFERRED, referral__isnull=True).exists()


def test_every_owner_type_and_legal_basis_is_present(small):
    assert set(Facility.objects.values_list("owner_type", flat=True)) == set(OwnerType.values)
    assert set(Facility.objects.values_list("legal_basis", flat=True)) == set(LegalBasis.values)
    assert Facility.objects.filter(team__isnull=True).exists()  # not yet covered
    child = Team.objects.get(kind=TeamKind.CHILD_YOUTH)
    assert set(child.facilities.values_list("legal_basis", flat=True)) == {LegalBasis.SEL_66}


def test_referrals_and_courses_are_consistent(small):
    codes = set(Criterion.values)
    today = timezone.localdate()
    for referral in Referral.objects.select_related("facility"):
        assert referral.consent_informed_on <= referral.received_on <= today
        assert referral.criteria and set(referral.criteria) <= codes
        assert referral.reason and referral.referrer_name
        assert referral.facility.team_id == referral.team_id
        # pending and held referrals await a decision (confirming a held one decides nothing)
        decided = referral.status not in (ReferralStatus.PENDING, ReferralStatus.HELD)
        assert (referral.decided_by_id is not None) == decided
        assert (referral.decided_at is not None) == decided
        assert bool(referral.decision_reason) == decided
    pending = Referral.objects.filter(status=ReferralStatus.PENDING)
    assert all(1 <= (today - r.received_on).days <= 60 for r in pending)
    for course in Course.objects.select_related("referral", "team"):
        assert course.referral.status == ReferralStatus.ACCEPTED
        assert course.started_on >= course.referral.received_on
        assert timezone.localdate(course.referral.decided_at) <= course.started_on
        members = Membership.objects.filter(team=course.team)
        assert members.filter(user=course.responsible_doctor, profession="doctor").exists()
        assert 1 <= course.team_contacts.count() <= 2
        assert set(course.team_contacts.all()) <= {m.user for m in members.select_related("user")}
        if course.facility_contact_id:
            assert Membership.objects.filter(
                user=course.facility_contact_id, facility=course.facility_id
            ).exists()
        if course.status == CourseStatus.ENDED:
            assert course.ended_on > course.started_on
            assert course.end_reason and course.transition and course.end_summary
            assert course.ended_by_id is not None
    closed = Concern.objects.filter(status=ConcernStatus.CLOSED)
    assert all(c.assessment_note and c.assessed_by_id for c in closed)


def test_residences_are_consistent(small):
    assert not Resident.objects.exclude(residences__moved_out__isnull=True).exists()
    assert Residence.objects.filter(moved_out__isnull=False).exists()
    assert not Residence.objects.filter(moved_out__lt=F("moved_in")).exists()
    for referral in Referral.objects.all():
        lived_there = Residence.objects.filter(
            resident=referral.resident_id,
            facility=referral.facility_id,
            moved_in__lte=referral.consent_informed_on,
        )
        assert lived_there.exists()


def test_held_referrals_wait_for_the_facility_the_resident_lives_at(small):
    typed = Referral.objects.exclude(typed_first_name="").select_related("resident", "facility")
    assert {r.status for r in typed} == {
        ReferralStatus.HELD,
        ReferralStatus.NOT_CONFIRMED,
        ReferralStatus.PENDING,  # confirmed by the facility: now awaiting visitation
    }
    for referral in typed:
        resident = referral.resident
        # the team typed the resident's own name, for a resident living at a facility it serves
        assert (referral.typed_first_name, referral.typed_last_name) == (
            resident.first_name,
            resident.last_name,
        )
        assert current_residence(resident).facility_id == referral.facility_id
        others = resident.referrals.exclude(pk=referral.pk)
        assert not others.exists() and not resident.courses.exists()
        assert not resident.concerns.exists()
        staff = User.objects.filter(
            memberships__facility=referral.facility_id, memberships__role=Role.FACILITY_STAFF
        ).order_by("pk")
        can_confirm = [courses_access.held_referrals_to_confirm(u) for u in staff]
        if referral.status == ReferralStatus.HELD:
            # the team sees nothing yet; the facility's staff confirm (or not)
            assert not team_residents_of([referral.team_id]).filter(pk=resident.pk).exists()
            assert all(q.filter(pk=referral.pk).exists() for q in can_confirm)
        elif referral.status == ReferralStatus.NOT_CONFIRMED:  # refused by the facility
            assert not team_residents_of([referral.team_id]).filter(pk=resident.pk).exists()
            assert referral.decided_by.memberships.filter(facility=referral.facility_id).exists()
        else:
            assert team_residents_of([referral.team_id]).filter(pk=resident.pk).exists()


def test_moves_follow_the_residences_and_proposals_wait_for_who_acts(small):
    today = timezone.localdate()
    now = timezone.now()
    for move in Move.objects.filter(status__in=(MoveStatus.RECORDED, MoveStatus.CONFIRMED)):
        periods = list(move.resident.residences.order_by("moved_in"))
        assert [p.facility_id for p in periods[-2:]] == [move.from_facility_id, move.to_facility_id]
        assert periods[-1].moved_in == move.moved_in and periods[-1].moved_out is None
        assert move.created_at <= now and move.moved_in <= timezone.localdate(move.created_at)
        if move.status == MoveStatus.CONFIRMED:
            assert move.created_at < move.decided_at <= now
            assert move.decided_by.memberships.filter(facility=move.from_facility_id).exists()
            assert move.created_by.memberships.filter(facility=move.to_facility_id).exists()
        else:
            assert move.decided_by_id is None
            assert move.created_by.memberships.filter(facility=move.from_facility_id).exists()
    proposed = Move.objects.select_related("resident").get(status=MoveStatus.PROPOSED)
    assert proposed.typed_name == proposed.resident.full_name
    assert current_residence(proposed.resident).facility_id == proposed.from_facility_id
    assert proposed.moved_in < today and proposed.decided_by_id is None
    botilbud = User.objects.get(username="botilbud")  # Bostedet Egely
    assert proposed.from_facility.name == "Bostedet Egely"
    assert proposed.to_facility.team_id == proposed.from_facility.team_id  # Botilbudsteam Nord
    assert residents_access.moves_to_decide(botilbud).filter(pk=proposed.pk).exists()
    assert residents_access.can_move(botilbud, residents_access.MOVE_DECIDE, proposed)
    proposer = proposed.created_by
    assert not residents_access.can(proposer, residents_access.VIEW, proposed.resident)
    rejected = Move.objects.select_related("resident").get(status=MoveStatus.REJECTED)
    assert rejected.created_by == botilbud and rejected.to_facility.name == "Bostedet Egely"
    assert rejected.typed_name != rejected.resident.full_name and rejected.decision_note
    assert current_residence(rejected.resident).facility_id == rejected.from_facility_id
    assert rejected.decided_by.memberships.filter(facility=rejected.from_facility_id).exists()
    assert rejected.created_at < rejected.decided_at <= now


def test_membership_proposal_waits_for_the_team_leader_and_history_is_complete(small):
    pending = Membership.objects.get(status=MembershipStatus.PENDING)
    admin = User.objects.get(username="regionsadmin")
    leader = User.objects.get(username="teamleder")
    assert pending.team.name == "Botilbudsteam Nord" and pending.proposed_by == admin
    assert pending.confirmed_by_id is None and pending.is_active
    assert organisation_access.can_membership(
        leader, organisation_access.MEMBERSHIP_CONFIRM, pending
    )
    assert not organisation_access.principal_for(pending.user).team_ids  # nothing granted yet
    assert list(pending.events.values_list("kind", "by")) == [
        (MembershipEventKind.PROPOSED, admin.pk)
    ]
    leaders = {
        (m.team_id, m.facility_id): m.user_id
        for m in Membership.objects.filter(role__in=LEADER_ROLES)
    }
    now = timezone.now()
    confirmed = Membership.objects.filter(status=MembershipStatus.CONFIRMED).prefetch_related(
        "events"
    )
    for m in confirmed:
        events = sorted(m.events.all(), key=lambda e: e.at)
        assert events and m.confirmed_at is not None and m.confirmed_at <= now
        assert events[-1].at == m.confirmed_at and events[-1].by_id == m.confirmed_by_id
        for event in events:
            assert event.detail["for_user_id"] == m.user_id
            assert event.detail["scope_id"] == (
                m.team_id or m.facility_id or m.ward_id or m.region_id
            )
        if m.role in (*LEADER_ROLES, Role.REGION_ADMIN):
            assert m.confirmed_by_id is None  # granted by the system (a superuser's grant)
        elif m.role == Role.WARD_STAFF:
            assert m.confirmed_by == admin
        else:
            assert m.confirmed_by_id == leaders[m.team_id, m.facility_id]
    later = confirmed.get(proposed_by=admin)
    assert [e.kind for e in sorted(later.events.all(), key=lambda e: e.at)] == [
        MembershipEventKind.PROPOSED,
        MembershipEventKind.CONFIRMED,
    ]
    assert later.team.name == "Botilbudsteam Nord" and later.confirmed_by == leader


def test_identifiers_can_never_have_been_issued(small):
    today = timezone.localdate()
    kinds = set()
    for identifier in ResidentIdentifier.objects.select_related("resident"):
        kinds.add(identifier.kind)
        birth = identifier.resident.birth_date
        assert (birth.month, birth.day) != (1, 1)
        if identifier.kind == IdentifierKind.CPR:
            assert parse_cpr(identifier.value, today=today).birth_date == birth
            assert is_never_issued(identifier.value)
        else:
            parsed = parse_replacement(identifier.value)
            assert parsed.kind == IdentifierKind.ECPR_NATIONAL
            assert identifier.value.startswith(birth.strftime("%d%m%y"))
    assert kinds == {IdentifierKind.CPR, IdentifierKind.ECPR_NATIONAL}
    current = ResidentIdentifier.objects.filter(valid_to__isnull=True)
    assert current.count() == Resident.objects.count()
    assert ResidentIdentifier.objects.filter(valid_to__isnull=False).exists()  # a history


def test_adults_are_adults_and_children_are_children(small):
    for course in Course.objects.select_related("resident", "team"):
        if course.team.kind == TeamKind.ADULT:
            assert course.resident.age_on(course.started_on) >= 18
            assert course.resident.age_on(course.referral.received_on) >= 18
    for referral in Referral.objects.filter(team__kind=TeamKind.ADULT).select_related("resident"):
        assert referral.resident.age_on(referral.received_on) >= 18
    children = Resident.objects.filter(residences__facility__team__kind=TeamKind.CHILD_YOUTH)
    assert children.exists()
    assert all(r.age_on(BIRTH_ANCHOR) < 18 for r in children)


def test_plan_is_deterministic_and_written_as_planned(small):
    first = build_plan(seed=SEED, small=True)
    assert build_plan(seed=SEED, small=True).digest() == first.digest()
    later = build_plan(seed=SEED, small=True, today=timezone.localdate() + datetime.timedelta(99))
    assert later.digest() == first.digest()  # the date moves events, not people
    assert build_plan(seed=SEED + 1, small=True).digest() != first.digest()
    assert db_digest() == first.digest()


def test_memorable_demo_users_exist_with_their_roles(small):
    request = RequestFactory().post("/")  # the lockout backend needs the request
    for username, (role, profession, organisation) in MEMORABLE_USERS.items():
        user = User.objects.get(username=username)
        assert authenticate(request, username=username, password=DEMO_PASSWORD) == user
        membership = user.memberships.get()
        assert (membership.role, membership.profession) == (role, profession)
        if organisation is not None:
            assert str(membership.scope) == organisation
    syd_staff = User.objects.get(username="botilbud.syd").memberships.get()
    assert syd_staff.facility.team.name == "Botilbudsteam Syd"
    admin = User.objects.get(username="regionsadmin")
    assert admin.is_staff and not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == [ADMIN_GROUP_NAME]


def test_every_demo_user_has_the_demo_password(small):
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1
    user = User.objects.order_by("?").first()
    assert user.check_password(DEMO_PASSWORD)


def test_region_admin_group_permissions(small):
    group = Group.objects.get(name=ADMIN_GROUP_NAME)
    codenames = set(group.permissions.values_list("codename", flat=True))
    expected = {"view_region"} | {
        f"{action}_{model}"
        for model in ("team", "facility", "facilityaddress", "ward", "membership", "user")
        for action in ("add", "change", "view")
    }
    assert codenames == expected


def test_if_empty_does_nothing_on_a_seeded_database(small):
    before = (Resident.objects.count(), User.objects.count(), Region.objects.count())
    output = seed(seed=SEED + 1, small=True, if_empty=True)
    assert "nothing to do" in output
    assert (Resident.objects.count(), User.objects.count(), Region.objects.count()) == before


def test_seeding_twice_is_refused(small):
    with pytest.raises(CommandError, match="already exists"):
        seed(seed=SEED, small=True)


def test_the_demo_teams_have_early_warning_suggestions(small):
    """The seed ends with what the worker does each night: every team's suggestions are
    computed (issue 13), so the list is not empty before the first night."""
    from earlywarning.models import EarlyWarningRun, Suggestion

    teams = set(Team.objects.values_list("pk", flat=True))
    assert set(EarlyWarningRun.objects.values_list("team_id", flat=True)) == teams
    opened = Suggestion.objects.filter(status="open").count()
    assert opened > 0
    assert f"{opened} early-warning suggestions." in small


def test_if_empty_seeds_an_empty_database(db, debug):
    output = seed(small=True, if_empty=True)
    assert "Demo data seeded" in output
    assert Region.objects.get().name == "Region Hovedstaden (demo)"


def test_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed(small=True)
    assert not Region.objects.exists()


@pytest.mark.demo_full
def test_full_region(db, debug):
    """The real size, once: Region Hovedstaden as described in seed 000."""
    output = seed()
    assert "Region Hovedstaden (demo)" in output
    adult_teams = Team.objects.filter(kind=TeamKind.ADULT)
    assert sorted(adult_teams.values_list("name", flat=True)) == [
        f"Botilbudsteam {area}" for area in ("Centrum", "Nord", "Syd", "Vest", "Øst")
    ]
    for team in adult_teams.annotate(n=Count("facilities")):
        assert 10 <= team.n <= 25
        assert team.email.endswith(".example.dk") and team.phone
    adult_facilities = Facility.objects.exclude(legal_basis=LegalBasis.SEL_66)
    assert 65 <= adult_facilities.count() <= 75
    assert Facility.objects.filter(team__isnull=True).count() == 2
    child_team = Team.objects.get(kind=TeamKind.CHILD_YOUTH, name="Døgninstitutionsteam BUC")
    assert child_team.facilities.count() == 5
    assert child_team.facilities.aggregate(n=Count("addresses"))["n"] == 7
    open_residences = Residence.objects.filter(moved_out__isnull=True)
    adults = open_residences.exclude(facility__legal_basis=LegalBasis.SEL_66).count()
    children = open_residences.filter(facility__legal_basis=LegalBasis.SEL_66).count()
    assert 1300 <= adults <= 1400 and 50 <= children <= 60
    active = Course.objects.filter(status=CourseStatus.ACTIVE)
    assert 0.80 <= active.count() / (adults + children) <= 0.90
    assert 30 <= Referral.objects.filter(status=ReferralStatus.PENDING).count() <= 50
    assert 15 <= Concern.objects.filter(status=ConcernStatus.OPEN).count() <= 35
    ecpr = ResidentIdentifier.objects.filter(kind=IdentifierKind.ECPR_NATIONAL).count()
    assert 0.01 <= ecpr / Resident.objects.count() <= 0.04
    # What the memorable users will see on their first login.
    nord = Team.objects.get(name="Botilbudsteam Nord")
    assert nord.referrals.filter(status=ReferralStatus.PENDING).exists()
    assert nord.concerns.filter(status=ConcernStatus.OPEN).exists()
    egely = Facility.objects.get(name="Bostedet Egely")
    assert egely.team == nord
    assert egely.courses.filter(status=CourseStatus.ACTIVE).exists()
    assert egely.referrals.filter(status=ReferralStatus.PENDING).exists()
    assert egely.concerns.filter(status=ConcernStatus.OPEN).exists()
    # Held referrals, a move proposal, a membership proposal (docs/demo-users.md).
    botilbud = User.objects.get(username="botilbud")
    assert courses_access.held_referrals_to_confirm(botilbud).exists()
    assert nord.referrals.filter(status=ReferralStatus.HELD).count() >= 2
    assert residents_access.moves_to_decide(botilbud).count() == 1
    assert Membership.objects.get(status=MembershipStatus.PENDING).team == nord
    nurse = User.objects.get(username="sygeplejerske")
    assert nurse.contact_courses.filter(status=CourseStatus.ACTIVE).count() >= 10
    doctor = User.objects.get(username="laege")
    assert doctor.doctor_courses.filter(status=CourseStatus.ACTIVE).count() >= 50
    assert 300 <= User.objects.count() <= 450


@pytest.mark.demo_full
def test_nation_plan():
    """The national scale is planned in memory (the database path is the region's)."""
    plan = build_plan(scale="nation", seed=SEED)
    assert [r.org.region.name for r in plan.regions] == [
        "Region Hovedstaden (demo)",
        "Region Sjælland (demo)",
        "Region Syddanmark (demo)",
        "Region Midtjylland (demo)",
        "Region Nordjylland (demo)",
    ]
    counts = plan.counts()
    assert 6500 <= counts["adult_residents"] <= 7500
    _assert_regions_apart(plan, small=False)


def test_nation_plan_small():
    """Five small regions planned together: what must hold across regions at any size (the
    full-size counts are ``test_nation_plan``'s, under the ``demo_full`` marker)."""
    plan = build_plan(scale="nation", seed=SEED, small=True)
    assert [r.org.region.name for r in plan.regions] == [
        "Region Hovedstaden (demo)",
        "Region Sjælland (demo)",
        "Region Syddanmark (demo)",
        "Region Midtjylland (demo)",
        "Region Nordjylland (demo)",
    ]
    _assert_regions_apart(plan, small=True)


def _assert_regions_apart(plan, *, small: bool) -> None:
    """Five regions planned together: no shared user names, facility names or identifiers,
    memorable names only in the first region, and the first region as when planned alone."""
    usernames = [u.username for r in plan.regions for u in r.org.users]
    assert len(usernames) == len(set(usernames))
    for region in plan.regions:
        names = [f.facility.name for f in region.org.facilities]
        assert len(names) == len(set(names))
    later = {u.username for r in plan.regions[1:] for u in r.org.users}
    assert not later & set(MEMORABLE_USERS)
    values = [v for r in plan.regions for p in r.people.people for _k, v in p.values]
    assert len(values) == len(set(values))
    region_only = build_plan(scale="region", seed=SEED, small=small)
    assert region_only.regions[0].people.people[0].resident.full_name == (
        plan.regions[0].people.people[0].resident.full_name
    )
