"""The dashboards and exports through HTTP: access, small-number suppression, drill-down,
the period form, CSV and Excel (formula escaping), the audit row, and a pinned query count."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from indicators.tests import helpers as h
from tests import shared_data

from .helpers import build_dataset

pytestmark = pytest.mark.django_db

PERIOD = "?fra=2024-01-01&til=2024-06-30&inddeling=maaned"


_ds_module = shared_data.module_fixture("_ds_module", build_dataset)


@pytest.fixture
def ds(_ds_module, db):
    """The dataset, built once for the module (tests/shared_data.py)."""
    return shared_data.fresh(_ds_module, build_dataset)


def url(name, *args):
    return reverse(f"indicators:{name}", args=args)


def row(response, code, table="indicator_table"):
    found = [r for r in response.context[table].rows if r.code == code]
    assert found, code
    return [v.text for v in found[0].values]


def test_access(ds, client):
    org = ds.org
    cases = [
        # (user, url, status)
        (org.nurse_a, url("team", org.team_a.pk), 200),
        (org.nurse_a, url("team", org.team_b.pk), 404),
        (org.nurse_a, url("facility", org.fac_a2.pk), 200),
        (org.nurse_a, url("facility", org.fac_b1.pk), 404),
        (org.nurse_a, url("region", org.region.pk), 404),
        (org.leader_a, url("team", org.team_a.pk), 200),
        (org.leader_a, url("region", org.region.pk), 404),
        (org.facility_leader_a1, url("facility", org.fac_a1.pk), 200),
        (org.facility_leader_a1, url("facility", org.fac_a2.pk), 404),
        (org.facility_leader_a1, url("facility", org.fac_b1.pk), 404),
        (org.facility_leader_a1, url("team", org.team_a.pk), 404),
        (org.facility_leader_a1, url("export", "botilbud", org.fac_b1.pk, "xlsx"), 404),
        (org.facility_leader_a1, url("export", "botilbud", org.fac_a1.pk, "xlsx"), 200),
        (org.facility_leader_a1, url("export", "team", org.team_a.pk, "csv"), 404),
        (org.facility_staff_a1, url("facility", org.fac_a1.pk), 404),
        (org.facility_staff_a1, url("home"), 404),
        (org.planner, url("region", org.region.pk), 200),
        (org.planner, url("team", org.team_b.pk), 200),
        (org.planner, url("facility", org.fac_b1.pk), 200),
        (org.planner, url("export", "region", org.region.pk, "pdf"), 404),
        (org.planner, url("export", "land", org.region.pk, "csv"), 404),
        (org.planner, url("export", "botilbud", org.fac_a1.pk, "csv") + "?tabel=enheder", 404),
    ]
    for user, address, status in cases:
        client.force_login(user)
        assert client.get(address).status_code == status, (user, address)


def test_other_region_planner_sees_nothing(ds, client):
    other = h.f.MembershipFactory(
        role="region_admin", profession="other", region=h.f.RegionFactory()
    ).user
    client.force_login(other)
    for address in (
        url("region", ds.org.region.pk),
        url("team", ds.org.team_a.pk),
        url("facility", ds.org.fac_a1.pk),
        url("export", "region", ds.org.region.pk, "xlsx"),
    ):
        assert client.get(address).status_code == 404


def test_landing_page(ds, client):
    org = ds.org
    for user, target in (
        (org.planner, url("region", org.region.pk)),
        (org.leader_a, url("team", org.team_a.pk)),
        (org.facility_leader_a1, url("facility", org.fac_a1.pk)),
    ):
        client.force_login(user)
        response = client.get(url("home"))
        assert (response.status_code, response["Location"]) == (302, target)


def test_team_sees_exact_figures_of_its_facility(ds, client):
    client.force_login(ds.org.nurse_a)
    response = client.get(url("facility", ds.org.fac_a1.pk) + PERIOD)
    assert response.status_code == 200
    assert row(response, "admissions") == ["1", "0", "0", "0", "0", "0"]
    assert "Små tal (1–4) vises ikke" not in response.content.decode()


def test_facility_leader_sees_small_numbers_suppressed(ds, client):
    client.force_login(ds.org.facility_leader_a1)
    response = client.get(url("facility", ds.org.fac_a1.pk) + PERIOD)
    body = response.content.decode()
    assert "Små tal (1–4) vises ikke" in body
    assert row(response, "admissions") == ["<5", "0", "0", "0", "0", "0"]
    assert row(response, "days_to_first_visit")[0] == "*"  # a median of one
    assert row(response, "bed_days")[:2] == ["*", "*"]  # from one admission
    assert "Botilbud B1" not in body and "Botilbud A2" not in body


def test_region_planner_sees_suppressed_region_and_teams(ds, client):
    client.force_login(ds.org.planner)
    response = client.get(url("region", ds.org.region.pk) + PERIOD)
    assert row(response, "admissions") == ["<5", "0", "<5", "<5", "<5", "0"]
    assert row(response, "bed_days")[4] == "*"  # 43 nights, but from two admissions
    children = response.context["children_table"]
    assert [r.label for r in children.rows] == ["Team A", "Team B"]
    assert children.rows[0].link == url("team", ds.org.team_a.pk)
    assert all(v.text in ("<5", "0", "–") for r in children.rows for v in r.values)


def test_drill_down_links(ds, client):
    client.force_login(ds.org.leader_a)
    response = client.get(url("team", ds.org.team_a.pk) + PERIOD)
    children = response.context["children_table"]
    assert [(r.label, r.link) for r in children.rows] == [
        ("Botilbud A1", url("facility", ds.org.fac_a1.pk)),
        ("Botilbud A2", url("facility", ds.org.fac_a2.pk)),
    ]
    # inside the team: exact figures; r1 counted at both facilities
    assert [r.values[0].text for r in children.rows] == ["1", "1"]
    body = response.content.decode()
    assert f'href="{url("facility", ds.org.fac_a1.pk)}?' in body
    assert url("region", ds.org.region.pk) not in body  # no link up to the region


def test_definitions_are_shown_next_to_the_figures(ds, client):
    from indicators.registry import INDICATORS

    client.force_login(ds.org.nurse_a)
    body = client.get(url("team", ds.org.team_a.pk) + PERIOD).content.decode()
    for indicator in INDICATORS:
        assert str(indicator.label).replace("…", "&hellip;") in body or str(indicator.label) in body
        first_words = str(indicator.definition)[:40]
        assert first_words in body, indicator.code
    assert body.count("<svg") == 9  # eight trends and the coverage


def test_quarters_and_bad_period(ds, client):
    client.force_login(ds.org.nurse_a)
    response = client.get(url("team", ds.org.team_a.pk) + PERIOD.replace("maaned", "kvartal"))
    assert response.context["indicator_table"].header == ["K1 2024", "K2 2024"]
    assert row(response, "admissions") == ["2", "1"]
    for bad in ("?fra=2024-06-30&til=2024-01-01", "?fra=xx", "?til=2999-01-01", "?x=1"):
        response = client.get(url("team", ds.org.team_a.pk) + bad)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert len(response.context["indicator_table"].header) == 36  # the default period


def test_csv_export_is_suppressed_and_escaped(ds, client):
    h.f.FacilityFactory(region=ds.org.region, team=ds.org.team_a, name="=HYPERLINK(1)")
    client.force_login(ds.org.nurse_a)
    response = client.get(url("export", "team", ds.org.team_a.pk, "csv") + PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="opfoelgning-team-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Indikator", "Definition", "jan 2024"]
    admissions = next(r for r in rows if r[0] == "Indlæggelser")
    assert admissions[2:] == ["<5", "0", "<5", "<5", "0", "0"]  # exports are always hidden
    units = client.get(url("export", "team", ds.org.team_a.pk, "csv") + PERIOD + "&tabel=enheder")
    text = units.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and ";=HYPERLINK" not in text and "\n=HYPERLINK" not in text


def test_xlsx_export_all_tables(ds, client):
    h.add_adherence(ds)
    h.f.FacilityFactory(region=ds.org.region, team=ds.org.team_a, name="@SUM(A1)")
    client.force_login(ds.org.planner)
    response = client.get(url("export", "team", ds.org.team_a.pk, "xlsx") + PERIOD)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["indikatorer", "botilbud", "efterlevelse", "daekning", "foer-efter"]
    sheet = book["indikatorer"]
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["Indikator", "Definition", "jan 2024"]
    by_label = {r[0].value: [c.value for c in r[2:]] for r in sheet.iter_rows(min_row=3)}
    assert by_label["Indlæggelser"] == ["<5", 0, "<5", "<5", 0, 0]
    assert by_label["Sengedage"][3:] == ["*", "*", "*"]  # one admission's nights
    names = [r[0].value for r in book["botilbud"].iter_rows(min_row=3)]
    assert "'@SUM(A1)" in names
    assert all(c.data_type != "f" for r in book["botilbud"].iter_rows() for c in r)
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert event.resident_id is None and event.detail["level"] == "team"


def test_region_page_query_count_is_constant(ds, client):
    """The region dashboard reads aggregates: as many queries with more data."""
    client.force_login(ds.org.planner)
    address = url("region", ds.org.region.pk) + PERIOD
    client.get(address)
    with CaptureQueriesContext(connection) as small:
        client.get(address)
    more = h.build_more(ds)
    assert more > 50
    with CaptureQueriesContext(connection) as large:
        assert client.get(address).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries) == REGION_QUERIES


# Session, user, device, memberships, the region and its teams; 17 for the indicators (the
# counts of events once per team and bucket), 7 for adherence and the agreements, 1 for the
# coverage over time, 2 for before/after the board.
REGION_QUERIES = 33
TEAM_QUERIES = 38
FACILITY_QUERIES = 30


@pytest.mark.parametrize("level,queries", [("team", TEAM_QUERIES), ("facility", FACILITY_QUERIES)])
def test_team_and_facility_query_counts(ds, client, django_assert_num_queries, level, queries):
    client.force_login(ds.org.nurse_a)
    pk = ds.org.team_a.pk if level == "team" else ds.org.fac_a2.pk
    address = url(level, pk) + PERIOD
    client.get(address)
    h.build_more(ds)
    with django_assert_num_queries(queries):
        assert client.get(address).status_code == 200


def test_default_periods(ds, client):
    """A region shows three years by quarter, a team three years by month."""
    client.force_login(ds.org.planner)
    region = client.get(url("region", ds.org.region.pk))
    assert len(region.context["indicator_table"].header) == 12
    assert region.context["indicator_table"].header[0].startswith("K")
    assert region.context["form"]["inddeling"].value() == "kvartal"
    team = client.get(url("team", ds.org.team_a.pk))
    assert len(team.context["indicator_table"].header) == 36
    # the drill-down links keep the chosen period
    assert "inddeling=kvartal" in region.content.decode()
