"""The facility and team boards (beboeroverblikstavlen), their entries, and a resident's board
history: gatekeeper → form → service → redirect.

Reads go through ``board.selectors``, which scope to the user and blank the columns the
resident's consent does not cover (``entry.withheld``); those cells say so and never show the
text, nor who wrote it. Every page that shows resident data writes audit rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import DateField
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_etags, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from audit.models import Action
from audit.services import record, record_shown
from organisation.access import TEAM_MEMBER, can_team, found, require
from organisation.models import Team
from organisation.selectors import facilities_visible_to, get_facility_for_user
from residents.selectors import get_resident_for_user

from .. import access, columns, prefill, selectors, services
from ..fingerprint import board_fingerprint
from ..forms import (
    VIEW_COMPACT,
    BoardViewForm,
    EndForm,
    EntryForm,
    ReviewForm,
    TeamBoardFilterForm,
)
from ..models import BoardCriterion, BoardEntry, EntryStatus, Sector
from ..rows import (
    FLAG_LABELS,
    Cell,
    _date,
    _meta,
    _person,
    build_rows,
    cell,
    form_fields_html,
    render_rows,
)
from ..services import EditConflict, StaleEdit, _as_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WITHHELD = gettext_lazy("deles ikke – samtykke mangler")


# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the board table: a board column (``board.columns``) or one of the table's
    own (the flags and the links)."""

    key: str
    label: StrOrPromise
    compact: bool = False
    sort: str = ""  # the ?sort= value this column's header sorts by
    team_board_only: bool = False


COLUMNS = (
    *(
        Column(c.key, c.label, compact=c.compact, sort=c.sort, team_board_only=c.team_board_only)
        for c in columns.TABLE_COLUMNS
    ),
    Column("flags", gettext_lazy("Markeringer"), compact=True),
    Column("actions", gettext_lazy("Handlinger"), compact=True),
)


def columns_for(*, compact: bool, team_board: bool, printing: bool = False) -> list[Column]:
    return [
        c
        for c in COLUMNS
        if (c.compact or not compact)
        and (team_board or not c.team_board_only)
        and not (printing and c.key == "actions")
    ]


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v})


SORT_LABELS = {
    "facility": gettext_lazy("sorteret efter navn"),
    "days": gettext_lazy("sorteret efter længst tid på tavlen"),
    "review": gettext_lazy("sorteret efter næste opfølgning"),
}
SORT_LABELS_TEAM = {**SORT_LABELS, "facility": gettext_lazy("sorteret efter botilbud og navn")}


def _board_context(
    entries, *, compact, sort, team_board, page_url, sector, params=None, printing=False
) -> dict:
    """What the board template needs: columns and their headers (with sort links that keep the
    filters), the rows (each row's HTML rendered once, or taken from the row cache for what
    this viewer, in ``sector``, sees: ``board.rows``), and the links between the full and the
    compact view."""
    params = dict(params or {})
    columns = columns_for(compact=compact, team_board=team_board, printing=printing)
    today = timezone.localdate()
    visning = VIEW_COMPACT if compact else ""
    keep_sort = sort if sort != "facility" else ""

    def url(**changes) -> str:
        query = _query(**{**params, "visning": visning, "sort": keep_sort, **changes})
        return f"{page_url}?{query}" if query else page_url

    headers = []
    for column in columns:
        headers.append(
            {
                "key": column.key,
                "label": column.label,
                "sort_url": url(sort=column.sort if column.sort != "facility" else "")
                if column.sort and not printing
                else "",
                "aria_sort": ("descending" if sort == "days" else "ascending")
                if column.sort and column.sort == sort
                else "",
            }
        )
    rows = build_rows(entries, columns, today)
    if not printing:  # the print page lays out its own table
        render_rows(rows, sector=sector, printing=printing, today=today)
    return {
        "columns": columns,
        "headers": headers,
        "rows": rows,
        "compact": compact,
        "sort": sort,
        "sort_label": (SORT_LABELS_TEAM if team_board else SORT_LABELS)[sort],
        "today": today,
        "team_board": team_board,
        "printing": printing,
        "page_url": page_url,
        "query": _query(**params, visning=visning, sort=keep_sort),
        "full_url": url(visning=""),
        "compact_url": url(visning=VIEW_COMPACT),
    }


