"""Emergency access: health professionals only, password again, reason, one resident, two
hours, banner, every action tagged, a review item for the leader."""

import datetime

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from emergency.models import EmergencyAccess
from tests.factories import TEST_PASSWORD


def open_access(client, w, resident=None, **overrides):
    resident = resident or w.resident_in_course
    data = {
        "identifier": resident.identifiers.get().value,
        "reason_category": "acute_admission",
        "reason_text": "Indlagt akut i nat; eget team kan ikke træffes.",
        "password": TEST_PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("emergency:start"), data)


def test_emergency_access_flow(world, client):
    w = world
    client.force_login(w.other_team_nurse)
    detail = reverse("residents:detail", args=[w.resident_in_course.pk])
    assert client.get(detail).status_code == 404
    session_before = client.session.session_key
    response = open_access(client, w)
    assert response.status_code == 302 and response["Location"] == detail
    assert client.session.session_key != session_before  # rotated on the new privilege

    body = client.get(detail).content.decode()
    assert "Nødadgang aktiv: Dorte Testesen" in body
    assert client.get(reverse("courses:course_detail", args=[w.course.pk])).status_code == 200
    # read-only: the team's writes stay the team's
    assert client.get(reverse("courses:course_contacts", args=[w.course.pk])).status_code == 403
    assert client.get(reverse("courses:course_end", args=[w.course.pk])).status_code == 403
    # the banner follows the user everywhere
    assert "Nødadgang aktiv" in client.get(reverse("home")).content.decode()

    # every row once the access is open (the refused look before it names the resident too)
    opened = EmergencyAccess.objects.get(user=w.other_team_nurse).started_at
    rows = AuditEvent.objects.filter(
        user=w.other_team_nurse, resident=w.resident_in_course, at__gte=opened
    )
    assert rows.count() >= 3
    assert set(rows.values_list("purpose", flat=True)) == {"emergency"}

    # the leader of the nurse's own team (team B) reviews; team A's leader does not see it
    access = EmergencyAccess.objects.get(user=w.other_team_nurse)
    assert access.team == w.team_b
    client.force_login(w.team_leader)
    assert client.get(reverse("emergency:review", args=[access.pk])).status_code == 404


def test_two_hours_then_gone(world, client):
    w = world
    client.force_login(w.other_team_nurse)
    open_access(client, w)
    detail = reverse("residents:detail", args=[w.resident_in_course.pk])
    assert client.get(detail).status_code == 200
    access = EmergencyAccess.objects.get(user=w.other_team_nurse)
    assert access.expires_at - access.started_at == datetime.timedelta(hours=2)
    EmergencyAccess.objects.filter(pk=access.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=2, minutes=1),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert client.get(detail).status_code == 404


def test_end_access_early(world, client):
    w = world
    client.force_login(w.other_team_nurse)
    open_access(client, w)
    assert client.post(reverse("emergency:end")).status_code == 302
    assert (
        client.get(reverse("residents:detail", args=[w.resident_in_course.pk])).status_code == 404
    )


def test_refused_without_reason_or_with_wrong_password(world, client):
    w = world
    client.force_login(w.other_team_nurse)
    body = open_access(client, w, reason_text="").content.decode()
    assert "Dette felt er påkrævet." in body
    body = open_access(client, w, password="forkert-adgangskode").content.decode()
    assert "Adgangskoden er forkert." in body
    assert not EmergencyAccess.objects.exclude(pk=w.emergency_past.pk).exists()


def test_one_resident_at_a_time(world, client):
    w = world
    client.force_login(w.other_team_nurse)
    open_access(client, w)
    body = open_access(client, w, resident=w.resident_pending).content.decode()
    assert "allerede en aktiv nødadgang" in body
    assert EmergencyAccess.objects.filter(user=w.other_team_nurse).count() == 1


def test_not_for_own_residents(world, client):
    w = world
    client.force_login(w.team_nurse)
    body = open_access(client, w).content.decode()
    assert "allerede adgang til beboeren" in body


def test_only_health_professionals(world, client):
    w = world
    for persona in ("team_mentor", "team_leader", "housing_staff", "ward_staff", "region_admin"):
        client.force_login(getattr(w, persona))
        assert client.get(reverse("emergency:start")).status_code == 404, persona
        assert open_access(client, w).status_code == 404, persona
    assert not EmergencyAccess.objects.exclude(pk=w.emergency_past.pk).exists()


