"""Every write to the board, the meetings and the questions.

Each function is one transaction that asks the policy (``board.access``: a user who may not
raises PermissionDenied, whoever called), checks the state and the input, saves with
``update_fields`` and writes exactly one audit row. Columns are owned by sectors
(``board.columns``): a change to a column the user's sector may not write is refused as a
whole, and housing staff may not write a column their consent keeps from them. Edits carry the
version the user loaded: ``board_entry_update`` refuses a stale version (``StaleEdit``, with the
current values); ``board_entry_edit`` merges changes to different columns and raises
``EditConflict`` only where both changed the same column to different texts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import Action as AuditAction
from audit.services import record
from consent.models import Consent, ConsentKind
from consent.selectors import active_q
from courses.models import Course, CourseStatus
from lib.errors import StaleVersion, TransitionError
from record.kinds import Kind
from record.selectors import facility_events_since
from residents.selectors import get_resident_for_user

from . import access, columns
from .models import (
    Action,
    AgendaItem,
    AgendaReason,
    Attendance,
    BoardCriterion,
    BoardEntry,
    BoardEntryChange,
    EndReason,
    EntryStatus,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    Question,
    QuestionDirection,
    Sector,
)
from .selectors import entry_values_at


class StaleEdit(StaleVersion):
    """Someone else saved the entry first. ``current`` is the entry as saved now (not redacted:
    a page shows it through ``board.selectors.redact``)."""

    def __init__(self, message, *, current):
        super().__init__(message, code="stale")
        self.current = current


class EditConflict(StaleEdit):
    """Someone else saved the same columns, to other texts, since the user loaded the entry.
    ``conflicting``: those columns; ``base``: every typed column's text at the loaded version."""

    def __init__(self, message, *, current, conflicting: list[str], base: dict[str, str]):
        super().__init__(message, current=current)
        self.conflicting = conflicting
        self.base = base


@dataclass(frozen=True)
class Saved:
    """A saved edit; ``merged_with``: who had meanwhile saved other columns (kept as well)."""

    entry: BoardEntry
    changed: list[str]
    merged_with: tuple[str, ...] = ()


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _validate(changes: dict, *, creating: bool) -> None:
    errors = {}
    if "criteria" in changes or creating:
        criteria = changes.get("criteria") or []
        if not criteria:
            errors["criteria"] = _("Vælg mindst én årsag til at være på tavlen.")
        elif set(criteria) - set(BoardCriterion.values):
            errors["criteria"] = _("Ukendt kriterie.")
    if ("review_on" in changes or creating) and not changes.get("review_on"):
        errors["review_on"] = _("Sæt en dato for næste opfølgning.")
    if errors:
        raise ValidationError(errors)


def _check_housing_contact(facility, user) -> None:
    if user is not None and not access.is_facility_staff(user, facility):
        raise ValidationError({"housing_contact": _("Vælg en medarbejder fra botilbuddet.")})


def _check_columns(user, sector: str | None, resident, changes: dict, *, creating: bool) -> None:
    """Only the sector's columns (ValidationError, nothing saved), and for housing staff only
    those the resident's consent lets them see (PermissionDenied)."""
    unknown = set(changes) - columns.editable(sector)
    if unknown:
        message = (
            _("Du kan ikke udfylde disse kolonner: %(fields)s")
            if creating
            else _("Du kan ikke ændre disse kolonner: %(fields)s")
        )
        raise ValidationError(
            message % {"fields": ", ".join(sorted(unknown))}, code="not_your_columns"
        )
    if set(changes) & access.withheld_columns(user, sector, resident):
        raise PermissionDenied


def _apply(entry: BoardEntry, user, changes: dict, *, creating: bool = False) -> list[str]:
    """Set changed columns, record who/when per cell and the change rows; returns the fields."""
    now = timezone.now()
    changed = []
    for field, value in changes.items():
        old = None if creating else getattr(entry, field)
        if not creating and _as_text(old) == _as_text(value):
            continue
        setattr(entry, field, value)
        changed.append(field)
        entry.cell_meta[field] = {
            "by": user.pk,
            "name": user.get_full_name(),
            "at": now.isoformat(),
        }
        BoardEntryChange(
            entry=entry,
            version=entry.version + 1,
            field=field,
            old_value=_as_text(old),
            new_value=_as_text(value),
            changed_by=user,
            changed_at=now,
        ).save(force_insert=True)
    return changed