def _record_board(request, entries, **detail) -> None:
    record_shown(
        user=request.user,
        action=Action.LIST,
        resident_ids=[e.resident_id for e in entries],
        detail=detail,
    )


def _board_facility(request, facility_pk: int):
    facility = get_facility_for_user(request.user, facility_pk)
    sector = access.facility_board_sector(request.user, facility)
    return facility, sector


def _facility_board_data(request, facility, *, printing=False):
    form = BoardViewForm(request.GET or None)
    compact, sort, ignored = form.options()
    entries = selectors.board_entries(
        request.user,
        facility_ids=[facility.pk],
        flt=selectors.BoardFilter(sort=sort),
    )
    context = _board_context(
        entries,
        compact=compact,
        sort=sort,
        team_board=False,
        printing=printing,
        page_url=reverse("board:facility", args=[facility.pk]),
        sector=access.facility_board_sector(request.user, facility),
    )
    context.update(
        {
            "facility": facility,
            "ignored": ignored,
            "rows_url": reverse("board:facility_rows", args=[facility.pk]),
        }
    )
    return entries, context


def _question_counts(request, facility, sector) -> dict:
    mine = access.directed_to(sector)
    directions = list(
        selectors.open_questions(request.user, facility_id=facility.pk)
        .order_by()
        .values_list("direction", flat=True)
    )
    return {
        "to_us": sum(1 for d in directions if d == mine),
        "to_them": sum(1 for d in directions if d != mine),
    }


@require_GET
@vary_on_headers("HX-Request")
def facility_board(request, facility_pk: int):
    """The board of one facility: every column of seed 000, or the compact set."""
    facility, sector = _board_facility(request, facility_pk)
    entries, context = _facility_board_data(request, facility)
    context["rows_hash"] = _facility_fingerprint(request, facility, sector)
    context.update(
        {
            "sector": sector,
            "questions": _question_counts(request, facility, sector),
        }
    )
    _record_board(request, entries, list="board", facility_id=facility.pk)
    return render(request, "board/entries/board.html", context)


@require_GET
@vary_on_headers("HX-Request")
def facility_rows(request, facility_pk: int):
    """The board's rows, for the page's poll every 15 seconds. ``?v=`` (or ``If-None-Match``)
    is the fingerprint of the rows the page shows (``board.fingerprint``, one query): when
    nothing changed the answer is 204 (htmx keeps the rows), with nothing loaded nor rendered."""
    facility, sector = _poll_facility(request, facility_pk)
    fingerprint = _facility_fingerprint(request, facility, sector)
    if _unchanged(request, fingerprint):
        return _not_modified(fingerprint)
    entries, context = _facility_board_data(request, facility)
    context["rows_hash"] = fingerprint
    _record_board(request, entries, list="board_rows", facility_id=facility.pk)
    return _with_etag(render(request, "board/entries/board.html#rows", context), fingerprint)


# --- the poll's fingerprint (board.fingerprint) ---------------------------------------------


def _poll_facility(request, facility_pk: int):
    """``_board_facility`` for the poll: the same gatekeeper (404 unless the user may see the
    facility and use its board), loading only what the check and the rows need."""
    facility = found(
        facilities_visible_to(request.user)
        .only("pk", "team_id", "name")
        .filter(pk=facility_pk)
        .first()
    )
    return facility, access.facility_board_sector(request.user, facility)


def _facility_fingerprint(request, facility, sector) -> str:
    compact, sort, _ignored = BoardViewForm(request.GET or None).options()
    return board_fingerprint(
        request.user,
        facility_ids=[facility.pk],
        flt=selectors.BoardFilter(sort=sort),
        compact=compact,
        sector=sector,
    )


