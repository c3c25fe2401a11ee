"""The boards and their entries, as team staff and housing staff use them in the browser's place:
put on the board, edit, follow up, take off, put on again, history; who changed each cell and
when; days on the board and flags; filters and sorting; the compact view; what housing staff
never see; who writes which column; stale saves; audit rows; query counts; bad input."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from board import selectors, services
from board.models import BoardEntry, BoardEntryChange, EntryStatus
from consent.services import consent_record, consent_withdraw
from tests import factories as f

TODAY = timezone.localdate()
WITHHELD = "deles ikke – samtykke mangler"
FORM_REFUSED = "Formularen indeholdt felter, du ikke kan ændre"
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW_MARKERS = ("<script>alert(", "<img src=x")


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def html(response) -> str:
    return response.content.decode()


def share(w, resident, facility=None, categories=("board",)):
    return consent_record(
        user=w.team_nurse,
        resident=resident,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=days(-10),
        facility=facility or w.facility_a1,
        direction="both",
        categories=list(categories),
        purpose="Tavlemøder",
        legal_basis="sul_43",
    )


def in_course(w, *, facility=None, first="Bent", last="Beboersen", contacts=None):
    facility = facility or w.facility_a1
    resident = f.ResidentFactory(facility=facility, first_name=first, last_name=last)
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=facility,
        responsible_doctor=w.team_doctor,
        team_contacts=contacts or [w.team_nurse],
    )
    return resident


def on_board(
    w,
    *,
    facility=None,
    first="Bent",
    last="Beboersen",
    placed=-10,
    review=7,
    criteria=("early_signs",),
    contacts=None,
    consent=(),
    by=None,
    **columns,
) -> BoardEntry:
    resident = in_course(w, facility=facility, first=first, last=last, contacts=contacts)
    if consent:
        share(w, resident, facility, consent)
    return services.board_entry_create(
        user=by or w.team_nurse,
        resident=resident,
        placed_on=days(placed),
        criteria=list(criteria),
        review_on=days(review),
        **columns,
    )


def edit_data(entry, **changes) -> dict:
    """The edit form as the team nurse's browser posts it (the team's and shared columns)."""
    data = {
        "version": str(entry.version),
        "others_involved": entry.others_involved,
        "criteria": list(entry.criteria),
        "need_text": entry.need_text,
        "goals_short": entry.goals_short,
        "goals_long": entry.goals_long,
        "resident_goals": entry.resident_goals,
        "resident_informed": entry.resident_informed,
        "treatment_interventions": entry.treatment_interventions,
        "review_on": entry.review_on.isoformat(),
    }
    data.update(changes)
    return data


def housing_edit_data(entry, **changes) -> dict:
    """The edit form as A1's housing staff post it (consent: board and goals)."""
    data = edit_data(entry)
    del data["treatment_interventions"]
    data["social_interventions"] = entry.social_interventions
    data["housing_contact"] = str(entry.housing_contact_id or "")
    data.update(changes)
    return data


def audit_after(before: int):
    return list(
        AuditEvent.objects.filter(pk__gt=before)
        .order_by("id")
        .values_list("action", "object_type", "resident_id")
    )


def last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- put on, edit, follow up, take off, put on again, history -------------------------------


