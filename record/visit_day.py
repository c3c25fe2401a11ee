"""The visit-day list (besøgsdage): for a team member's visit to a facility on its agreed day,
the residents to see, open questions from housing staff, actions due, plans and assessments due
for review, and recent events, on one page.

The agreed days come from the facility's cooperation agreement in force. Only staff of the
facility's team may open it; everyone else gets 404. Every section is about the residents
listed (the team's active courses at the facility), one audit row each, and the page costs the
same number of queries however many residents there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from agreements.models import WEEKDAYS, Agreement, AgreementVersion
from agreements.selectors import LIVE, live_agreement_for_facility, version_in_force
from audit.models import Action as AuditAction
from audit.services import record_shown
from board.models import Action, BoardEntry, EntryStatus, Question, QuestionDirection
from courses.models import Course, CourseStatus
from lib.forms import DateInput, Form, hide_optional
from organisation.access import TEAM_MEMBER, can_team, found, require, teams_of
from organisation.models import Facility
from residents.models import Residence

from . import access
from .kinds import REVIEWED_KINDS, Kind, Section, kinds_in
from .selectors import latest_q

REVIEW_AHEAD_DAYS = 7  # plans and assessments due for review within a week of the visit
EVENT_DAYS = 14  # recent events: the two weeks before the visit
EVENT_LIMIT = 100
EARLIEST = datetime.date(2000, 1, 1)
LATEST_AHEAD = datetime.timedelta(days=366)


# --- agreed visit days ---------------------------------------------------------------------


def day_names(days) -> str:
    names = dict(WEEKDAYS)
    return ", ".join(str(names[d]) for d in sorted(days or []) if d in names)


def next_visit(version: AgreementVersion | None, start: datetime.date) -> datetime.date | None:
    """The first agreed visit day on or after ``start`` (None without agreed days)."""
    days = set(version.visit_days or []) if version else set()
    for offset in range(7):
        candidate = start + datetime.timedelta(days=offset)
        if candidate.weekday() in days:
            return candidate
    return None


def _versions_in_force(facility_ids, day: datetime.date) -> dict[int, AgreementVersion | None]:
    """Per facility, the version in force on ``day`` of its live agreement (the answer of
    ``live_agreement_for_facility`` + ``version_in_force``, in two queries for all)."""
    agreements = (
        Agreement.objects.filter(facility_id__in=facility_ids, status__in=LIVE)
        .prefetch_related("versions")
        .order_by("-created_at", "-id")
    )
    result: dict[int, AgreementVersion | None] = {}
    for agreement in agreements:
        if agreement.facility_id not in result:
            result[agreement.facility_id] = version_in_force(agreement, day)
    return result


# --- the list of facilities ----------------------------------------------------------------


@dataclass
class FacilityRow:
    facility: Facility
    version: AgreementVersion | None
    days: str
    next_visit: datetime.date | None
    residents: int
    link_day: datetime.date


@require_GET
def visit_days(request):
    """The facilities of the user's teams, with their agreed visit days and the next visit."""
    require(access.may_use_visit_days(request.user))
    teams = teams_of(request.user)
    today = timezone.localdate()
    facilities = list(
        Facility.objects.filter(team__in=teams).select_related("team").order_by("name", "id")
    )
    ids = [f.pk for f in facilities]
    versions = _versions_in_force(ids, today)
    counts = dict(
        Residence.objects.filter(
            facility_id__in=ids,
            moved_out__isnull=True,
            resident__courses__status=CourseStatus.ACTIVE,
            resident__courses__team__in=teams,
        )
        .values("facility_id")
        .annotate(n=Count("resident_id", distinct=True))
        .values_list("facility_id", "n")
    )
    rows = []
    for facility in facilities:
        version = versions.get(facility.pk)
        upcoming = next_visit(version, today)
        rows.append(
            FacilityRow(
                facility=facility,
                version=version,
                days=day_names(version.visit_days) if version else "",
                next_visit=upcoming,
                residents=counts.get(facility.pk, 0),
                link_day=upcoming or today,
            )
        )
    rows.sort(key=lambda r: (r.next_visit is None, r.next_visit or today, r.facility.name))
    return render(
        request,
        "record/visit_days.html",
        {"rows": rows, "today": today},
    )


# --- one facility's visit day --------------------------------------------------------------


