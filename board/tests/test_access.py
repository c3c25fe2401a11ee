"""The board's one policy per resource (``board.access``), its column descriptions
(``board.columns``) and the merge of concurrent edits (``board.services.board_entry_edit``):

- a denied user cannot save a *valid* form (the same post saves for an allowed user): housing
  staff of the same team's other facility (A2), another team's nurse, housing staff writing a
  team column;
- every service asks the policy itself (a direct call by someone not allowed raises and writes
  nothing) and writes exactly one audit row;
- the holes that were open before the policy (services that skipped a rule);
- the columns are described once and the pages derive from them.
"""

from __future__ import annotations

import datetime
import inspect
import pathlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from board import access, columns, prefill, services
from board.models import (
    Action,
    AgendaItem,
    Attendance,
    BoardEntry,
    EntryStatus,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    Question,
    QuestionDirection,
)
from consent.services import consent_record, consent_withdraw
from tests import factories as f

TODAY = timezone.localdate()
FORM_REFUSED = "Formularen indeholdt felter, du ikke kan ændre"


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def audit_count() -> int:
    return AuditEvent.objects.count()


def allowed_audit_count() -> int:
    """Audit rows of what was done (a refused attempt may be logged as denied)."""
    return AuditEvent.objects.filter(outcome=Outcome.ALLOWED).count()


def in_course_at_a1(w, *, consent=("board",)):
    """A new resident at facility A1 in team A's active course, with a sharing consent."""
    resident = f.ResidentFactory(facility=w.facility_a1, first_name="Ny", last_name="Beboersen")
    f.CourseFactory(
        referral__resident=resident,
        referral__facility=w.facility_a1,
        responsible_doctor=w.team_doctor,
        team_contacts=[w.team_nurse],
    )
    if consent:
        consent_record(
            user=w.team_nurse,
            resident=resident,
            kind="sharing",
            form="written",
            given_by="resident",
            given_on=days(-5),
            facility=w.facility_a1,
            direction="both",
            categories=list(consent),
            purpose="Tavlemøder",
            legal_basis="sul_43",
        )
    return resident


def open_meeting(w) -> Meeting:
    return services.meeting_open(user=w.team_nurse, facility=w.facility_a1)


def move_to_a2(w, resident):
    from residents.services import move_record

    move_record(
        user=w.team_nurse,
        resident=resident,
        to_facility=w.facility_a2,
        moved_in=resident.residences.get(moved_out__isnull=True).moved_in,
    )


def team_edit(entry, **changes) -> dict:
    """The team's edit form, as a browser posts it."""
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


def housing_edit(entry, **changes) -> dict:
    """A1's housing staff's edit form (consent: board and goals), as a browser posts it."""
    data = team_edit(entry)
    del data["treatment_interventions"]
    data["social_interventions"] = entry.social_interventions
    data["housing_contact"] = str(entry.housing_contact_id or "")
    data.update(changes)
    return data


def denied_then_saved(client, *, denied, allowed, url, data, state, status=404):
    """``denied`` posts ``data`` and is refused with ``status``, nothing changes and no audit
    row of a change is written; then ``allowed`` posts the very same data and it is saved (so the form was
    valid)."""
    before, rows = state(), allowed_audit_count()
    client.force_login(denied)
    response = client.post(url, data)
    assert response.status_code == status
    assert state() == before
    assert allowed_audit_count() == rows
    client.force_login(allowed)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert state() != before


# --- a denied user cannot save a valid form -----------------------------------------------


def entry_state(entry):
    return lambda: BoardEntry.objects.filter(pk=entry.pk).values_list(
        "version", "status", "social_interventions", "need_text", "review_on"
    )[0]


def test_housing_staff_of_the_teams_other_facility_cannot_save_a_valid_edit(world, client):
    w = world
    entry = w.board_entry
    denied_then_saved(
        client,
        denied=w.housing_staff_a2,
        allowed=w.housing_staff,
        url=reverse("board:entry_edit", args=[entry.pk]),
        data=housing_edit(entry, social_interventions="Gåtur hver morgen."),
        state=entry_state(entry),
    )


def test_other_teams_nurse_cannot_save_a_valid_edit(world, client):
    w = world
    entry = w.board_entry
    denied_then_saved(
        client,
        denied=w.other_team_nurse,
        allowed=w.team_nurse,
        url=reverse("board:entry_edit", args=[entry.pk]),
        data=team_edit(entry, need_text="Sover bedre, men spiser stadig lidt."),
        state=entry_state(entry),
    )