def test_put_on_board_and_see_it_on_the_facility_board(world, client):
    w = world
    resident = in_course(w, first="Gitte", last="Gåtursen")
    client.force_login(w.team_nurse)
    page = client.get(url("board:entry_create", resident.pk))
    assert page.status_code == 200
    assert "Sæt Gitte Gåtursen på tavlen" in html(page)
    assert 'name="social_interventions"' not in html(page)  # the facility's column
    assert 'name="treatment_interventions"' in html(page)
    before = last_audit_id()
    response = client.post(
        url("board:entry_create", resident.pk),
        {
            "criteria": ["no_insight", "substance"],
            "need_text": "Har ikke taget medicin i fire dage.",
            "review_on": days(7).isoformat(),
            "treatment_interventions": "Depotmedicin drøftes.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("board:facility", w.facility_a1.pk)
    entry = BoardEntry.objects.get(resident=resident, status=EntryStatus.ACTIVE)
    assert entry.criteria == ["no_insight", "substance"]
    assert entry.housing_contact_id is None  # the course has no housing contact
    assert audit_after(before) == [("create", "boardentry", resident.pk)]
    board = html(client.get(url("board:facility", w.facility_a1.pk)))
    assert "Gitte Gåtursen" in board
    assert "Manglende sygdomsindsigt" in board and "Misbrug" in board
    assert "Har ikke taget medicin i fire dage." in board


def test_put_on_board_refuses_missing_criteria_and_date_and_keeps_the_text(world, client):
    w = world
    resident = in_course(w)
    client.force_login(w.team_nurse)
    response = client.post(
        url("board:entry_create", resident.pk),
        {"need_text": "Tekst der skal blive stående", "review_on": ""},
    )
    body = html(response)
    assert response.status_code == 200
    assert "Der er fejl i formularen" in body
    assert "Vælg mindst én årsag til at være på tavlen." in body
    assert "Sæt en dato for næste opfølgning." in body
    assert "Tekst der skal blive stående" in body
    assert not BoardEntry.objects.filter(resident=resident).exists()
    past = client.post(
        url("board:entry_create", resident.pk),
        {"criteria": ["other"], "review_on": days(-1).isoformat()},
    )
    assert "Næste opfølgning kan ikke ligge før i dag." in html(past)


def test_housing_staff_put_on_board_with_their_columns(world, client):
    w = world
    resident = in_course(w)
    share(w, resident, categories=["board"])
    client.force_login(w.housing_staff)
    page = html(client.get(url("board:entry_create", resident.pk)))
    assert 'name="social_interventions"' in page
    assert 'name="treatment_interventions"' not in page
    assert 'name="goals_short"' not in page  # the consent does not cover goals
    response = client.post(
        url("board:entry_create", resident.pk),
        {
            "criteria": ["aggression_force"],
            "review_on": days(3).isoformat(),
            "housing_contact": str(w.housing_staff.pk),
            "social_interventions": "Skærmet kontakt om aftenen.",
        },
    )
    assert response.status_code == 302
    entry = BoardEntry.objects.get(resident=resident)
    assert entry.housing_contact == w.housing_staff
    assert entry.social_interventions == "Skærmet kontakt om aftenen."


def test_put_on_board_when_already_on_it_or_not_in_course(world, client):
    w = world
    client.force_login(w.team_nurse)
    response = client.get(url("board:entry_create", w.resident_in_course.pk))
    assert response.status_code == 302
    assert response["Location"] == url("board:entry_edit", w.board_entry.pk)
    page = client.get(url("board:entry_create", w.resident_pending.pk))
    assert page.status_code == 200
    assert "Kun beboere i et aktivt forløb" in html(page)
    assert client.post(url("board:entry_create", w.resident_pending.pk), {}).status_code == 200
    assert not BoardEntry.objects.filter(resident=w.resident_pending).exists()


def test_housing_staff_may_not_put_on_board_without_consent(world, client):
    w = world
    resident = in_course(w)
    client.force_login(w.housing_staff)
    assert client.get(url("board:entry_create", resident.pk)).status_code == 403
    response = client.post(
        url("board:entry_create", resident.pk),
        {"criteria": ["other"], "review_on": days(3).isoformat()},
    )
    assert response.status_code == 403
    assert not BoardEntry.objects.filter(resident=resident).exists()


def test_edit_saves_and_the_cell_says_who_and_when(world, client):
    w = world
    entry = w.board_entry
    client.force_login(w.team_doctor)
    page = html(client.get(url("board:entry_edit", entry.pk)))
    assert f'name="version" value="{entry.version}"' in page
    assert "Botilbuddets kolonner" in page  # the housing columns, read-only
    assert w.board_entry.social_interventions in page
    assert 'name="social_interventions"' not in page
    response = client.post(
        url("board:entry_edit", entry.pk),
        edit_data(entry, treatment_interventions="Clozapin øges.", others_involved="Søster"),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.treatment_interventions == "Clozapin øges."
    assert entry.others_involved == "Søster"
    assert entry.version == 3
    when = timezone.localtime(timezone.now()).strftime("%d.%m.%Y")
    board = html(client.get(url("board:facility", w.facility_a1.pk)))
    cell = re.search(r'<td class="board-col-others_involved">(.*?)</td>', board, re.S).group(1)
    assert "Søster" in cell
    assert w.team_doctor.get_full_name() in cell and when in cell
    social = re.search(r'<td class="board-col-social_interventions">(.*?)</td>', board, re.S)
    assert w.housing_staff.get_full_name() in social.group(1)


def test_unchanged_save_changes_nothing(world, client):
    w = world
    entry = w.board_entry
    services.board_entry_update(
        user=w.team_nurse, entry=entry, version=2, changes={"need_text": "Linje 1\nLinje 2"}
    )
    entry.refresh_from_db()
    client.force_login(w.team_nurse)
    before = BoardEntryChange.objects.count()
    data = edit_data(entry)
    data["need_text"] = data["need_text"].replace("\n", "\r\n")  # as a browser posts it
    data["criteria"] = list(reversed(data["criteria"]))
    assert client.post(url("board:entry_edit", entry.pk), data).status_code == 302
    entry.refresh_from_db()
    assert entry.version == 3 and BoardEntryChange.objects.count() == before


def test_review_and_its_date(world, client):
    w = world
    entry = w.board_entry
    client.force_login(w.housing_staff)
    page = html(client.get(url("board:entry_review", entry.pk)))
    assert "Opfølgning: Dorte Testesen" in page
    refused = client.post(
        url("board:entry_review", entry.pk),
        {"version": entry.version, "next_review_on": TODAY.isoformat()},
    )
    assert "Næste opfølgning skal ligge efter i dag." in html(refused)
    response = client.post(
        url("board:entry_review", entry.pk),
        {"version": entry.version, "next_review_on": days(14).isoformat()},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.review_on == days(14) and entry.last_reviewed_on == TODAY
    board = html(client.get(url("board:facility", w.facility_a1.pk)))
    assert f"Sidst fulgt op {TODAY:%d.%m.%Y}" in board


def test_take_off_put_on_again_and_history(world, client):
    w = world
    entry = w.board_entry
    client.force_login(w.team_nurse)
    refused = client.post(
        url("board:entry_end", entry.pk), {"version": entry.version, "end_reason": "stable"}
    )
    assert "Beskriv, hvordan indsatsen er afsluttet med beboeren." in html(refused)
    response = client.post(
        url("board:entry_end", entry.pk),
        {
            "version": entry.version,
            "end_reason": "goals_met",
            "ending_text": "Afsluttet i fællesskab ved samtale med Dorte.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("board:history", w.resident_in_course.pk)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ENDED and entry.ended_on == TODAY
    board = html(client.get(url("board:facility", w.facility_a1.pk)))
    assert "Dorte Testesen" not in board.split('id="board-rows"')[1]
    # an ended entry is not edited any more
    assert client.get(url("board:entry_edit", entry.pk)).status_code == 302

    again = client.post(
        url("board:entry_create", w.resident_in_course.pk),
        {"criteria": ["crisis_red"], "review_on": days(5).isoformat()},
    )
    assert again.status_code == 302
    assert BoardEntry.objects.filter(resident=w.resident_in_course).count() == 2

    history = html(client.get(url("board:history", w.resident_in_course.pk)))
    assert "På tavlen på Bostedet Egely siden" in history
    assert f"Bostedet Egely: på tavlen {entry.placed_on:%d.%m.%Y} – {TODAY:%d.%m.%Y}" in history
    assert "Afslutning af indsats med beboer" in history
    assert "Afsluttet i fællesskab ved samtale med Dorte." in history
    assert "Målene er nået" in history
    assert "Kriseplan i rød fase" in history
    # the minutes of the closed meeting where Dorte was discussed
    assert w.agenda_item.note in history and w.agenda_item.decisions in history


def test_history_shows_who_changed_what_old_and_new(world, client):
    w = world
    entry = w.board_entry
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=entry.version,
        changes={"others_involved": "Mor", "housing_contact": w.housing_leader},
    )
    entry.refresh_from_db()
    services.board_entry_update(
        user=w.team_nurse,
        entry=entry,
        version=entry.version,
        changes={"others_involved": "Mor og egen læge"},
    )
    client.force_login(w.team_nurse)
    page = html(client.get(url("board:history", w.resident_in_course.pk)))
    row = re.search(
        r"<tr><td>[^<]*</td><td>[^<]*</td><th scope=\"row\">Øvrige[^<]*</th>.*?</tr>", page
    )
    assert row and "Mor og egen læge" in row.group(0) and ">Mor<" in row.group(0)
    assert w.team_nurse.get_full_name() in row.group(0)
    # the housing contact's change names the people, not their ids
    contact = re.search(r"<th scope=\"row\">Kontaktperson botilbud</th>.*?</tr>", page)
    assert w.housing_leader.get_full_name() in contact.group(0)
    assert w.housing_staff.get_full_name() in contact.group(0)


# --- days on the board, flags ---------------------------------------------------------------


def test_days_on_board_and_flags(world, client):
    w = world
    w.team_a.board_flag_weeks = 4
    w.team_a.save()
    on_board(w, first="Lang", last="Tid", placed=-29, review=-1)  # 29 days, review overdue
    on_board(w, first="Kort", last="Tid", placed=-28, review=0)  # exactly 4 weeks, due today
    client.force_login(w.team_nurse)
    board = html(client.get(url("board:facility", w.facility_a1.pk)))
    rows = {
        name: row
        for row in re.findall(r"<tr[^>]*>.*?</tr>", board, re.S)
        for name in ("Lang Tid", "Kort Tid", "Dorte Testesen")
        if name in row
    }
    assert "29 dage på tavlen" in rows["Lang Tid"]
    assert "Opfølgning overskredet" in rows["Lang Tid"]
    assert "Længe på tavlen" in rows["Lang Tid"]
    assert "board-row--flagged" in rows["Lang Tid"]
    assert "28 dage på tavlen" in rows["Kort Tid"]
    assert "Opfølgning overskredet" not in rows["Kort Tid"]
    assert "Længe på tavlen" not in rows["Kort Tid"]
    assert "20 dage på tavlen" in rows["Dorte Testesen"]


def test_flags_at_their_boundaries(world):
    w = world
    entry = w.board_entry  # placed 20 days ago, review in 7 days, team flags after 12 weeks
    assert selectors.flags(entry, today=entry.review_on) == []
    assert selectors.flags(entry, today=entry.review_on + datetime.timedelta(days=1)) == [
        "review_overdue"
    ]
    at_limit = entry.placed_on + datetime.timedelta(weeks=12)
    entry.review_on = at_limit
    assert selectors.flags(entry, today=at_limit) == []
    assert selectors.flags(entry, today=at_limit + datetime.timedelta(days=1)) == [
        "review_overdue",
        "long_on_board",
    ]


# --- the team board: filters, sorting, compact ----------------------------------------------


def names_in_order(body: str, names) -> list[str]:
    found = [(body.index(n), n) for n in names if n in body]
    return [n for _, n in sorted(found)]


@pytest.fixture
def team_board(world):
    w = world
    a2_contact = f.MembershipFactory(
        role="facility_staff", profession="social_educator", facility=w.facility_a2
    ).user
    anna = on_board(
        w,
        facility=w.facility_a2,
        first="Anna",
        last="Andersen",
        placed=-50,
        review=30,
        criteria=["substance"],
        contacts=[w.team_mentor],
        consent=["board"],
    )
    services.board_entry_update(
        user=a2_contact,
        entry=anna,
        version=anna.version,
        changes={"housing_contact": a2_contact},
    )
    on_board(w, first="Bo", last="Bech", placed=-5, review=2, criteria=["discharge", "early_signs"])
    on_board(  # team B
        w,
        facility=w.facility_b1,
        first="Carl",
        last="Syd",
        placed=-1,
        contacts=[w.other_team_nurse],
        by=w.other_team_nurse,
    )
    return a2_contact


def test_team_board_shows_all_facilities_of_the_team(world, client, team_board):
    w = world
    client.force_login(w.team_nurse)
    body = html(client.get(url("board:team", w.team_a.pk)))
    assert names_in_order(body, ["Anna Andersen", "Bo Bech", "Dorte Testesen"]) == [
        "Anna Andersen",  # Bofællesskabet Lyngen before Bostedet Egely
        "Bo Bech",
        "Dorte Testesen",
    ]
    assert "Carl Syd" not in body
    assert "3 beboere på tavlen" in body
    assert "Bofællesskabet Lyngen" in body and "Bostedet Egely" in body


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"facility": "A2"}, ["Anna Andersen"]),
        ({"facility": "A1"}, ["Bo Bech", "Dorte Testesen"]),
        ({"contact": "team_mentor"}, ["Anna Andersen"]),
        ({"contact": "a2_contact"}, ["Anna Andersen"]),
        ({"contact": "housing_staff"}, ["Dorte Testesen"]),
        ({"contact": "team_nurse"}, ["Bo Bech", "Dorte Testesen"]),
        ({"criterion": "early_signs"}, ["Bo Bech", "Dorte Testesen"]),
        ({"criterion": "substance"}, ["Anna Andersen"]),
        ({"criterion": "crisis_red"}, []),
        ({"facility": "A1", "criterion": "discharge"}, ["Bo Bech"]),
    ],
)
def test_team_board_filters(world, client, team_board, params, shown):
    w = world
    ids = {
        "A1": w.facility_a1.pk,
        "A2": w.facility_a2.pk,
        "team_mentor": w.team_mentor.pk,
        "a2_contact": team_board.pk,
        "housing_staff": w.housing_staff.pk,
        "team_nurse": w.team_nurse.pk,
    }
    query = {k: ids.get(v, v) for k, v in params.items()}
    client.force_login(w.team_nurse)
    body = html(client.get(url("board:team", w.team_a.pk) + "?" + urlencode(query)))
    assert names_in_order(body, ["Anna Andersen", "Bo Bech", "Dorte Testesen"]) == shown
    if not shown:
        assert "Ingen beboere på tavlen matcher filtrene." in body


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("facility", ["Anna Andersen", "Bo Bech", "Dorte Testesen"]),
        ("days", ["Anna Andersen", "Dorte Testesen", "Bo Bech"]),
        ("review", ["Bo Bech", "Dorte Testesen", "Anna Andersen"]),
    ],
)
def test_team_board_sorting(world, client, team_board, sort, order):
    client.force_login(world.team_nurse)
    body = html(client.get(url("board:team", world.team_a.pk) + f"?sort={sort}"))
    assert names_in_order(body, order) == order
    assert body.count('aria-sort="') == 1


