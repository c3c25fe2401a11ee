"""Every read of the board, meetings and questions, scoped to the user and redacted in the data
layer. Who may see what is ``board.access`` (the policies); this module shapes what they allow
into pages: housing staff get entries only where the resident's consent covers the board, and
columns whose category the consent does not cover arrive blanked, listed in
``entry.withheld``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from . import access
from .models import (
    Action,
    AgendaItem,
    Attendance,
    BoardEntry,
    BoardEntryChange,
    EntryStatus,
    Meeting,
    MeetingStatus,
    Question,
    Sector,
)


def entries_visible_to(user) -> QuerySet[BoardEntry]:
    """The board entries the user may see (``board.access.entries``)."""
    return access.entries.visible(user)


def _with_details(qs: QuerySet[BoardEntry]) -> QuerySet[BoardEntry]:
    return access.entries.with_details(qs)


def redact(user, entries) -> list[BoardEntry]:
    """Blank the columns the viewer may not see; list them in ``entry.withheld``."""
    entries = list(entries)
    withheld = access.entries.withheld(user, entries)
    for entry in entries:
        entry.withheld = set(withheld[entry.pk])
        for field in entry.withheld:
            setattr(entry, field, "")
    return entries


@dataclass(frozen=True)
class BoardFilter:
    facility_id: int | None = None
    contact_id: int | None = None
    criterion: str | None = None
    sort: str = "facility"  # facility | days | review


SORTS = {
    "facility": lambda e: (e.facility.name, e.resident.last_name, e.resident.first_name, e.pk),
    "days": lambda e: (-e.days_on_board(), e.pk),
    "review": lambda e: (e.review_on, e.pk),
}


def board_entries_qs(
    user, *, team_ids=None, facility_ids=None, flt: BoardFilter | None = None
) -> QuerySet[BoardEntry]:
    """The active entries a board page shows, filtered (not yet sorted nor redacted): what
    ``board_entries`` loads and ``board.fingerprint`` summarises for the page's poll."""
    flt = flt or BoardFilter()
    qs = entries_visible_to(user).filter(status=EntryStatus.ACTIVE)
    if team_ids is not None:
        qs = qs.filter(team_id__in=team_ids)
    if facility_ids is not None:
        qs = qs.filter(facility_id__in=facility_ids)
    if flt.facility_id:
        qs = qs.filter(facility_id=flt.facility_id)
    if flt.contact_id:
        qs = qs.filter(
            Q(course__team_contacts=flt.contact_id) | Q(housing_contact_id=flt.contact_id)
        )
    if flt.criterion:  # JSONB containment: ``criteria @> '["code"]'``, one whole code
        qs = qs.filter(criteria__contains=[flt.criterion])
    return qs


def board_entries(user, *, team_ids=None, facility_ids=None, flt: BoardFilter | None = None):
    """Active entries for a board page, filtered, sorted and redacted (constant queries)."""
    flt = flt or BoardFilter()
    qs = board_entries_qs(user, team_ids=team_ids, facility_ids=facility_ids, flt=flt)
    entries = list(_with_details(qs))
    entries.sort(key=SORTS.get(flt.sort, SORTS["facility"]))
    return redact(user, entries)


def get_entry_for_user(user, pk: int, *, action: str = access.VIEW) -> BoardEntry:
    """The entry as the pages show it (redacted): 404 if the user may not see it, 403 if they
    may see but not do ``action``."""
    return redact(user, [access.entries.get_for_user(user, pk, action=action)])[0]


def entry_history(user, resident) -> list[BoardEntry]:
    """All entries (current and earlier) of one resident that the user may see, with changes."""
    qs = (
        entries_visible_to(user)
        .filter(resident=resident)
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=BoardEntryChange.objects.select_related("changed_by").order_by(
                    "-version", "-id"
                ),
                to_attr="change_list",
            )
        )
        .order_by("-placed_on", "-id")
    )
    entries: list[Any] = redact(user, _with_details(qs))  # with the prefetched change_list
    for entry in entries:
        # the history of a withheld column would show its text: leave those rows out
        entry.change_list = [c for c in entry.change_list if c.field not in entry.withheld]
    return entries


def entry_values_at(entry: BoardEntry, version: int, fields) -> dict[str, str]:
    """The text of ``fields`` as they were saved at ``version`` (from the change rows): the
    common ancestor when two people edited the same entry at the same time."""
    values = dict.fromkeys(fields, "")
    rows = (
        BoardEntryChange.objects.filter(entry=entry, version__lte=version, field__in=list(fields))
        .order_by("version", "id")
        .values_list("field", "new_value")
    )
    for field, value in rows:
        values[field] = value
    return values


def resident_minutes(user, resident) -> QuerySet[AgendaItem]:
    """What closed meetings said about this resident, as far as the user may see it
    (``board.access.items.shared_about``)."""
    return (
        access.items.shared_about(user, resident)
        .filter(meeting__status=MeetingStatus.CLOSED)
        .select_related("meeting", "meeting__facility")
        .order_by("-meeting__held_on", "-meeting_id")
    )