def test_denied_users_cannot_save_a_valid_review_or_take_off(world, client):
    w = world
    entry = w.board_entry
    denied_then_saved(
        client,
        denied=w.housing_staff_a2,
        allowed=w.housing_staff,
        url=reverse("board:entry_review", args=[entry.pk]),
        data={"version": str(entry.version), "next_review_on": days(14).isoformat()},
        state=entry_state(entry),
    )
    entry.refresh_from_db()
    denied_then_saved(
        client,
        denied=w.other_team_nurse,
        allowed=w.team_nurse,
        url=reverse("board:entry_end", args=[entry.pk]),
        data={"version": str(entry.version), "end_reason": "stable", "ending_text": "Stabil."},
        state=entry_state(entry),
    )


def test_housing_staff_of_the_teams_other_facility_cannot_put_on_the_board(world, client):
    w = world
    resident = in_course_at_a1(w)
    denied_then_saved(
        client,
        denied=w.housing_staff_a2,
        allowed=w.housing_staff,
        url=reverse("board:entry_create", args=[resident.pk]),
        data={"criteria": ["early_signs"], "review_on": days(7).isoformat()},
        state=lambda: BoardEntry.objects.filter(resident=resident).count(),
    )


def test_housing_staff_cannot_save_a_team_column_with_an_otherwise_valid_form(world, client):
    w = world
    entry = w.board_entry
    client.force_login(w.housing_staff)
    valid = housing_edit(entry, social_interventions="Fælles morgenmad.")
    response = client.post(
        reverse("board:entry_edit", args=[entry.pk]),
        {**valid, "treatment_interventions": "Overskrevet af botilbuddet"},
    )
    assert response.status_code == 200 and FORM_REFUSED in response.content.decode()
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.version == entry.version
    assert fresh.treatment_interventions == entry.treatment_interventions
    # the service refuses it too, whoever calls it
    with pytest.raises(Exception) as exc:
        services.board_entry_edit(
            user=w.housing_staff,
            entry=entry,
            version=entry.version,
            changes={"treatment_interventions": "Overskrevet", "social_interventions": "x"},
        )
    assert getattr(exc.value, "code", None) == "not_your_columns"
    # the same form without the team's column is saved
    response = client.post(reverse("board:entry_edit", args=[entry.pk]), valid)
    assert response.status_code == 302
    assert BoardEntry.objects.get(pk=entry.pk).social_interventions == "Fælles morgenmad."


def test_denied_users_cannot_save_valid_meeting_and_question_forms(world, client):
    w = world
    meeting = open_meeting(w)
    item = AgendaItem.objects.get(meeting=meeting, resident=w.resident_in_course)
    denied_then_saved(
        client,
        denied=w.housing_staff_a2,
        allowed=w.housing_staff,
        url=reverse("board:item", args=[item.pk]),
        data={"version": str(item.version), "note": "Sover bedre.", "decisions": "Fortsæt."},
        state=lambda: AgendaItem.objects.filter(pk=item.pk).values_list("version", "note")[0],
    )
    denied_then_saved(
        client,
        denied=w.other_team_nurse,
        allowed=w.team_nurse,
        url=reverse("board:question_answer", args=[w.question_open.pk]),
        data={"answer": "Det gik fint."},
        state=lambda: Question.objects.filter(pk=w.question_open.pk).values_list("answer")[0],
    )
    denied_then_saved(
        client,
        denied=w.housing_staff_a2,
        allowed=w.housing_staff,
        url=reverse("board:action_done", args=[w.action_open.pk]),
        data={},
        state=lambda: Action.objects.filter(pk=w.action_open.pk).values_list("done_at")[0],
    )
    denied_then_saved(
        client,
        denied=w.housing_staff_a2,
        allowed=w.housing_leader,
        url=reverse("board:schedule", args=[w.facility_a1.pk]),
        data={"weekday": "2", "starts_at": "13:00", "minutes_per_resident": "10"},
        state=lambda: MeetingSchedule.objects.filter(facility=w.facility_a1).count(),
    )


# --- every service asks the policy and writes one audit row -------------------------------


def _entry_changes(entry, sector, **changes):
    """Every column of the sector's form as the entry holds it, with ``changes`` on top."""
    values = {name: getattr(entry, name) for name in columns.editable(sector)}
    values.update(changes)
    return {k: v for k, v in values.items() if k in columns.editable(sector)}