def test_facility_board_sorting_keeps_the_view(world, client, team_board):
    client.force_login(world.team_nurse)
    body = html(client.get(url("board:facility", world.facility_a1.pk) + "?sort=review"))
    assert names_in_order(body, ["Dorte Testesen", "Bo Bech"]) == ["Bo Bech", "Dorte Testesen"]
    compact = html(
        client.get(url("board:facility", world.facility_a1.pk) + "?sort=review&visning=kompakt")
    )
    days_link = url("board:facility", world.facility_a1.pk) + "?visning=kompakt&amp;sort=days"
    assert f'href="{days_link}"' in compact


def test_compact_and_full_column_sets(world, client):
    w = world
    client.force_login(w.team_nurse)
    full = html(client.get(url("board:facility", w.facility_a1.pk)))
    compact = html(client.get(url("board:facility", w.facility_a1.pk) + "?visning=kompakt"))
    for header in (
        "Navn",
        "Kontaktperson botilbud",
        "Kontaktperson og læge BTT",
        "Årsag til at være på tavlen (kriterier)",
        "Dato på tavlen",
        "Næste opfølgning",
        "Markeringer",
    ):
        assert f">{header}<" in full and f">{header}<" in compact
    for header, text in (
        ("Kortsigtede indsatsmål", w.board_entry.goals_short),
        ("Uddybning af behov for intensiveret indsats", w.board_entry.need_text),
        ("Botilbudsteam-behandlingsinterventioner", w.board_entry.treatment_interventions),
        ("Socialpædagogiske/socialpsykiatriske interventioner", w.board_entry.social_interventions),
        ("Øvrige relevante involverede", None),
        ("Langsigtede indsatsmål", w.board_entry.goals_long),
        ("Beboers egne mål og ønsker", w.board_entry.resident_goals),
        ("Info til beboer om indsats", None),
    ):
        assert f">{header}<" in full and f">{header}<" not in compact
        if text:
            assert text in full and text not in compact
    assert "20 dage på tavlen" in compact
    assert w.team_doctor.get_full_name() in compact  # the doctor with the team contacts


