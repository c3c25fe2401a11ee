"""The weekly cross-sector meeting (tavlemøde): the facility's meetings and schedule, meeting
mode walking the agenda resident by resident, note and decisions, actions, attendance, closing
and the printable minutes. Gatekeeper → form → service → redirect (or an htmx partial).

Housing staff see an agenda item's board content only where the resident's consent covers the
board (``board.access.items``); other items show the name, the reasons, the questions and the
housing side's actions. A closed meeting is read-only: a write to it answers 409 Conflict with
the page, the refusal and what the user typed (htmx requests get 200, since htmx does not swap
error answers, so the partial with the refusal replaces the form).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.selectors import live_agreement_for_facility, version_in_force
from audit.models import Action as AuditAction
from audit.services import record, record_shown
from organisation.access import found
from organisation.models import Facility

from .. import access, columns, services
from ..forms_meetings import (
    ActionForm,
    AgendaPositionForm,
    AttendanceForm,
    EmptyForm,
    ItemForm,
    NextForm,
    ScheduleForm,
)
from ..models import (
    Action,
    AgendaItem,
    Attendance,
    EntryStatus,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
)
from ..selectors import (
    item_actions,
    item_entry,
    item_questions,
    meeting_attendance,
    meeting_items,
    meeting_minutes,
)

CLOSED = gettext_lazy("Mødet er afsluttet, og referatet er arkiveret. Det kan ikke ændres.")
PAGE_SIZE = 25


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _closed_status(request) -> int:
    return 200 if _htmx(request) else 409


def _facility(request, facility_pk: int) -> Facility:
    facility = found(Facility.objects.filter(pk=facility_pk).first())
    access.facility_board_sector(request.user, facility)
    return facility


def _agreement_meeting(facility) -> dict | None:
    """The weekly meeting day and time from the facility's agreement in force, if it sets them."""
    agreement = live_agreement_for_facility(facility)
    version = version_in_force(agreement) if agreement else None
    if version is None or version.meeting_weekday is None or version.meeting_time is None:
        return None
    return {
        "weekday": version.meeting_weekday,
        "weekday_name": version.get_meeting_weekday_display(),
        "starts_at": version.meeting_time,
    }


def _item_url(item) -> str:
    return f"{reverse('board:meeting', args=[item.meeting_id])}?punkt={item.position}"


def _error_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- the facility's meetings and schedule ---------------------------------------------------