def _team_fingerprint(request, team, form: TeamBoardFilterForm) -> str:
    """``form``: the page's filter form (bound to the query string)."""
    compact, sort, _ignored = form.options()
    data = getattr(form, "cleaned_data", {})
    facility = data.get("facility")
    contact = data.get("contact")
    flt = selectors.BoardFilter(
        facility_id=facility.pk if facility else None,
        contact_id=contact.pk if contact else None,
        criterion=data.get("criterion") or None,
        sort=sort,
    )
    return board_fingerprint(
        request.user, team_ids=[team.pk], flt=flt, compact=compact, sector=Sector.TEAM
    )


def _unchanged(request, fingerprint: str) -> bool:
    """The poll says it shows these rows already: ``?v=`` or ``If-None-Match``."""
    if request.GET.get("v") == fingerprint:
        return True
    tags = parse_etags(request.headers.get("If-None-Match", ""))
    return f'"{fingerprint}"' in {t.removeprefix("W/") for t in tags}


def _with_etag(response: HttpResponse, fingerprint: str) -> HttpResponse:
    response["ETag"] = f'"{fingerprint}"'
    return response


def _not_modified(fingerprint: str) -> HttpResponse:
    """204: nothing changed (the poll's htmx keeps its rows). Nothing is shown: no audit row."""
    return _with_etag(HttpResponse(status=204), fingerprint)


@require_GET
def facility_print(request, facility_pk: int):
    """The board on A4 landscape, with the facility's name and the date."""
    facility, _sector = _board_facility(request, facility_pk)
    entries, context = _facility_board_data(request, facility, printing=True)
    record_shown(
        user=request.user,
        action=Action.EXPORT,
        resident_ids=[e.resident_id for e in entries],
        detail={"list": "board_print", "facility_id": facility.pk},
    )
    context["printed_at"] = timezone.localtime()
    return render(request, "board/entries/print.html", context)


def _team_board_data(request, team_pk: int):
    require(can_team(request.user, TEAM_MEMBER, team_pk))
    team = Team.objects.get(pk=team_pk)
    form = TeamBoardFilterForm(request.GET or None, team=team)
    compact, sort, ignored = form.options()
    data = getattr(form, "cleaned_data", {})
    facility = data.get("facility")
    contact = data.get("contact")
    flt = selectors.BoardFilter(
        facility_id=facility.pk if facility else None,
        contact_id=contact.pk if contact else None,
        criterion=data.get("criterion") or None,
        sort=sort,
    )
    entries = selectors.board_entries(request.user, team_ids=[team.pk], flt=flt)
    context = _board_context(
        entries,
        compact=compact,
        sort=sort,
        team_board=True,
        page_url=reverse("board:team", args=[team.pk]),
        sector=Sector.TEAM,
        params={
            "facility": facility.pk if facility else "",
            "contact": contact.pk if contact else "",
            "criterion": flt.criterion or "",
        },
    )
    context.update(
        {
            "team": team,
            "filter_form": form,
            # the fields' HTML, rendered once per content (board.rows); only pages call it
            "filter_fields": partial(form_fields_html, form),
            "ignored": ignored,
            "filtered": bool(facility or contact or flt.criterion),
            "rows_url": reverse("board:team_rows", args=[team.pk]),
        }
    )
    return team, entries, context


@require_GET
@vary_on_headers("HX-Request")
def team_board(request, team_pk: int):
    """All the team's facilities on one board, filtered and sorted."""
    team, entries, context = _team_board_data(request, team_pk)
    context["rows_hash"] = _team_fingerprint(request, team, context["filter_form"])
    _record_board(request, entries, list="team_board", team_id=team.pk)
    return render(request, "board/entries/board.html", context)


@require_GET
@vary_on_headers("HX-Request")
def team_rows(request, team_pk: int):
    """The team board's rows for its 15-second poll (204 when nothing changed, as
    ``facility_rows``)."""
    require(can_team(request.user, TEAM_MEMBER, team_pk))
    team = Team(pk=team_pk)  # a team the user is a member of: the form needs only its id
    fingerprint = _team_fingerprint(
        request, team, TeamBoardFilterForm(request.GET or None, team=team)
    )
    if _unchanged(request, fingerprint):
        return _not_modified(fingerprint)
    team, entries, context = _team_board_data(request, team_pk)
    context["rows_hash"] = fingerprint
    _record_board(request, entries, list="board_rows", team_id=team.pk)
    return _with_etag(render(request, "board/entries/board.html#rows", context), fingerprint)