# --- what housing staff see -----------------------------------------------------------------


def test_housing_staff_never_see_treatment_or_residents_without_consent(world, client):
    w = world
    on_board(w, first="Uden", last="Samtykke", treatment_interventions="Hemmelig behandling")
    on_board(w, first="Med", last="Tavlesamtykke", consent=["board"], goals_short="Mål X")
    client.force_login(w.housing_staff)
    for name in ("board:facility", "board:facility_rows", "board:print"):
        body = html(client.get(url(name, w.facility_a1.pk)))
        assert w.board_entry.treatment_interventions not in body, name
        assert "Hemmelig behandling" not in body and "Uden Samtykke" not in body, name
        assert "Med Tavlesamtykke" in body and "Dorte Testesen" in body, name
        assert "Mål X" not in body, name  # goals not covered by that consent
        assert WITHHELD in body, name
        assert w.board_entry.goals_short in body, name  # Dorte's consent covers goals
    edit = html(client.get(url("board:entry_edit", w.board_entry.pk)))
    assert w.board_entry.treatment_interventions not in edit and WITHHELD in edit
    history = html(client.get(url("board:history", w.resident_in_course.pk)))
    assert w.board_entry.treatment_interventions not in history
    assert "Botilbudsteam-behandlingsinterventioner</th>" not in history  # no change rows
    assert WITHHELD in history