def test_leader_reviews(world, client):
    from organisation.models import Profession, Role
    from tests import factories as f

    w = world
    leader_b = f.MembershipFactory(
        role=Role.TEAM_LEADER, profession=Profession.LEADER, team=w.team_b
    ).user
    client.force_login(w.other_team_nurse)
    open_access(client, w)
    client.get(reverse("residents:detail", args=[w.resident_in_course.pk]))
    access = EmergencyAccess.objects.get(user=w.other_team_nurse)

    client.force_login(leader_b)
    queue = client.get(reverse("emergency:queue")).content.decode()
    assert w.other_team_nurse.get_full_name() in queue
    page = client.get(reverse("emergency:review", args=[access.pk])).content.decode()
    assert "Indlagt akut i nat" in page
    assert "Visning" in page  # what was seen is listed
    response = client.post(reverse("emergency:review", args=[access.pk]), {"note": "Berettiget."})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == leader_b
    assert (
        w.other_team_nurse.get_full_name()
        not in client.get(reverse("emergency:queue")).content.decode()
    )


def _errors(response):
    """The error texts of the form, as the user reads them."""
    import re

    body = response.content.decode()
    pattern = r'id="([^"]+)_error">((?:<span class="sr-only">[^<]*</span>[^<]*)+)</span>'
    found = re.findall(pattern, body)
    assert found, "no field errors found"
    return sorted((field, re.sub(r"<[^>]+>", "", text).strip()) for field, text in found)


def test_password_is_checked_before_the_number(world, client):
    """A wrong password gets the same answer whether the number exists or not."""
    from tests.factories import make_cpr

    w = world
    client.force_login(w.other_team_nurse)
    unknown = open_access(
        client, w, identifier=make_cpr(datetime.date(1983, 2, 7)), password="forkert-kode"
    )
    known = open_access(client, w, password="forkert-kode")
    assert unknown.status_code == known.status_code == 200
    for response in (unknown, known):
        body = response.content.decode()
        assert "Adgangskoden er forkert." in body
        assert [field for field, _ in _errors(response)] == ["id_password"]
    assert _errors(unknown) == _errors(known)
    assert not EmergencyAccess.objects.exclude(pk=w.emergency_past.pk).exists()


def test_unknown_and_unopenable_numbers_answer_alike(world, client):
    from tests.factories import ResidentFactory, make_cpr

    w = world
    erased = ResidentFactory(first_name="Anonymiseret", last_name="beboer")
    erased.anonymised_at = timezone.now()
    erased.save(update_fields=["anonymised_at"])
    client.force_login(w.other_team_nurse)
    unknown = open_access(client, w, identifier=make_cpr(datetime.date(1983, 2, 7)))
    unopenable = open_access(client, w, resident=erased)
    assert unknown.status_code == unopenable.status_code == 200
    assert _errors(unknown) == _errors(unopenable)
    assert "Der kan ikke åbnes nødadgang for dette nummer." in unknown.content.decode()
    assert not EmergencyAccess.objects.exclude(pk=w.emergency_past.pk).exists()


def test_an_open_access_does_not_turn_the_form_into_a_number_check(world, client):
    """With one emergency access open, a second attempt gets the same answer for an existing
    number and an unknown one: the open access is named before the number is looked up."""
    from tests.factories import make_cpr

    w = world
    client.force_login(w.team_nurse)
    assert open_access(client, w, resident=w.resident_other_team).status_code == 302
    existing = open_access(client, w, resident=w.resident_other_team)
    unknown = open_access(client, w, identifier=make_cpr(datetime.date(1983, 2, 7)))
    for response in (existing, unknown):
        body = response.content.decode()
        assert response.status_code == 200
        assert "Du har allerede en aktiv nødadgang" in body
        assert "Der kan ikke åbnes nødadgang" not in body
    assert EmergencyAccess.objects.filter(user=w.team_nurse).count() == 1


def test_a_refused_number_is_logged_as_a_denied_attempt(world, client):
    from audit.models import AuditEvent, Outcome
    from tests.factories import make_cpr

    w = world
    client.force_login(w.other_team_nurse)
    before = AuditEvent.objects.filter(user=w.other_team_nurse, outcome=Outcome.DENIED).count()
    open_access(client, w, identifier=make_cpr(datetime.date(1983, 2, 7)))
    after = AuditEvent.objects.filter(user=w.other_team_nurse, outcome=Outcome.DENIED).count()
    assert after == before + 1