# --- entries --------------------------------------------------------------------------------


def _add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on the named field where the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _readonly_cells(entry, writable, today) -> list[Cell]:
    """The columns the user sees but does not write (the other sector's, and withheld ones)."""
    shown = [name for name in columns.FORM_COLUMNS if name not in writable]
    return [cell(entry, name, today) for name in shown]


def _active_entry(request, pk: int, action: str = access.EDIT):
    """The entry (404 if not visible, 403 if the user may see but not do ``action``: EDIT, or
    END to take it off), the user's sector, or a redirect for an ended entry."""
    entry = selectors.get_entry_for_user(request.user, pk, action=action)
    sector = access.sector(request.user, entry.facility)
    if entry.status != EntryStatus.ACTIVE:
        messages.info(request, _("Beboeren er taget af tavlen; indgangen kan ikke ændres."))
        return entry, sector, redirect("board:history", resident_pk=entry.resident_id)
    return entry, sector, None


@require_http_methods(["GET", "POST"])
def entry_create(request, resident_pk: int):
    """Put a resident in an active course on the board of the facility they live at."""
    resident = get_resident_for_user(request.user, resident_pk)
    placement = access.placement_for(request.user, resident)
    course = placement.course
    if course is not None:
        require(placement.sector is not None)
        if not placement.board_shared:
            raise PermissionDenied
        if placement.active_entry is not None:
            messages.info(request, _("Beboeren er allerede på tavlen."))
            return redirect("board:entry_edit", pk=placement.active_entry.pk)
    form = None
    if course is not None:
        initial = {"housing_contact": course.facility_contact}
        initial.update(prefill.initial(request.session, resident.pk))
        form = EntryForm(
            request.POST or None,
            writable=access.writable_columns(request.user, placement.sector, resident),
            facility=course.facility,
            initial=initial,
        )
        if request.method == "POST" and form.is_valid():
            try:
                entry = services.board_entry_create(
                    user=request.user, resident=resident, **form.changes()
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                prefill.clear(request.session, resident.pk)
                messages.success(
                    request, _("%(name)s er sat på tavlen.") % {"name": resident.full_name}
                )
                return redirect("board:facility", facility_pk=entry.facility_id)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=resident,
        obj=course,
        detail={"page": "board_entry_create"},
    )
    return render(
        request,
        "board/entries/entry_form.html",
        {
            "resident": resident,
            "course": course,
            "form": form,
            "sector": placement.sector,
        },
    )


def _form_value(entry, name: str):
    """A saved column as a form posts it."""
    value = getattr(entry, name)
    if name == "criteria":
        return list(value or [])
    if name == "housing_contact":
        return str(value.pk) if value is not None else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value or ""


def _display(name: str, value, names: dict[int, str] | None = None) -> str:
    """A column's value as text for the conflict view and the history."""
    if value in (None, "", []):
        return ""
    if name == "criteria":
        labels = dict(BoardCriterion.choices)
        codes = value if isinstance(value, list) else [c.strip() for c in str(value).split(",")]
        return "; ".join(str(labels.get(code, code)) for code in codes if code)
    if name == "housing_contact":
        if hasattr(value, "pk"):
            return _person(value)
        return (names or {}).get(int(value), _("Ukendt")) if str(value).isdigit() else ""
    if isinstance(_model_field(name), DateField):
        if isinstance(value, datetime.date):
            return _date(value)
        try:
            return _date(datetime.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    choices = getattr(_model_field(name), "choices", None)
    if choices:  # the reason for taking off the board
        return str(dict(choices).get(value, value))
    return str(value)


def _model_field(name: str):
    try:
        return BoardEntry._meta.get_field(name)
    except FieldDoesNotExist:
        return None


@require_http_methods(["GET", "POST"])
def entry_edit(request, pk: int):
    """Edit the columns the user's sector writes; the other sector's are shown read-only.

    The form carries the version the user loaded. If someone saved in between, the service
    merges the columns only one of them changed; where both changed the same column, both
    texts are shown side by side and the user chooses: their own text, or the saved one."""
    entry, sector, done = _active_entry(request, pk)
    if done is not None:
        return done
    kwargs = {
        "writable": access.writable_columns(request.user, sector, entry.resident),
        "facility": entry.facility,
        "editing": True,
    }
    conflicts = []
    if request.method == "POST":
        form = EntryForm(request.POST, **kwargs)
        if form.is_valid():
            result = _save_entry(request, entry, form, kwargs)
            if isinstance(result, HttpResponse):
                return result
            form, conflicts, entry = result
    else:
        initial = {name: _form_value(entry, name) for name in columns.FORM_COLUMNS}
        initial["version"] = entry.version
        form = EntryForm(**kwargs, initial=initial)
    form.show_cell_meta(entry)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=entry.resident,
        obj=entry,
        detail={"page": "board_entry_edit"},
    )
    today = timezone.localdate()
    return render(
        request,
        "board/entries/entry_edit.html",
        {
            "entry": entry,
            "form": form,
            "sector": sector,
            "readonly": _readonly_cells(entry, form.columns, today),
            "conflicts": conflicts,
            "conflict_names": ",".join(c["name"] for c in conflicts),
        },
    )


