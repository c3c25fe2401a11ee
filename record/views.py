"""The course record's pages: a resident's journal, one entry with its versions, new entries,
corrections and the printable plans. Gatekeeper → form → service → redirect, as elsewhere."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.services import record
from board import access as board_access
from board.models import BoardEntry, EntryStatus
from lib.errors import StaleVersion
from lib.forms import call_service
from residents.selectors import get_resident_for_user

from . import access, services
from .forms import EARLIEST, FORMS, PHASE_LABEL, CrisisPlanForm
from .kinds import SECTION, SINGLE_KINDS, Kind, Section, kinds_in
from .models import Entry
from .selectors import current_medication, entries_for_resident, is_overdue_q, latest_q

PLAN_KINDS = (Kind.TREATMENT_PLAN, Kind.CRISIS_PLAN)
RECENT = 10


@require_GET
def overview(request, resident_pk: int):
    """The resident's journal: plans, medication, latest assessments, recent contacts and
    events, and what the user may record. A constant number of queries."""
    resident = get_resident_for_user(request.user, resident_pk)
    entries = entries_for_resident(request.user, resident)
    latest = list(
        entries.filter(
            kind__in=[
                *kinds_in(Section.ASSESSMENTS),
                *kinds_in(Section.PLANS),
                Kind.MEDICATION_REVIEW,
            ]
        ).filter(latest_q())
    )
    overdue = set(
        entries.filter(pk__in=[e.pk for e in latest])
        .filter(is_overdue_q())
        .values_list("pk", flat=True)
    )
    for entry in latest:
        entry.overdue = entry.pk in overdue
    medication = list(current_medication(entries).order_by("data__drug", "id"))
    recent = list(
        entries.filter(
            kind__in=[
                *kinds_in(Section.CONTACTS),
                *kinds_in(Section.EVENTS),
                Kind.MEDICATION_REVIEW,
                Kind.MEDICATION_OBSERVATION,
                Kind.TAPERING_PLAN,
                Kind.MEDICATION_AGREEMENT,
            ]
        ).order_by("-occurred_on", "-id")[: RECENT * 2]
    )
    for entry in (*latest, *medication, *recent):
        entry.shown = FORMS[entry.kind].values(entry)
    writable = access.writable(request.user, resident)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=resident,
        obj=resident,
        detail={"page": "record"},
    )
    by_kind = {e.kind: e for e in latest}
    groups = [
        (section.label, [(k, Kind(k).label) for k in kinds_in(section) if k in writable.kinds])
        for section in Section
    ]
    review = by_kind.get(Kind.MEDICATION_REVIEW)

    def rows(kinds):
        """(kind, label, latest entry or None) for the kinds shown or writable."""
        return [
            (k, Kind(k).label, by_kind.get(k)) for k in kinds if k in by_kind or k in writable.kinds
        ]

    return render(
        request,
        "record/overview.html",
        {
            "resident": resident,
            "plans": rows([*PLAN_KINDS, *([Kind.END_PLAN] if Kind.END_PLAN in by_kind else [])]),
            "assessments": rows(kinds_in(Section.ASSESSMENTS)),
            "medication": medication,
            "medication_review": review,
            "fmk_checked_on": _fmk_checked_on([*medication, *([review] if review else [])]),
            "recent": recent,
            "groups": [(label, kinds) for label, kinds in groups if kinds],
            "writable": writable,
            "single_existing": {k for k in SINGLE_KINDS if k in by_kind},
        },
    )


def _fmk_checked_on(entries) -> datetime.date | None:
    """The latest date the Shared Medication Record (FMK) was checked, of those recorded."""
    days = []
    for entry in entries:
        try:
            days.append(datetime.date.fromisoformat(entry.data.get("fmk_checked_on") or ""))
        except (TypeError, ValueError):
            continue
    return max(days, default=None)


def _form_class(kind: str):
    form_class = FORMS.get(kind)
    if form_class is None:
        raise Http404
    return form_class


@require_http_methods(["GET", "POST"])
def create(request, resident_pk: int, kind: str):
    resident = get_resident_for_user(request.user, resident_pk)
    form_class = _form_class(kind)
    if not access.can(request.user, access.CREATE, resident, kind=kind):
        raise PermissionDenied
    if kind in SINGLE_KINDS:
        existing = entries_for_resident(request.user, resident).filter(kind=kind).first()
        if existing is not None:
            return redirect("record:correct", pk=existing.pk)
    form = form_class(
        request.POST if request.method == "POST" else None,  # an empty POST is bound too
        initial=_initial_from_query(form_class, request.GET),
    )
    if request.method == "POST" and form.is_valid():
        columns, data = form.split()
        entry = call_service(
            form,
            services.entry_create,
            user=request.user,
            resident=resident,
            kind=kind,
            columns=columns,
            data=data,
        )
        if entry is not None:
            messages.success(request, _("%(kind)s er gemt.") % {"kind": entry.get_kind_display()})
            _propose_board_entry(request, entry)
            return redirect(_after_save(request, entry))
    return render(
        request,
        "record/entry_form.html",
        {
            "form": form,
            "resident": resident,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "next": _safe_next(request),
        },
    )


def _initial_from_query(form_class, query) -> dict:
    """Initial values from the link that opened the form (the visit-day list preselects a
    planned visit at the facility, on the day of the visit): only a known choice of a
    single-choice field, and a date for ``occurred_on`` that is not in the future."""
    today = timezone.localdate()
    initial = {"occurred_on": today}
    for name, field in form_class.base_fields.items():
        value = query.get(name)
        if not value:
            continue
        if isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            choices = cast("list[tuple[Any, Any]]", field.choices)  # normalised by Django
            if value in {str(key) for key, _label in choices if key != ""}:
                initial[name] = value
        elif name == "occurred_on":
            try:
                day = datetime.date.fromisoformat(value)
            except ValueError:
                continue
            if EARLIEST <= day <= today:
                initial[name] = day
    return initial


def _safe_next(request) -> str:
    """A same-site path to return to (the visit-day list), or ''."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else ""


