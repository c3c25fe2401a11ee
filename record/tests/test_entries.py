"""Every kind of course-record entry through the real pages: create, view, correct, a stale
correction, the one-living-document kinds, who may write what, and the audit rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from organisation.models import Profession, Role
from record.kinds import FACILITY_KINDS, SINGLE_KINDS, TEAM_WRITERS, Kind
from record.models import Entry, EntryVersion, Sector
from tests import factories as f

from .samples import (
    MARKER_FIELD,
    MARKERS,
    make_entry,
    new_resident_in_course,
    post_data,
    writer_for,
)

pytestmark = pytest.mark.django_db

ALL_KINDS = list(Kind.values)
CORRECTED = "Rettet efter samtale med beboeren"
STALE_INPUT = "Min egen rettelse skrevet samtidig"
STALE_MESSAGE = "er rettet af en anden, siden du åbnede siden"


@pytest.fixture
def resident(world):
    """A resident of facility A1 in team A's course, with an empty course record."""
    return new_resident_in_course(world, first_name="Bente", last_name="Prøvegaard")


def create_url(resident, kind):
    return reverse("record:create", args=[resident.pk, kind])


def audit_rows(entry, action):
    return AuditEvent.objects.filter(
        action=action, object_type="entry", object_id=str(entry.pk)
    ).count()


def another_doctor(world):
    """A second doctor in team A: someone else who may correct any kind."""
    return f.MembershipFactory(
        role=Role.TEAM_STAFF, profession=Profession.DOCTOR, team=world.team_a
    ).user