class VisitDayForm(Form):
    """``?dato=2024-05-14``; a bad date is reported and the default day shown instead."""

    dato = forms.DateField(label=gettext_lazy("Dato for besøget"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hide_optional(self.fields["dato"])

    def clean_dato(self):
        value = self.cleaned_data.get("dato")
        if value is None:
            return value
        if value < EARLIEST or value > timezone.localdate() + LATEST_AHEAD:
            raise forms.ValidationError(
                _("Vælg en dato mellem %(first)s og et år frem.")
                % {"first": EARLIEST.strftime("%d.%m.%Y")},
                code="out_of_range",
            )
        return value


def _facility_for_team_staff(user, facility_pk: int) -> Facility:
    """Staff of the facility's team only; housing staff and other teams get 404."""
    facility = (
        Facility.objects.select_related("team")
        .prefetch_related("addresses")
        .filter(pk=facility_pk)
        .first()
    )
    facility = found(facility)
    require(can_team(user, TEAM_MEMBER, facility.team_id))
    return facility


def _residents(user, facility, day: datetime.date) -> list[Course]:
    """The team's active courses of residents living at the facility: those on the board
    first; with the user's own contact residents, a visit note that day and any admission on
    that day marked."""
    visible = access.visible(user)
    living_here = Residence.objects.filter(facility=facility, moved_out__isnull=True).values(
        "resident_id"
    )
    visit_note = (
        visible.filter(resident_id=OuterRef("resident_id"), kind=Kind.VISIT, occurred_on=day)
        .order_by("-id")
        .values("id")[:1]
    )
    admitted = visible.filter(
        resident_id=OuterRef("resident_id"), kind=Kind.ADMISSION, occurred_on__lte=day
    ).filter(Q(occurred_until__isnull=True) | Q(occurred_until__gte=day))
    return list(
        Course.objects.filter(
            status=CourseStatus.ACTIVE,
            team__in=teams_of(user),
            resident_id__in=living_here,
        )
        .select_related("resident")
        .annotate(
            on_board=Exists(
                BoardEntry.objects.filter(
                    resident_id=OuterRef("resident_id"), status=EntryStatus.ACTIVE
                )
            ),
            is_contact=Exists(
                Course.team_contacts.through.objects.filter(
                    course_id=OuterRef("pk"), user_id=user.pk
                )
            ),
            visit_note_id=Subquery(visit_note),
            admitted=Exists(admitted),
        )
        .order_by("-on_board", "resident__first_name", "resident__last_name", "pk")
    )


def _note_link(resident_id: int, day: datetime.date, back: str, today: datetime.date) -> str:
    """record:create for a visit, preselected as a planned visit at the facility, returning
    to this list after saving. A visit day in the past dates the note on that day."""
    params = {"subtype": "visit", "planned": "planned"}
    if day < today:
        params["occurred_on"] = day.isoformat()
    params["next"] = back
    return reverse("record:create", args=[resident_id, Kind.VISIT]) + "?" + urlencode(params)


@require_GET
def visit_day(request, facility_pk: int):
    facility = _facility_for_team_staff(request.user, facility_pk)
    today = timezone.localdate()
    agreement = live_agreement_for_facility(facility)
    version_today = version_in_force(agreement, today) if agreement else None
    default = next_visit(version_today, today) or today
    form = VisitDayForm(request.GET or None)
    day = default
    if form.is_bound and form.is_valid() and form.cleaned_data["dato"]:
        day = form.cleaned_data["dato"]
    if not form.is_bound:
        form = VisitDayForm(initial={"dato": day})
    version = version_in_force(agreement, day) if agreement else None

    courses = _residents(request.user, facility, day)
    ids = [c.resident_id for c in courses]
    back = f"{request.path}?{urlencode({'dato': day.isoformat()})}"
    for course in courses:
        course.note_link = _note_link(course.resident_id, day, back, today) if day <= today else ""

    questions = list(
        Question.objects.filter(
            facility=facility,
            team__in=teams_of(request.user),
            direction=QuestionDirection.TO_TEAM,
            answered_at__isnull=True,
            resident_id__in=ids,
        )
        .select_related("resident", "asked_by")
        .order_by("asked_at", "id")
    )
    actions = list(
        Action.objects.filter(
            facility=facility, done_at__isnull=True, due_on__lte=day, resident_id__in=ids
        )
        .select_related("resident", "owner")
        .order_by("due_on", "id")
    )
    for action in actions:
        action.overdue = action.due_on < day

    visible = access.visible(request.user).filter(resident_id__in=ids)
    reviews = list(
        visible.filter(
            kind__in=sorted(REVIEWED_KINDS),
            review_on__lte=day + datetime.timedelta(days=REVIEW_AHEAD_DAYS),
        )
        .filter(latest_q())
        .select_related("resident")
        .order_by("review_on", "resident__first_name", "id")
    )
    for entry in reviews:
        entry.overdue = entry.review_on is not None and entry.review_on < day
    since = day - datetime.timedelta(days=EVENT_DAYS)
    events = list(
        visible.filter(kind__in=kinds_in(Section.EVENTS), occurred_on__lte=day)
        .filter(Q(occurred_on__gte=since) | Q(occurred_until__gte=since))
        .select_related("resident", "recorded_by")
        .order_by("-occurred_on", "-id")[:EVENT_LIMIT]
    )

    record_shown(
        user=request.user,
        action=AuditAction.LIST,
        resident_ids=ids,
        detail={"page": "visit_day", "facility_id": facility.pk, "date": day.isoformat()},
    )
    agreed_days = set(version.visit_days or []) if version else set()
    return render(
        request,
        "record/visit_day.html",
        {
            "facility": facility,
            "form": form,
            "day": day,
            "today": today,
            "version": version,
            "has_agreement": version is not None,
            "is_visit_day": day.weekday() in agreed_days,
            "days": day_names(agreed_days),
            "safety": (version.sections or {}).get("safety", "") if version else "",
            "next_day": next_visit(version, day + datetime.timedelta(days=1)),
            "courses": courses,
            "questions": questions,
            "actions": actions,
            "reviews": reviews,
            "events": events,
            "event_days": EVENT_DAYS,
            "review_days": REVIEW_AHEAD_DAYS,
        },
    )
