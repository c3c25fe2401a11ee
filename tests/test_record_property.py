"""Property-based: whatever is typed into a course-record form is saved whole or refused.

Posted through the real create and correct views. Never a 500; never a half-saved record: a
save adds exactly one entry and one version (a correction: one version, the entry's number one
higher), a refusal shows the form's errors and changes nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from record.forms import FORMS
from record.kinds import SINGLE_KINDS, Kind
from record.models import Entry, EntryVersion
from record.tests.samples import SAMPLES, make_entry, new_resident_in_course, post_data

TODAY = timezone.localdate()
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ERRORS = "Der er fejl i formularen"


def anything(*valid):
    """Either a valid value or arbitrary text (incl. NUL, markup, very long strings)."""
    return st.one_of(
        st.sampled_from([str(v) for v in valid]) if valid else st.nothing(),
        st.text(max_size=40),
        st.text(max_size=6000),
        st.sampled_from(
            [
                "",
                " ",
                "<script>alert(1)</script>",
                "\x00",
                "9999-12-31",
                "0001-01-01",
                "1989-12-31",
                "-1",
                "1e309",
                "NaN",
                "0.0001",
                "99999999999999999999",
            ]
        ),
    )


def _day(offset: int) -> str:
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def value_for(field, sample):
    """A strategy for one posted field, around its valid sample value."""
    valid = [] if sample is None else [sample]
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(anything(*[c for c, _ in field.choices]), max_size=4)
    if isinstance(field, forms.DateField):
        return st.one_of(
            anything(*valid, _day(0), _day(-400), _day(30), _day(800)),
            st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(str),
        )
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return st.one_of(
            anything(*valid),
            st.integers(-(10**12), 10**12).map(str),
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
        )
    if isinstance(field, forms.BooleanField):
        return anything("on", "true", "false", "")
    if isinstance(field, forms.ChoiceField):
        return anything(*[c for c, _ in field.choices])
    return anything(*valid)


def payloads(kind: str):
    """Wholly arbitrary forms, the valid sample with a few fields changed, or the sample."""
    fields = FORMS[kind].base_fields
    sample = SAMPLES[kind]
    arbitrary = st.fixed_dictionaries(
        {},
        optional={name: value_for(field, sample.get(name)) for name, field in fields.items()},
    )
    tweaks = st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3, unique=True).flatmap(
        lambda names: st.fixed_dictionaries(
            {name: value_for(fields[name], sample.get(name)) for name in names}
        )
    )
    return st.one_of(
        arbitrary,
        tweaks.map(lambda changes: {**post_data(kind), **changes}),
        st.builds(lambda: post_data(kind)),  # the valid sample itself: saves
    )


def counts(resident):
    return (
        Entry.objects.filter(resident=resident).count(),
        EntryVersion.objects.filter(entry__resident=resident).count(),
        AuditEvent.objects.filter(resident=resident, action="create").count(),
    )


def post_and_check(client, resident, kind, data):
    before = counts(resident)
    response = client.post(reverse("record:create", args=[resident.pk, kind]), data)
    after = counts(resident)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert after == before, "a refused form changed data"
        assert ERRORS in response.content.decode()
        return
    assert after == tuple(n + 1 for n in before), "not exactly one entry, version and row"
    entry = Entry.objects.filter(resident=resident, kind=kind).latest("id")
    assert response["Location"] == reverse("record:detail", args=[entry.pk])
    assert entry.versions.get().number == 1 and entry.version == 1
    # what was saved reads back on its page
    assert client.get(response["Location"]).status_code == 200
    if kind in SINGLE_KINDS:  # one per resident: remove it for the next example
        entry.versions.all().delete()
        entry.delete()


@pytest.fixture
def resident(world):
    return new_resident_in_course(world, first_name="Ole", last_name="Egenskabsen")


@pytest.mark.django_db
class TestRecordForms:
    @PROPERTY
    @given(data=payloads(Kind.ADMISSION))
    def test_admission(self, world, client, resident, data):
        client.force_login(world.housing_staff)  # a facility event, recorded by the facility
        post_and_check(client, resident, Kind.ADMISSION, data)

    @PROPERTY
    @given(data=payloads(Kind.MEDICATION))
    def test_medication(self, world, client, resident, data):
        client.force_login(world.team_doctor)
        post_and_check(client, resident, Kind.MEDICATION, data)

    @PROPERTY
    @given(data=payloads(Kind.CRISIS_PLAN))
    def test_crisis_plan(self, world, client, resident, data):
        client.force_login(world.team_nurse)
        post_and_check(client, resident, Kind.CRISIS_PLAN, data)

    @PROPERTY
    @given(data=payloads(Kind.VISIT))
    def test_visit(self, world, client, resident, data):
        client.force_login(world.team_mentor)
        post_and_check(client, resident, Kind.VISIT, data)

    @PROPERTY
    @given(data=payloads(Kind.SUICIDE_RISK))
    def test_suicide_risk(self, world, client, resident, data):
        client.force_login(world.team_doctor)
        post_and_check(client, resident, Kind.SUICIDE_RISK, data)

    @PROPERTY
    @given(data=payloads(Kind.SOMATIC))
    def test_somatic(self, world, client, resident, data):
        client.force_login(world.team_nurse)
        post_and_check(client, resident, Kind.SOMATIC, data)

    @PROPERTY
    @given(data=payloads(Kind.NETWORK_MEETING))
    def test_network_meeting(self, world, client, resident, data):
        client.force_login(world.team_nurse)
        post_and_check(client, resident, Kind.NETWORK_MEETING, data)

    @PROPERTY
    @given(
        data=payloads(Kind.CRISIS_PLAN),
        version=st.sampled_from(["current", "current", "1", "0", "x", ""]),
        reason=anything("Forværring efter samtale"),
    )
    def test_crisis_plan_correction(self, world, client, resident, data, version, reason):
        plan = Entry.objects.filter(resident=resident, kind=Kind.CRISIS_PLAN).first()
        if plan is None:
            plan = make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN)
        client.force_login(world.team_doctor)
        posted = {
            **data,
            "version": str(plan.version) if version == "current" else version,
            "correction_reason": reason,
        }
        before = (plan.version, EntryVersion.objects.filter(entry=plan).count())
        response = client.post(reverse("record:correct", args=[plan.pk]), posted)
        assert response.status_code in (200, 302), response.status_code
        plan.refresh_from_db()
        after = (plan.version, EntryVersion.objects.filter(entry=plan).count())
        if response.status_code == 200:
            assert after == before
            assert ERRORS in response.content.decode()
        else:
            assert after == (before[0] + 1, before[1] + 1)
            assert plan.versions.order_by("-number").first().reason == reason.strip()