def flags(entry: BoardEntry, *, today: datetime.date | None = None) -> list[str]:
    """Why an entry needs attention: past its review date, or long on the board."""
    today = today or timezone.localdate()
    found = []
    if entry.review_overdue(today):
        found.append("review_overdue")
    if entry.days_on_board(today) > 7 * entry.team.board_flag_weeks:
        found.append("long_on_board")
    return found


# --- meetings and questions ---------------------------------------------------------------


def open_questions(user, *, facility_id: int | None = None) -> QuerySet[Question]:
    qs = access.questions.visible(user).filter(answered_at__isnull=True)
    if facility_id is not None:
        qs = qs.filter(facility_id=facility_id)
    return qs.select_related("resident", "facility", "asked_by").order_by("asked_at", "id")


def open_actions(user, *, facility_id: int | None = None) -> QuerySet[Action]:
    qs = access.actions.visible(user).filter(done_at__isnull=True)
    if facility_id is not None:
        qs = qs.filter(facility_id=facility_id)
    return qs.select_related("resident", "owner", "meeting").order_by("due_on", "id")


# --- meeting mode ---------------------------------------------------------------------------


def meeting_items(user, meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, with ``shared`` set per item."""
    return access.items.of_meeting(user, meeting)


def item_entry(user, item: AgendaItem) -> BoardEntry | None:
    """The item's board entry as the board shows it to this user (redacted), or None."""
    if item.entry_id is None or not item.shared:
        return None
    entry = _with_details(entries_visible_to(user)).filter(pk=item.entry_id).first()
    return redact(user, [entry])[0] if entry is not None else None


def _meeting_end(meeting: Meeting) -> datetime.datetime:
    return meeting.closed_at or timezone.now()


def item_actions(item: AgendaItem) -> list[Action]:
    """Actions about the item's resident at the facility: still open, or agreed at this
    meeting. Where the item is not shared, only those owned by the housing side."""
    meeting = item.meeting
    qs = (
        Action.objects.filter(facility_id=meeting.facility_id, resident_id=item.resident_id)
        .filter(Q(done_at__isnull=True) | Q(meeting_id=meeting.pk))
        .select_related("owner", "done_by", "meeting")
        .order_by("due_on", "id")
    )
    if not item.shared:
        qs = qs.filter(owner_sector=Sector.FACILITY)
    return list(qs)


def item_questions(item: AgendaItem) -> list[Question]:
    """Questions and updates about the item's resident: open ones, and those answered while the
    meeting was open. Both sectors are party to every question, so they are never withheld."""
    meeting = item.meeting
    return list(
        Question.objects.filter(facility_id=meeting.facility_id, resident_id=item.resident_id)
        .filter(
            Q(answered_at__isnull=True)
            | Q(answered_at__gte=meeting.opened_at, answered_at__lte=_meeting_end(meeting))
        )
        .select_related("asked_by", "answered_by")
        .order_by("asked_at", "id")
    )


def meeting_attendance(meeting: Meeting) -> dict[str, list]:
    """Who took part, by sector ("team", "facility")."""
    by_sector: dict[str, list] = {Sector.TEAM: [], Sector.FACILITY: []}
    rows = (
        Attendance.objects.filter(meeting=meeting)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )
    for row in rows:
        by_sector.setdefault(row.sector, []).append(row.user)
    return by_sector


def meeting_minutes(user, meeting: Meeting) -> dict:
    """Everything the minutes show, in constant queries: the agenda with per item the actions
    agreed at the meeting or done while it was open, and the questions answered meanwhile.
    Items the viewer may not see keep only the housing side's actions."""
    items = meeting_items(user, meeting)
    end = _meeting_end(meeting)
    actions = (
        Action.objects.filter(facility_id=meeting.facility_id)
        .filter(Q(meeting_id=meeting.pk) | Q(done_at__gte=meeting.opened_at, done_at__lte=end))
        .select_related("owner", "done_by")
        .order_by("due_on", "id")
    )
    questions = (
        Question.objects.filter(
            facility_id=meeting.facility_id,
            answered_at__gte=meeting.opened_at,
            answered_at__lte=end,
        )
        .select_related("resident", "asked_by", "answered_by")
        .order_by("answered_at", "id")
    )
    by_resident = {item.resident_id: item for item in items}
    last_day = timezone.localdate(end)
    item: AgendaItem | None
    for item in items:
        item.minute_actions, item.minute_questions = [], []
        # taken off the board while the meeting was open (the afslutning is a board column)
        ended_on = item.entry.ended_on if item.entry is not None else None
        item.ended_at_meeting = (
            item.shared and ended_on is not None and meeting.held_on <= ended_on <= last_day
        )
    for action in actions:
        item = by_resident.get(action.resident_id)
        if item is not None and (item.shared or action.owner_sector == Sector.FACILITY):
            item.minute_actions.append(action)
    other_questions: list[Question] = []
    for question in questions:
        item = by_resident.get(question.resident_id)
        (item.minute_questions if item is not None else other_questions).append(question)
    return {
        "items": items,
        "attendance": meeting_attendance(meeting),
        "other_questions": other_questions,
    }