def _after_save(request, entry: Entry) -> str:
    return _safe_next(request) or reverse("record:detail", args=[entry.pk])


def _propose_board_entry(request, entry: Entry) -> None:
    """A crisis plan moved to red proposes putting the resident on the board."""
    if entry.kind != Kind.CRISIS_PLAN or entry.subtype != "red":
        return
    on_board = BoardEntry.objects.filter(
        resident_id=entry.resident_id, status=EntryStatus.ACTIVE
    ).exists()
    if not on_board:
        request.session["record_board_proposal"] = entry.resident_id


@require_GET
def detail(request, pk: int):
    entry = access.get_for_user(request.user, pk, action=access.VIEW)
    versions = list(entry.versions.select_related("author").order_by("-number"))
    record(user=request.user, action=Action.VIEW, resident=entry.resident, obj=entry)
    return render(request, "record/detail.html", _entry_context(request, entry, versions))


def _entry_context(request, entry, versions, shown=None) -> dict:
    form_class = FORMS[entry.kind]
    shown = shown or entry
    proposal = request.session.pop("record_board_proposal", None) == entry.resident_id
    can_correct = access.can(request.user, access.CORRECT, entry)
    return {
        "entry": entry,
        "shown": shown,
        "rows": form_class.display(shown),
        "versions": versions,
        "can_correct": can_correct,
        "printable": entry.kind in PLAN_KINDS,
        "crisis": _crisis_phases(shown) if entry.kind == Kind.CRISIS_PLAN else None,
        "propose_board": proposal and _may_place_on_board(request.user, entry),
        "section": SECTION[entry.kind],
    }


def _may_place_on_board(user, entry) -> bool:
    """The link is offered to whoever the board's policy lets put the resident on the board
    (``board:entry_create`` asks the same)."""
    return board_access.placement_for(user, entry.resident).can_place