@transaction.atomic
def board_entry_create(
    *, user, resident, placed_on: datetime.date | None = None, **changes
) -> BoardEntry:
    """Put a resident in an active course on the board of the facility they live at."""
    course = (
        Course.objects.select_related("facility", "team")
        .filter(resident=resident, status=CourseStatus.ACTIVE)
        .first()
    )
    if course is None:
        raise TransitionError(
            _("Kun beboere i et aktivt forløb kan komme på tavlen."), code="no_course"
        )
    facility = course.facility
    sector = access.place_sector(user, resident, course)
    if sector is None:
        raise PermissionDenied
    _check_columns(user, sector, resident, changes, creating=True)
    _validate(changes, creating=True)
    if "housing_contact" in changes:
        _check_housing_contact(facility, changes["housing_contact"])
    else:
        changes["housing_contact"] = course.facility_contact
    active = list(
        BoardEntry.objects.select_for_update(of=("self",)).filter(
            resident=resident, status=EntryStatus.ACTIVE
        )
    )
    if any(old.course_id == course.pk for old in active):
        raise TransitionError(_("Beboeren er allerede på tavlen."), code="on_board")
    # An entry of an earlier course is stale (its course ended; one active course per
    # resident): nobody may write it any more, so it is taken off here rather than blocking
    # the new team with an entry it cannot see.
    stale_ids = [_end_stale(user, old) for old in active]
    entry = BoardEntry(
        resident=resident,
        course=course,
        team=course.team,
        facility=facility,
        placed_on=placed_on or timezone.localdate(),
        review_on=changes["review_on"],
        criteria=[],
        created_by=user,
        version=0,
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError as exc:
        raise TransitionError(_("Beboeren er allerede på tavlen."), code="on_board") from exc
    _apply(
        entry, user, {k: v for k, v in changes.items() if v not in (None, "", [])}, creating=True
    )
    entry.version = 1
    entry.save()
    record(
        user=user,
        action=AuditAction.CREATE,
        resident=resident,
        obj=entry,
        detail={"ended_stale_entries": stale_ids} if stale_ids else None,
    )
    return entry


def _end_stale(user, entry: BoardEntry) -> int:
    """Take a stale entry (of an ended course) off the board as "course_ended"; its pk."""
    changed = _apply(
        entry,
        user,
        {
            "ending_text": _("Taget af tavlen, da beboeren kom på tavlen i et nyt forløb."),
            "end_reason": EndReason.COURSE_ENDED,
            "ended_on": max(timezone.localdate(), entry.placed_on),
        },
    )
    entry.status = EntryStatus.ENDED
    entry.version += 1
    entry.save(update_fields=[*changed, "status", "cell_meta", "version"])
    return entry.pk


STALE = gettext_lazy("En anden har gemt ændringer i indgangen, siden du åbnede den.")


def _lock_for_edit(user, entry: BoardEntry, changes: dict) -> BoardEntry:
    """The entry locked for this transaction, after the policy, its state and the columns."""
    locked = (
        BoardEntry.objects.select_for_update(of=("self",))
        .select_related("resident")
        .get(pk=entry.pk)
    )
    access.entries.require(user, access.EDIT, locked)
    if locked.status != EntryStatus.ACTIVE:
        raise TransitionError(
            _("Beboeren er taget af tavlen; indgangen kan ikke ændres."), code="ended"
        )
    sector = access.sector(user, locked.facility)
    _check_columns(user, sector, locked.resident, changes, creating=False)
    return locked


def _save_columns(user, locked: BoardEntry, changes: dict) -> list[str]:
    """Validate and save the changed columns with their change rows; the changed fields."""
    _validate(changes, creating=False)
    if "housing_contact" in changes:
        _check_housing_contact(locked.facility, changes["housing_contact"])
    changed = _apply(locked, user, changes)
    if changed:
        locked.version += 1
        locked.save(update_fields=[*changed, "cell_meta", "version"])
    return changed


@transaction.atomic
def board_entry_update(*, user, entry: BoardEntry, version: int, changes: dict) -> BoardEntry:
    """Save the columns the user's sector may write. A stale version raises StaleEdit."""
    locked = _lock_for_edit(user, entry, changes)
    if locked.version != version:
        raise StaleEdit(STALE, current=locked)
    changed = _save_columns(user, locked, changes)
    if changed:  # an unchanged save changes nothing, so there is nothing to audit
        record(
            user=user,
            action=AuditAction.UPDATE,
            resident=locked.resident,
            obj=locked,
            detail={"fields": changed, "before_version": version},
        )
    return locked


def _merge_plan(
    typed: dict[str, str], base: dict[str, str], saved: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Three texts per column (as ``_as_text`` writes them): what the user typed, what they
    loaded (``base``) and what is saved now. Returns (the columns the user changed, those of
    them someone else changed meanwhile to another text: the conflicts)."""
    mine = [name for name in typed if typed[name] != base[name]]
    conflicting = [n for n in mine if saved[n] != base[n] and saved[n] != typed[n]]
    return mine, conflicting


@transaction.atomic
def board_entry_edit(
    *,
    user,
    entry: BoardEntry,
    version: int,
    changes: dict,
    keep_saved=frozenset(),
) -> Saved:
    """Save an edit made on ``version`` of the entry, whoever saved meanwhile.

    ``changes`` holds every column of the user's form. If someone saved since ``version``, the
    columns only the user changed are saved on top, the columns only the other person changed
    keep the saved text, and where both changed a column to different texts nothing is saved:
    ``EditConflict`` names those columns. ``keep_saved``: columns of an earlier conflict where
    the user chose the saved text (left as saved). The entry stays locked from the check to
    the save, so no third save can slip in between."""
    typed = {name: value for name, value in changes.items() if name not in keep_saved}
    locked = _lock_for_edit(user, entry, typed)
    merged_with: tuple[str, ...] = ()
    if locked.version != version:
        base = entry_values_at(locked, version, list(changes))
        saved = {name: _as_text(getattr(locked, name)) for name in changes}
        mine, conflicting = _merge_plan({n: _as_text(v) for n, v in typed.items()}, base, saved)
        if conflicting:
            raise EditConflict(
                _("En anden har gemt i de samme felter, siden du åbnede indgangen."),
                current=locked,
                conflicting=conflicting,
                base=base,
            )
        merged_with = tuple(
            sorted(
                {
                    (locked.cell_meta.get(name) or {}).get("name", "")
                    for name in changes
                    if saved[name] != base[name]
                }
            )
        )
        typed = {name: typed[name] for name in mine}
    changed = _save_columns(user, locked, typed)
    if changed:  # an unchanged save changes nothing, so there is nothing to audit
        record(
            user=user,
            action=AuditAction.UPDATE,
            resident=locked.resident,
            obj=locked,
            detail={"fields": changed, "before_version": version, "merged": bool(merged_with)},
        )
    return Saved(entry=locked, changed=changed, merged_with=merged_with)


@transaction.atomic
def board_entry_review(
    *, user, entry: BoardEntry, version: int, next_review_on: datetime.date
) -> BoardEntry:
    """Followed up today; the next review date is required."""
    today = timezone.localdate()
    locked = _lock_for_edit(user, entry, {"review_on": next_review_on})
    if locked.version != version:
        raise StaleEdit(STALE, current=locked)
    if next_review_on <= today:
        raise ValidationError({"next_review_on": _("Næste opfølgning skal ligge efter i dag.")})
    changed = _save_columns(user, locked, {"review_on": next_review_on})
    locked.last_reviewed_on = today
    locked.save(update_fields=["last_reviewed_on"])
    record(
        user=user,
        action=AuditAction.UPDATE,
        resident=locked.resident,
        obj=locked,
        detail={"fields": [*changed, "last_reviewed_on"], "before_version": version},
    )
    return locked


@transaction.atomic
def board_entry_end(
    *,
    user,
    entry: BoardEntry,
    version: int,
    end_reason: str,
    ending_text: str,
    ended_on: datetime.date | None = None,
) -> BoardEntry:
    """Take the resident off the board; how the effort was ended with the resident is required."""
    locked = (
        BoardEntry.objects.select_for_update(of=("self",))
        .select_related("resident")
        .get(pk=entry.pk)
    )
    access.entries.require(user, access.END, locked)
    if locked.status != EntryStatus.ACTIVE:
        raise TransitionError(_("Beboeren er allerede taget af tavlen."), code="ended")
    if locked.version != version:
        raise StaleEdit(STALE, current=locked)
    ended_on = ended_on or timezone.localdate()
    errors = {}
    if not ending_text.strip():
        errors["ending_text"] = _("Beskriv, hvordan indsatsen er afsluttet med beboeren.")
    if not end_reason:
        errors["end_reason"] = _("Vælg årsagen.")
    if ended_on < locked.placed_on:
        errors["ended_on"] = _("Datoen kan ikke ligge før beboeren kom på tavlen.")
    if ended_on > timezone.localdate():
        errors["ended_on"] = _("Datoen kan ikke ligge i fremtiden.")
    if errors:
        raise ValidationError(errors)
    changed = _apply(
        locked, user, {"ending_text": ending_text, "end_reason": end_reason, "ended_on": ended_on}
    )
    locked.status = EntryStatus.ENDED
    locked.version += 1
    locked.save(update_fields=[*changed, "status", "cell_meta", "version"])
    record(
        user=user,
        action=AuditAction.TRANSITION,
        resident=locked.resident,
        obj=locked,
        detail={"to": EntryStatus.ENDED},
    )
    return locked


# --- questions ------------------------------------------------------------------------------


@transaction.atomic
def question_ask(*, user, resident, kind: str, text: str) -> Question:
    """A question or update for the other sector, about a resident of the facility."""
    resident = get_resident_for_user(user, resident.pk)
    facility, sector = access.ask_sector(user, resident)
    if facility is None or facility.team_id is None:
        raise ValidationError(_("Beboeren bor ikke på et botilbud, som et team betjener."))
    if sector is None:
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Skriv spørgsmålet eller opdateringen.")})
    question = Question(
        resident=resident,
        facility=facility,
        team_id=facility.team_id,
        kind=kind,
        direction=QuestionDirection.TO_TEAM
        if sector == Sector.FACILITY
        else QuestionDirection.TO_FACILITY,
        text=text,
        asked_by=user,
    )
    question.save(force_insert=True)
    record(user=user, action=AuditAction.CREATE, resident=resident, obj=question)
    return question


@transaction.atomic
def question_answer(*, user, question: Question, answer: str) -> Question:
    locked = Question.objects.select_for_update().select_related("facility").get(pk=question.pk)
    access.questions.require(user, access.ANSWER, locked)  # the side it was put to answers
    if locked.answered_at is not None:
        raise TransitionError(_("Spørgsmålet er allerede besvaret."), code="answered")
    if not answer.strip():
        raise ValidationError({"answer": _("Skriv svaret.")})
    locked.answer = answer
    locked.answered_by = user
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    record(user=user, action=AuditAction.UPDATE, resident=locked.resident, obj=locked)
    return locked


# --- meetings -------------------------------------------------------------------------------


# Record entries that put a resident on the next agenda (admissions get their own reason).
EVENT_KINDS = (Kind.ADMISSION, Kind.COMPULSORY, Kind.FORCE, Kind.MEDICATION_FAILURE, Kind.CRISIS)
EVENT_DAYS = 14  # before a facility's first meeting: events of the last two weeks


def _last_closed(facility) -> Meeting | None:
    return (
        Meeting.objects.filter(facility=facility, status=MeetingStatus.CLOSED)
        .order_by("-held_on", "-id")
        .first()
    )


def build_agenda(
    facility, held_on: datetime.date
) -> list[tuple[int, list[str], BoardEntry | None]]:
    """(resident id, reasons, entry) in agenda order: new on the board, admitted or discharged
    and other events since the last meeting, reviews due, questions, open actions, expiring
    consents, then the rest of the board."""
    last = _last_closed(facility)
    since = last.held_on if last else datetime.date.min
    entries = list(
        BoardEntry.objects.filter(facility=facility, status=EntryStatus.ACTIVE).order_by(
            "placed_on", "id"
        )
    )
    reasons: dict[int, list[str]] = {}
    by_resident = {e.resident_id: e for e in entries}
    for e in entries:
        r = reasons.setdefault(e.resident_id, [])
        if e.placed_on > since:
            r.append(AgendaReason.NEW)
        if e.review_on <= held_on:
            r.append(AgendaReason.REVIEW_DUE)
    # Events the facility may see too (the agenda is shared by both sectors), since the last
    # meeting; before the first meeting, the last two weeks.
    events_since = last.held_on if last else held_on - datetime.timedelta(days=EVENT_DAYS)
    events = (
        facility_events_since(facility, events_since)
        .filter(kind__in=EVENT_KINDS)
        .order_by()
        .values_list("resident_id", "kind")
        .distinct()
    )
    for rid, kind in events:
        reason = AgendaReason.ADMISSION if kind == Kind.ADMISSION else AgendaReason.EVENT
        r = reasons.setdefault(rid, [])
        if reason not in r:
            r.append(reason)
    for rid in Question.objects.filter(facility=facility, answered_at__isnull=True).values_list(
        "resident_id", flat=True
    ):
        reasons.setdefault(rid, [])
        if AgendaReason.QUESTION not in reasons[rid]:
            reasons[rid].append(AgendaReason.QUESTION)
    for rid in Action.objects.filter(facility=facility, done_at__isnull=True).values_list(
        "resident_id", flat=True
    ):
        reasons.setdefault(rid, [])
        if AgendaReason.OPEN_ACTION not in reasons[rid]:
            reasons[rid].append(AgendaReason.OPEN_ACTION)
    expiring = (
        Consent.objects.filter(
            resident_id__in=list(reasons), kind=ConsentKind.SHARING, facility=facility
        )
        .filter(active_q(held_on))
        .filter(expires_on__lte=held_on + datetime.timedelta(days=30))
        .values_list("resident_id", flat=True)
    )
    for rid in expiring:
        reasons[rid].append(AgendaReason.CONSENT_EXPIRING)
    order: list[str] = [
        AgendaReason.NEW,
        AgendaReason.ADMISSION,
        AgendaReason.EVENT,
        AgendaReason.REVIEW_DUE,
        AgendaReason.QUESTION,
        AgendaReason.OPEN_ACTION,
        AgendaReason.CONSENT_EXPIRING,
    ]

    def rank(item):
        rid, rs = item
        first = min((order.index(r) for r in rs), default=len(order))
        entry = by_resident.get(rid)
        return (first, entry.placed_on if entry else datetime.date.max, rid)

    agenda = []
    for rid, rs in sorted(reasons.items(), key=rank):
        rs.sort(key=order.index)
        agenda.append((rid, rs or [AgendaReason.ON_BOARD], by_resident.get(rid)))
    return agenda


@transaction.atomic
def meeting_open(*, user, facility, held_on: datetime.date | None = None) -> Meeting:
    """Start the facility's meeting: the agenda is built, the user is the first attendee."""
    sector = access.require_sector(user, facility)
    held_on = held_on or timezone.localdate()
    if Meeting.objects.filter(facility=facility, status=MeetingStatus.OPEN).exists():
        raise TransitionError(
            _("Der er allerede et tavlemøde i gang for botilbuddet."), code="open"
        )
    schedule = getattr(facility, "meeting_schedule", None)
    meeting = Meeting(
        facility=facility,
        team_id=facility.team_id,
        held_on=held_on,
        opened_by=user,
        minutes_per_resident=schedule.minutes_per_resident if schedule else None,
    )
    try:
        with transaction.atomic():
            meeting.save(force_insert=True)
    except IntegrityError as exc:
        raise TransitionError(
            _("Der er allerede et tavlemøde i gang for botilbuddet."), code="open"
        ) from exc
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, resident_id=rid, entry=entry, position=i, reasons=list(rs))
            for i, (rid, rs, entry) in enumerate(build_agenda(facility, held_on), start=1)
        ]
    )
    Attendance.objects.create(meeting=meeting, user=user, sector=sector)
    record(user=user, action=AuditAction.CREATE, obj=meeting, detail={"facility_id": facility.pk})
    return meeting


