"""The one policy for course-record entries: who may see, write and correct them.

Three questions, answered here and nowhere else:

- ``visible(user)``: the entries the user may read (the rule, with its consent part, is the
  query ``record.selectors.entries_visible_to``; this module wraps it).
- ``get_for_user(user, pk, *, action)``: one entry for an action; 404 when the user may not
  see it, 403 when they see it but may not do the action.
- ``can(user, action, obj, *, kind=None)``: a boolean for views and templates (views pass the
  answer to templates as flags).

And the write side, "what may this user write about this resident now": ``writable(user,
resident)``. Every rule reads the per-request principal (``organisation.access``), which
carries the user's professions per team from active memberships only; nothing here reads
memberships.

The rules:
- Writing needs the resident's *active* course. Team members of that course's team write the
  kinds their profession may (``record.kinds.TEAM_WRITERS``); housing staff of the facility the
  resident lives at now write the facility-side events (``FACILITY_KINDS``). Emergency access
  is read-only: it opens the resident to a team that does not hold the course.
- Each sector corrects its own entries: a team entry by a member of the entry's team whose
  profession may write the kind, a facility entry by staff of the facility that recorded it;
  and only while the course the entry was written under is active. The living documents (one
  per resident: treatment plan, crisis plan, end plan) outlive a course: the team corrects them
  again when it holds a new active course for the resident. After a course ends without a new
  one, the team reads the record but writes and corrects nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from courses.models import Course, CourseStatus
from organisation.access import (
    FACILITY_STAFF,
    TEAM_MEMBER,
    Principal,
    can_facility,
    can_team,
    found,
    principal_for,
)
from residents.models import Residence, Resident

from .kinds import FACILITY_KINDS, SINGLE_KINDS, TEAM_WRITERS, Kind
from .models import Entry, Sector
from .selectors import entries_visible_to

VIEW = "view"  # read the entry, its versions, print a plan
CORRECT = "correct"  # save a new version of the entry
CREATE = "create"  # record a new entry about a resident (of a kind)
ACTIONS = (VIEW, CORRECT, CREATE)


@dataclass(frozen=True)
class Writable:
    """What the user may record about a resident now: under which course, as which sector."""

    course: Course | None = None
    sector: str = ""
    kinds: tuple[str, ...] = ()


NOTHING = Writable()


def visible(user) -> QuerySet[Entry]:
    """Every entry the user may read (decided in the query, on every request)."""
    return entries_visible_to(user)


def get_for_user(user, pk: int, *, action: str = VIEW) -> Entry:
    """One entry for ``action`` (VIEW or CORRECT): 404 if the user may not see it, 403 if they
    see it but may not do the action."""
    if action not in (VIEW, CORRECT):
        raise ValueError(f"unknown entry action {action!r}")
    entry = found(
        visible(user)
        .select_related("resident", "team", "facility", "recorded_by", "updated_by", "course")
        .filter(pk=pk)
        .first()
    )
    if action == CORRECT and not _may_correct(principal_for(user), entry):
        raise PermissionDenied
    return entry


def can(user, action: str, obj, *, kind: str | None = None) -> bool:
    """May ``user`` do ``action`` with ``obj``: an Entry (VIEW, CORRECT) or a Resident
    (CREATE, optionally of one ``kind``; without it: any kind)."""
    if action == CREATE:
        if not isinstance(obj, Resident):
            raise TypeError("CREATE is asked of a resident")
        kinds = writable(user, obj).kinds
        return kind in kinds if kind is not None else bool(kinds)
    if not isinstance(obj, Entry):
        raise TypeError(f"{action!r} is asked of an entry")
    if action not in (VIEW, CORRECT):
        raise ValueError(f"unknown entry action {action!r}")
    if not visible(user).filter(pk=obj.pk).exists():
        return False
    return action == VIEW or _may_correct(principal_for(user), obj)


def require_create(user, resident, kind: str) -> Writable:
    """The course and sector a new entry of ``kind`` is written under; 403 if the user may
    not write it (the resident has passed its gatekeeper, or the caller is a service)."""
    allowed = writable(user, resident)
    if kind not in allowed.kinds:
        raise PermissionDenied
    return allowed


def writable(user, resident) -> Writable:
    """What ``user`` may record about ``resident`` now (see the module's rules)."""
    principal = principal_for(user)
    if principal.user_id is None:
        return NOTHING
    course = (
        Course.objects.filter(resident=resident, status=CourseStatus.ACTIVE)
        .select_related("team")
        .first()
    )
    if course is None:
        return NOTHING
    if can_team(principal, TEAM_MEMBER, course.team_id):
        professions = principal.professions_in(course.team_id)
        kinds = tuple(k for k in Kind.values if _profession_may_write(professions, k))
        return Writable(course=course, sector=Sector.TEAM, kinds=kinds)
    if principal.is_facility_staff and _lives_at_own_facility(principal, resident):
        kinds = tuple(k for k in Kind.values if k in FACILITY_KINDS)
        return Writable(course=course, sector=Sector.FACILITY, kinds=kinds)
    return NOTHING


def may_use_visit_days(user) -> bool:
    """The visit-day pages ("Besøgsdage"): staff of a team (each facility's own page asks
    ``organisation.access.can_team`` for the facility's team)."""
    return principal_for(user).is_team_staff


# --- the rules -----------------------------------------------------------------------------


def _profession_may_write(professions: frozenset[str], kind: str) -> bool:
    """Kinds not listed in TEAM_WRITERS: any team member; the others: the listed professions
    (a medication entry by a doctor, nurse or pharmacist)."""
    writers = TEAM_WRITERS.get(kind)
    return writers is None or bool(professions & writers)


def _lives_at_own_facility(principal: Principal, resident) -> bool:
    residence = (
        Residence.objects.filter(resident=resident, moved_out__isnull=True)
        .select_related("facility")
        .first()
    )
    return residence is not None and can_facility(principal, FACILITY_STAFF, residence.facility)


def _may_correct(principal: Principal, entry: Entry) -> bool:
    """The entry's own sector, the profession for the kind, and a course still open (the
    caller has established that the user sees the entry)."""
    if entry.sector == Sector.TEAM:
        if not can_team(principal, TEAM_MEMBER, entry.team_id):
            return False
        if not _profession_may_write(principal.professions_in(entry.team_id), entry.kind):
            return False
    elif not can_facility(principal, FACILITY_STAFF, entry.facility):
        return False
    return _course_open_for(entry)


def _course_open_for(entry: Entry) -> bool:
    """Entries are corrected under an active course: their own, or, for the one living
    document of its kind per resident, a new active course of the same team."""
    if entry.course.status == CourseStatus.ACTIVE:
        return True
    if entry.kind not in SINGLE_KINDS:
        return False
    return Course.objects.filter(
        resident_id=entry.resident_id, team_id=entry.team_id, status=CourseStatus.ACTIVE
    ).exists()
