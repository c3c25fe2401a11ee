"""Property-based: whatever is typed into a form is saved or refused with a message.

Never a 500, never a partial save (counts move by exactly one object or not at all).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Concern, Course, Referral
from residents.models import Resident, ResidentIdentifier

TODAY = timezone.localdate()
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def anything(*valid):
    """Either a valid value or arbitrary text (incl. NUL, markup, very long strings)."""
    return st.one_of(
        st.sampled_from(list(valid)) if valid else st.nothing(),
        st.text(max_size=40),
        st.text(max_size=12000),
        st.sampled_from(
            [
                "",
                " ",
                "<script>alert(1)</script>",
                "\x00",
                "9999-12-31",
                "0001-01-01",
                "-1",
                "1e309",
            ]
        ),
    )


def dates():
    return anything(
        TODAY.isoformat(),
        (TODAY - datetime.timedelta(days=30)).isoformat(),
        (TODAY + datetime.timedelta(days=3)).isoformat(),
    )


def counts():
    return (
        Resident.objects.count(),
        ResidentIdentifier.objects.count(),
        Referral.objects.count(),
        Concern.objects.count(),
        Course.objects.count(),
    )


def assert_saved_or_refused(response, before, after, *, saved_delta):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert after == before, "a refused form changed data"
        assert "Der er fejl i formularen" in response.content.decode()
    else:
        assert after != before
        assert all(a - b in (0, 1) for a, b in zip(after, before, strict=True))
        assert saved_delta(before, after)


@pytest.mark.django_db
class TestForms:
    @PROPERTY
    @given(
        data=st.fixed_dictionaries(
            {
                "identifier": anything("150380-2003", "1503801AB2", "310445-2001"),
                "first_name": anything("Birgit"),
                "last_name": anything("Syntetisk"),
                "birth_date": dates(),
                "moved_in": dates(),
                "source": anything("gp", "hospital"),
                "referrer_name": anything("Egen læge"),
                "received_on": dates(),
                "reason": anything("Uro"),
                "criteria": st.lists(anything("no_insight", "complex"), max_size=3),
                "criteria_other": anything(""),
                "consent_given_by": anything("resident", "guardian"),
                "consent_form": anything("written", "oral"),
                "consent_informed_on": dates(),
                "consent_confirmed": anything("on"),
            }
        )
    )
    def test_new_resident_referral(self, world, client, data):
        data["facility"] = str(world.facility_a2.pk)
        client.force_login(world.team_nurse)
        before = counts()
        response = client.post(reverse("courses:referral_create"), data)
        assert_saved_or_refused(
            response, before, counts(), saved_delta=lambda b, a: a[2] == b[2] + 1
        )

    @PROPERTY
    @given(description=anything("Sover dårligt."))
    def test_concern(self, world, client, description):
        client.force_login(world.housing_staff)
        before = counts()
        url = reverse("courses:concern_create", args=[world.resident_plain.pk])
        response = client.post(url, {"description": description})
        if response.status_code == 302:
            Concern.objects.filter(resident=world.resident_plain).delete()  # allow the next one
            return
        assert_saved_or_refused(response, before, counts(), saved_delta=lambda b, a: False)

    @PROPERTY
    @given(
        data=st.fixed_dictionaries(
            {
                "decision": anything("accept", "reject"),
                "reason": anything("Opfylder målgruppen."),
                "started_on": dates(),
                "team_contacts": st.lists(anything("1", "2", "99999"), max_size=2),
                "responsible_doctor": anything("1", "2"),
                "facility_contact": anything(""),
            }
        )
    )
    def test_visitation(self, world, client, data):
        client.force_login(world.team_doctor)
        before = counts()
        url = reverse("courses:referral_decide", args=[world.referral_pending.pk])
        response = client.post(url, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert counts() == before
        # reset so every example starts from a pending referral
        Course.objects.filter(referral=world.referral_pending).delete()
        Referral.objects.filter(pk=world.referral_pending.pk).update(
            status="pending", decided_by=None, decided_at=None, decision_reason=""
        )

    @PROPERTY
    @given(
        data=st.fixed_dictionaries(
            {
                "version": anything("1", "2"),
                "ended_on": dates(),
                "end_reason": anything("completed", "moved"),
                "transition": anything("gp", "none"),
                "end_summary": anything("Overgår til egen læge."),
            }
        )
    )
    def test_course_end(self, world, client, data):
        client.force_login(world.team_doctor)
        url = reverse("courses:course_end", args=[world.course.pk])
        response = client.post(url, data)
        assert response.status_code in (200, 302)
        course = Course.objects.get(pk=world.course.pk)
        if response.status_code == 200:
            assert course.status == "active" and course.version == 1
        else:
            assert course.status == "ended" and course.version == 2
            Course.objects.filter(pk=course.pk).update(
                status="active",
                ended_on=None,
                end_reason="",
                transition="",
                end_summary="",
                version=1,
            )

    @PROPERTY
    @given(q=anything("Fiktivsen"), identifier=anything("150380-2003"))
    def test_search_and_lookup(self, world, client, q, identifier):
        client.force_login(world.housing_staff)
        assert client.post(reverse("residents:search"), {"q": q}).status_code == 200
        client.force_login(world.ward_staff)
        assert (
            client.post(reverse("courses:ward_lookup"), {"identifier": identifier}).status_code
            == 200
        )