def test_consent_withdrawal_takes_effect_on_the_next_request(world, client):
    w = world
    client.force_login(w.housing_staff)
    assert "Dorte Testesen" in html(client.get(url("board:facility", w.facility_a1.pk)))
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    for name in ("board:facility", "board:facility_rows", "board:print"):
        body = html(client.get(url(name, w.facility_a1.pk)))
        assert "Dorte Testesen" not in body and w.board_entry.need_text not in body, name
    assert client.get(url("board:entry_edit", w.board_entry.pk)).status_code == 404
    history = html(client.get(url("board:history", w.resident_in_course.pk)))
    assert w.board_entry.need_text not in history
    assert w.agenda_item.note not in history
    # the team still sees everything
    client.force_login(w.team_nurse)
    assert w.board_entry.need_text in html(client.get(url("board:facility", w.facility_a1.pk)))


# --- who writes which column ----------------------------------------------------------------


def test_housing_staff_cannot_write_team_columns(world, client):
    w = world
    entry = w.board_entry
    client.force_login(w.housing_staff)
    form = html(client.get(url("board:entry_edit", entry.pk)))
    assert 'name="treatment_interventions"' not in form
    response = client.post(
        url("board:entry_edit", entry.pk),
        housing_edit_data(entry, treatment_interventions="Overskrevet", others_involved="Ny"),
    )
    assert response.status_code == 200
    assert FORM_REFUSED in html(response) and "treatment_interventions" in html(response)
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.version == entry.version and fresh.others_involved == ""
    assert fresh.treatment_interventions == entry.treatment_interventions


def test_team_staff_cannot_write_housing_columns(world, client):
    w = world
    entry = w.board_entry
    client.force_login(w.team_nurse)
    for field, value in (
        ("social_interventions", "Overskrevet"),
        ("housing_contact", str(w.housing_leader.pk)),
    ):
        response = client.post(
            url("board:entry_edit", entry.pk), edit_data(entry, **{field: value})
        )
        assert response.status_code == 200
        assert FORM_REFUSED in html(response)
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.version == entry.version
    assert fresh.social_interventions == entry.social_interventions
    assert fresh.housing_contact_id == entry.housing_contact_id


def test_housing_staff_without_goals_consent_cannot_write_goals(world, client):
    w = world
    entry = on_board(w, consent=["board"])
    client.force_login(w.housing_staff)
    form = html(client.get(url("board:entry_edit", entry.pk)))
    assert 'name="goals_short"' not in form and 'name="social_interventions"' in form
    data = housing_edit_data(entry, goals_short="Skrevet uden samtykke")
    for name in ("goals_long", "resident_goals"):
        del data[name]
    response = client.post(url("board:entry_edit", entry.pk), data)
    assert FORM_REFUSED in html(response)
    assert BoardEntry.objects.get(pk=entry.pk).goals_short == ""