# --- create, view, correct -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_create_view_and_correct_every_kind(client, world, kind, resident):
    writer = writer_for(world, kind)
    client.force_login(writer)
    url = create_url(resident, kind)
    page = client.get(url)
    assert page.status_code == 200
    assert str(Kind(kind).label) in page.content.decode()

    response = client.post(url, post_data(kind))
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = Entry.objects.get(resident=resident, kind=kind)
    assert response["Location"] == reverse("record:detail", args=[entry.pk])
    assert entry.version == 1 and entry.sector == Sector.TEAM
    assert entry.recorded_by == writer and entry.course.resident == resident
    assert entry.team == world.team_a and entry.facility == world.facility_a1
    assert entry.versions.count() == 1
    assert audit_rows(entry, Action.CREATE) == 1

    views_before = audit_rows(entry, Action.VIEW)
    detail = client.get(reverse("record:detail", args=[entry.pk]))
    assert detail.status_code == 200
    assert MARKERS[kind] in detail.content.decode()
    assert audit_rows(entry, Action.VIEW) == views_before + 1

    correction = client.get(reverse("record:correct", args=[entry.pk]))
    assert correction.status_code == 200
    assert MARKERS[kind] in correction.content.decode()  # the saved text, ready to edit
    response = client.post(
        reverse("record:correct", args=[entry.pk]),
        post_data(
            kind,
            **{MARKER_FIELD[kind]: CORRECTED},
            version="1",
            correction_reason="Forkert oplysning rettet",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.version == 2
    assert list(entry.versions.values_list("number", flat=True)) == [1, 2]
    assert entry.data[MARKER_FIELD[kind]] == CORRECTED
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="entry", object_id=str(entry.pk), object_version=2
    ).exists()

    current = client.get(reverse("record:detail", args=[entry.pk])).content.decode()
    assert CORRECTED in current and MARKERS[kind] not in current
    assert "Forkert oplysning rettet" in current  # the reason, in the version list

    first = client.get(reverse("record:version", args=[entry.pk, 1]))
    assert first.status_code == 200
    html = first.content.decode()
    assert MARKERS[kind] in html and CORRECTED not in html
    assert "Du ser version 1. Den gældende version er 2." in html
    assert client.get(reverse("record:version", args=[entry.pk, 3])).status_code == 404


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_stale_correction_is_refused_and_input_kept(client, world, kind, resident):
    writer = writer_for(world, kind)
    entry = make_entry(writer, resident, kind)
    # someone else saves version 2 while the writer has version 1 open
    entry_v2 = make_other_save(world, entry)
    assert entry_v2.version == 2

    client.force_login(writer)
    url = reverse("record:correct", args=[entry.pk])
    response = client.post(
        url,
        post_data(
            kind,
            **{MARKER_FIELD[kind]: STALE_INPUT},
            version="1",
            correction_reason="Min rettelse",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert STALE_MESSAGE in html
    assert STALE_INPUT in html  # what the writer typed is still in the form
    assert "Andens rettelse" in html  # the saved version is shown beside it
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    entry.refresh_from_db()
    assert entry.version == 2 and entry.versions.count() == 2
    assert entry.data[MARKER_FIELD[kind]] == "Andens rettelse"


def make_other_save(world, entry):
    from .samples import correct_entry

    return correct_entry(
        another_doctor(world),
        entry,
        reason="Opdateret",
        fields={MARKER_FIELD[entry.kind]: "Andens rettelse"},
    )


def test_unchanged_correction_is_refused(client, world, resident):
    entry = make_entry(world.team_nurse, resident, Kind.VISIT)
    client.force_login(world.team_nurse)
    response = client.post(
        reverse("record:correct", args=[entry.pk]),
        post_data(Kind.VISIT, version="1", correction_reason="Ingen"),
    )
    assert response.status_code == 200
    assert "Der er ingen ændringer at gemme." in response.content.decode()
    assert EntryVersion.objects.filter(entry=entry).count() == 1


def test_next_returns_to_the_page_the_user_came_from(client, world, resident):
    client.force_login(world.team_nurse)
    target = reverse("record:overview", args=[resident.pk])
    url = create_url(resident, Kind.VISIT) + f"?next={target}"
    page = client.get(url)
    assert f'name="next" value="{target}"' in page.content.decode()
    response = client.post(url, {**post_data(Kind.VISIT), "next": target})
    assert response.status_code == 302 and response["Location"] == target
    # an off-site target is ignored
    response = client.post(
        create_url(resident, Kind.ADVICE), {**post_data(Kind.ADVICE), "next": "//evil.example/"}
    )
    entry = Entry.objects.get(resident=resident, kind=Kind.ADVICE)
    assert response["Location"] == reverse("record:detail", args=[entry.pk])


# --- one living document -------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SINGLE_KINDS))
def test_second_create_of_a_single_kind_goes_to_correct(client, world, kind, resident):
    entry = make_entry(world.team_nurse, resident, kind)
    client.force_login(world.team_nurse)
    url = create_url(resident, kind)
    for response in (client.get(url), client.post(url, post_data(kind))):
        assert response.status_code == 302
        assert response["Location"] == reverse("record:correct", args=[entry.pk])
    assert Entry.objects.filter(resident=resident, kind=kind).count() == 1


# --- who may write what --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("persona", ["team_nurse", "team_mentor", "team_doctor"])
def test_team_professions(client, world, kind, persona, resident):
    user = getattr(world, persona)
    profession = user.memberships.get().profession
    allowed = TEAM_WRITERS.get(kind) is None or profession in TEAM_WRITERS[kind]
    client.force_login(user)
    response = client.get(create_url(resident, kind))
    assert response.status_code == (200 if allowed else 403)


def test_mentor_may_neither_write_nor_correct_a_medication_review(client, world, resident):
    client.force_login(world.team_mentor)
    url = create_url(resident, Kind.MEDICATION_REVIEW)
    assert client.post(url, post_data(Kind.MEDICATION_REVIEW)).status_code == 403
    assert not Entry.objects.filter(resident=resident, kind=Kind.MEDICATION_REVIEW).exists()

    review = make_entry(world.team_doctor, resident, Kind.MEDICATION_REVIEW)
    detail = client.get(reverse("record:detail", args=[review.pk]))
    assert detail.status_code == 200  # the mentor reads it ...
    assert reverse("record:correct", args=[review.pk]) not in detail.content.decode()
    correct = reverse("record:correct", args=[review.pk])
    assert client.get(correct).status_code == 403  # ... but may not correct it
    response = client.post(
        correct,
        post_data(
            Kind.MEDICATION_REVIEW, findings="Ændret", version="1", correction_reason="Forsøg"
        ),
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.version == 1


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_housing_staff_record_only_facility_events(client, world, kind, resident):
    client.force_login(world.housing_staff)
    url = create_url(resident, kind)
    if kind in FACILITY_KINDS:
        assert client.get(url).status_code == 200
        response = client.post(url, post_data(kind))
        assert response.status_code == 302, response.content.decode()[:3000]
        entry = Entry.objects.get(resident=resident, kind=kind)
        assert entry.sector == Sector.FACILITY and entry.facility == world.facility_a1
        assert entry.recorded_by == world.housing_staff
        # the facility reads its own event, without any consent for the category
        detail = client.get(response["Location"])
        assert detail.status_code == 200 and MARKERS[kind] in detail.content.decode()
    else:
        assert client.get(url).status_code == 403
        assert client.post(url, post_data(kind)).status_code == 403
        assert not Entry.objects.filter(resident=resident, kind=kind).exists()


def test_each_sector_corrects_only_its_own_entries(client, world, resident):
    force = make_entry(world.housing_staff, resident, Kind.FORCE)
    client.force_login(world.team_nurse)
    assert client.get(reverse("record:detail", args=[force.pk])).status_code == 200
    assert client.get(reverse("record:correct", args=[force.pk])).status_code == 403

    client.force_login(world.housing_leader)  # same facility: may correct its event
    response = client.post(
        reverse("record:correct", args=[force.pk]),
        post_data(Kind.FORCE, duration_minutes="7", version="1", correction_reason="Tid rettet"),
    )
    assert response.status_code == 302
    force.refresh_from_db()
    assert force.version == 2 and force.data["duration_minutes"] == 7


def test_facility_kind_needs_an_active_course(client, world):
    """Housing staff at the facility record events only for residents in a course."""
    client.force_login(world.housing_staff)
    url = create_url(world.resident_plain, Kind.CRISIS)
    assert client.get(url).status_code == 403


def test_other_team_gets_404_everywhere(client, world, resident):
    entry = make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN)
    client.force_login(world.other_team_nurse)
    urls = [
        reverse("record:overview", args=[resident.pk]),
        create_url(resident, Kind.VISIT),
        reverse("record:detail", args=[entry.pk]),
        reverse("record:version", args=[entry.pk, 1]),
        reverse("record:correct", args=[entry.pk]),
        reverse("record:print", args=[entry.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(create_url(resident, Kind.VISIT), post_data(Kind.VISIT)).status_code == 404
    assert (
        client.post(
            reverse("record:correct", args=[entry.pk]),
            post_data(Kind.CRISIS_PLAN, version="1", correction_reason="x"),
        ).status_code
        == 404
    )
    assert Entry.objects.filter(resident=resident).count() == 1


def test_other_housing_staff_and_ward_get_404(client, world, resident):
    entry = make_entry(world.housing_staff, resident, Kind.CRISIS)
    for user in (world.other_housing_staff, world.ward_staff, world.region_admin):
        client.force_login(user)
        assert client.get(reverse("record:detail", args=[entry.pk])).status_code == 404
        assert client.get(create_url(resident, Kind.CRISIS)).status_code == 404


def test_unknown_kind_and_missing_entry_are_404(client, world, resident):
    client.force_login(world.team_nurse)
    assert client.get(create_url(resident, "no_such_kind")).status_code == 404
    assert client.get(reverse("record:detail", args=[999999])).status_code == 404
    assert client.get(reverse("record:correct", args=[999999])).status_code == 404


def test_print_only_for_plans(client, world, resident):
    visit = make_entry(world.team_nurse, resident, Kind.VISIT)
    plan = make_entry(world.team_nurse, resident, Kind.TREATMENT_PLAN)
    client.force_login(world.team_nurse)
    assert client.get(reverse("record:print", args=[visit.pk])).status_code == 404
    response = client.get(reverse("record:print", args=[plan.pk]))
    assert response.status_code == 200
    assert MARKERS[Kind.TREATMENT_PLAN] in response.content.decode()
    assert audit_rows(plan, Action.EXPORT) == 1


def test_anonymous_is_sent_to_login(client, world, resident):
    entry = make_entry(world.team_nurse, resident, Kind.VISIT)
    for url in (
        reverse("record:overview", args=[resident.pk]),
        reverse("record:detail", args=[entry.pk]),
        create_url(resident, Kind.VISIT),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"]


# --- the crisis plan: phases, print, proposal to put the resident on the board --------------


def test_crisis_plan_page_shows_the_phase_table(client, world, resident):
    plan = make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN, subtype="yellow")
    client.force_login(world.team_nurse)
    html = client.get(reverse("record:detail", args=[plan.pk])).content.decode()
    for phase in ("green", "yellow", "red"):
        assert f"record-phase-row--{phase}" in html
    assert "record-phase-row--yellow record-phase-row--current" in html
    for name in ("green_signs", "yellow_facility", "red_team", "triggers", "avoid"):
        assert post_data(Kind.CRISIS_PLAN)[name] in html
    assert "Ring uden for åbningstid" in html and "70 11 11 11" in html
    assert "Skrevet med beboerens egne ord" in html
    plan_without = make_entry(
        world.team_nurse,
        new_resident_in_course(world),
        Kind.CRISIS_PLAN,
        own_words=None,
    )
    html = client.get(reverse("record:detail", args=[plan_without.pk])).content.decode()
    assert "Skrevet med beboerens egne ord" not in html


def test_crisis_plan_form_is_grouped_by_phase_and_has_every_field(client, world, resident):
    client.force_login(world.team_nurse)
    html = client.get(create_url(resident, Kind.CRISIS_PLAN)).content.decode()
    from record.forms import CrisisPlanForm

    for name in CrisisPlanForm.base_fields:
        assert f'name="{name}"' in html, name
    for phase in ("green", "yellow", "red"):
        assert f"record-phase-fieldset--{phase}" in html
    plan = make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN)
    html = client.get(reverse("record:correct", args=[plan.pk])).content.decode()
    for name in [*CrisisPlanForm.base_fields, "version", "correction_reason"]:
        assert f'name="{name}"' in html, name


def test_print_page_works_without_javascript(client, world, resident):
    plan = make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN)
    client.force_login(world.team_nurse)
    response = client.get(reverse("record:print", args=[plan.pk]))
    html = response.content.decode()
    assert 'id="print-button"' in html and " hidden>" in html  # shown by print.js
    assert "Ctrl+P" in html
    assert "btt/print.css" in html and "btt/print.js" in html
    assert "<script>" not in html and "style=" not in html and "onclick" not in html
    assert "record-print--dense" not in html  # a plan of ordinary length: ordinary type


def test_print_css_sets_up_one_a4_page():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "btt" / "print.css").read_text()
    assert "@page { size: A4; margin:" in css


def test_long_plan_prints_in_smaller_type(client, world, resident):
    long = "Jeg har brug for ro, og at I taler langsomt til mig. " * 8
    fields = {
        name: long
        for name in post_data(Kind.CRISIS_PLAN)
        if name.endswith(("_signs", "_resident", "_facility", "_team"))
    }
    plan = make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN, **fields)
    client.force_login(world.team_nurse)
    html = client.get(reverse("record:print", args=[plan.pk])).content.decode()
    assert "record-print--dense" in html or "record-print--denser" in html


@pytest.mark.parametrize("how", ["create", "correct"])
def test_red_crisis_plan_proposes_the_board_when_not_on_it(client, world, resident, how):
    from board.models import BoardEntry

    assert not BoardEntry.objects.filter(resident=resident).exists()
    client.force_login(world.team_nurse)
    if how == "create":
        response = client.post(
            create_url(resident, Kind.CRISIS_PLAN), post_data(Kind.CRISIS_PLAN, subtype="red")
        )
    else:
        plan = make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN, subtype="green")
        detail = client.get(reverse("record:detail", args=[plan.pk])).content.decode()
        assert "board-proposal" not in detail  # green: nothing to propose
        response = client.post(
            reverse("record:correct", args=[plan.pk]),
            post_data(Kind.CRISIS_PLAN, subtype="red", version="1", correction_reason="Rød fase"),
        )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Kriseplanen er i rød fase" in html
    assert f'href="{reverse("board:entry_create", args=[resident.pk])}"' in html
    # shown once, right after saving
    html = client.get(response["Location"]).content.decode()
    assert "Kriseplanen er i rød fase" not in html


def test_red_crisis_plan_proposes_nothing_when_already_on_the_board(client, world):
    client.force_login(world.team_nurse)
    plan = world.crisis_plan
    response = client.post(
        reverse("record:correct", args=[plan.pk]),
        post_data(
            Kind.CRISIS_PLAN,
            subtype="red",
            version=str(plan.version),
            correction_reason="Rød fase",
        ),
    )
    assert response.status_code == 302
    assert "Kriseplanen er i rød fase" not in client.get(response["Location"]).content.decode()


def test_green_or_yellow_crisis_plan_proposes_nothing(client, world, resident):
    client.force_login(world.team_nurse)
    response = client.post(
        create_url(resident, Kind.CRISIS_PLAN), post_data(Kind.CRISIS_PLAN, subtype="yellow")
    )
    assert "Kriseplanen er i rød fase" not in client.get(response["Location"]).content.decode()


# --- the journal (record:overview) ---------------------------------------------------------


def overview(client, resident) -> str:
    response = client.get(reverse("record:overview", args=[resident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def row_of(html: str, entry) -> str:
    """The table row that links to ``entry``."""
    link = f'href="{reverse("record:detail", args=[entry.pk])}"'
    at = html.index(link)
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


def day(offset: int) -> str:
    import datetime

    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def test_overview_flags_overdue_reviews(client, world, resident):
    overdue_plan = make_entry(
        world.team_nurse, resident, Kind.TREATMENT_PLAN, occurred_on=day(-200), review_on=day(-3)
    )
    crisis = make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN, subtype="red")
    old_risk = make_entry(
        world.team_nurse, resident, Kind.SUICIDE_RISK, occurred_on=day(-60), review_on=day(-30)
    )
    kram = make_entry(
        world.team_nurse, resident, Kind.KRAM, occurred_on=day(-60), review_on=day(-1)
    )
    client.force_login(world.team_nurse)
    html = overview(client, resident)
    assert "Overskredet" in row_of(html, overdue_plan)
    assert "Overskredet" not in row_of(html, crisis)
    assert "Fase: Rød" in row_of(html, crisis)
    assert "Overskredet" in row_of(html, old_risk)
    assert "Overskredet" in row_of(html, kram)
    assert "Moderat" in row_of(html, old_risk)  # the result of the assessment

    # a newer assessment replaces the overdue one
    new_risk = make_entry(
        world.team_nurse, resident, Kind.SUICIDE_RISK, occurred_on=day(-1), review_on=day(13)
    )
    html = overview(client, resident)
    assert f'href="{reverse("record:detail", args=[old_risk.pk])}"' not in html
    assert "Overskredet" not in row_of(html, new_risk)


def test_overview_offers_missing_plans_and_assessments_to_writers(client, world, resident):
    client.force_login(world.team_nurse)
    html = overview(client, resident)
    for kind in (Kind.TREATMENT_PLAN, Kind.CRISIS_PLAN, Kind.SUICIDE_RISK, Kind.KRAM):
        assert f'href="{create_url(resident, kind)}"' in html
    # the nurse may not write a psychiatric assessment: neither offered nor listed as missing
    assert f'href="{create_url(resident, Kind.PSYCHIATRIC)}"' not in html
    client.force_login(world.team_doctor)
    assert f'href="{create_url(resident, Kind.PSYCHIATRIC)}"' in overview(client, resident)


def test_overview_medication_says_it_does_not_replace_fmk(client, world, resident):
    client.force_login(world.team_nurse)
    html = overview(client, resident)
    assert "Erstatter ikke Fælles Medicinkort (FMK)." in html
    assert "Det er ikke registreret, hvornår FMK sidst er tjekket." in html

    current = make_entry(world.team_doctor, resident, Kind.MEDICATION, fmk_checked_on=day(-20))
    make_entry(
        world.team_doctor,
        resident,
        Kind.MEDICATION,
        drug="Quetiapin",
        occurred_on=day(-300),
        occurred_until=day(-100),
        reason="Seponeret præparat, der ikke skal vises",
        subtype="discharge_letter",
        fmk_checked_on=None,
    )
    as_needed = make_entry(
        world.team_doctor,
        resident,
        Kind.MEDICATION,
        drug="Oxazepam",
        dose_amount="",
        dose_unit="",
        as_needed="on",
        subtype="facility_list",
        fmk_checked_on=None,
    )
    review = make_entry(
        world.team_doctor,
        resident,
        Kind.MEDICATION_REVIEW,
        occurred_on=day(-200),
        fmk_checked_on=day(-200),
        review_on=day(-5),
    )
    html = overview(client, resident)
    row = row_of(html, current)
    assert "Olanzapin" in row and "1 tablet(ter)" in row and "Til natten" in row
    assert "FMK (Fælles Medicinkort)" in row  # the label, not the stored code
    assert "Seponeret præparat" not in html
    assert "PN" in row_of(html, as_needed) and "Botilbuddets medicinliste" in html
    fmk_day = (timezone_day(-20)).strftime("%d.%m.%Y")
    assert f"FMK sidst tjekket {fmk_day}." in html
    section = html[html.index('id="medication-section"') :]
    assert f'href="{reverse("record:detail", args=[review.pk])}"' in section
    assert "Næste gennemgang senest" in section and "Overskredet" in section


def timezone_day(offset: int):
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=offset)


def test_overview_lists_recent_contacts_and_events(client, world, resident):
    visit = make_entry(world.team_nurse, resident, Kind.VISIT)
    crisis = make_entry(world.housing_staff, resident, Kind.CRISIS)
    client.force_login(world.team_nurse)
    html = overview(client, resident)
    recent = html[html.index('id="recent"') :]
    assert "Besøg på botilbuddet" in row_of(recent, visit)
    assert "Fase: Gul" in row_of(recent, crisis) and "Botilbud" in row_of(recent, crisis)


def test_new_entry_links_follow_what_the_user_may_write(client, world, resident):
    def offered(user):
        client.force_login(user)
        html = overview(client, resident)
        if 'id="new-h"' not in html:
            return set()
        aside = html[html.index('id="new-h"') :]
        return {k for k in Kind.values if f'href="{create_url(resident, k)}"' in aside}

    assert offered(world.team_doctor) == set(Kind.values)
    assert offered(world.team_nurse) == set(Kind.values) - {
        Kind.PSYCHIATRIC,
        Kind.MEDICATION_REVIEW,
    }
    assert offered(world.team_mentor) == {k for k in Kind.values if k not in TEAM_WRITERS}
    assert offered(world.housing_staff) == set(FACILITY_KINDS)
    make_entry(world.team_nurse, resident, Kind.CRISIS_PLAN)
    client.force_login(world.team_nurse)
    aside = overview(client, resident)
    aside = aside[aside.index('id="new-h"') :]
    link = f'href="{create_url(resident, Kind.CRISIS_PLAN)}"'
    assert "(ret)" in aside[aside.index(link) : aside.index("</li>", aside.index(link))]


def test_overview_takes_a_constant_number_of_queries(client, world, resident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.team_nurse)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            overview(client, resident)
        return len(ctx.captured_queries)

    make_entry(world.team_nurse, resident, Kind.VISIT)
    make_entry(world.team_nurse, resident, Kind.KRAM)
    few = queries()
    for offset in range(1, 4):  # every kind, three times (the plans corrected instead)
        for kind in Kind.values:
            writer = writer_for(world, kind)
            if kind in SINGLE_KINDS:
                entry = Entry.objects.filter(resident=resident, kind=kind).first()
                if entry is None:
                    make_entry(writer, resident, kind)
                else:
                    from .samples import correct_entry

                    correct_entry(
                        writer, entry, fields={MARKER_FIELD[kind]: f"Rettelse nummer {offset}"}
                    )
                continue
            make_entry(
                world.housing_staff if kind in FACILITY_KINDS and offset == 2 else writer,
                resident,
                kind,
                occurred_on=day(-30 - offset),
            )
    assert Entry.objects.filter(resident=resident).count() > 60
    many = queries()
    assert many == few, f"{few} queries with one entry, {many} with many"
    assert many <= 20