# name -> (setup(w) -> context, call(user, w, context), denied persona, allowed persona)
SERVICE_CASES = {
    "board_entry_create": (
        lambda w: in_course_at_a1(w),
        lambda user, w, resident: services.board_entry_create(
            user=user, resident=resident, criteria=["other"], review_on=days(7)
        ),
        "housing_staff_a2",
        "housing_staff",
    ),
    "board_entry_update": (
        lambda w: w.board_entry,
        lambda user, w, entry: services.board_entry_update(
            user=user, entry=entry, version=entry.version, changes={"need_text": "Ny tekst"}
        ),
        "housing_staff_a2",
        "housing_staff",
    ),
    "board_entry_edit": (
        lambda w: w.board_entry,
        lambda user, w, entry: services.board_entry_edit(
            user=user,
            entry=entry,
            version=entry.version,
            changes=_entry_changes(entry, "team", need_text="Ny tekst"),
        ),
        "other_team_nurse",
        "team_nurse",
    ),
    "board_entry_review": (
        lambda w: w.board_entry,
        lambda user, w, entry: services.board_entry_review(
            user=user, entry=entry, version=entry.version, next_review_on=days(21)
        ),
        "housing_staff_a2",
        "team_nurse",
    ),
    "board_entry_end": (
        lambda w: w.board_entry,
        lambda user, w, entry: services.board_entry_end(
            user=user,
            entry=entry,
            version=entry.version,
            end_reason="stable",
            ending_text="Stabil.",
        ),
        "housing_staff_a2",
        "housing_staff",
    ),
    "question_ask": (
        lambda w: w.resident_in_course,
        lambda user, w, resident: services.question_ask(
            user=user, resident=resident, kind="question", text="Hvordan går det?"
        ),
        "housing_staff_a2",
        "housing_staff",
    ),
    "question_answer": (
        lambda w: w.question_open,
        lambda user, w, question: services.question_answer(
            user=user, question=question, answer="Godt."
        ),
        "housing_staff_a2",
        "team_nurse",
    ),
    "meeting_open": (
        lambda w: w.facility_a1,
        lambda user, w, facility: services.meeting_open(user=user, facility=facility),
        "housing_staff_a2",
        "housing_staff",
    ),
    "meeting_schedule_set": (
        lambda w: w.facility_a1,
        lambda user, w, facility: services.meeting_schedule_set(
            user=user, facility=facility, weekday=1, starts_at=datetime.time(13, 0)
        ),
        "other_team_nurse",
        "housing_leader",
    ),
    "attendance_set": (
        open_meeting,
        lambda user, w, meeting: services.attendance_set(
            user=user, meeting=meeting, users=[w.team_nurse, w.housing_staff]
        ),
        "housing_staff_a2",
        "team_nurse",
    ),
    "agenda_item_update": (
        lambda w: AgendaItem.objects.get(meeting=open_meeting(w), resident=w.resident_in_course),
        lambda user, w, item: services.agenda_item_update(
            user=user, item=item, version=item.version, note="Notat", decisions="Beslutning"
        ),
        "housing_staff_a2",
        "housing_staff",
    ),
    "action_create": (
        lambda w: AgendaItem.objects.get(meeting=open_meeting(w), resident=w.resident_in_course),
        lambda user, w, item: services.action_create(
            user=user, item=item, text="Ring til lægen.", owner=w.team_nurse, due_on=days(3)
        ),
        "other_team_nurse",
        "team_nurse",
    ),
    "action_done": (
        lambda w: w.action_open,
        lambda user, w, action: services.action_done(user=user, action=action),
        "housing_staff_a2",
        "housing_staff",
    ),
    "meeting_close": (
        open_meeting,
        lambda user, w, meeting: services.meeting_close(user=user, meeting=meeting),
        "housing_staff_a2",
        "team_nurse",
    ),
}


def test_every_writing_service_is_walked():
    public = {
        name
        for name, fn in inspect.getmembers(services, inspect.isfunction)
        if fn.__module__ == services.__name__ and not name.startswith("_")
    }
    # reads and pure helpers, not writes
    assert public - {"build_agenda"} == set(SERVICE_CASES)