def test_services_refuse_the_other_sectors_columns(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    w = world
    entry = w.board_entry
    with pytest.raises(ValidationError):
        services.board_entry_update(
            user=w.housing_staff,
            entry=entry,
            version=entry.version,
            changes={"treatment_interventions": "x"},
        )
    with pytest.raises(ValidationError):
        services.board_entry_update(
            user=w.team_nurse,
            entry=entry,
            version=entry.version,
            changes={"social_interventions": "x"},
        )
    resident = in_course(w)
    share(w, resident, categories=["board"])
    with pytest.raises(PermissionDenied):
        services.board_entry_create(
            user=w.housing_staff,
            resident=resident,
            criteria=["other"],
            review_on=days(3),
            goals_short="Mål uden samtykke",
        )
    assert BoardEntry.objects.get(pk=entry.pk).version == entry.version


# --- saving at the same time ----------------------------------------------------------------


def test_stale_save_shows_both_texts_and_keeps_the_typed_one(world, client):
    w = world
    entry = w.board_entry
    loaded = entry.version
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=loaded,
        changes={"others_involved": "Mor ringer hver søndag."},
    )
    client.force_login(w.team_nurse)
    response = client.post(
        url("board:entry_edit", entry.pk),
        edit_data(entry, version=str(loaded), others_involved="Egen læge: dr. Holm."),
    )
    body = html(response)
    assert response.status_code == 200
    assert "En anden har gemt i de samme felter, mens du skrev" in body
    saved = re.search(r'data-version="saved">(.*?)</p>', body, re.S).group(1)
    mine = re.search(r'data-version="mine">(.*?)</p>', body, re.S).group(1)
    assert saved == "Mor ringer hver søndag." and mine == "Egen læge: dr. Holm."
    assert f"Gemt af {w.housing_staff.get_full_name()}" in body
    assert re.search(r'name="others_involved"[^>]*>\s*Egen læge: dr. Holm.</textarea>', body)
    assert f'name="version" value="{loaded + 1}"' in body
    assert 'name="conflicts" value="others_involved"' in body
    assert BoardEntry.objects.get(pk=entry.pk).others_involved == "Mor ringer hver søndag."

    # keep my own text: saved on the new version
    keep = edit_data(
        entry, version=str(loaded + 1), others_involved="Egen læge: dr. Holm.", resolve="mine"
    )
    keep["conflicts"] = "others_involved"
    assert client.post(url("board:entry_edit", entry.pk), keep).status_code == 302
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.others_involved == "Egen læge: dr. Holm." and fresh.version == loaded + 2
    # the other text is kept in the history
    assert BoardEntryChange.objects.filter(
        entry=entry, field="others_involved", old_value="Mor ringer hver søndag."
    ).exists()


def test_stale_save_take_the_saved_text(world, client):
    w = world
    entry = w.board_entry
    loaded = entry.version
    services.board_entry_update(
        user=w.housing_staff, entry=entry, version=loaded, changes={"others_involved": "Mor"}
    )
    client.force_login(w.team_nurse)
    data = edit_data(
        entry,
        version=str(loaded + 1),
        others_involved="Far",
        goals_short="Nyt kortsigtet mål",
        resolve="saved",
        conflicts="others_involved",
    )
    assert client.post(url("board:entry_edit", entry.pk), data).status_code == 302
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.others_involved == "Mor"  # the saved text, as chosen
    assert fresh.goals_short == "Nyt kortsigtet mål"  # the rest of my changes


def test_stale_save_in_other_columns_is_merged(world, client):
    w = world
    entry = w.board_entry
    loaded = entry.version
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=loaded,
        changes={"social_interventions": "Ny aftale om morgenmedicin.", "goals_short": "Sove"},
    )
    client.force_login(w.team_nurse)
    response = client.post(
        url("board:entry_edit", entry.pk),
        edit_data(entry, version=str(loaded), treatment_interventions="Ny dosis."),
    )
    assert response.status_code == 302
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.treatment_interventions == "Ny dosis."
    assert fresh.social_interventions == "Ny aftale om morgenmedicin."
    assert fresh.goals_short == "Sove"  # the nurse did not touch it: the saved text stays
    board = html(client.get(url("board:facility", w.facility_a1.pk)))
    assert "Dine ændringer er gemt." in board and w.housing_staff.get_full_name() in board


def test_stale_review_and_end_keep_the_input(world, client):
    w = world
    entry = w.board_entry
    loaded = entry.version
    services.board_entry_update(
        user=w.housing_staff, entry=entry, version=loaded, changes={"others_involved": "Mor"}
    )
    client.force_login(w.team_nurse)
    review = client.post(
        url("board:entry_review", entry.pk),
        {"version": loaded, "next_review_on": days(9).isoformat()},
    )
    body = html(review)
    assert "En anden har gemt ændringer i indgangen" in body
    assert f'value="{days(9).isoformat()}"' in body and f'value="{loaded + 1}"' in body
    end = client.post(
        url("board:entry_end", entry.pk),
        {"version": loaded, "end_reason": "stable", "ending_text": "Talt med Dorte."},
    )
    assert "En anden har gemt ændringer i indgangen" in html(end)
    assert "Talt med Dorte." in html(end)
    assert BoardEntry.objects.get(pk=entry.pk).status == EntryStatus.ACTIVE


# --- audit ------------------------------------------------------------------------------------


def test_board_pages_write_audit_rows(world, client):
    w = world
    second = on_board(w, first="Anden", last="Beboer")
    client.force_login(w.team_nurse)
    cases = [
        (url("board:facility", w.facility_a1.pk), "list", 2),
        (url("board:team", w.team_a.pk), "list", 2),
        (url("board:print", w.facility_a1.pk), "export", 2),
        (url("board:entry_edit", second.pk), "view", 1),
        (url("board:entry_review", second.pk), "view", 1),
        (url("board:entry_end", second.pk), "view", 1),
        (url("board:history", second.resident_id), "view", 1),
        (url("board:entry_create", in_course(w).pk), "view", 1),
    ]
    for address, action, count in cases:
        before = last_audit_id()
        assert client.get(address).status_code == 200, address
        rows = audit_after(before)
        assert len(rows) == count and {r[0] for r in rows} == {action}, (address, rows)
        assert all(r[2] for r in rows), address  # each names the resident


