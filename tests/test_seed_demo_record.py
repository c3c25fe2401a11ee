"""seed_demo's course record: every kind of entry, data that its form accepts, versions, housing
staff's own entries, plausible shapes, and the densest resident's ten years."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Min
from django.test import override_settings
from django.utils import timezone

from btt.demo.record import plan_demo_record, record_digest
from courses.models import Course, CourseStatus
from organisation.models import Membership, Profession
from record.forms import COLUMNS, FORMS
from record.kinds import CATEGORY, FACILITY_KINDS, SINGLE_KINDS, TEAM_WRITERS, Kind
from record.models import Entry, EntryVersion, Sector
from record.selectors import is_overdue_q, latest_q, readmission_ids
from tests import shared_data

SEED = 7
PER_KIND = 40  # entries per kind whose every version is put through its form


def seed_small() -> tuple[str, datetime.date]:
    """The small region (seed 7), seeded once for this module: (command output, the day)."""
    out = StringIO()
    today = timezone.localdate()
    with override_settings(DEBUG=True):  # the command refuses to run without DEBUG
        call_command("seed_demo", seed=SEED, small=True, stdout=out)
    return out.getvalue(), today


_seeded_module = shared_data.module_fixture("_seeded_module", seed_small)


@pytest.fixture
def seeded(_seeded_module, db):
    """(command output, the day it ran); what a test writes is rolled back after it."""
    return shared_data.fresh(_seeded_module, seed_small)


def as_post(state, kind: str) -> dict:
    """The entry's (or version's) content as the strings a browser would post."""
    post: dict[str, str | list[str]] = {}
    values = {**state.data, **{name: getattr(state, name) for name in COLUMNS}}
    for name in FORMS[kind].base_fields:
        value = values.get(name)
        if value is None or value is False or value in ("", []):
            continue
        if value is True:
            post[name] = "on"
        elif isinstance(value, list):
            post[name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            post[name] = value.isoformat()
        else:
            post[name] = str(value)
    return post


def saved_columns(state, form) -> dict:
    return {
        name: getattr(state, name) if name in form.base_fields else default
        for name, default in (
            ("occurred_on", None),
            ("occurred_until", None),
            ("review_on", None),
            ("subtype", ""),
        )
    }


def test_every_kind_and_data_its_form_accepts(seeded):
    output, _today = seeded
    assert "Course record:" in output
    kinds = Counter(Entry.objects.values_list("kind", flat=True))
    assert set(kinds) == set(Kind.values)
    assert all(kinds[k] >= 3 for k in Kind.values), kinds
    rng = random.Random(SEED)  # noqa: S311  # nosec B311
    for kind in Kind.values:
        pks = list(Entry.objects.filter(kind=kind).values_list("pk", flat=True))
        sample = rng.sample(pks, min(PER_KIND, len(pks)))
        entries = Entry.objects.filter(pk__in=sample).prefetch_related("versions")
        for entry in entries:
            assert entry.category == (CATEGORY[kind] or "")
            for state in [entry, *entry.versions.all()]:
                form = FORMS[kind](as_post(state, kind))
                assert form.is_valid(), (kind, entry.pk, form.errors.as_json())
                columns, data = form.split()
                # the stored data is what the form saves, field for field
                assert data == state.data, (kind, entry.pk)
                expected = saved_columns(state, form)
                assert columns == {k: expected[k] for k in columns}, (kind, entry.pk)


def test_versions_are_complete_and_in_order(seeded):
    entries = Entry.objects.annotate(
        n=Count("versions"), top=Max("versions__number"), low=Min("versions__number")
    )
    assert not entries.exclude(n=F("version")).exists()
    assert not entries.exclude(top=F("version")).exists()
    assert not entries.exclude(low=1).exists()
    assert entries.filter(version__gte=3).exists()
    for kind in SINGLE_KINDS:  # living documents in several versions
        assert entries.filter(kind=kind, version__gte=2).exists(), kind
    several = Entry.objects.filter(version__gte=2).prefetch_related("versions")[:300]
    for entry in several:
        versions = list(entry.versions.all())
        assert [v.number for v in versions] == list(range(1, entry.version + 1))
        assert all(
            a.created_at < b.created_at for a, b in zip(versions, versions[1:], strict=False)
        )
        first, last = versions[0], versions[-1]
        assert (first.author_id, first.created_at) == (entry.recorded_by_id, entry.recorded_at)
        assert (last.author_id, last.created_at) == (entry.updated_by_id, entry.updated_at)
        assert last.data == entry.data and last.subtype == entry.subtype
        assert last.occurred_on == entry.occurred_on
        assert all(v.reason for v in versions[1:])
    authors = Entry.objects.filter(version__gte=3).exclude(updated_by=F("recorded_by"))
    assert authors.exists()  # corrected by someone else than the first author


def test_where_and_who(seeded):
    today = timezone.localdate()
    courses = {c.pk: c for c in Course.objects.all()}
    team_professions = defaultdict(dict)
    facility_members = defaultdict(set)
    for m in Membership.objects.all():
        if m.team_id:
            team_professions[m.team_id][m.user_id] = m.profession
        if m.facility_id:
            facility_members[m.facility_id].add(m.user_id)
    facility_kinds = Counter()
    rows = Entry.objects.values_list(
        "course_id", "team_id", "facility_id", "kind", "sector", "occurred_on", "recorded_by_id"
    )
    for course_id, team_id, facility_id, kind, sector, day, author in rows:
        course = courses[course_id]
        assert (team_id, facility_id) == (course.team_id, course.facility_id)
        if kind in SINGLE_KINDS:  # a living plan keeps its first course when corrected later
            assert course.started_on <= day <= today
        else:
            assert course.started_on <= day <= (course.ended_on or today), (kind, course_id)
        if sector == Sector.FACILITY:
            assert kind in FACILITY_KINDS
            assert author in facility_members[facility_id]
            facility_kinds[kind] += 1
        else:
            profession = team_professions[team_id].get(author)
            assert profession is not None, (kind, author)
            allowed = TEAM_WRITERS.get(kind)
            assert allowed is None or profession in allowed, (kind, profession)
    assert set(facility_kinds) == set(FACILITY_KINDS)
    reviews = Entry.objects.filter(kind=Kind.MEDICATION_REVIEW)
    doctors = Membership.objects.filter(profession=Profession.DOCTOR).values("user")
    assert reviews.filter(recorded_by__in=doctors).exists()


def test_plausible_shapes(seeded):
    _output, today = seeded
    active = Course.objects.filter(status=CourseStatus.ACTIVE)
    single = set(
        Course.objects.values("resident")
        .annotate(n=Count("id"))
        .filter(n=1)
        .values_list("resident", flat=True)
    )
    residents = set(active.values_list("resident", flat=True)) & single
    current = Counter(
        Entry.objects.filter(
            kind=Kind.MEDICATION, occurred_until__isnull=True, resident__in=residents
        ).values_list("resident", flat=True)
    )
    assert sum(2 <= current[r] <= 6 for r in residents) >= 0.9 * len(residents)
    assert Entry.objects.filter(kind=Kind.MEDICATION, occurred_until__isnull=False).exists()
    fmk = Entry.objects.filter(kind=Kind.MEDICATION, subtype="fmk")
    assert fmk.exists() and not fmk.filter(data__fmk_checked_on=None).exists()
    plans = Entry.objects.filter(kind=Kind.TREATMENT_PLAN, resident__in=residents).count()
    assert plans >= 0.7 * len(residents)
    admissions = Entry.objects.filter(kind=Kind.ADMISSION)
    assert admissions.filter(subtype="compulsory").exists()
    assert (
        admissions.filter(subtype="voluntary").count()
        > admissions.filter(subtype="compulsory").count()
    )
    assert readmission_ids(admissions.values_list("resident", flat=True))
    assert admissions.filter(occurred_until__isnull=True).exists()  # admitted now
    forced = set(Entry.objects.filter(kind=Kind.FORCE).values_list("resident", flat=True))
    in_record = Entry.objects.values("resident").distinct().count()
    assert 1 <= len(forced) <= 0.15 * in_record  # rare, for a few residents
    latest_risk = Entry.objects.filter(kind=Kind.SUICIDE_RISK).filter(latest_q())
    assert latest_risk.filter(is_overdue_q(today)).exists()
    assert latest_risk.exclude(is_overdue_q(today)).exists()
    ended = Course.objects.filter(status=CourseStatus.ENDED).values("resident")
    assert Entry.objects.filter(kind=Kind.END_PLAN, resident__in=ended).exists()


def test_densest_resident_has_ten_years(seeded):
    _output, today = seeded
    per_resident = Entry.objects.values("resident").annotate(
        n=Count("id"), first=Min("occurred_on"), last=Max("occurred_on")
    )
    ranked = sorted(per_resident, key=lambda r: -r["n"])
    densest, runner_up = ranked[0], ranked[1]
    assert densest["n"] >= 2000 and densest["n"] >= 3 * runner_up["n"]
    assert (densest["last"] - densest["first"]).days >= 3652
    courses = Course.objects.filter(resident=densest["resident"])
    assert courses.count() >= 3 and courses.filter(status=CourseStatus.ACTIVE).count() == 1
    by_kind = Counter(
        Entry.objects.filter(resident=densest["resident"]).values_list("kind", flat=True)
    )
    assert set(by_kind) == set(Kind.values)
    plan = Entry.objects.get(resident=densest["resident"], kind=Kind.TREATMENT_PLAN)
    assert plan.version >= 10


def test_the_plan_is_deterministic_and_written_as_planned(seeded):
    _output, today = seeded
    dense_id = (
        Entry.objects.values("resident").annotate(n=Count("id")).order_by("-n")[0]["resident"]
    )
    plan = plan_demo_record(SEED, today=today, dense_id=dense_id)
    assert plan_demo_record(SEED, today=today, dense_id=dense_id).digest() == plan.digest()
    assert db_digest(today) == plan.digest()
    assert plan_demo_record(SEED + 1, today=today, dense_id=dense_id).digest() != plan.digest()


def db_digest(today) -> str:
    rows = Entry.objects.values_list("resident_id", "kind", "occurred_on", "subtype", "version")
    return record_digest(rows, today)


def test_version_rows_point_at_their_entries(seeded):
    assert EntryVersion.objects.count() == sum(Entry.objects.values_list("version", flat=True))
    assert not EntryVersion.objects.exclude(entry__in=Entry.objects.all()).exists()