@transaction.atomic
def meeting_schedule_set(
    *,
    user,
    facility,
    weekday: int,
    starts_at: datetime.time,
    minutes_per_resident: int | None = None,
) -> MeetingSchedule:
    """Set the facility's recurring weekly meeting (one schedule per facility)."""
    access.require_sector(user, facility)
    errors = {}
    if weekday not in range(5):
        errors["weekday"] = _("Vælg en hverdag.")
    if minutes_per_resident is not None and not 1 <= minutes_per_resident <= 60:
        errors["minutes_per_resident"] = _("Skriv et antal minutter mellem 1 og 60.")
    if errors:
        raise ValidationError(errors)
    schedule = MeetingSchedule.objects.select_for_update().filter(facility=facility).first()
    values = {
        "weekday": weekday,
        "starts_at": starts_at,
        "minutes_per_resident": minutes_per_resident,
    }
    if schedule is None:
        schedule = MeetingSchedule(facility=facility, **values)
        try:
            with transaction.atomic():
                schedule.save(force_insert=True)
        except IntegrityError as exc:
            raise TransitionError(
                _("Mødeplanen blev gemt af en anden samtidig. Prøv igen."), code="schedule"
            ) from exc
        audit_action = AuditAction.CREATE
    else:
        for field, value in values.items():
            setattr(schedule, field, value)
        schedule.save(update_fields=list(values))
        audit_action = AuditAction.UPDATE
    record(user=user, action=audit_action, obj=schedule, detail={"facility_id": facility.pk})
    return schedule


