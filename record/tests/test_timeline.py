"""The resident's timeline (record:timeline): one chronological, filterable, paginated page of
the course record, the board history, the meeting notes and the course milestones, within the
consent rules, in a constant number of queries however long the history."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from bench.timeline import dense_history
from board import services as board_services
from board.models import AgendaItem, BoardEntry, BoardEntryChange
from consent.services import consent_withdraw
from courses.models import Course, Referral
from record import timeline as tl
from record.kinds import SECTION, Section
from record.models import Entry
from record.tests.samples import make_entry

pytestmark = pytest.mark.django_db

# Session, user, second factor, memberships, emergency access; the resident with its current
# identifier and residence; one page of the merged query (with the total); the audit row.
BASE_QUERIES = 10
# One query per kind of row present on the page: entries, board placings, board saves (changes
# and endings), meeting notes, referrals (received and decided), courses (started and ended).
DETAIL_QUERY = {
    tl.SRC_ENTRY: "entry",
    tl.SRC_PLACED: "placed",
    tl.SRC_CHANGED: "change",
    tl.SRC_ENDED: "change",
    tl.SRC_MEETING: "meeting",
    tl.SRC_RECEIVED: "referral",
    tl.SRC_DECIDED: "referral",
    tl.SRC_STARTED: "course",
    tl.SRC_COURSE_ENDED: "course",
}
MAX_TEAM_QUERIES = BASE_QUERIES + len(set(DETAIL_QUERY.values()))  # 16


def _url(resident, query: str = "") -> str:
    url = reverse("record:timeline", args=[resident.pk])
    return f"{url}?{query}" if query else url


def _get(client, resident, query: str = ""):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_url(resident, query))
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def _expected_queries(response) -> int:
    return BASE_QUERIES + len({DETAIL_QUERY[i.src] for i in response.context["items"]})


def _keys(response) -> list[tuple]:
    return [(i.src, i.pk) for i in response.context["items"]]


@pytest.fixture
def dense(world):
    """Ten years of dense history for resident_in_course (a few thousand entries)."""
    counts = dense_history(
        world.resident_in_course, team_user=world.team_nurse, facility_user=world.housing_staff
    )
    assert counts["entries"] > 3000 and counts["courses"] == 3 and counts["meetings"] > 50
    return counts


# --- size, queries, order ------------------------------------------------------------------


def test_dense_history_first_and_deep_page_in_constant_queries(client, world, dense):
    resident = world.resident_in_course
    client.force_login(world.team_nurse)
    first, n_first = _get(client, resident)
    page = first.context["page"]
    assert page.paginator.num_pages > 60 and len(first.context["items"]) == tl.PAGE_SIZE
    assert n_first == _expected_queries(first) <= MAX_TEAM_QUERIES
    deep, n_deep = _get(client, resident, "side=40")
    assert deep.context["page"].number == 40 and len(deep.context["items"]) == tl.PAGE_SIZE
    assert n_deep == _expected_queries(deep) <= MAX_TEAM_QUERIES
    last, n_last = _get(client, resident, f"side={page.paginator.num_pages}")
    assert n_last == _expected_queries(last) <= MAX_TEAM_QUERIES
    # one source only: exactly the same number on the first and on a deep page
    _, n_contacts_first = _get(client, resident, "vis=contacts")
    _, n_contacts_deep = _get(client, resident, "vis=contacts&side=20")
    assert n_contacts_first == n_contacts_deep == BASE_QUERIES + 1


def test_first_page_queries_do_not_grow_with_the_history(client, world):
    resident = world.resident_in_course
    client.force_login(world.team_nurse)
    _, small = _get(client, resident, "vis=events&vis=contacts&vis=plans&vis=medication")
    dense_history(resident, team_user=world.team_nurse, facility_user=world.housing_staff)
    _, large = _get(client, resident, "vis=events&vis=contacts&vis=plans&vis=medication")
    assert small == large == BASE_QUERIES + 1


def test_everything_in_order_across_pages(client, world, dense):
    resident = world.resident_in_course
    client.force_login(world.team_nurse)
    first, _ = _get(client, resident)
    total = first.context["page"].paginator.count
    saves_after_placing = (
        BoardEntryChange.objects.filter(entry__resident=resident, version__gt=1)
        .values("entry_id", "version")
        .distinct()
        .count()
    )
    notes = AgendaItem.objects.filter(resident=resident, meeting__status="closed").count()
    decided = Referral.objects.filter(resident=resident).exclude(status="pending").count()
    expected = (
        Entry.objects.filter(resident=resident).count()
        + BoardEntry.objects.filter(resident=resident).count()
        + saves_after_placing  # updates, and the save that takes the resident off the board
        + notes
        + Referral.objects.filter(resident=resident).count()
        + decided
        + Course.objects.filter(resident=resident).count()
        + Course.objects.filter(resident=resident, ended_on__isnull=False).count()
    )
    assert total == expected
    seen, days = set(), []
    for number in range(1, 4):
        response, _ = _get(client, resident, f"side={number}")
        keys = _keys(response)
        assert not seen & set(keys)  # no row twice across pages
        seen |= set(keys)
        days += [i.day for i in response.context["items"]]
    assert days == sorted(days, reverse=True)
    # the page's raw SQL orders exactly like the ORM's union queryset
    scope = tl._scope(world.team_nurse, resident)
    opts = {"groups": set(), "kind": "", "until": None}
    orm = tl.merged(world.team_nurse, resident, opts, scope)
    assert orm.count() == total
    orm_keys = [(r["tl_src"], r["tl_id"]) for r in orm[: 3 * tl.PAGE_SIZE]]
    pages = []
    for number in range(1, 4):
        response, _ = _get(client, resident, f"side={number}")
        pages += _keys(response)
    assert pages == orm_keys
    newest = Entry.objects.filter(resident=resident).order_by("-occurred_on").first()
    assert days[0] >= newest.occurred_on
    # the last page ends with the oldest row: the first referral of ten years ago
    last, _ = _get(client, resident, f"side={first.context['page'].paginator.num_pages}")
    oldest = last.context["items"][-1]
    assert oldest.src == tl.SRC_RECEIVED
    assert (
        oldest.day == Referral.objects.filter(resident=resident).earliest("received_on").received_on
    )


def test_entry_items_link_to_the_entry_and_keep_event_and_entry_time_apart(client, world):
    client.force_login(world.team_nurse)
    entry = world.visit_note
    Entry.objects.filter(pk=entry.pk).update(
        occurred_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    response, _ = _get(client, world.resident_in_course)
    item = next(i for i in response.context["items"] if i.src == tl.SRC_ENTRY and i.pk == entry.pk)
    assert item.url == reverse("record:detail", args=[entry.pk])
    assert item.day == timezone.localdate() - datetime.timedelta(days=3)
    assert item.at == entry.recorded_at and item.by == world.team_nurse.get_full_name()
    html = response.content.decode()
    assert f'href="{item.url}"' in html
    assert item.day.strftime("%d.%m.%Y") in html
    assert timezone.localtime(entry.recorded_at).strftime("%d.%m.%Y %H:%M") in html
    assert "Samtale i haven med Dorte" in html  # the summary: the start of the note
    # a corrected entry says who corrected it and when
    crisis = next(i for i in response.context["items"] if i.pk == world.crisis_plan.pk)
    assert crisis.corrected_by == world.team_doctor.get_full_name()
    assert "Fase: Gul" in crisis.summary


def test_kind_specific_summary_for_an_admission(client, world):
    client.force_login(world.team_nurse)
    start = timezone.localdate() - datetime.timedelta(days=20)
    make_entry(
        world.team_nurse,
        world.resident_in_course,
        "admission",
        occurred_on=start.isoformat(),
        occurred_until=(start + datetime.timedelta(days=7)).isoformat(),
        subtype="compulsory",
        ward="P1",
    )
    response, _ = _get(client, world.resident_in_course, "type=admission")
    summaries = [i.summary for i in response.context["items"]]
    end = start + datetime.timedelta(days=7)
    span = (
        f"{start:%d.%m}–{end:%d.%m.%Y}"
        if start.year == end.year
        else f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"
    )
    assert any(s.startswith(f"Tvangsindlæggelse, afsnit P1, {span}") for s in summaries)


def test_summary_is_cut_to_about_200_characters(client, world):
    client.force_login(world.team_nurse)
    make_entry(world.team_nurse, world.resident_in_course, "visit", note="Lang samtale. " * 100)
    response, _ = _get(client, world.resident_in_course, "vis=contacts")
    assert all(len(i.summary) <= tl.SUMMARY_LENGTH for i in response.context["items"])
    assert any(i.summary.endswith("…") for i in response.context["items"])


# --- filters -------------------------------------------------------------------------------


def test_filter_by_section_kind_and_date_kept_in_the_page_links(client, world, dense):
    resident = world.resident_in_course
    client.force_login(world.team_nurse)
    response, _ = _get(client, resident, "vis=medication")
    items = response.context["items"]
    assert items and {SECTION[Entry.objects.get(pk=i.pk).kind] for i in items} == {
        Section.MEDICATION
    }
    html = response.content.decode()
    assert "?vis=medication&amp;side=2" in html
    response, _ = _get(client, resident, "vis=board&vis=meetings")
    srcs = {i.src for i in response.context["items"]}
    assert srcs and srcs <= {tl.SRC_PLACED, tl.SRC_CHANGED, tl.SRC_ENDED, tl.SRC_MEETING}
    assert "vis=board&amp;vis=meetings&amp;side=2" in response.content.decode()
    response, _ = _get(client, resident, "type=crisis")
    assert {Entry.objects.get(pk=i.pk).kind for i in response.context["items"]} == {"crisis"}
    entries = Entry.objects.filter(resident=resident).order_by("occurred_on")
    until = entries[entries.count() // 2].occurred_on
    response, _ = _get(client, resident, f"til={until.isoformat()}")
    days = [i.day for i in response.context["items"]]
    assert days[0] == until and days == sorted(days, reverse=True)
    response, _ = _get(client, resident, "vis=course")
    labels = {i.label for i in response.context["items"]}
    # the earlier courses (re-referrals) and the rejected referral are on it
    assert "Forløb startet" in labels and "Henvisning: Ikke visiteret" in labels
    assert any(label.startswith("Forløb afsluttet") for label in labels)


@pytest.mark.parametrize("query", ["vis=nonsense", "type=nonsense", "til=31-02-2020", "x=1"])
def test_a_bad_filter_is_reported_and_ignored(client, world, query):
    client.force_login(world.team_nurse)
    response, _ = _get(client, world.resident_in_course, query)
    unfiltered, _ = _get(client, world.resident_in_course)
    assert response.context["form"].errors
    assert _keys(response) == _keys(unfiltered)
    assert "Filtrene er ikke brugt" in response.content.decode()


def test_a_page_out_of_range_shows_the_last_page(client, world):
    client.force_login(world.team_nurse)
    response, _ = _get(client, world.resident_in_course, "side=999")
    assert response.context["page"].number == response.context["page"].paginator.num_pages
    response, _ = _get(client, world.resident_in_course, "side=abc")
    assert response.context["page"].number == 1


@pytest.mark.parametrize("side", ["99999999999999999999999", str(2**63), str(2**64 + 1), "9" * 400])
def test_a_page_number_beyond_64_bits_shows_the_last_page(client, world, side):
    """Was HTTP 500 (the SQL OFFSET overflowed)."""
    client.force_login(world.team_nurse)
    response, _ = _get(client, world.resident_in_course, f"side={side}&vis=plans")
    page = response.context["page"]
    assert page.number == page.paginator.num_pages
    assert response.context["items"]
    assert response.context["form"].is_valid()  # the filters still apply
    assert {i.group for i in response.context["items"]} == {Section.PLANS}
    assert response.context["page_message"] == ""


@pytest.mark.parametrize("side", ["0", "-3", "abc", "1.5", "1e30"])
def test_a_page_number_that_is_no_page_shows_the_first_page_with_a_message(client, world, side):
    client.force_login(world.team_nurse)
    response, _ = _get(client, world.resident_in_course, f"side={side}")
    assert response.context["page"].number == 1
    assert "Sidetallet er ugyldigt. Første side vises." in response.content.decode()
    assert not response.context["form"].errors  # the filters are not to blame


# --- audit and access ----------------------------------------------------------------------


def test_one_audit_row_per_page_view(client, world):
    client.force_login(world.team_nurse)
    before = AuditEvent.objects.count()
    _get(client, world.resident_in_course)
    rows = list(AuditEvent.objects.order_by("-id")[: AuditEvent.objects.count() - before])
    assert len(rows) == 1
    row = rows[0]
    assert row.action == Action.VIEW and row.resident_id == world.resident_in_course.pk
    assert row.detail["page"] == "timeline" and row.user == world.team_nurse


@pytest.mark.parametrize(
    "persona", ["other_team_nurse", "other_housing_staff", "ward_staff", "region_admin"]
)
def test_outsiders_get_404(client, world, persona):
    client.force_login(getattr(world, persona))
    before = AuditEvent.objects.filter(detail__page="timeline").count()
    assert client.get(_url(world.resident_in_course)).status_code == 404
    assert AuditEvent.objects.filter(detail__page="timeline").count() == before


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(_url(world.resident_in_course))
    assert response.status_code in (302, 404)


def test_post_is_not_allowed(client, world):
    client.force_login(world.team_nurse)
    assert client.post(_url(world.resident_in_course)).status_code == 405


def test_housing_staff_see_what_the_consent_covers(client, world):
    """The partial consent covers the board and goals: the facility's own admission, the board
    history without the team's treatment column, the meeting notes; no team journal, plans or
    medication, and no referrals or courses."""
    entry = world.board_entry
    entry.refresh_from_db()
    treatment_only = board_services.board_entry_update(
        user=world.team_nurse,
        entry=entry,
        version=entry.version,
        changes={"treatment_interventions": "Ny medicin afprøves (kun teamet)."},
    )
    goals = board_services.board_entry_update(
        user=world.team_nurse,
        entry=treatment_only,
        version=treatment_only.version,
        changes={"goals_short": "Sover seks timer hver nat."},
    )
    client.force_login(world.housing_staff)
    response, n = _get(client, world.resident_in_course)
    items = response.context["items"]
    entry_ids = {i.pk for i in items if i.src == tl.SRC_ENTRY}
    assert entry_ids == {world.facility_admission.pk}
    srcs = {i.src for i in items}
    assert {tl.SRC_PLACED, tl.SRC_CHANGED, tl.SRC_MEETING} <= srcs
    assert not srcs & {tl.SRC_RECEIVED, tl.SRC_DECIDED, tl.SRC_STARTED, tl.SRC_COURSE_ENDED}
    html = response.content.decode()
    assert "Ny medicin afprøves" not in html and "Sover seks timer hver nat." in html
    assert world.visit_note.data["note"][:30] not in html
    changes = [i for i in items if i.src == tl.SRC_CHANGED]
    assert len(changes) == 2  # the facility's own save and the goals save, not the treatment one
    assert goals.version == treatment_only.version + 1
    assert n <= MAX_TEAM_QUERIES + 6  # and the consent look-ups
    # the team sees all three saves, the treatment text included
    client.force_login(world.team_nurse)
    response, _ = _get(client, world.resident_in_course)
    assert len([i for i in response.context["items"] if i.src == tl.SRC_CHANGED]) == 3
    assert "Ny medicin afprøves" in response.content.decode()


def test_housing_staff_without_consent_see_only_their_own_events(client, world):
    consent_withdraw(user=world.team_nurse, consent=world.consent_partial, note="Trukket")
    client.force_login(world.housing_staff)
    response, _ = _get(client, world.resident_in_course)
    items = response.context["items"]
    assert [(i.src, i.pk) for i in items] == [(tl.SRC_ENTRY, world.facility_admission.pk)]
    html = response.content.decode()
    assert "Tavlemøde på" not in html and "Sat på tavlen" not in html
    assert 'value="course"' not in html  # no referrals or courses to filter by


def test_housing_staff_on_a_dense_history(client, world, dense):
    client.force_login(world.housing_staff)
    response, n = _get(client, world.resident_in_course)
    deep, n_deep = _get(client, world.resident_in_course, "side=5")
    for r in (response, deep):
        kinds = {Entry.objects.get(pk=i.pk).sector for i in r.context["items"] if i.src == "entry"}
        assert kinds <= {"facility"}
    assert n <= MAX_TEAM_QUERIES + 6 and n_deep <= MAX_TEAM_QUERIES + 6


def test_emergency_access_and_team_leader_see_the_timeline(client, world):
    from emergency.tests.test_emergency import open_access

    resident = world.resident_in_course
    # a nurse of team B does not see team A's resident ...
    client.force_login(world.other_team_nurse)
    assert client.get(_url(resident)).status_code == 404
    # ... until she opens an emergency access: then the timeline, the team's journal included
    assert open_access(client, world).status_code == 302
    response, _ = _get(client, resident)
    entry_ids = {i.pk for i in response.context["items"] if i.src == tl.SRC_ENTRY}
    assert {world.visit_note.pk, world.medication.pk, world.crisis_plan.pk} <= entry_ids
    assert world.visit_note.data["note"][:30] in response.content.decode()
    row = AuditEvent.objects.filter(user=world.other_team_nurse, detail__page="timeline").get()
    assert row.resident_id == resident.pk and row.purpose == "emergency"
    # the other residents of team A stay out of reach
    assert client.get(_url(world.resident_pending)).status_code == 404
    # the team's leader and a member who may not make clinical decisions see it too
    for persona in ("team_leader", "team_mentor"):
        client.force_login(getattr(world, persona))
        assert client.get(_url(resident)).status_code == 200, persona


def test_escaped_text(client, world):
    make_entry(
        world.team_nurse, world.resident_in_course, "visit", note="<script>alert(1)</script>"
    )
    client.force_login(world.team_nurse)
    html = client.get(_url(world.resident_in_course)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
