"""Who may see and do what on the board: one policy per resource (board entries, questions,
meetings, agenda items, actions), and the two rules they share.

- **Sector.** A facility's board is used by the staff of the team that serves it and by the
  facility's own housing staff (``organisation.access.can_facility(..., FACILITY_ACT, ...)``);
  ``sector()`` says which side the user writes for. Nobody else sees the board (404).
- **Now, not history.** An entry is written (columns, follow-up) only while it is current:
  its course is the resident's active course and the resident lives at the entry's facility;
  then by the course's team and that facility's housing staff. A stale entry (course ended,
  resident moved away) can only be taken off the board, by a user of its board; and when the
  resident is put on a board in a new course, the stale entry is taken off by itself
  ("course_ended"), so a team never learns of, nor is blocked by, an entry it cannot see. A
  question is answered only while the resident lives at its facility.
- **Consent.** Housing staff see a resident's board content only while the resident lives at
  the facility and an active consent to it covers the board; columns whose consent category
  (``board.columns``) is not covered are withheld, and what they may not see they may not
  write. The consent rule itself is ``consent.rules``; this module only applies it.

Each policy answers the three questions of CONVENTIONS.md: ``visible(user)`` (a queryset),
``get_for_user(user, pk, *, action)`` (404 when not visible, 403 when visible but not allowed),
``can(user, action, obj)``; services call ``require(user, action, obj)``, which raises
PermissionDenied, so a service called directly by someone not allowed changes nothing.
A state that forbids a step (an ended entry, a closed meeting, an answered question) is not a
permission: services refuse it as a TransitionError and the pages say why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from consent.models import Category
from consent.rules import shares_q
from consent.selectors import shared_categories, shared_categories_bulk
from courses.models import Course, CourseStatus
from organisation.access import (
    FACILITY_ACT,
    FACILITY_STAFF,
    TEAM_MEMBER,
    can_facility,
    can_team,
    found,
    principal_for,
    require,
)
from organisation.models import Facility
from residents.models import Residence

from . import columns
from .models import (
    Action,
    AgendaItem,
    BoardEntry,
    EntryStatus,
    Meeting,
    Question,
    QuestionDirection,
    Sector,
)

VIEW = "view"
EDIT = "edit"  # entries: write columns, follow up; meetings: run; items: note, actions
END = "end"  # entries: take off the board
ANSWER = "answer"  # questions: the side a question was put to answers it
DONE = "done"  # actions: mark done


# --- the shared rules -------------------------------------------------------------------------


def sector(user, facility) -> str | None:
    """The user's side of this facility's board: "team" (staff of the team that serves it),
    "facility" (its own housing staff) or None (not a user of this board)."""
    if facility is None or not can_facility(user, FACILITY_ACT, facility):
        return None
    return Sector.TEAM if can_team(user, TEAM_MEMBER, facility.team_id) else Sector.FACILITY


def facility_board_sector(user, facility) -> str:
    """For the facility's board, questions and meetings pages: the sector, or 404."""
    return found(sector(user, facility))


def require_sector(user, facility) -> str:
    """For services acting on a facility's board: the sector, or PermissionDenied."""
    found = sector(user, facility)
    if found is None:
        raise PermissionDenied
    return found


def home_board(user) -> tuple[str, int] | None:
    """The board the menu opens: (Sector.TEAM, the first of the user's teams) for team staff,
    else (Sector.FACILITY, the first of their facilities) for housing staff, else None."""
    p = principal_for(user)
    if p.team_ids:
        return Sector.TEAM, min(p.team_ids)
    if p.facility_ids:
        return Sector.FACILITY, min(p.facility_ids)
    return None


def is_facility_staff(user, facility) -> bool:
    """Works at the facility (a housing contact, the owner of an action)."""
    return can_facility(user, FACILITY_STAFF, facility)


def _shares_board() -> Q:
    """Rows (with ``resident_id`` and ``facility_id``) whose resident's consent lets that
    facility see the board."""
    return shares_q(Category.BOARD)


def _lives_there(principal) -> Q:
    """Rows of the user's facilities about residents who live there now (a resident who moves
    out drops out of the old facility's lists on the next request)."""
    return Q(
        facility_id__in=principal.facility_ids,
        resident__in=Residence.objects.filter(
            facility_id=OuterRef("facility_id"), moved_out__isnull=True
        ).values("resident_id"),
    )


def lives_at(resident_id: int, facility_id: int) -> bool:
    """The resident lives at this facility now."""
    return Residence.objects.filter(
        resident_id=resident_id, facility_id=facility_id, moved_out__isnull=True
    ).exists()


