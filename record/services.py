"""Every write to the course record: create an entry, correct it into a new version.

Each function is one transaction that asks the record's policy (``record.access``) itself, so
a direct call by a user who may not write raises PermissionDenied (or Http404 for an entry
they may not see), saves the entry and its version row, and writes exactly one audit row
(which names the fields, never their content).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from consent.models import ConsentKind
from consent.selectors import active_q
from lib.errors import StaleVersion, TransitionError
from residents.models import Residence

from . import access, signals
from .kinds import CATEGORY, SINGLE_KINDS, Kind
from .models import Entry, EntryVersion

STATE_FIELDS = ("occurred_on", "occurred_until", "review_on", "subtype", "data")


def _check_content(resident, kind: str, columns: dict, data: dict) -> None:
    """Rules that need the database: the form checks everything else."""
    if kind == Kind.NETWORK_MEETING and data.get("relatives"):
        allowed = resident.consents.filter(kind=ConsentKind.RELATIVES).filter(active_q()).exists()
        if not allowed:
            raise ValidationError(
                _(
                    "Beboeren har ikke givet samtykke til at inddrage pårørende. Registrér "
                    "samtykket først, eller lad feltet være tomt."
                ),
                code="no_relatives_consent",
            )
    birth = getattr(resident, "birth_date", None)
    if birth and columns["occurred_on"] < birth:
        raise ValidationError(_("Datoen ligger før beboerens fødsel."), code="before_birth")


@transaction.atomic
def entry_create(*, user, resident, kind: str, columns: dict, data: dict) -> Entry:
    writable = access.require_create(user, resident, kind)
    course = writable.course
    if course is None:  # ``require_create`` refuses a user who may write nothing
        raise PermissionDenied
    _check_content(resident, kind, columns, data)
    residence = Residence.objects.filter(resident=resident, moved_out__isnull=True).first()
    facility_id = residence.facility_id if residence else course.facility_id
    now = timezone.now()
    entry = Entry(
        resident=resident,
        course=course,
        team_id=course.team_id,
        facility_id=facility_id,
        kind=kind,
        category=CATEGORY[kind] or "",
        sector=writable.sector,
        data=data,
        recorded_by=user,
        recorded_at=now,
        updated_by=user,
        updated_at=now,
        **columns,
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        if kind in SINGLE_KINDS:
            raise TransitionError(
                _("Beboeren har allerede en %(kind)s. Ret den i stedet.")
                % {"kind": Kind(kind).label.lower()},
                code="exists",
            ) from None
        raise
    _add_version(entry, user=user, at=now, reason="")
    record(
        user=user,
        action=Action.CREATE,
        resident=resident,
        obj=entry,
        detail={"kind": kind},
    )
    _send_saved(entry)
    return entry


def _send_saved(entry: Entry) -> None:
    signals.entry_saved.send(
        sender=Entry,
        entry_id=entry.pk,
        team_id=entry.team_id,
        resident_id=entry.resident_id,
        kind=entry.kind,
    )


def _add_version(entry: Entry, *, user, at, reason: str) -> EntryVersion:
    return EntryVersion.objects.create(
        entry=entry,
        number=entry.version,
        occurred_on=entry.occurred_on,
        occurred_until=entry.occurred_until,
        review_on=entry.review_on,
        subtype=entry.subtype,
        data=entry.data,
        author=user,
        created_at=at,
        reason=reason,
    )


def _state(entry: Entry) -> dict:
    return {name: getattr(entry, name) for name in STATE_FIELDS}


@transaction.atomic
def entry_correct(
    *, user, entry: Entry, version: int, columns: dict, data: dict, reason: str
) -> Entry:
    """A correction: a new version with who and why; the earlier versions stay readable.

    The policy is asked afresh (not the caller's copy of the entry): 404 unless the user sees
    the entry, 403 unless they may correct it now."""
    access.get_for_user(user, entry.pk, action=access.CORRECT)
    locked = Entry.objects.select_for_update().select_related("resident").get(pk=entry.pk)
    if locked.version != version:
        raise StaleVersion(
            _(
                "%(kind)s er rettet af en anden, siden du åbnede siden. Se den gemte version "
                "øverst; dine rettelser er bevaret i formularen."
            )
            % {"kind": locked.get_kind_display()},
            code="stale",
        )
    _check_content(locked.resident, locked.kind, columns, data)
    before = _state(locked)
    for name, value in columns.items():
        setattr(locked, name, value)
    locked.data = data
    after = _state(locked)
    changed = sorted(
        name
        for name in STATE_FIELDS
        if name != "data" and _norm(before[name]) != _norm(after[name])
    ) + sorted(
        key for key in set(before["data"]) | set(data) if before["data"].get(key) != data.get(key)
    )
    if not changed:
        raise ValidationError(_("Der er ingen ændringer at gemme."), code="unchanged")
    now = timezone.now()
    locked.version += 1
    locked.updated_by = user
    locked.updated_at = now
    locked.save(update_fields=[*STATE_FIELDS, "version", "updated_by", "updated_at"])
    _add_version(locked, user=user, at=now, reason=reason)
    record(
        user=user,
        action=Action.UPDATE,
        resident=locked.resident,
        obj=locked,
        detail={"kind": locked.kind, "fields": changed, "version": locked.version},
    )
    _send_saved(locked)
    return locked


def _norm(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
