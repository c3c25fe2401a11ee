"""The leader's "who has seen" page, the export for access requests, and denied attempts."""

import csv
import io

from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record
from lib.spreadsheet import safe_cell


def test_leader_sees_who_has_seen(world, client):
    w = world
    client.force_login(w.team_nurse)
    client.get(reverse("residents:detail", args=[w.resident_in_course.pk]))
    client.force_login(w.team_leader)
    body = client.get(
        reverse("audit:resident_log", args=[w.resident_in_course.pk])
    ).content.decode()
    assert w.team_nurse.get_full_name() in body
    assert "Behandling" in body


def test_only_the_team_leader(world, client):
    w = world
    url = reverse("audit:resident_log", args=[w.resident_in_course.pk])
    for persona in (
        "team_nurse",
        "team_doctor",
        "other_team_nurse",
        "housing_leader",
        "region_admin",
    ):
        client.force_login(getattr(w, persona))
        assert client.get(url).status_code == 404, persona
        assert client.get(url.replace("/beboere/", "/beboere/") + "udtraek.csv").status_code == 404


def test_export_masks_names_and_escapes_formulas(world, client):
    w = world
    w.team_nurse.first_name = '=HYPERLINK("x")'
    w.team_nurse.save()
    client.force_login(w.team_nurse)
    client.get(reverse("residents:detail", args=[w.resident_in_course.pk]))
    client.force_login(w.team_leader)
    url = reverse("audit:resident_log_export", args=[w.resident_in_course.pk])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Tidspunkt", "Medarbejder"]
    names = [r[1] for r in rows[1:]]
    assert any(n.startswith("'=HYPERLINK") for n in names)
    masked = client.get(url + "?skjul_navne=1").content.decode("utf-8-sig")
    assert "HYPERLINK" not in masked and "(skjult)" in masked
    assert AuditEvent.objects.filter(action="export", resident=w.resident_in_course).count() == 2


def test_denied_attempts_are_logged(world, client):
    w = world
    client.force_login(w.other_team_nurse)
    url = reverse("residents:detail", args=[w.resident_in_course.pk])
    assert client.get(url).status_code == 404
    row = AuditEvent.objects.filter(outcome="denied").get()
    assert row.user == w.other_team_nurse
    assert row.detail["url_name"] == "residents:detail"
    assert row.detail["kwargs"] == {"pk": str(w.resident_in_course.pk)}
    client.force_login(w.team_mentor)
    client.get(reverse("courses:course_end", args=[w.course.pk]))
    assert (
        AuditEvent.objects.filter(outcome="denied", user=w.team_mentor).get().detail["status"]
        == 403
    )


def test_safe_cell():
    for raw in ("=1+1", "+45 1234", "-3", "@SUM(A1)", "\tx", "\x00x"):
        assert safe_cell(raw).startswith("'")
    assert safe_cell("Dorte") == "Dorte"
    assert safe_cell(None) == ""


def test_purpose_follows_the_role(world):
    w = world
    assert (
        record(user=w.team_nurse, action="view", resident=w.resident_in_course).purpose
        == "treatment"
    )
    assert (
        record(user=w.housing_staff, action="view", resident=w.resident_in_course).purpose
        == "sharing"
    )