@pytest.mark.parametrize("name", sorted(SERVICE_CASES))
def test_service_asks_the_policy_and_writes_one_audit_row(world, name):
    setup, call, denied, allowed = SERVICE_CASES[name]
    w = world
    context = setup(w)
    rows = audit_count()
    with pytest.raises((PermissionDenied, Http404)):
        call(getattr(w, denied), w, context)
    assert audit_count() == rows, "a refused call writes nothing"
    call(getattr(w, allowed), w, context)
    assert audit_count() == rows + 1


# --- holes closed by asking the policy in every service ------------------------------------


def test_housing_staff_without_board_consent_cannot_take_the_entry_off_the_board(world):
    """The service used to ask only for the sector, not for the consent that lets housing
    staff see the entry at all."""
    w = world
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    entry = w.board_entry
    with pytest.raises(PermissionDenied):
        services.board_entry_end(
            user=w.housing_staff,
            entry=entry,
            version=entry.version,
            end_reason="stable",
            ending_text="Taget af tavlen uden samtykke.",
        )
    assert BoardEntry.objects.get(pk=entry.pk).status == EntryStatus.ACTIVE


def test_old_facility_cannot_answer_a_question_after_the_resident_moved(world):
    w = world
    question = services.question_ask(
        user=w.team_nurse, resident=w.resident_in_course, kind="question", text="Sover hun?"
    )
    assert question.direction == QuestionDirection.TO_FACILITY
    move_to_a2(w, w.resident_in_course)
    with pytest.raises(PermissionDenied):
        services.question_answer(user=w.housing_staff, question=question, answer="Ja.")
    assert Question.objects.get(pk=question.pk).answered_at is None