def test_rows_poll_writes_audit_only_when_something_changed(world, client):
    w = world
    client.force_login(w.team_nurse)
    rows_url = url("board:facility_rows", w.facility_a1.pk)
    first = client.get(rows_url, headers={"HX-Request": "true"})
    assert first.status_code == 200 and "HX-Request" in first["Vary"]
    assert 'hx-trigger="every 15s"' in html(first) and 'hx-swap="outerHTML"' in html(first)
    fingerprint = re.search(r'"v": "([0-9a-f]+)"', html(first)).group(1)
    before = last_audit_id()
    same = client.get(rows_url, {"v": fingerprint}, headers={"HX-Request": "true"})
    assert same.status_code == 204 and audit_after(before) == []
    services.board_entry_update(
        user=w.housing_staff,
        entry=w.board_entry,
        version=w.board_entry.version,
        changes={"others_involved": "Ændret af en anden"},
    )
    before = last_audit_id()
    changed = client.get(rows_url, {"v": fingerprint}, headers={"HX-Request": "true"})
    assert changed.status_code == 200 and "Ændret af en anden" in html(changed)
    assert audit_after(before) == [("list", "", w.resident_in_course.pk)]


def test_board_page_polls_its_rows(world, client):
    client.force_login(world.team_nurse)
    response = client.get(url("board:facility", world.facility_a1.pk) + "?visning=kompakt")
    body = html(response)
    assert "HX-Request" in response["Vary"]
    rows = url("board:facility_rows", world.facility_a1.pk)
    assert f'<tbody id="board-rows" hx-get="{rows}?visning=kompakt" hx-trigger="every 15s"' in body
    assert "<script" not in body.split("</head>")[1] and "style=" not in body


# --- query counts -----------------------------------------------------------------------------