def _crisis_phases(state) -> dict:
    rows = []
    for phase, signs, resident, facility, team in CrisisPlanForm.PHASE_ROWS:
        rows.append(
            {
                "phase": phase,
                "label": PHASE_LABEL[phase],
                "signs": state.data.get(signs, ""),
                "resident": state.data.get(resident, ""),
                "facility": state.data.get(facility, ""),
                "team": state.data.get(team, ""),
            }
        )
    return {
        "current": state.subtype,
        "current_label": PHASE_LABEL.get(state.subtype, ""),
        "phases": rows,
        "triggers": state.data.get("triggers", ""),
        "helps": state.data.get("helps", ""),
        "avoid": state.data.get("avoid", ""),
        "call_open": state.data.get("call_open", ""),
        "call_closed": state.data.get("call_closed", ""),
        "own_words": state.data.get("own_words", False),
    }


@require_GET
def version(request, pk: int, number: int):
    entry = access.get_for_user(request.user, pk, action=access.VIEW)
    versions = list(entry.versions.select_related("author").order_by("-number"))
    shown = next((v for v in versions if v.number == number), None)
    if shown is None:
        raise Http404
    record(
        user=request.user,
        action=Action.VIEW,
        resident=entry.resident,
        obj=entry,
        detail={"version": number},
    )
    context = _entry_context(request, entry, versions, shown=shown)
    context["old_version"] = shown if number != entry.version else None
    return render(request, "record/detail.html", context)


@require_http_methods(["GET", "POST"])
def correct(request, pk: int):
    entry = access.get_for_user(request.user, pk, action=access.CORRECT)
    form_class = FORMS[entry.kind]
    initial = {**form_class.initial_from(entry), "version": entry.version}
    form = form_class(
        request.POST if request.method == "POST" else None, initial=initial, correcting=True
    )
    if request.method == "POST" and form.is_valid():
        columns, data = form.split()
        try:
            saved = services.entry_correct(
                user=request.user,
                entry=entry,
                version=form.cleaned_data["version"],
                columns=columns,
                data=data,
                reason=form.cleaned_data["correction_reason"],
            )
        except StaleVersion as exc:
            entry = access.get_for_user(request.user, pk, action=access.VIEW)
            form.add_error(None, exc)
            posted = cast(QueryDict, form.data).copy()  # bound to request.POST
            posted["version"] = str(entry.version)
            form.data = posted
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Rettelsen er gemt som en ny version."))
            _propose_board_entry(request, saved)
            return redirect(_after_save(request, saved))
    # the form shows the saved entry: a read like any other
    record(user=request.user, action=Action.VIEW, resident=entry.resident, obj=entry)
    return render(
        request,
        "record/entry_form.html",
        {
            "form": form,
            "resident": entry.resident,
            "kind": entry.kind,
            "kind_label": entry.get_kind_display(),
            "entry": entry,
            "saved_rows": form_class.display(entry),
            "next": _safe_next(request),
        },
    )


@require_GET
def print_plan(request, pk: int):
    """The treatment or crisis plan on one A4 page (the browser prints it)."""
    entry = access.get_for_user(request.user, pk, action=access.VIEW)
    if entry.kind not in PLAN_KINDS:
        raise Http404
    record(
        user=request.user,
        action=Action.EXPORT,
        resident=entry.resident,
        obj=entry,
        detail={"print": entry.kind},
    )
    return render(
        request,
        "record/print.html",
        {
            "entry": entry,
            "rows": FORMS[entry.kind].display(entry),
            "crisis": _crisis_phases(entry) if entry.kind == Kind.CRISIS_PLAN else None,
            "printed_at": timezone.localtime(),
            "density": print_density(entry),
        },
    )


# Characters of plan text above which the print uses smaller type to stay on one A4 page.
PRINT_DENSE, PRINT_DENSER = 4500, 7000


def print_density(entry) -> str:
    """How much the plan's text must shrink to fit one A4 page: "", "dense" or "denser"."""
    chars = sum(len(value) for value in entry.data.values() if isinstance(value, str))
    if chars > PRINT_DENSER:
        return "denser"
    if chars > PRINT_DENSE:
        return "dense"
    return ""
