"""The consent ledger and what housing staff may see because of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.models import ALL_CATEGORIES, Consent, one_year_after
from consent.rules import shares_q
from consent.selectors import expiring_consents, shared_categories
from courses.models import Course
from lib.errors import TransitionError

TODAY = timezone.localdate()


def share(w, categories, *, facility=None, given_on=TODAY, direction="both", **kw):
    return services.consent_record(
        user=w.team_nurse,
        resident=w.resident_in_course,
        kind="sharing",
        form=kw.pop("form", "written"),
        given_by="resident",
        given_on=given_on,
        facility=facility or w.facility_a1,
        direction=direction,
        categories=categories,
        purpose="Fælles indsats på tavlemødet",
        legal_basis=kw.pop("legal_basis", "sul_43"),
        **kw,
    )


def refuse(w, categories, facility=None):
    return services.consent_record(
        user=w.team_nurse,
        resident=w.resident_in_course,
        kind="refusal",
        form="oral",
        given_by="resident",
        given_on=TODAY,
        facility=facility,
        categories=categories,
    )


def test_team_sees_everything_housing_staff_nothing_without_consent(world):
    w = world
    assert shared_categories(w.team_nurse, w.resident_in_course) == ALL_CATEGORIES
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()
    assert shared_categories(w.other_housing_staff, w.resident_in_course) == frozenset()
    assert shared_categories(w.ward_staff, w.resident_in_course) == frozenset()


def test_sharing_consent_grants_named_categories_only(world):
    w = world
    share(w, ["board", "plans"])
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board", "plans"}
    assert shared_categories(w.other_housing_staff, w.resident_in_course) == frozenset()


def test_consent_to_another_facility_or_other_direction_grants_nothing(world):
    w = world
    share(w, ["board"], facility=w.facility_a2)
    share(w, ["plans"], direction="facility_to_team", legal_basis="sul_41")
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()


def test_withdrawal_hides_on_next_request(world):
    w = world
    consent = share(w, ["board", "medication"])
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board", "medication"}
    services.consent_withdraw(user=w.housing_staff, consent=consent, note="Ønsker det ikke")
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()
    with pytest.raises(TransitionError):
        services.consent_withdraw(user=w.team_nurse, consent=consent)


def test_expiry_hides(world):
    w = world
    old = share(w, ["board"], given_on=TODAY - datetime.timedelta(days=400))
    assert old.expires_on == one_year_after(old.given_on)
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()
    # lapses ON the expiry date
    Consent.objects.filter(pk=old.pk).update(expires_on=TODAY)
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()
    Consent.objects.filter(pk=old.pk).update(expires_on=TODAY + datetime.timedelta(days=1))
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board"}


def test_refusal_overrides_consent(world):
    w = world
    share(w, ["board", "medication"])
    refusal = refuse(w, ["medication"])
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board"}
    services.consent_withdraw(user=w.team_nurse, consent=refusal)
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board", "medication"}


def test_sharing_to_facility_is_written_and_lapses_within_a_year(world):
    w = world
    with pytest.raises(ValidationError) as exc:
        share(w, ["board"], form="oral")
    assert "form" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        share(w, ["board"], expires_on=one_year_after(TODAY) + datetime.timedelta(days=1))
    assert "expires_on" in exc.value.message_dict
    # §41 chosen, but team -> facility sharing still follows the stricter rule
    consent = share(w, ["board"], legal_basis="sul_41")
    assert consent.expires_on == one_year_after(TODAY)


def test_blanket_consent_is_not_valid(world):
    w = world
    with pytest.raises(ValidationError) as exc:
        share(w, [])
    assert "categories" in exc.value.message_dict


def test_leap_day_consent_lapses_28_february():
    assert one_year_after(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert one_year_after(datetime.date(2027, 3, 1)) == datetime.date(2028, 3, 1)


def test_expiring_list_30_days_ahead(world):
    w = world
    soon = share(w, ["board"], given_on=TODAY - datetime.timedelta(days=340))  # 25 days left
    share(w, ["plans"], given_on=TODAY - datetime.timedelta(days=300))  # 65 days left
    assert list(expiring_consents(w.team_nurse)) == [soon]
    assert list(expiring_consents(w.other_team_nurse)) == []
    assert list(expiring_consents(w.housing_staff)) == []


def test_shares_q_for_list_queries_lets_a_refusal_win(world):
    """The board filters in SQL: the Q agrees with shared_categories(), refusals included."""
    w = world
    share(w, ["board", "plans"])
    refuse(w, ["plans"], facility=w.facility_a1)
    courses = Course.objects.filter(pk=w.course.pk)
    shown = {c for c in ("board", "plans", "medication") if courses.filter(shares_q(c)).exists()}
    assert shown == {"board"} == shared_categories(w.housing_staff, w.resident_in_course)
    assert Course.objects.filter(Q(shares_q("board"))).count() == 1


# --- pages ------------------------------------------------------------------------------


def test_resident_page_shows_what_is_withheld(world, client):
    w = world
    share(w, ["board"])
    client.force_login(w.housing_staff)
    url = reverse("residents:detail", args=[w.resident_in_course.pk])
    body = client.get(url).content.decode()
    assert "Tavlen (beboeroverblikstavle): <strong>deles</strong>" in body
    assert body.count("deles ikke – samtykke mangler") == 5


def test_withdraw_through_the_page_takes_effect_on_next_request(world, client):
    w = world
    consent = share(w, ["board"])
    client.force_login(w.housing_staff)
    url = reverse("residents:detail", args=[w.resident_in_course.pk])
    assert client.get(url).content.decode().count("deles ikke") == 5
    response = client.post(reverse("consent:withdraw", args=[consent.pk]), {"note": ""})
    assert response.status_code == 302
    assert client.get(url).content.decode().count("deles ikke") == 6


def _sharing_post(w, **changes):
    data = {
        "kind": "sharing",
        "facility": str(w.facility_a1.pk),
        "direction": "team_to_facility",
        "categories": ["board", "goals", "plans", "medication", "assessments", "admissions"],
        "purpose": "Tavlemøder",
        "legal_basis": "sul_43",
        "form": "written",
        "given_by": "resident",
        "given_on": TODAY.isoformat(),
    }
    data.update(changes)
    return data


def test_team_records_sharing_to_the_facility_through_the_page(world, client):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("consent:create", args=[w.resident_in_course.pk])
    data = _sharing_post(w, direction="both", categories=["board", "goals"], form="oral")
    body = client.post(url, data).content.decode()
    assert "skal være skriftligt" in body
    assert 'value="Tavlemøder"' not in body and "Tavlemøder" in body  # textarea keeps it
    data["form"] = "written"
    assert client.post(url, data).status_code == 302
    assert shared_categories(w.housing_staff, w.resident_in_course) == {"board", "goals"}


def test_housing_staff_record_what_the_facility_shares_through_the_page(world, client):
    w = world
    client.force_login(w.housing_staff)
    url = reverse("consent:create", args=[w.resident_in_course.pk])
    page = client.get(url).content.decode()
    assert 'value="facility_to_team"' in page
    assert 'value="team_to_facility"' not in page and 'value="both"' not in page
    assert 'value="treatment"' not in page and 'value="refusal"' not in page
    data = _sharing_post(w, direction="facility_to_team", legal_basis="sel")
    assert client.post(url, data).status_code == 302
    consent = Consent.objects.get(recorded_by=w.housing_staff)
    assert consent.direction == "facility_to_team"
    # sharing what the facility holds opens nothing of the team's to the facility
    assert shared_categories(w.housing_staff, w.resident_in_course) == frozenset()


def test_housing_staff_cannot_consent_for_another_facility(world, client):
    w = world
    client.force_login(w.housing_staff)
    url = reverse("consent:create", args=[w.resident_in_course.pk])
    data = {
        "kind": "sharing",
        "facility": str(w.facility_b1.pk),
        "direction": "both",
        "categories": ["board"],
        "purpose": "x",
        "legal_basis": "sul_43",
        "form": "written",
        "given_by": "resident",
        "given_on": TODAY.isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    assert not Consent.objects.exclude(pk=w.consent_partial.pk).exists()


def test_mass_assignment_refused(world, client):
    """Posting fields the form does not offer is refused and changes nothing."""
    w = world
    client.force_login(w.housing_staff)
    url = reverse("courses:concern_create", args=[w.resident_plain.pk])
    response = client.post(
        url, {"description": "Uro", "team": str(w.team_b.pk), "status": "referred"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Formularen indeholdt felter, du ikke kan ændre: status, team" in body
    assert not w.resident_plain.concerns.exists()
    url = reverse("consent:create", args=[w.resident_in_course.pk])
    response = client.post(
        url,
        {
            "kind": "treatment",
            "form": "oral",
            "given_by": "resident",
            "given_on": TODAY.isoformat(),
            "recorded_by": str(w.team_leader.pk),
        },
    )
    assert "recorded_by" in response.content.decode()
    assert not Consent.objects.exclude(pk=w.consent_partial.pk).exists()


def _withheld_on_page(client, w):
    url = reverse("residents:detail", args=[w.resident_in_course.pk])
    return client.get(url).content.decode().count("deles ikke – samtykke mangler")


def test_expiry_and_refusal_hide_on_the_next_request(world, client):
    w = world
    consent = share(w, ["board", "medication"])
    client.force_login(w.housing_staff)
    assert _withheld_on_page(client, w) == 4
    refusal = refuse(w, ["medication"])
    assert _withheld_on_page(client, w) == 5
    services.consent_withdraw(user=w.team_nurse, consent=refusal)
    assert _withheld_on_page(client, w) == 4
    Consent.objects.filter(pk=consent.pk).update(expires_on=TODAY)  # the day it lapses
    assert _withheld_on_page(client, w) == 6