def _save_entry(request, entry, form, kwargs):
    """Save through the merging service. Returns a redirect, or the form to show again (with
    the conflicts and the entry as saved now)."""
    keep_saved: frozenset[str] = frozenset()
    if request.POST.get("resolve") == "saved":
        # the user chose the saved text for the columns that were in conflict
        keep_saved = frozenset(n.strip() for n in str(request.POST.get("conflicts", "")).split(","))
    try:
        saved = services.board_entry_edit(
            user=request.user,
            entry=entry,
            version=form.cleaned_data["version"],
            changes=form.changes(),
            keep_saved=keep_saved,
        )
    except EditConflict as exc:
        return _conflict_form(request, form, kwargs, exc)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return form, [], entry
    if saved.merged_with:
        messages.success(
            request,
            _(
                "Dine ændringer er gemt. %(names)s havde samtidig gemt ændringer i "
                "andre kolonner; de er også bevaret."
            )
            % {"names": ", ".join(n for n in saved.merged_with if n) or _("En anden")},
        )
    else:
        messages.success(request, _("Ændringerne er gemt."))
    return redirect("board:facility", facility_pk=entry.facility_id)


def _conflict_form(request, form, kwargs, conflict: EditConflict):
    """The form again, at the saved version: the user's text where they changed a column, the
    saved text where only the other person did; and both texts for each conflicting column."""
    current = selectors.redact(request.user, [conflict.current])[0]
    base = conflict.base
    data = request.POST.copy()
    data["version"] = str(current.version)
    data["conflicts"] = ",".join(conflict.conflicting)
    data.pop("resolve", None)
    typed = form.changes()
    for name in form.columns:
        saved = _as_text(getattr(current, name))
        if _as_text(typed[name]) == base[name] and saved != base[name]:
            value = _form_value(current, name)
            if isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value
    new_form = EntryForm(data, **kwargs)
    new_form.is_valid()
    conflicts = []
    for name in conflict.conflicting:
        who, at = _meta(current, name)
        conflicts.append(
            {
                "name": name,
                "label": columns.label(name),
                "saved": _display(name, getattr(current, name)),
                "mine": _display(name, typed[name]),
                "saved_by": who,
                "saved_at": at,
            }
        )
    return new_form, conflicts, current


def _stale_message(form, current) -> ReviewForm | EndForm:
    """The form again with the saved version, and a message saying what changed."""
    data = form.data.copy()
    data["version"] = str(current.version)
    new_form = type(form)(data)
    new_form.is_valid()
    new_form.add_error(
        None,
        _(
            "En anden har gemt ændringer i indgangen, siden du åbnede siden. Se de gemte "
            "oplysninger ovenfor; dine valg er bevaret. Gem igen for at bekræfte."
        ),
    )
    return new_form


