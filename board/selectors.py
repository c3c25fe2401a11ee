"""Every read of the board, meetings and questions, scoped to the user and redacted in the data
layer: housing staff get entries only where the resident's consent covers the board, and
columns whose category the consent does not cover arrive blanked, listed in
``entry.withheld``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from consent.selectors import refusal_exists, shared_categories_bulk, sharing_exists
from organisation.access import principal_for, require
from residents.models import Residence

from .models import (
    FIELD_CATEGORY,
    Action,
    AgendaItem,
    Attendance,
    BoardEntry,
    EntryStatus,
    Meeting,
    Question,
    Sector,
)


def sector_for(user, *, team_id: int | None = None, facility_id: int | None = None) -> str | None:
    """The user's sector for this team or facility: "team", "facility" or None."""
    principal = principal_for(user)
    if team_id is not None and team_id in principal.team_ids:
        return Sector.TEAM
    if facility_id is not None and facility_id in principal.facility_ids:
        return Sector.FACILITY
    return None


def _shares(category: str):
    return sharing_exists(category) & ~refusal_exists(category)


def entries_visible_to(user) -> QuerySet[BoardEntry]:
    """Team staff: their team's entries. Housing staff: entries at their facility of residents
    who live there now and whose active consent lets the facility see the board."""
    principal = principal_for(user)
    condition = Q(pk__in=[])
    if principal.team_ids:
        condition |= Q(team_id__in=principal.team_ids)
    if principal.facility_ids:
        condition |= (
            Q(facility_id__in=principal.facility_ids)
            & Q(
                resident__residences__facility_id=F("facility_id"),
                resident__residences__moved_out__isnull=True,
            )
            & Q(_shares("board"))
        )
    return BoardEntry.objects.filter(condition).distinct()


def _with_details(qs: QuerySet[BoardEntry]) -> QuerySet[BoardEntry]:
    return qs.select_related(
        "resident", "facility", "housing_contact", "course__responsible_doctor", "team"
    ).prefetch_related("course__team_contacts")


def redact(user, entries) -> list[BoardEntry]:
    """Blank the columns the viewer may not see; list them in ``entry.withheld``."""
    entries = list(entries)
    principal = principal_for(user)
    need_check = [e for e in entries if e.team_id not in principal.team_ids]
    shared = shared_categories_bulk(need_check)
    for entry in entries:
        entry.withheld = set()
        if entry.team_id in principal.team_ids:
            continue
        allowed = shared.get(entry.pk, frozenset())
        for field, category in FIELD_CATEGORY.items():
            if category not in allowed:
                setattr(entry, field, "")
                entry.withheld.add(field)
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


def board_entries(user, *, team_ids=None, facility_ids=None, flt: BoardFilter | None = None):
    """Active entries for a board page, filtered, sorted and redacted (constant queries)."""
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
    entries = list(_with_details(qs))
    if flt.criterion:
        entries = [e for e in entries if flt.criterion in e.criteria]
    entries.sort(key=SORTS.get(flt.sort, SORTS["facility"]))
    return redact(user, entries)


def get_entry_for_user(user, pk: int, *, write: bool = False) -> BoardEntry:
    entry = _with_details(entries_visible_to(user)).filter(pk=pk).first()
    require(entry is not None)
    if write and entry.status != EntryStatus.ACTIVE:
        raise PermissionDenied
    return redact(user, [entry])[0]


def entry_history(user, resident) -> list[BoardEntry]:
    """All entries (current and earlier) of one resident that the user may see, with changes."""
    from .models import BoardEntryChange

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
    entries = redact(user, _with_details(qs))
    for entry in entries:
        # the history of a withheld column would show its text: leave those rows out
        entry.change_list = [c for c in entry.change_list if c.field not in entry.withheld]
    return entries


def entry_values_at(entry: BoardEntry, version: int, fields) -> dict[str, str]:
    """The text of ``fields`` as they were saved at ``version`` (from the change rows): the
    common ancestor when two people edited the same entry at the same time."""
    from .models import BoardEntryChange

    values = dict.fromkeys(fields, "")
    rows = (
        BoardEntryChange.objects.filter(entry=entry, version__lte=version, field__in=list(fields))
        .order_by("version", "id")
        .values_list("field", "new_value")
    )
    for field, value in rows:
        values[field] = value
    return values


@dataclass(frozen=True)
class Placement:
    """Whether and by whom a resident can be put on a board: the active course, the user's
    sector for its facility, the active entry the user can see (if any), and whether the
    resident's consent lets housing staff see the board."""

    course: object | None
    sector: str | None
    active_entry: BoardEntry | None
    board_shared: bool

    @property
    def can_place(self) -> bool:
        return (
            self.course is not None
            and self.sector is not None
            and self.active_entry is None
            and (self.sector == Sector.TEAM or self.board_shared)
        )


def placement_for(user, resident) -> Placement:
    """For the "put on the board" page and link. ``resident`` has passed its gatekeeper."""
    from consent.selectors import shared_categories
    from courses.models import Course, CourseStatus

    course = (
        Course.objects.filter(resident=resident, status=CourseStatus.ACTIVE)
        .select_related("team", "facility", "responsible_doctor", "facility_contact")
        .prefetch_related("team_contacts")
        .first()
    )
    if course is None:
        return Placement(None, None, None, False)
    sector = sector_for(user, team_id=course.facility.team_id, facility_id=course.facility_id)
    if sector is None:
        return Placement(course, None, None, False)
    shared = sector == Sector.TEAM or "board" in shared_categories(user, resident)
    active = (
        entries_visible_to(user).filter(resident=resident, status=EntryStatus.ACTIVE).first()
        if shared
        else None
    )
    return Placement(course, sector, active, shared)