@require_GET
def meeting_list(request, facility_pk: int):
    facility = _facility(request, facility_pk)
    attendance = (
        Attendance.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    meetings = Meeting.objects.filter(facility=facility).annotate(
        attendance_count=Coalesce(Subquery(attendance), 0)
    )
    open_meeting = meetings.filter(status=MeetingStatus.OPEN).first()
    page = Paginator(
        meetings.filter(status=MeetingStatus.CLOSED).order_by("-held_on", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("side"))
    schedule = MeetingSchedule.objects.filter(facility=facility).first()
    return render(
        request,
        "board/meetings/list.html",
        {
            "facility": facility,
            "open_meeting": open_meeting,
            "past": page.object_list,
            "page": page,
            "schedule": schedule,
            "agreement_meeting": None if schedule else _agreement_meeting(facility),
        },
    )


@require_POST
def meeting_open(request, facility_pk: int):
    """Start a meeting ("Start tavlemøde"): the agenda is built from the board, questions and open actions."""
    facility = _facility(request, facility_pk)
    form = EmptyForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, str(error))
        return redirect("board:meetings", facility_pk=facility.pk)
    try:
        meeting = services.meeting_open(user=request.user, facility=facility)
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("board:meetings", facility_pk=facility.pk)
    return redirect("board:meeting", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def schedule(request, facility_pk: int):
    facility = _facility(request, facility_pk)
    current = MeetingSchedule.objects.filter(facility=facility).first()
    initial = {}
    if current is not None:
        initial = {
            "weekday": current.weekday,
            "starts_at": current.starts_at,
            "minutes_per_resident": current.minutes_per_resident,
        }
    else:
        from_agreement = _agreement_meeting(facility)
        if from_agreement is not None and from_agreement["weekday"] <= 4:  # the form: Mon-Fri
            initial = {
                "weekday": from_agreement["weekday"],
                "starts_at": from_agreement["starts_at"],
            }
    form = ScheduleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_schedule_set(user=request.user, facility=facility, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Mødeplanen er gemt."))
            return redirect("board:meetings", facility_pk=facility.pk)
    return render(request, "board/meetings/schedule.html", {"facility": facility, "form": form})


# --- meeting mode -------------------------------------------------------------------------


def _entry_rows(entry) -> list[dict]:
    """The board columns of an entry (``board.columns``), as label/value rows; withheld columns
    are marked."""
    rows = []
    for field in columns.DETAIL_COLUMNS:
        label = columns.label(field)
        if field == "housing_contact":
            value = entry.housing_contact.get_full_name() if entry.housing_contact else ""
        elif field == "team_contacts":
            names = [u.get_full_name() for u in entry.course.team_contacts.all()]
            doctor = entry.course.responsible_doctor
            if doctor is not None:
                names.append(_("%(name)s (læge)") % {"name": doctor.get_full_name()})
            value = ", ".join(names)
        elif field == "criteria":
            value = ", ".join(entry.criteria_labels())
        elif field in ("placed_on", "review_on"):
            value = date_format(getattr(entry, field), "d.m.Y")
        else:
            value = getattr(entry, field)
        rows.append({"label": label, "value": value, "withheld": field in entry.withheld})
    return rows


def _note_form(item) -> ItemForm:
    return ItemForm(
        initial={"version": item.version, "note": item.note, "decisions": item.decisions}
    )


@require_GET
def meeting_detail(request, pk: int):
    """Meeting mode: the agenda, and the current resident (``?punkt=<position>``) big."""
    meeting = access.meetings.get_for_user(request.user, pk)
    closed = meeting.status == MeetingStatus.CLOSED
    items = meeting_items(request.user, meeting)
    context = {
        "meeting": meeting,
        "closed": closed,
        "items": items,
        "attendance": meeting_attendance(meeting),
        "total_minutes": (meeting.minutes_per_resident or 0) * len(items),
    }
    position = AgendaPositionForm(request.GET)
    wanted = position.cleaned_data.get("punkt") if position.is_valid() else None
    by_position: dict[int | None, AgendaItem] = {item.position: item for item in items}
    if items and (not position.is_valid() or (wanted is not None and wanted not in by_position)):
        context["notice"] = _("Punktet findes ikke på dagsordenen. Her er det første punkt.")
    current = by_position.get(wanted) or (items[0] if items else None)
    if current is not None:
        index = items.index(current)
        entry = item_entry(request.user, current)
        context.update(
            current=current,
            number=index + 1,
            previous=items[index - 1] if index > 0 else None,
            next=items[index + 1] if index + 1 < len(items) else None,
            entry=entry,
            entry_rows=_entry_rows(entry) if entry is not None else [],
            can_end_entry=entry is not None and entry.status == EntryStatus.ACTIVE and not closed,
            questions=item_questions(current),
            actions=item_actions(current),
            writable=not closed and access.items.can(request.user, access.EDIT, current),
        )
        if context["writable"]:
            context["form"] = _note_form(current)
            context["action_form"] = ActionForm(
                meeting=meeting,
                initial={"due_on": meeting.held_on + datetime.timedelta(days=7)},
            )
    record_shown(
        user=request.user,
        action=AuditAction.LIST,
        resident_ids=[item.resident_id for item in items],
        detail={"list": "meeting_agenda", "meeting_id": meeting.pk},
    )
    if current is not None:
        record(
            user=request.user,
            action=AuditAction.VIEW,
            resident=current.resident,
            obj=current,
            detail={"meeting_id": meeting.pk, "shared": current.shared},
        )
    return render(request, "board/meetings/meeting.html", context)


@require_http_methods(["GET", "POST"])
def item(request, pk: int):
    """An item's note and decisions. A stale version shows the saved text beside what the user
    typed (kept in the form, with the new version, so saving again is a choice)."""
    request.htmx_aware = True  # the answer differs for htmx: Vary: HX-Request
    agenda_item = access.items.get_for_user(request.user, pk)
    meeting = agenda_item.meeting
    closed = meeting.status == MeetingStatus.CLOSED
    template = (
        "board/meetings/item.html#note_form" if _htmx(request) else "board/meetings/item.html"
    )
    context = {"item": agenda_item, "meeting": meeting, "closed": closed}
    status = 200
    if request.method == "GET":
        if not closed and access.items.can(request.user, access.EDIT, agenda_item):
            context["form"] = _note_form(agenda_item)
    elif closed:
        context["refused"] = CLOSED
        context["typed"] = ItemForm(request.POST)
        status = _closed_status(request)
    elif not access.items.can(request.user, access.EDIT, agenda_item):
        raise PermissionDenied
    else:
        form = ItemForm(request.POST)
        context["form"] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.agenda_item_update(
                    user=request.user,
                    item=agenda_item,
                    version=data["version"],
                    note=data["note"],
                    decisions=data["decisions"],
                )
            except services.StaleEdit as exc:
                kept = request.POST.copy()
                kept["version"] = str(exc.current.version)
                form = ItemForm(kept)
                form.is_valid()
                form.add_error(None, exc)
                context.update(form=form, conflict=exc.current)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "closed":
                    context.update(closed=True, refused=CLOSED, typed=form, form=None)
                    status = _closed_status(request)
                else:
                    form.add_error(None, exc)
            else:
                for field in ("note", "decisions", "discussed", "version"):
                    setattr(agenda_item, field, getattr(saved, field))
                if _htmx(request):
                    context.update(form=_note_form(agenda_item), saved=True)
                else:
                    messages.success(request, _("Notat og beslutninger er gemt."))
                    return redirect(_item_url(agenda_item))
    record(
        user=request.user,
        action=AuditAction.VIEW,
        resident=agenda_item.resident,
        obj=agenda_item,
        detail={"meeting_id": meeting.pk, "shared": agenda_item.shared},
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def action_create(request, pk: int):
    agenda_item = access.items.get_for_user(request.user, pk)
    meeting = agenda_item.meeting
    context = {"item": agenda_item, "meeting": meeting}
    status = 200
    if meeting.status == MeetingStatus.CLOSED:
        context.update(closed=True, refused=CLOSED)
        if request.method == "POST":
            context["typed"] = request.POST.get("text", "")[:2000]
            status = 409
    elif not access.items.can(request.user, access.EDIT, agenda_item):
        raise PermissionDenied
    else:
        form = ActionForm(
            request.POST if request.method == "POST" else None,
            meeting=meeting,
            initial={"due_on": meeting.held_on + datetime.timedelta(days=7)},
        )
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.action_create(
                    user=request.user,
                    item=agenda_item,
                    text=data["text"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Handlingen er tilføjet."))
                return redirect(_item_url(agenda_item) + "#handlinger")
    record(
        user=request.user,
        action=AuditAction.VIEW,
        resident=agenda_item.resident,
        obj=agenda_item,
        detail={"meeting_id": meeting.pk, "page": "action_create"},
    )
    return render(request, "board/meetings/action_form.html", context, status=status)


@require_POST
def action_done(request, pk: int):
    action = access.actions.get_for_user(request.user, pk)
    form = NextForm(request.POST)
    target = form.cleaned_data["next"] if form.is_valid() else ""
    try:
        services.action_done(user=request.user, action=action)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request, _("Handlingen “%(text)s” er udført.") % {"text": action.text[:60]}
        )
    return redirect(target or reverse("board:meetings", args=[action.facility_id]))


@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    """Who takes part, from both sectors."""
    meeting = access.meetings.get_for_user(request.user, pk)
    closed = meeting.status == MeetingStatus.CLOSED
    current = meeting_attendance(meeting)
    context = {"meeting": meeting, "closed": closed, "attendance": current}
    status = 200
    if closed:
        if request.method == "POST":
            context["refused"] = CLOSED
            status = 409
    else:
        form = AttendanceForm(
            request.POST if request.method == "POST" else None,
            meeting=meeting,
            initial={
                "team": [u.pk for u in current["team"]],
                "facility": [u.pk for u in current["facility"]],
            },
        )
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            try:
                services.attendance_set(user=request.user, meeting=meeting, users=form.users())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Deltagerne er gemt."))
                return redirect("board:meeting", pk=meeting.pk)
    return render(request, "board/meetings/attendance.html", context, status=status)


@require_http_methods(["GET", "POST"])
def meeting_close(request, pk: int):
    """A summary to confirm; closing files the items as the minutes."""
    meeting = access.meetings.get_for_user(request.user, pk)
    closed = meeting.status == MeetingStatus.CLOSED
    context = {"meeting": meeting, "closed": closed}
    status = 200
    if request.method == "POST":
        if closed:
            context["refused"] = CLOSED
            status = 409
        else:
            form = EmptyForm(request.POST)
            if form.is_valid():
                try:
                    services.meeting_close(user=request.user, meeting=meeting)
                except ValidationError as exc:
                    _error_messages(request, exc)
                else:
                    messages.success(request, _("Mødet er afsluttet. Her er referatet."))
                    return redirect("board:minutes", pk=meeting.pk)
            else:
                context["form"] = form
    items = meeting_items(request.user, meeting)
    with_actions = set(Action.objects.filter(meeting=meeting).values_list("resident_id", flat=True))
    discussed = [i for i in items if i.discussed or i.resident_id in with_actions]
    context.update(
        items=items,
        discussed=discussed,
        not_discussed=[i for i in items if i not in discussed],
        actions_created=Action.objects.filter(meeting=meeting).count(),
    )
    record_shown(
        user=request.user,
        action=AuditAction.LIST,
        resident_ids=[i.resident_id for i in items],
        detail={"list": "meeting_close", "meeting_id": meeting.pk},
    )
    return render(request, "board/meetings/close.html", context, status=status)


@require_GET
def minutes(request, pk: int):
    """The printable minutes (A4): attendance, and per resident the reasons, note, decisions,
    actions and the questions answered while the meeting was open."""
    meeting = access.meetings.get_for_user(request.user, pk)
    data = meeting_minutes(request.user, meeting)
    shown = [i.resident_id for i in data["items"]]
    shown += [q.resident_id for q in data["other_questions"] if q.resident_id not in shown]
    record_shown(
        user=request.user,
        action=AuditAction.VIEW,
        resident_ids=shown,
        detail={"page": "minutes", "meeting_id": meeting.pk},
    )
    return render(
        request,
        "board/meetings/minutes.html",
        {"meeting": meeting, "closed": meeting.status == MeetingStatus.CLOSED, **data},
    )