def current_q() -> Q:
    """``is_current`` in SQL, for lists: the board's "Ret" and "Følg op" links."""
    lives_there = Residence.objects.filter(
        resident_id=OuterRef("resident_id"),
        facility_id=OuterRef("facility_id"),
        moved_out__isnull=True,
    )
    return Q(course__status=CourseStatus.ACTIVE) & Q(Exists(lives_there))


def is_current(entry: BoardEntry) -> bool:
    """An entry that may still be written: its course is active (the resident's one active
    course) and the resident lives at the entry's facility now. Otherwise it is stale: the
    course ended or the resident moved away, and it can only be taken off the board."""
    return entry.course.status == CourseStatus.ACTIVE and lives_at(
        entry.resident_id, entry.facility_id
    )


def withheld_columns(user, sector_: str | None, resident) -> frozenset[str]:
    """Columns the user may not see (nor write) about this resident: for housing staff, those
    whose consent category the resident's consent does not cover."""
    if sector_ == Sector.TEAM:
        return frozenset()
    return columns.withheld(shared_categories(user, resident))


def writable_columns(user, sector_: str | None, resident) -> tuple[str, ...]:
    """The entry form's columns this user writes about this resident, in the board's order."""
    allowed = columns.editable(sector_) - withheld_columns(user, sector_, resident)
    return tuple(key for key in columns.FORM_COLUMNS if key in allowed)


# --- putting a resident on the board -----------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Whether and by whom a resident can be put on a board: the active course, the user's
    sector for its facility, the active entry the user can see (if any), and whether the
    resident's consent lets housing staff see the board."""

    course: Course | None
    sector: str | None
    active_entry: BoardEntry | None
    board_shared: bool

    @property
    def can_place(self) -> bool:
        return (
            self.course is not None
            and self.sector is not None
            and self.active_entry is None
            and self.board_shared
        )


def place_sector(user, resident, course) -> str | None:
    """The sector in which the user may put the resident (in ``course``, active) on the board
    of the course's facility: a user of that board; housing staff only where the resident's
    consent covers the board. None: they may not."""
    found = sector(user, course.facility)
    if found == Sector.FACILITY and Category.BOARD not in shared_categories(user, resident):
        return None
    return found


def placement_for(user, resident) -> Placement:
    """For the "put on the board" page and links. ``resident`` has passed its gatekeeper."""
    course = (
        Course.objects.filter(resident=resident, status=CourseStatus.ACTIVE)
        .select_related("team", "facility", "responsible_doctor", "facility_contact")
        .prefetch_related("team_contacts")
        .first()
    )
    if course is None:
        return Placement(None, None, None, False)
    found = sector(user, course.facility)
    if found is None:
        return Placement(course, None, None, False)
    shared = place_sector(user, resident, course) is not None
    # only the entry of this course counts: an older entry is stale and is taken off by itself
    # when the resident is placed (``board.services.board_entry_create``)
    active = (
        entries.visible(user)
        .filter(resident=resident, course=course, status=EntryStatus.ACTIVE)
        .first()
        if shared
        else None
    )
    return Placement(course, found, active, shared)


def ask_sector(user, resident) -> tuple[Facility | None, str | None]:
    """(the facility the resident lives at, the user's sector there) for leaving a question or
    an update about the resident; the sector is None where the user may not."""
    residence = next(iter(getattr(resident, "current_residences", None) or []), None)
    if residence is None:
        residence = (
            Residence.objects.filter(resident=resident, moved_out__isnull=True)
            .select_related("facility")
            .first()
        )
    facility = residence.facility if residence is not None else None
    if facility is None or facility.team_id is None:
        return facility, None
    return facility, sector(user, facility)


def can_see_history(user, resident) -> bool:
    """The resident's board history page (``resident`` has passed its gatekeeper): for team and
    housing staff; it lists only the entries and minutes the policies let them see."""
    principal = principal_for(user)
    return principal.is_team_staff or principal.is_facility_staff


# --- the policies -----------------------------------------------------------------------------