def _versioned_step(
    request,
    pk: int,
    form_class,
    run,
    *,
    done_message,
    done_url,
    template,
    page,
    action=access.EDIT,
):
    """A one-form step on an active entry (review, take off): the entry's version travels in the
    form; a stale version shows the saved entry and keeps the user's input."""
    entry, _sector, done = _active_entry(request, pk, action)
    if done is not None:
        return done
    form = form_class(request.POST or None, initial={"version": entry.version})
    if request.method == "POST" and form.is_valid():
        try:
            run(entry, form.cleaned_data)
        except StaleEdit:
            entry = selectors.get_entry_for_user(request.user, pk)
            form = _stale_message(form, entry)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, done_message % {"name": entry.resident.full_name})
            return redirect(done_url(entry))
    return _entry_page(request, entry, form, template, page)


@require_http_methods(["GET", "POST"])
def entry_review(request, pk: int):
    """Followed up today; the next review date is required."""
    return _versioned_step(
        request,
        pk,
        ReviewForm,
        lambda entry, data: services.board_entry_review(
            user=request.user,
            entry=entry,
            version=data["version"],
            next_review_on=data["next_review_on"],
        ),
        done_message=_("Opfølgningen er registreret for %(name)s."),
        done_url=lambda entry: reverse("board:facility", args=[entry.facility_id]),
        template="board/entries/entry_review.html",
        page="board_review",
    )


@require_http_methods(["GET", "POST"])
def entry_end(request, pk: int):
    """Take the resident off the board: the reason, and how the effort was ended with them."""
    return _versioned_step(
        request,
        pk,
        EndForm,
        lambda entry, data: services.board_entry_end(
            user=request.user,
            entry=entry,
            version=data["version"],
            end_reason=data["end_reason"],
            ending_text=data["ending_text"],
        ),
        done_message=_("%(name)s er taget af tavlen."),
        done_url=lambda entry: reverse("board:history", args=[entry.resident_id]),
        template="board/entries/entry_end.html",
        page="board_end",
        action=access.END,
    )


def _entry_page(request, entry, form, template: str, page: str):
    record(
        user=request.user,
        action=Action.VIEW,
        resident=entry.resident,
        obj=entry,
        detail={"page": page},
    )
    today = timezone.localdate()
    summary = [cell(entry, name, today) for name in columns.SUMMARY_COLUMNS]
    return render(
        request,
        template,
        {
            "entry": entry,
            "form": form,
            "summary": summary,
            "flags": [str(FLAG_LABELS[f]) for f in selectors.flags(entry, today=today)],
        },
    )


# --- history --------------------------------------------------------------------------------


@require_GET
def history(request, resident_pk: int):
    """Every board entry of the resident the user may see, current and ended, with who changed
    what and when; and the minutes of closed meetings where the resident was discussed."""
    resident = get_resident_for_user(request.user, resident_pk)
    entries: list[Any] = selectors.entry_history(request.user, resident)  # with change_list
    minutes = list(selectors.resident_minutes(request.user, resident))
    user_ids = set()
    for entry in entries:
        for change in entry.change_list:
            if change.field == "housing_contact":
                user_ids |= {int(v) for v in (change.old_value, change.new_value) if v.isdigit()}
    names = {}
    if user_ids:
        names = {u.pk: _person(u) for u in User.objects.filter(pk__in=user_ids)}
    today = timezone.localdate()
    blocks = []
    for entry in entries:
        shown = list(columns.DETAIL_COLUMNS)
        if entry.status == EntryStatus.ENDED:
            shown += columns.ENDING_COLUMNS
        blocks.append(
            {
                "entry": entry,
                "cells": [cell(entry, name, today) for name in shown],
                "changes": [
                    {
                        "at": c.changed_at,
                        "by": _person(c.changed_by),
                        "label": columns.label(c.field),
                        "old": _display(c.field, c.old_value, names),
                        "new": _display(c.field, c.new_value, names),
                        "version": c.version,
                    }
                    for c in entry.change_list
                ],
            }
        )
    placement = access.placement_for(request.user, resident)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=resident,
        detail={"page": "board_history", "entries": len(entries), "minutes": len(minutes)},
    )
    return render(
        request,
        "board/entries/history.html",
        {
            "resident": resident,
            "blocks": blocks,
            "minutes": minutes,
            "can_place": placement.can_place,
        },
    )