def resident_minutes(user, resident) -> QuerySet:
    """What closed meetings said about this resident: the team's meetings for team staff;
    for housing staff, meetings at their facility while the consent covers the board."""
    from consent.selectors import shared_categories

    from .models import AgendaItem, MeetingStatus

    principal = principal_for(user)
    condition = Q(pk__in=[])
    if principal.team_ids:
        condition |= Q(meeting__team_id__in=principal.team_ids)
    living_at = {r.facility_id for r in getattr(resident, "current_residences", [])}
    own = living_at & principal.facility_ids
    if own and "board" in shared_categories(user, resident):
        condition |= Q(meeting__facility_id__in=own)
    return (
        AgendaItem.objects.filter(condition)
        .filter(resident=resident, meeting__status=MeetingStatus.CLOSED)
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


def may_use_facility_board(user, facility) -> str:
    """The user's sector for this facility's board and meetings; 404 for everyone else."""
    sector = sector_for(user, team_id=facility.team_id, facility_id=facility.pk)
    require(sector is not None)
    return sector


def meetings_visible_to(user) -> QuerySet[Meeting]:
    principal = principal_for(user)
    return Meeting.objects.filter(
        Q(team_id__in=principal.team_ids) | Q(facility_id__in=principal.facility_ids)
    )


def get_meeting_for_user(user, pk: int) -> Meeting:
    meeting = meetings_visible_to(user).select_related("facility", "team").filter(pk=pk).first()
    require(meeting is not None)
    return meeting


def _lives_there(principal) -> Q:
    """Housing staff: rows of their facility about residents who still live there (a resident
    who moves out drops out of the old facility's lists on the next request)."""
    return Q(
        facility_id__in=principal.facility_ids,
        resident__in=Residence.objects.filter(
            facility_id=OuterRef("facility_id"), moved_out__isnull=True
        ).values("resident_id"),
    )


def questions_visible_to(user) -> QuerySet[Question]:
    principal = principal_for(user)
    return Question.objects.filter(Q(team_id__in=principal.team_ids) | _lives_there(principal))


def open_questions(user, *, facility_id: int | None = None) -> QuerySet[Question]:
    qs = questions_visible_to(user).filter(answered_at__isnull=True)
    if facility_id is not None:
        qs = qs.filter(facility_id=facility_id)
    return qs.select_related("resident", "facility", "asked_by").order_by("asked_at", "id")


def get_question_for_user(user, pk: int) -> Question:
    question = (
        questions_visible_to(user)
        .select_related("resident", "facility", "asked_by", "answered_by")
        .filter(pk=pk)
        .first()
    )
    require(question is not None)
    return question


def open_actions(user, *, facility_id: int | None = None) -> QuerySet[Action]:
    principal = principal_for(user)
    qs = Action.objects.filter(done_at__isnull=True).filter(
        Q(facility__team_id__in=principal.team_ids) | _lives_there(principal)
    )
    if facility_id is not None:
        qs = qs.filter(facility_id=facility_id)
    return qs.select_related("resident", "owner", "meeting").order_by("due_on", "id")


# --- meeting mode ---------------------------------------------------------------------------


def item_access(user, meeting: Meeting, items) -> None:
    """Set ``item.shared`` on agenda items: may the viewer see the item's board content (entry,
    note, decisions, the team's actions)? Team staff: always. Housing staff: where the resident
    lives at the facility and an active consent lets it see the board, as on the board itself.
    Constant queries for any number of items."""
    items = list(items)
    if meeting.team_id in principal_for(user).team_ids:
        for item in items:
            item.shared = True
        return
    living = set(
        Residence.objects.filter(
            resident_id__in=[i.resident_id for i in items],
            facility_id=meeting.facility_id,
            moved_out__isnull=True,
        ).values_list("resident_id", flat=True)
    )
    for item in items:
        item.facility_id = meeting.facility_id  # what shared_categories_bulk reads
    shared = shared_categories_bulk(items)
    for item in items:
        item.shared = item.resident_id in living and "board" in shared.get(item.pk, frozenset())


def meeting_items(user, meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, with ``shared`` set per item."""
    items = list(meeting.items.select_related("resident", "entry").order_by("position", "id"))
    for item in items:
        item.meeting = meeting
    item_access(user, meeting, items)
    return items


def get_item_for_user(user, pk: int) -> AgendaItem:
    """An agenda item of a meeting the user may see (404 otherwise), with ``shared`` set."""
    item = (
        AgendaItem.objects.filter(meeting__in=meetings_visible_to(user))
        .select_related("meeting__facility", "meeting__team", "resident")
        .filter(pk=pk)
        .first()
    )
    require(item is not None)
    item_access(user, item.meeting, [item])
    return item


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
    other_questions = []
    for question in questions:
        item = by_resident.get(question.resident_id)
        (item.minute_questions if item is not None else other_questions).append(question)
    return {
        "items": items,
        "attendance": meeting_attendance(meeting),
        "other_questions": other_questions,
    }


def get_action_for_user(user, pk: int) -> Action:
    """An action at a facility the user works with (404 otherwise). Housing staff see the
    team's actions only where the resident's consent covers the board."""
    from consent.selectors import shared_categories

    principal = principal_for(user)
    action = (
        Action.objects.filter(
            Q(facility__team_id__in=principal.team_ids) | Q(facility_id__in=principal.facility_ids)
        )
        .select_related("facility", "resident", "owner", "meeting")
        .filter(pk=pk)
        .first()
    )
    require(action is not None)
    if action.facility.team_id not in principal.team_ids and action.owner_sector != Sector.FACILITY:
        require("board" in shared_categories(user, action.resident))
    return action