class _Policy:
    """visible / get_for_user / can / require for one model. Subclasses say what is visible
    (``visible``), how a page loads one (``with_details``) and what a visible object allows
    (``_allows``)."""

    actions: frozenset[str] = frozenset({VIEW})

    def visible(self, user) -> QuerySet:
        raise NotImplementedError

    def with_details(self, qs: QuerySet) -> QuerySet:
        return qs

    def _prepare(self, user, obj) -> None:
        """Per-object facts the rules need (agenda items: ``shared``)."""

    def _allows(self, user, action: str, obj) -> bool:
        """``action`` on an object the user sees."""
        raise NotImplementedError

    def _check_action(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r}")

    def _mark(self, user, obj) -> None:
        """Remember that this user got ``obj`` through this policy (so ``can`` need not ask
        the database again whether they see it)."""
        obj._board_seen_by = (type(self).__name__, user.pk)

    def _seen(self, user, obj) -> bool:
        return getattr(obj, "_board_seen_by", None) == (type(self).__name__, user.pk)

    def get_for_user(self, user, pk: int, *, action: str = VIEW):
        """The object for this action: 404 if the user may not see it, 403 if they may see
        but not do it."""
        self._check_action(action)
        obj = self.with_details(self.visible(user)).filter(pk=pk).first()
        require(obj is not None)
        self._prepare(user, obj)
        self._mark(user, obj)
        if action != VIEW and not self._allows(user, action, obj):
            raise PermissionDenied
        return obj

    def can(self, user, action: str, obj) -> bool:
        self._check_action(action)
        if obj is None:
            return False
        if not self._seen(user, obj):
            if not self.visible(user).filter(pk=obj.pk).exists():
                return False
            self._prepare(user, obj)
            self._mark(user, obj)
        return action == VIEW or self._allows(user, action, obj)

    def require(self, user, action: str, obj) -> None:
        """For services: PermissionDenied unless the user may."""
        if not self.can(user, action, obj):
            raise PermissionDenied


class EntryPolicy(_Policy):
    """Board entries. Team staff: their team's entries. Housing staff: entries at their
    facility of residents who live there now and whose consent lets the facility see the board.
    EDIT (write the sector's columns, follow up): only a current entry (``is_current``), by
    the course's team (team side) or the housing staff of the entry's facility, where the
    resident lives now (facility side). END (take off): a user of the facility's board, also
    on a stale entry (taking off only ever reduces). Which columns: ``writable_columns``."""

    actions = frozenset({VIEW, EDIT, END})

    def visible(self, user) -> QuerySet[BoardEntry]:
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
                & _shares_board()
            )
        return (
            BoardEntry.objects.filter(condition)
            .distinct()
            .annotate(is_current=ExpressionWrapper(current_q(), output_field=BooleanField()))
        )

    def with_details(self, qs):
        return qs.select_related(
            "resident", "facility", "housing_contact", "course__responsible_doctor", "team"
        ).prefetch_related("course__team_contacts")

    def _allows(self, user, action, obj) -> bool:
        found = sector(user, obj.facility)
        if found is None:
            return False
        if action == END:
            return True
        if not is_current(obj):
            return False
        if found == Sector.TEAM:
            return can_team(user, TEAM_MEMBER, obj.course.team_id)
        return True

    def withheld(self, user, entries) -> dict[int, frozenset[str]]:
        """entry pk -> the columns the user may not see in it (constant queries): nothing for
        the entry's team; for housing staff, the columns their consent does not cover."""
        entries = list(entries)
        team_ids = principal_for(user).team_ids
        others = [e for e in entries if e.team_id not in team_ids]
        shared = shared_categories_bulk(others)
        result: dict[int, frozenset[str]] = dict.fromkeys((e.pk for e in entries), frozenset())
        for entry in others:
            result[entry.pk] = columns.withheld(shared.get(entry.pk, frozenset()))
        return result


class QuestionPolicy(_Policy):
    """Questions and updates between meetings. Team staff: their team's. Housing staff: those
    at their facility about residents who live there now (both sectors are party to every
    question, so consent does not hide them). ANSWER: the side it was put to."""

    actions = frozenset({VIEW, ANSWER})

    def visible(self, user) -> QuerySet[Question]:
        principal = principal_for(user)
        return Question.objects.filter(Q(team_id__in=principal.team_ids) | _lives_there(principal))

    def with_details(self, qs):
        return qs.select_related("resident", "facility", "asked_by", "answered_by")

    def _allows(self, user, action, obj) -> bool:
        found = sector(user, obj.facility)
        return (
            found is not None
            and obj.direction == directed_to(found)
            and lives_at(obj.resident_id, obj.facility_id)
        )


class MeetingPolicy(_Policy):
    """The weekly meetings of a facility. Seen by the team's staff and the facility's housing
    staff; EDIT (attendance, close): a user of the facility's board."""

    actions = frozenset({VIEW, EDIT})

    def visible(self, user) -> QuerySet[Meeting]:
        principal = principal_for(user)
        return Meeting.objects.filter(
            Q(team_id__in=principal.team_ids) | Q(facility_id__in=principal.facility_ids)
        )

    def with_details(self, qs):
        return qs.select_related("facility", "team")

    def _allows(self, user, action, obj) -> bool:
        return sector(user, obj.facility) is not None