def _open_meeting(user, meeting: Meeting) -> Meeting:
    """The meeting locked, once the policy lets the user run it; refused when closed."""
    locked = Meeting.objects.select_for_update().select_related("facility").get(pk=meeting.pk)
    access.meetings.require(user, access.EDIT, locked)
    _refuse_closed(locked)
    return locked


def _refuse_closed(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.OPEN:
        raise TransitionError(_("Mødet er afsluttet og kan ikke ændres."), code="closed")


def _lock_item(user, item: AgendaItem) -> AgendaItem:
    """The agenda item locked, once the policy lets the user write it (a shared item of a
    meeting they run); refused when its meeting is closed."""
    locked = (
        AgendaItem.objects.select_for_update(of=("self", "meeting"))
        .select_related("meeting__facility", "resident")
        .get(pk=item.pk)
    )
    access.items.require(user, access.EDIT, locked)
    _refuse_closed(locked.meeting)
    return locked


@transaction.atomic
def attendance_set(*, user, meeting: Meeting, users: list) -> None:
    """Who takes part, from both sectors (replacing the list)."""
    locked = _open_meeting(user, meeting)
    rows = []
    for person in users:
        sector = access.sector(person, locked.facility)
        if sector is None:
            raise ValidationError(
                _("%(name)s hører ikke til teamet eller botilbuddet.") % {"name": person}
            )
        rows.append(Attendance(meeting=locked, user=person, sector=sector))
    Attendance.objects.filter(meeting=locked).delete()
    Attendance.objects.bulk_create(rows)
    record(
        user=user,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={"attendance": len(rows), "facility_id": locked.facility_id},
    )


@transaction.atomic
def agenda_item_update(
    *, user, item: AgendaItem, version: int, note: str, decisions: str
) -> AgendaItem:
    """An item's note and decisions; a stale version raises StaleEdit."""
    locked = _lock_item(user, item)
    if locked.version != version:
        raise StaleEdit(_("En anden har gemt notatet, siden du åbnede det."), current=locked)
    locked.note = note
    locked.decisions = decisions
    locked.discussed = True
    locked.version += 1
    locked.save(update_fields=["note", "decisions", "discussed", "version"])
    record(user=user, action=AuditAction.UPDATE, resident=locked.resident, obj=locked)
    return locked


@transaction.atomic
def action_create(*, user, item: AgendaItem, text: str, owner, due_on: datetime.date) -> Action:
    """A follow-up agreed at the meeting about the item's resident, owned by either sector."""
    item = _lock_item(user, item)
    meeting = item.meeting
    owner_sector = access.sector(owner, meeting.facility)
    errors = {}
    if owner_sector is None:
        errors["owner"] = _("Den ansvarlige skal høre til teamet eller botilbuddet.")
    if not text.strip():
        errors["text"] = _("Beskriv handlingen.")
    if due_on < meeting.held_on:
        errors["due_on"] = _("Fristen kan ikke ligge før mødet.")
    if errors:
        raise ValidationError(errors)
    action = Action(
        meeting=meeting,
        resident=item.resident,
        facility=meeting.facility,
        text=text,
        owner=owner,
        owner_sector=owner_sector or "",  # None was refused above
        due_on=due_on,
        created_by=user,
    )
    action.save(force_insert=True)
    record(user=user, action=AuditAction.CREATE, resident=item.resident, obj=action)
    return action


@transaction.atomic
def action_done(*, user, action: Action) -> Action:
    """Mark a follow-up done (either sector)."""
    locked = Action.objects.select_for_update().select_related("facility").get(pk=action.pk)
    access.actions.require(user, access.DONE, locked)
    if locked.done_at is not None:
        raise TransitionError(_("Handlingen er allerede udført."), code="done")
    locked.done_at = timezone.now()
    locked.done_by = user
    locked.save(update_fields=["done_at", "done_by"])
    record(
        user=user,
        action=AuditAction.TRANSITION,
        resident=locked.resident,
        obj=locked,
        detail={"to": "done"},
    )
    return locked


@transaction.atomic
def meeting_close(*, user, meeting: Meeting) -> Meeting:
    """Close the meeting; its agenda items become the minutes, filed to each resident."""
    locked = _open_meeting(user, meeting)
    locked.status = MeetingStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = user
    locked.version += 1
    locked.save(update_fields=["status", "closed_at", "closed_by", "version"])
    record(
        user=user, action=AuditAction.TRANSITION, obj=locked, detail={"to": MeetingStatus.CLOSED}
    )
    return locked