def test_old_facility_cannot_mark_an_action_done_after_the_resident_moved(world, client):
    w = world
    action = w.action_open  # owned by A1's housing staff
    move_to_a2(w, w.resident_in_course)
    client.force_login(w.housing_staff)
    assert client.post(reverse("board:action_done", args=[action.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.action_done(user=w.housing_staff, action=action)
    assert Action.objects.get(pk=action.pk).done_at is None


def test_attendance_is_audited(world):
    w = world
    meeting = open_meeting(w)
    rows = audit_count()
    services.attendance_set(user=w.team_nurse, meeting=meeting, users=[w.housing_staff])
    assert audit_count() == rows + 1
    assert list(Attendance.objects.filter(meeting=meeting).values_list("user", flat=True)) == [
        w.housing_staff.pk
    ]


def test_follow_up_is_audited_even_when_the_next_date_stays(world):
    w = world
    entry = w.board_entry
    rows = audit_count()
    services.board_entry_review(
        user=w.team_nurse, entry=entry, version=entry.version, next_review_on=entry.review_on
    )
    assert audit_count() == rows + 1
    assert BoardEntry.objects.get(pk=entry.pk).last_reviewed_on == TODAY


def test_only_staff_of_the_facility_can_be_its_housing_contact(world):
    w = world
    entry = w.board_entry
    for outsider in (w.housing_staff_a2, w.team_nurse):
        with pytest.raises(Exception) as exc:
            services.board_entry_update(
                user=w.housing_staff,
                entry=entry,
                version=entry.version,
                changes={"housing_contact": outsider},
            )
        assert "housing_contact" in exc.value.message_dict
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=entry.version,
        changes={"housing_contact": w.housing_leader},
    )


# --- the policies answer the three questions -----------------------------------------------


def test_entry_policy_answers_404_403_and_yes(world):
    w = world
    entry = w.board_entry
    assert access.entries.can(w.housing_staff, access.EDIT, entry)
    assert access.entries.can(w.team_mentor, access.EDIT, entry)
    for outsider in (w.housing_staff_a2, w.other_team_nurse, w.other_housing_staff, w.ward_staff):
        assert not access.entries.can(outsider, access.VIEW, entry)
        with pytest.raises(Http404):
            access.entries.get_for_user(outsider, entry.pk, action=access.EDIT)
    assert entry in access.entries.visible(w.housing_staff)
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    assert entry not in access.entries.visible(w.housing_staff)
    assert not access.entries.can(w.housing_staff, access.EDIT, entry)


def test_question_policy_lets_only_the_side_it_was_put_to_answer(world):
    w = world
    question = w.question_open  # asked by housing staff: to the team
    assert access.questions.can(w.team_mentor, access.ANSWER, question)
    assert access.questions.can(w.housing_staff, access.VIEW, question)
    assert not access.questions.can(w.housing_staff, access.ANSWER, question)
    with pytest.raises(PermissionDenied):
        access.questions.get_for_user(w.housing_staff, question.pk, action=access.ANSWER)
    with pytest.raises(Http404):
        access.questions.get_for_user(w.housing_staff_a2, question.pk)


def test_item_policy_refuses_housing_staff_where_consent_does_not_cover_the_board(world):
    w = world
    meeting = open_meeting(w)
    item = AgendaItem.objects.get(meeting=meeting, resident=w.resident_in_course)
    assert access.items.can(w.housing_staff, access.EDIT, item)
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    fresh = AgendaItem.objects.get(pk=item.pk)
    assert access.items.can(w.housing_staff, access.VIEW, fresh)  # the name and reasons
    assert not access.items.can(w.housing_staff, access.EDIT, fresh)
    with pytest.raises(PermissionDenied):
        access.items.get_for_user(w.housing_staff, item.pk, action=access.EDIT)
    with pytest.raises(PermissionDenied):
        services.agenda_item_update(
            user=w.housing_staff, item=fresh, version=fresh.version, note="x", decisions=""
        )


def test_a_caller_cannot_hand_the_service_a_shared_flag(world):
    """Services decide on rows they lock themselves, not on what the caller set."""
    w = world
    meeting = open_meeting(w)
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    item = AgendaItem.objects.get(meeting=meeting, resident=w.resident_in_course)
    item.shared = True
    with pytest.raises(PermissionDenied):
        services.action_create(
            user=w.housing_staff, item=item, text="x", owner=w.housing_staff, due_on=days(2)
        )


def test_board_reads_no_memberships():
    """Who is who comes from the principal (organisation.access), never from Membership."""
    root = pathlib.Path(access.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and ("Membership" in path.read_text() or "memberships__" in path.read_text())
    ]
    assert offenders == []


# --- the merge of concurrent edits ---------------------------------------------------------


def test_edit_merges_concurrent_changes_to_other_columns(world):
    w = world
    entry = w.board_entry
    loaded = entry.version
    typed = _entry_changes(entry, "team", treatment_interventions="Ny dosis.")
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=loaded,
        changes={"social_interventions": "Morgenmedicin sammen.", "goals_short": "Sove"},
    )
    rows = audit_count()
    saved = services.board_entry_edit(user=w.team_nurse, entry=entry, version=loaded, changes=typed)
    assert saved.merged_with == (w.housing_staff.get_full_name(),)
    assert saved.changed == ["treatment_interventions"]
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.treatment_interventions == "Ny dosis."
    assert fresh.social_interventions == "Morgenmedicin sammen."
    assert fresh.goals_short == "Sove"  # the nurse's form held the old text: the saved one stays
    assert fresh.version == loaded + 2
    assert audit_count() == rows + 1


def test_edit_of_the_same_column_is_a_conflict_and_saves_nothing(world):
    w = world
    entry = w.board_entry
    loaded = entry.version
    typed = _entry_changes(entry, "team", others_involved="Far", goals_long="Eget hjem")
    services.board_entry_update(
        user=w.housing_staff, entry=entry, version=loaded, changes={"others_involved": "Mor"}
    )
    rows = audit_count()
    with pytest.raises(services.EditConflict) as exc:
        services.board_entry_edit(user=w.team_nurse, entry=entry, version=loaded, changes=typed)
    assert exc.value.conflicting == ["others_involved"]
    assert exc.value.base["others_involved"] == ""
    assert exc.value.current.others_involved == "Mor"
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.others_involved == "Mor" and fresh.goals_long == entry.goals_long
    assert audit_count() == rows
    # the user chooses the saved text for the conflict: the rest of their changes are saved
    saved = services.board_entry_edit(
        user=w.team_nurse,
        entry=entry,
        version=fresh.version,
        changes=typed,
        keep_saved={"others_involved"},
    )
    assert saved.changed == ["goals_long"]
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.others_involved == "Mor" and fresh.goals_long == "Eget hjem"


def test_same_text_typed_by_both_is_no_conflict(world):
    w = world
    entry = w.board_entry
    loaded = entry.version
    services.board_entry_update(
        user=w.housing_staff, entry=entry, version=loaded, changes={"others_involved": "Mor"}
    )
    typed = _entry_changes(entry, "team", others_involved="Mor")
    saved = services.board_entry_edit(user=w.team_nurse, entry=entry, version=loaded, changes=typed)
    assert saved.changed == []


def test_merge_plan():
    base = {"a": "1", "b": "1", "c": "1"}
    typed = {"a": "2", "b": "1", "c": "3"}
    saved = {"a": "1", "b": "9", "c": "4"}
    assert services._merge_plan(typed, base, saved) == (["a", "c"], ["c"])


# --- the columns, described once -------------------------------------------------------------


def test_columns_describe_every_field_of_the_entry():
    columns.check_against(BoardEntry)

    class Meta:
        concrete_fields = [*BoardEntry._meta.concrete_fields]

    class Extended:
        _meta = Meta

    from django.db import models

    extra = models.TextField(name="secret_notes")
    extra.name = "secret_notes"
    Meta.concrete_fields.append(extra)
    with pytest.raises(ImportError, match="secret_notes"):
        columns.check_against(Extended)


def test_sectors_and_consent_come_from_the_columns(world):
    assert columns.TEAM_FIELDS == ("treatment_interventions",)
    assert columns.FACILITY_FIELDS == ("housing_contact", "social_interventions")
    assert columns.CATEGORY == {
        "goals_short": "goals",
        "goals_long": "goals",
        "resident_goals": "goals",
        "treatment_interventions": "plans",
    }
    w = world
    # the world's consent covers board and goals: the team's treatment column is withheld
    assert access.writable_columns(w.housing_staff, "facility", w.resident_in_course) == (
        "housing_contact",
        "others_involved",
        "criteria",
        "need_text",
        "goals_short",
        "goals_long",
        "resident_goals",
        "resident_informed",
        "social_interventions",
        "review_on",
    )
    assert access.writable_columns(w.team_nurse, "team", w.resident_in_course) == tuple(
        k for k in columns.FORM_COLUMNS if k not in columns.FACILITY_FIELDS
    )


def test_pages_derive_their_columns_and_labels_from_the_descriptions(world, client):
    from board.forms import EntryForm
    from board.views.entries import columns_for
    from board.views.meetings import _entry_rows

    w = world
    writable = access.writable_columns(w.team_nurse, "team", w.resident_in_course)
    form = EntryForm(writable=writable, facility=w.facility_a1)
    assert list(form.fields) == list(writable)
    assert [str(form.fields[k].label) for k in writable] == [
        str(columns.label(k)) for k in writable
    ]
    table = [c.key for c in columns_for(compact=False, team_board=True)]
    assert table == [c.key for c in columns.TABLE_COLUMNS] + ["flags", "actions"]
    compact = [c.key for c in columns_for(compact=True, team_board=False)]
    assert compact == [
        c.key for c in columns.TABLE_COLUMNS if c.compact and not c.team_board_only
    ] + ["flags", "actions"]
    from board.selectors import get_entry_for_user

    entry = get_entry_for_user(w.team_nurse, w.board_entry.pk)
    assert [r["label"] for r in _entry_rows(entry)] == [
        columns.label(k) for k in columns.DETAIL_COLUMNS
    ]
    client.force_login(w.team_nurse)
    history = client.get(reverse("board:history", args=[w.resident_in_course.pk]))
    body = history.content.decode()
    positions = [body.index(f"<dt>{columns.label(k)}</dt>") for k in columns.DETAIL_COLUMNS]
    assert positions == sorted(positions)


def test_prefill_takes_only_the_columns_that_accept_a_starting_value(client):
    assert columns.PREFILL_COLUMNS == ("criteria", "need_text")
    session = {}
    with pytest.raises(ValueError):
        prefill.store(session, 1, criteria=["other"], treatment_interventions="x")
    prefill.store(session, 1, criteria=["nonsense", "crisis_red", "admissions"], need_text="Uro")
    assert prefill.initial(session, 1) == {
        "criteria": ["admissions", "crisis_red"],
        "need_text": "Uro",
    }
    session[prefill.SESSION_KEY]["1"]["social_interventions"] = "smuglet ind"
    assert "social_interventions" not in prefill.initial(session, 1)


def test_closed_meeting_state_is_not_a_permission(world):
    """A closed meeting refuses writes as a state (409 on the pages), for those allowed."""
    from lib.errors import TransitionError

    w = world
    meeting = w.meeting_closed
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert access.meetings.can(w.housing_staff, access.EDIT, meeting)
    with pytest.raises(TransitionError):
        services.attendance_set(user=w.team_nurse, meeting=meeting, users=[])
    with pytest.raises(PermissionDenied):
        services.attendance_set(user=w.housing_staff_a2, meeting=meeting, users=[])