def _count(client, address) -> int:
    """Queries for one page, less the audit rows' bulk insert (one statement, asserted)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    audit_inserts = [
        q for q in ctx.captured_queries if 'INSERT INTO "audit_auditevent"' in q["sql"]
    ]
    assert len(audit_inserts) == 1
    return len(ctx.captured_queries) - len(audit_inserts)


def _fill(w, n, *, consent=()):
    for i in range(n):
        on_board(
            w,
            facility=w.facility_a1 if i % 2 else w.facility_a2,
            first=f"Beboer{i:03d}",
            last="Test",
            placed=-(i % 90),
            review=(i % 20) - 5,
            consent=consent if i % 2 else (),
            others_involved=f"Involveret {i}",
        )


# Pinned: the number of SQL queries for a board page does not grow with its rows. A change here
# must be deliberate. Common to all: session, user, second factor, memberships (+ emergency
# access for team health professionals). Then the board's own: the entries with their people
# (1), the team contacts (1), the consent categories (housing staff, 1), the open questions (1,
# facility board), the filter form's choices (2, team board), the rows' fingerprint for the
# poll (1, board.fingerprint), and the audit rows (not counted). The rows partial (the poll's
# 200) checks the facility without its addresses (1 fewer) and has no questions nor choices.
TEAM_BOARD_QUERIES = 11
FACILITY_BOARD_QUERIES = 11
ROWS_QUERIES = 9
HOUSING_BOARD_QUERIES = 11


@pytest.mark.parametrize("n", [10, 100])
def test_query_counts_do_not_grow_with_the_board(world, client, n):
    w = world
    _fill(w, n - 1, consent=["board", "goals"])  # plus Dorte
    client.force_login(w.team_nurse)
    assert _count(client, url("board:team", w.team_a.pk)) == TEAM_BOARD_QUERIES
    filtered = url("board:team", w.team_a.pk) + f"?facility={w.facility_a1.pk}&sort=days"
    assert _count(client, filtered) == TEAM_BOARD_QUERIES + 1  # the facility filter's lookup
    assert _count(client, url("board:facility", w.facility_a1.pk)) == FACILITY_BOARD_QUERIES
    assert _count(client, url("board:facility_rows", w.facility_a1.pk)) == ROWS_QUERIES
    client.force_login(w.housing_staff)
    assert _count(client, url("board:facility", w.facility_a1.pk)) == HOUSING_BOARD_QUERIES


# --- bad input ------------------------------------------------------------------------------

BAD_VALUES = [
    "",
    "abc",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "\x00",
    "<script>",
    "9" * 300,
    "ø" * 50,
]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_bad_board_query_values_are_ignored_with_a_message(world, client, value):
    w = world
    client.force_login(w.team_nurse)
    for param in ("facility", "contact", "criterion", "sort", "visning"):
        response = client.get(url("board:team", w.team_a.pk), {param: value})
        assert response.status_code == 200, (param, value)
        assert "Dorte Testesen" in html(response)
        if value:
            assert "Ugyldige værdier er ignoreret" in html(response), (param, value)
    for name in ("board:facility", "board:facility_rows", "board:print"):
        for param in ("sort", "visning", "v"):
            response = client.get(url(name, w.facility_a1.pk), {param: value})
            assert response.status_code == 200, (name, param, value)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.dictionaries(
        st.sampled_from(["facility", "contact", "criterion", "sort", "visning", "side", "x"]),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_any_team_board_query_is_answered(world, client, query):
    client.force_login(world.team_nurse)
    response = client.get(url("board:team", world.team_a.pk), query)
    assert response.status_code == 200


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "version": st.one_of(st.text(max_size=12), st.integers().map(str)),
            "criteria": st.lists(st.text(max_size=20), max_size=3),
            "review_on": st.text(max_size=20),
            "need_text": st.text(max_size=200),
            "others_involved": st.text(max_size=3000),
            "resolve": st.text(max_size=10),
            "conflicts": st.text(max_size=40),
        },
    )
)
def test_any_edit_post_is_saved_or_refused_with_a_message(world, client, data):
    client.force_login(world.team_nurse)
    response = client.post(url("board:entry_edit", world.board_entry.pk), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "Der er fejl i formularen" in html(response) or "En anden har gemt" in html(response)


# --- stored markup ----------------------------------------------------------------------------


def test_stored_markup_renders_escaped_everywhere(world, client):
    w = world
    entry = w.board_entry
    changes = dict.fromkeys(
        (
            "others_involved",
            "need_text",
            "goals_short",
            "goals_long",
            "resident_goals",
            "resident_informed",
            "treatment_interventions",
        ),
        PAYLOAD,
    )
    services.board_entry_update(user=w.team_nurse, entry=entry, version=2, changes=changes)
    services.board_entry_update(
        user=w.housing_staff, entry=entry, version=3, changes={"social_interventions": PAYLOAD}
    )
    for user in (w.team_nurse, w.housing_staff):
        user.first_name = PAYLOAD
        user.save()
    w.resident_in_course.first_name = PAYLOAD
    w.resident_in_course.save()
    entry.refresh_from_db()
    services.board_entry_end(
        user=w.team_nurse,
        entry=entry,
        version=entry.version,
        end_reason="other",
        ending_text=PAYLOAD,
    )
    active = on_board(w, first=PAYLOAD, last=PAYLOAD, consent=["board"], **changes)
    services.board_entry_update(
        user=w.housing_staff,
        entry=active,
        version=active.version,
        changes={"social_interventions": PAYLOAD},
    )
    pages = [
        url("board:facility", w.facility_a1.pk),
        url("board:facility", w.facility_a1.pk) + "?visning=kompakt",
        url("board:facility_rows", w.facility_a1.pk),
        url("board:print", w.facility_a1.pk),
        url("board:team", w.team_a.pk),
        url("board:entry_edit", active.pk),
        url("board:entry_review", active.pk),
        url("board:entry_end", active.pk),
        url("board:history", w.resident_in_course.pk),
        url("board:history", active.resident_id),
        url("residents:detail", w.resident_in_course.pk),
    ]
    client.force_login(w.team_nurse)
    for address in pages:
        body = html(client.get(address))
        assert PAYLOAD.replace("<", "&lt;")[:20] in body or "&lt;script&gt;" in body, address
        for marker in RAW_MARKERS:
            assert marker not in body, address


# --- links from other pages -----------------------------------------------------------------


def test_resident_page_links_to_the_board(world, client):
    w = world
    newcomer = in_course(w, first="Ny", last="Iforløb")
    share(w, newcomer, categories=["board"])
    cases = [
        # (persona, resident, "Sæt på tavlen" shown)
        ("team_nurse", newcomer, True),
        ("team_nurse", w.resident_in_course, False),  # already on the board
        ("team_nurse", w.resident_pending, False),  # no active course
        ("housing_staff", newcomer, True),  # consent covers the board
        ("housing_staff", w.resident_in_course, False),
    ]
    for persona, resident, can_place in cases:
        client.force_login(getattr(w, persona))
        body = html(client.get(url("residents:detail", resident.pk)))
        assert (url("board:entry_create", resident.pk) in body) is can_place, (persona, resident)
        assert url("board:history", resident.pk) in body
        assert url("board:question_create", resident.pk) in body
    no_consent = in_course(w, first="Uden", last="Tavlesamtykke")
    client.force_login(w.housing_staff)
    body = html(client.get(url("residents:detail", no_consent.pk)))
    assert url("board:entry_create", no_consent.pk) not in body


def test_navigation_and_facility_page_link_to_the_board(world, client):
    w = world
    client.force_login(w.team_nurse)
    assert f'href="{url("board:team", w.team_a.pk)}">Tavle<' in html(client.get(url("home")))
    page = html(client.get(url("organisation:facility_detail", w.facility_a1.pk)))
    assert url("board:facility", w.facility_a1.pk) in page
    assert url("board:questions", w.facility_a1.pk) in page
    client.force_login(w.housing_staff)
    home = html(client.get(url("home")))
    assert f'href="{url("board:facility", w.facility_a1.pk)}">Tavle<' in home
    client.force_login(w.region_admin)
    page = html(client.get(url("organisation:facility_detail", w.facility_a1.pk)))
    assert url("board:facility", w.facility_a1.pk) not in page
    assert ">Tavle<" not in html(client.get(url("organisation:facility_list")))


def test_print_page_names_the_facility_and_date(world, client):
    w = world
    client.force_login(w.team_nurse)
    body = html(client.get(url("board:print", w.facility_a1.pk)))
    assert "Beboeroverblikstavle – Bostedet Egely" in body
    assert f"Udskrevet {TODAY:%d.%m.%Y}" in body
    assert 'class="board-print"' in body  # the A4 landscape page (static/btt/app.css)
    assert w.board_entry.treatment_interventions in body
    assert url("board:entry_edit", w.board_entry.pk) not in body  # no links on paper