class AgendaItemPolicy(_Policy):
    """One resident on a meeting's agenda: seen with its meeting. Its board content (entry,
    note, decisions, the team's actions) is ``shared`` with team staff always, with housing
    staff where the resident lives at the facility and consent covers the board. EDIT (note,
    decisions, new actions): a user of the board, on a shared item."""

    actions = frozenset({VIEW, EDIT})

    def visible(self, user) -> QuerySet[AgendaItem]:
        return AgendaItem.objects.filter(meeting__in=meetings.visible(user))

    def with_details(self, qs):
        return qs.select_related("meeting__facility", "meeting__team", "resident")

    def _prepare(self, user, obj) -> None:
        self.set_shared(user, obj.meeting, [obj])

    def _allows(self, user, action, obj) -> bool:
        return obj.shared and sector(user, obj.meeting.facility) is not None

    def of_meeting(self, user, meeting: Meeting) -> list[AgendaItem]:
        """The agenda of a meeting the user sees, in order, with ``shared`` set (constant
        queries for any number of items)."""
        if not meetings.can(user, VIEW, meeting):
            return []
        found = list(meeting.items.select_related("resident", "entry").order_by("position", "id"))
        for item in found:
            item.meeting = meeting
            self._mark(user, item)
        self.set_shared(user, meeting, found)
        return found

    def set_shared(self, user, meeting: Meeting, items) -> None:
        """Set ``item.shared`` on agenda items of one meeting, in constant queries."""
        items = list(items)
        if can_team(user, TEAM_MEMBER, meeting.team_id):
            for item in items:
                item.shared = True
            return
        if not can_facility(user, FACILITY_STAFF, meeting.facility):
            for item in items:
                item.shared = False
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
            item.shared = item.resident_id in living and Category.BOARD in shared.get(
                item.pk, frozenset()
            )

    def shared_about(self, user, resident) -> QuerySet[AgendaItem]:
        """The agenda items about this resident whose board content the user may see: the
        team's meetings for team staff; for housing staff, meetings at the facility the
        resident lives at while consent covers the board."""
        principal = principal_for(user)
        condition = Q(pk__in=[])
        if principal.team_ids:
            condition |= Q(meeting__team_id__in=principal.team_ids)
        living_at = {r.facility_id for r in getattr(resident, "current_residences", [])}
        own = living_at & principal.facility_ids
        if own and Category.BOARD in shared_categories(user, resident):
            condition |= Q(meeting__facility_id__in=own)
        return self.visible(user).filter(condition, resident=resident)


class ActionPolicy(_Policy):
    """Follow-ups agreed at meetings. Team staff: those at the facilities their team serves.
    Housing staff: those at their facility about residents who live there now; the team's
    actions only where consent covers the board. DONE: a user of the facility's board."""

    actions = frozenset({VIEW, DONE})

    def visible(self, user) -> QuerySet[Action]:
        principal = principal_for(user)
        housing = _lives_there(principal) & (Q(owner_sector=Sector.FACILITY) | _shares_board())
        return Action.objects.filter(Q(facility__team_id__in=principal.team_ids) | housing)

    def with_details(self, qs):
        return qs.select_related("facility", "resident", "owner", "meeting")

    def _allows(self, user, action, obj) -> bool:
        return sector(user, obj.facility) is not None


def directed_to(sector_: str) -> str:
    """The direction of questions put to this sector."""
    return QuestionDirection.TO_TEAM if sector_ == Sector.TEAM else QuestionDirection.TO_FACILITY


entries = EntryPolicy()
questions = QuestionPolicy()
meetings = MeetingPolicy()
items = AgendaItemPolicy()
actions = ActionPolicy()


# --- the board's history as others read it (the timeline) ------------------------------------


@dataclass(frozen=True)
class HistoryView:
    """What a user may read of a resident's board history: every change of their own team's
    entries, and elsewhere not the columns whose consent category they lack."""

    own_team_ids: frozenset[int]
    hidden_columns: tuple[str, ...] = ()
    sees_everything: bool = False  # team staff or emergency access: no consent filter


def history_view(user, resident) -> HistoryView:
    principal = principal_for(user)
    hidden: tuple[str, ...] = ()
    if principal.facility_ids:
        hidden = tuple(sorted(columns.withheld(shared_categories(user, resident))))
    return HistoryView(
        own_team_ids=frozenset(principal.team_ids),
        hidden_columns=hidden,
        sees_everything=bool(principal.team_ids or principal.emergency_resident_ids),
    )
