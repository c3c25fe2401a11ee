"""The resident's timeline: every course-record entry, the board history, the meeting notes and
the course milestones on one chronological page, filterable and paginated.

Each source is a ``.values()`` query with the same columns (source, id, date, timestamp),
already scoped to what the user may see. The ORM merges them with ``UNION ALL``, and PostgreSQL
counts, orders and cuts them to one page in one query (``union.aggregate``: ``COUNT(*)`` and
the ordered keys sliced to the page); only that page's rows are then read in full, one query
per kind of row present on the page. The page costs the same number of queries whatever the
length of the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields.array import SliceTransform  # type: ignore[attr-defined]  # not in django-stubs
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import record
from board import access as board_access
from board.access import HistoryView as Scope
from board.forms import COLUMN_LABELS
from board.models import AgendaItem, BoardCriterion, BoardEntry, BoardEntryChange, EndReason
from board.selectors import entries_visible_to as board_entries_visible_to
from board.selectors import resident_minutes
from courses.models import Course, Referral, ReferralStatus
from courses.selectors import courses_visible_to, referrals_visible_to
from lib.forms import DateInput, Form, hide_optional
from residents.selectors import get_resident_for_user

from . import access
from .forms import FORMS, PHASE_LABEL
from .kinds import SECTION, Kind, Section
from .models import Entry

PAGE_SIZE = 50
# The highest page number read as asked: far past any history, and it keeps the page's array
# slice bounds within PostgreSQL's integer. A larger number shows the last page, like any page
# past the end.
MAX_PAGE = 1_000_000
SUMMARY_LENGTH = 200

# Sources in the merged query (the ``tl_src`` column).
SRC_ENTRY = "entry"
SRC_PLACED = "board_placed"
SRC_CHANGED = "board_changed"
SRC_ENDED = "board_ended"
SRC_MEETING = "meeting"
SRC_RECEIVED = "referral_received"
SRC_DECIDED = "referral_decided"
SRC_STARTED = "course_started"
SRC_COURSE_ENDED = "course_ended"

# Filter groups: the five sections of the record, the board, the meetings and the course.
GROUP_BOARD = "board"
GROUP_MEETINGS = "meetings"
GROUP_COURSE = "course"
GROUPS = [
    *Section.choices,
    (GROUP_BOARD, gettext_lazy("Tavlen")),
    (GROUP_MEETINGS, gettext_lazy("Tavlemøder")),
    (GROUP_COURSE, gettext_lazy("Henvisninger og forløb")),
]
GROUP_LABEL = dict(GROUPS)

# Board columns whose change ends the entry: they belong to the "taken off" item.
ENDED_FIELDS = ("ended_on", "end_reason", "ending_text")


class TimelineFilterForm(Form):
    """``?vis=plans&vis=events&type=crisis&til=2020-12-31&side=3``; invalid filters are
    reported and ignored."""

    allowed_extra_fields = ("side",)

    vis = forms.MultipleChoiceField(
        label=gettext_lazy("Vis"),
        choices=GROUPS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Intet valgt: alt vises."),
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Kun denne type registrering"),
        choices=[("", gettext_lazy("Alle typer")), *Kind.choices],
        required=False,
        help_text=gettext_lazy("Vælger du en type, vises kun journalens registreringer af den."),
    )
    til = forms.DateField(
        label=gettext_lazy("Vis fra denne dato og bagud"),
        required=False,
        widget=DateInput,
    )

    def __init__(self, *args, team_staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        hide_optional(*self.fields.values())
        if not team_staff:  # housing staff see no referrals or courses
            groups = cast(forms.ChoiceField, self.fields["vis"])
            groups.choices = [c for c in GROUPS if c[0] != GROUP_COURSE]

    def options(self) -> dict:
        """The valid filters (all of them empty when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return {"groups": set(), "kind": "", "until": None}
        return {
            "groups": set(self.cleaned_data["vis"]),
            "kind": self.cleaned_data["type"],
            "until": self.cleaned_data["til"],
        }


class TimelinePageForm(forms.Form):
    """``?side=N``, read on its own so that a bad page number never undoes the filters. A
    number past the end shows the last page; anything that is not a page number shows the
    first page with a message. (A plain form: the filters ride along in the same query.)"""

    side = forms.IntegerField(min_value=1, required=False)

    def number(self) -> tuple[int, str]:
        """(page number to show, a message for the user or "")."""
        if not self.is_valid():
            return 1, _("Sidetallet er ugyldigt. Første side vises.")
        return min(self.cleaned_data["side"] or 1, MAX_PAGE), ""


# --- the merged query ----------------------------------------------------------------------


COLUMNS = ("tl_src", "tl_id", "tl_day", "tl_ts")
# What identifies a row of the page (the rest of the row is read by ``_load``).
KEYS = ("tl_src", "tl_id")


def _columns(qs: QuerySet, src: str, pk, day, ts) -> QuerySet:
    """One source with the shared columns, in the same order for every source: the source,
    the row's id, the date it happened and when it was recorded (for the order within a day)."""
    return (
        qs.order_by()
        # typed in the SQL: a lone source is aggregated without the union, where an untyped
        # literal has no type for ARRAY_AGG
        .annotate(tl_src=Cast(Value(src), CharField()), tl_id=pk, tl_day=day, tl_ts=ts)
        .values(*COLUMNS)
    )


def _scope(user, resident):
    """What the user may see of this resident's board history (worked out once per page)."""
    return board_access.history_view(user, resident)


def _visible_change_q(scope: Scope, prefix: str = "") -> Q:
    """Change rows the viewer may read: all of their own team's entries; elsewhere not the
    columns whose consent category is withheld."""
    if not scope.hidden_columns:
        return Q()
    return Q(**{f"{prefix}entry__team_id__in": scope.own_team_ids}) | ~Q(
        **{f"{prefix}field__in": scope.hidden_columns}
    )


def _sources(user, resident, scope: Scope, opts: dict) -> list[QuerySet]:
    groups, kind, until = opts["groups"], opts["kind"], opts["until"]

    def wanted(group: str) -> bool:
        return not kind and (not groups or group in groups)

    sources = []
    # the course record
    kinds = [kind] if kind else [k for k in Kind.values if not groups or SECTION[k] in groups]
    if kinds:
        entries = access.visible(user).filter(resident=resident)
        if len(kinds) < len(Kind.values):
            entries = entries.filter(kind__in=kinds)
        sources.append(_columns(entries, SRC_ENTRY, F("id"), F("occurred_on"), F("recorded_at")))
    # the board history
    if wanted(GROUP_BOARD):
        board_ids = board_entries_visible_to(user).filter(resident=resident).values("id")
        placed = _columns(
            BoardEntry.objects.filter(id__in=board_ids),
            SRC_PLACED,
            F("id"),
            F("placed_on"),
            F("created_at"),
        )
        visible = _visible_change_q(scope)
        changes = BoardEntryChange.objects.filter(entry_id__in=board_ids).filter(visible)
        earlier_in_save = BoardEntryChange.objects.filter(
            entry_id=OuterRef("entry_id"), version=OuterRef("version"), id__lt=OuterRef("id")
        ).filter(visible)
        changed = _columns(
            # one row per save after the first (the first save is the placing); the save
            # that takes the resident off the board is the "ended" item
            changes.filter(version__gt=1)
            .exclude(field__in=ENDED_FIELDS)
            .filter(~Exists(earlier_in_save.exclude(field__in=ENDED_FIELDS))),
            SRC_CHANGED,
            F("id"),
            TruncDate("changed_at"),
            F("changed_at"),
        )
        ended = _columns(
            changes.filter(field="ended_on"),
            SRC_ENDED,
            F("id"),
            F("entry__ended_on"),
            F("changed_at"),
        )
        sources += [placed, changed, ended]
    # what the weekly meetings said
    if wanted(GROUP_MEETINGS):
        minutes = resident_minutes(user, resident).filter(~Q(note="") | ~Q(decisions=""))
        sources.append(
            _columns(
                minutes,
                SRC_MEETING,
                F("id"),
                F("meeting__held_on"),
                Coalesce("meeting__closed_at", "meeting__opened_at"),
            )
        )
    # referrals and courses, the earlier ones too (team staff only)
    if wanted(GROUP_COURSE) and scope.sees_everything:
        referrals = referrals_visible_to(user).filter(resident=resident)
        courses = courses_visible_to(user).filter(resident=resident)
        sources += [
            _columns(referrals, SRC_RECEIVED, F("id"), F("received_on"), F("created_at")),
            _columns(
                referrals.exclude(status=ReferralStatus.PENDING).filter(decided_at__isnull=False),
                SRC_DECIDED,
                F("id"),
                TruncDate("decided_at"),
                F("decided_at"),
            ),
            _columns(
                courses,
                SRC_STARTED,
                F("id"),
                F("started_on"),
                Coalesce("referral__decided_at", "referral__created_at"),
            ),
            _columns(
                courses.filter(ended_on__isnull=False),
                SRC_COURSE_ENDED,
                F("id"),
                F("ended_on"),
                Value(None, output_field=DateTimeField()),
            ),
        ]
    if until is not None:
        sources = [s.filter(tl_day__lte=until) for s in sources]
    return sources


def _union(user, resident, opts: dict, scope: Scope) -> QuerySet | None:
    sources = _sources(user, resident, scope, opts)
    if not sources:
        return None
    first, *rest = sources
    return first.union(*rest, all=True) if rest else first


# Newest first; within a day by when it was recorded (rows without a time last), then stable.
ORDER = (
    F("tl_day").desc(),
    F("tl_ts").desc(nulls_last=True),
    F("tl_src").asc(),
    F("tl_id").desc(),
)


def merged(user, resident, opts: dict, scope: Scope | None = None) -> QuerySet:
    """Every timeline row the user may see, newest first, as ``COLUMNS`` (a queryset, for
    callers that want the rows themselves; the page goes through ``page_rows``)."""
    union = _union(user, resident, opts, scope or _scope(user, resident))
    if union is None:
        return Entry.objects.none().values("id")
    return union.order_by(*ORDER)


def _page_number(raw) -> int:
    """For callers that pass the raw value (the view validates it with TimelinePageForm)."""
    try:
        return min(max(1, int(raw)), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _read_page(union: QuerySet, number: int) -> tuple[int, list[dict]]:
    """(how many rows there are, the keys of page ``number``'s rows), in one query; for page 2:
    ``SELECT COUNT(*), (ARRAY_AGG(tl_src ORDER BY ...))[51:100], (ARRAY_AGG(tl_id ORDER BY
    ...))[51:100] FROM (the union)``. ``ORDER`` is a total order, so the arrays line up; only
    the page's keys travel. (One array per key: cheaper to build than an array of rows.)"""
    first = (number - 1) * PAGE_SIZE + 1  # PostgreSQL arrays count from 1, slices are inclusive
    last = first + PAGE_SIZE - 1
    found = union.aggregate(
        total=Count("*"),
        **{
            # the stubs take only field names for ``order_by``; Django takes expressions
            f"page_{key}": SliceTransform(first, last, ArrayAgg(key, order_by=ORDER))  # type: ignore[arg-type]
            for key in KEYS
        },
    )
    columns = [found[f"page_{key}"] or [] for key in KEYS]  # NULL when there are no rows
    return found["total"], [dict(zip(KEYS, row, strict=True)) for row in zip(*columns, strict=True)]


def page_rows(user, resident, opts: dict, page_number, scope: Scope) -> tuple[Page, list[dict]]:
    """One page of the merged rows and the total, in one query. A page past the end (rare: a
    stale link) costs a second read, like Django's ``Paginator.get_page``."""
    union = _union(user, resident, opts, scope)
    if union is None:
        return Paginator([], PAGE_SIZE).page(1), []
    number = _page_number(page_number)
    total, rows = _read_page(union, number)
    last = max(1, -(-total // PAGE_SIZE))
    if number > last:
        number = last
        total, rows = _read_page(union, number)
    return Page(rows, number, Paginator(range(total), PAGE_SIZE)), rows


# --- the page's rows, in full ------------------------------------------------------------


@dataclass
class Item:
    src: str
    pk: int
    day: datetime.date
    until: datetime.date | None = None
    group: str = ""
    label: str = ""
    url: str = ""
    summary: str = ""
    by: str = ""
    at: datetime.datetime | None = None
    corrected_by: str = ""
    corrected_at: datetime.datetime | None = None
    # the texts the template shows, set by ``finish`` (cheaper than template filters x 50)
    when: str = ""
    when_iso: str = ""
    until_text: str = ""
    until_iso: str = ""
    recorded: str = ""
    group_label: str = ""

    def finish(self) -> Item:
        self.when, self.when_iso = _date(self.day), self.day.isoformat()
        if self.until:
            self.until_text, self.until_iso = _date(self.until), self.until.isoformat()
        self.group_label = str(GROUP_LABEL.get(self.group, ""))
        who = self.by or _("ukendt")
        if self.at:
            self.recorded = _("Registreret af %(who)s %(when)s") % {
                "who": who,
                "when": _stamp(self.at),
            }
        elif self.by:
            self.recorded = _("Registreret af %(who)s") % {"who": who}
        if self.corrected_at:
            self.recorded += " · " + _("rettet af %(who)s %(when)s") % {
                "who": self.corrected_by,
                "when": _stamp(self.corrected_at),
            }
        return self


def _stamp(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _short(text, length: int = SUMMARY_LENGTH) -> str:
    text = " ".join(str(text or "").split())
    if len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"


def _date(value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d.%m.%Y") if value else ""


def _span(start: datetime.date, end: datetime.date | None) -> str:
    if end is None:
        return _date(start)
    if start.year == end.year:
        return f"{start:%d.%m}–{_date(end)}"
    return f"{_date(start)}–{_date(end)}"


def _choice(kind: str, name: str, value) -> str:
    form_field = FORMS[kind].base_fields.get(name)
    choices = dict(getattr(form_field, "choices", []) or [])
    return str(choices.get(value, value or ""))


# the kind's main text field, shown after its kind-specific head
MAIN_TEXT: dict[str, str] = {
    Kind.PSYCHIATRIC: "conclusion",
    Kind.SUICIDE_RISK: "actions",
    Kind.SUBSTANCE: "pattern",
    Kind.SOMATIC: "findings",
    Kind.KRAM: "resident_goals",
    Kind.TREATMENT_PLAN: "goals",
    Kind.CRISIS_PLAN: "helps",
    Kind.END_PLAN: "plan",
    Kind.MEDICATION: "reason",
    Kind.MEDICATION_REVIEW: "findings",
    Kind.MEDICATION_OBSERVATION: "side_effects",
    Kind.TAPERING_PLAN: "steps",
    Kind.MEDICATION_AGREEMENT: "handling",
    Kind.VISIT: "note",
    Kind.ADVICE: "question",
    Kind.NETWORK_MEETING: "outcome",
    Kind.EXTERNAL_CONTACT: "note",
    Kind.ADMISSION: "note",
    Kind.ADMISSION_ROLE: "note",
    Kind.FORCE: "situation",
    Kind.COMPULSORY: "note",
    Kind.MEDICATION_FAILURE: "description",
    Kind.CRISIS: "description",
    Kind.SPECIALISED_REFERRAL: "reason",
    Kind.HEALTH_CHECK: "findings",
}


def _head(entry: Entry) -> list[str]:
    """The kind-specific facts that lead the summary ("Tvangsindlæggelse, afsnit P1, ...")."""
    d, kind = entry.data, entry.kind
    subtype = _choice(kind, "subtype", entry.subtype) if entry.subtype else ""
    parts: list[str] = []
    if kind == Kind.SUICIDE_RISK:
        parts.append(_("Risiko: %(level)s") % {"level": subtype})
    elif kind in (Kind.CRISIS_PLAN, Kind.CRISIS):
        parts.append(_("Fase: %(phase)s") % {"phase": PHASE_LABEL.get(entry.subtype, "")})
    elif kind == Kind.SUBSTANCE:
        parts.append(_("Integreret behandling: %(value)s") % {"value": subtype})
    elif kind == Kind.END_PLAN:
        parts.append(_("Overgang til %(to)s") % {"to": subtype})
        if entry.occurred_until:
            parts.append(_("forventet afsluttet %(date)s") % {"date": _date(entry.occurred_until)})
    elif kind == Kind.MEDICATION:
        dose = " ".join(
            str(v)
            for v in (
                d.get("drug"),
                d.get("strength"),
                d.get("dose_amount")
                and f"{d['dose_amount']} {_choice(kind, 'dose_unit', d.get('dose_unit'))}",
                d.get("frequency"),
            )
            if v
        )
        parts.append(dose)
        if d.get("as_needed"):
            parts.append(_("efter behov"))
        if entry.occurred_until:
            parts.append(_("seponeret %(date)s") % {"date": _date(entry.occurred_until)})
    elif kind in (Kind.MEDICATION_OBSERVATION, Kind.TAPERING_PLAN):
        parts.append(d.get("drug", ""))
    elif kind == Kind.ADMISSION:
        parts += [subtype, _("afsnit %(ward)s") % {"ward": d.get("ward", "")}]
        if entry.occurred_until:
            parts.append(_span(entry.occurred_on, entry.occurred_until))
        else:
            parts.append(_("ikke udskrevet"))
    elif kind in (Kind.ADMISSION_ROLE, Kind.COMPULSORY):
        parts.append(subtype)
        if d.get("ward"):
            parts.append(_("afsnit %(ward)s") % {"ward": d["ward"]})
    elif kind == Kind.FORCE:
        parts.append(subtype)
        if d.get("duration_minutes"):
            parts.append(_("%(n)s min.") % {"n": d["duration_minutes"]})
    elif kind == Kind.MEDICATION_FAILURE:
        if d.get("drug"):
            parts.append(d["drug"])
        if d.get("days_missed") not in (None, ""):
            parts.append(_("%(n)s dage uden medicin") % {"n": d["days_missed"]})
    elif kind == Kind.SPECIALISED_REFERRAL:
        parts.append(_("%(kind)s, %(to)s") % {"kind": subtype, "to": d.get("recipient", "")})
    elif kind == Kind.SOMATIC:
        if d.get("blood_pressure_systolic"):
            parts.append(
                _("BT %(sys)s/%(dia)s")
                % {"sys": d["blood_pressure_systolic"], "dia": d.get("blood_pressure_diastolic")}
            )
    elif kind == Kind.KRAM:
        if d.get("smoking_per_day") not in (None, ""):
            parts.append(_("%(n)s cigaretter om dagen") % {"n": d["smoking_per_day"]})
        if d.get("alcohol_units_week") not in (None, ""):
            parts.append(_("%(n)s genstande om ugen") % {"n": d["alcohol_units_week"]})
    elif subtype:
        parts.append(subtype)
    return [p for p in parts if p]


KIND_LABEL = dict(Kind.choices)  # lazy labels; get_kind_display() hashes every choice per call


def _entry_item(entry: Entry) -> Item:
    head = ", ".join(_head(entry))
    main = entry.data.get(MAIN_TEXT.get(entry.kind, ""), "")
    if entry.kind == Kind.MEDICATION_OBSERVATION and not main:
        main = entry.data.get("effect", "")
    summary = f"{head}: {main}" if head and main else head or str(main or "")
    corrected = entry.version > 1
    return Item(
        src=SRC_ENTRY,
        pk=entry.pk,
        day=entry.occurred_on,
        until=entry.occurred_until,
        group=SECTION[entry.kind],
        label=str(KIND_LABEL[entry.kind]),
        url=reverse("record:detail", args=[entry.pk]),
        summary=_short(summary),
        by=_person(entry.recorded_by),
        at=entry.recorded_at,
        corrected_by=_person(entry.updated_by) if corrected else "",
        corrected_at=entry.updated_at if corrected else None,
    )


def _board_value(name: str, value: str) -> str:
    label = str(COLUMN_LABELS.get(name, name))
    if name == "housing_contact":
        return _("%(label)s ændret") % {"label": label}
    if name == "criteria":
        labels = dict(BoardCriterion.choices)
        value = "; ".join(str(labels.get(c.strip(), c)) for c in value.split(",") if c.strip())
    elif name in ("review_on", "ended_on"):
        value = _date(value)
    elif name == "end_reason":
        value = str(dict(EndReason.choices).get(value, value))
    if not value:
        return _("%(label)s slettet") % {"label": label}
    return f"{label}: {value}"


def _load(rows: list[dict], scope: Scope) -> list[Item]:
    """The page's rows in full: one query per source present on the page."""
    by_src: dict[str, list[int]] = {}
    for row in rows:
        by_src.setdefault(row["tl_src"], []).append(row["tl_id"])
    found: dict[tuple[str, int], Item] = {}

    if SRC_ENTRY in by_src:
        for e in Entry.objects.filter(pk__in=by_src[SRC_ENTRY]).select_related(
            "recorded_by", "updated_by"
        ):
            found[SRC_ENTRY, e.pk] = _entry_item(e)

    if SRC_PLACED in by_src:
        criteria = dict(BoardCriterion.choices)
        for b in BoardEntry.objects.filter(pk__in=by_src[SRC_PLACED]).select_related(
            "created_by", "facility"
        ):
            reasons = "; ".join(str(criteria.get(c, c)) for c in b.criteria)
            text = ": ".join(p for p in (reasons, b.need_text) if p)
            found[SRC_PLACED, b.pk] = Item(
                src=SRC_PLACED,
                pk=b.pk,
                day=b.placed_on,
                group=GROUP_BOARD,
                label=_("Sat på tavlen på %(facility)s") % {"facility": b.facility.name},
                url=reverse("board:history", args=[b.resident_id]),
                summary=_short(text),
                by=_person(b.created_by),
                at=b.created_at,
            )

    change_ids = by_src.get(SRC_CHANGED, []) + by_src.get(SRC_ENDED, [])
    if change_ids:
        # every visible column of the page's saves (a save: one version of a board entry); the
        # page's own change rows are among them, so each finds its save
        same_save = BoardEntryChange.objects.filter(
            pk__in=change_ids, entry_id=OuterRef("entry_id"), version=OuterRef("version")
        )
        saves = BoardEntryChange.objects.filter(Exists(same_save)).filter(_visible_change_q(scope))
        grouped: dict[tuple[int, int], list] = {}
        save_of: dict[int, tuple[int, int]] = {}
        for change in saves.select_related("changed_by", "entry").order_by("id"):
            grouped.setdefault((change.entry_id, change.version), []).append(change)
            save_of[change.pk] = (change.entry_id, change.version)
        for src in (SRC_CHANGED, SRC_ENDED):
            for cid in by_src.get(src, []):
                save = grouped.get(save_of.get(cid, (0, 0)), [])
                if not save:
                    continue
                first, entry = save[0], save[0].entry
                if src == SRC_ENDED:
                    reason = str(dict(EndReason.choices).get(entry.end_reason, entry.end_reason))
                    text = ": ".join(p for p in (reason, entry.ending_text) if p)
                    day, label = entry.ended_on, _("Taget af tavlen")
                else:
                    parts = [
                        _board_value(c.field, c.new_value)
                        for c in save
                        if c.field not in ENDED_FIELDS
                    ]
                    text = " · ".join(parts)
                    day, label = timezone.localdate(first.changed_at), _("Tavlen opdateret")
                found[src, cid] = Item(
                    src=src,
                    pk=cid,
                    day=day,
                    group=GROUP_BOARD,
                    label=label,
                    url=reverse("board:history", args=[entry.resident_id]),
                    summary=_short(text),
                    by=_person(first.changed_by),
                    at=first.changed_at,
                )

    if SRC_MEETING in by_src:
        for item in AgendaItem.objects.filter(pk__in=by_src[SRC_MEETING]).select_related(
            "meeting__facility", "meeting__closed_by"
        ):
            meeting = item.meeting
            parts = []
            if item.note:
                parts.append(_("Notat: %(text)s") % {"text": item.note})
            if item.decisions:
                parts.append(_("Beslutninger: %(text)s") % {"text": item.decisions})
            found[SRC_MEETING, item.pk] = Item(
                src=SRC_MEETING,
                pk=item.pk,
                day=meeting.held_on,
                group=GROUP_MEETINGS,
                label=_("Tavlemøde på %(facility)s") % {"facility": meeting.facility.name},
                url=reverse("board:minutes", args=[meeting.pk]),
                summary=_short(" ".join(parts)),
                by=_person(meeting.closed_by),
                at=meeting.closed_at,
            )

    referral_ids = by_src.get(SRC_RECEIVED, []) + by_src.get(SRC_DECIDED, [])
    if referral_ids:
        referrals = Referral.objects.filter(pk__in=referral_ids).select_related(
            "team", "created_by", "decided_by"
        )
        for r in referrals:
            url = reverse("courses:referral_detail", args=[r.pk])
            if r.pk in by_src.get(SRC_RECEIVED, []):
                found[SRC_RECEIVED, r.pk] = Item(
                    src=SRC_RECEIVED,
                    pk=r.pk,
                    day=r.received_on,
                    group=GROUP_COURSE,
                    label=_("Henvisning modtaget"),
                    url=url,
                    summary=_short(
                        _("Til %(team)s fra %(source)s (%(name)s): %(reason)s")
                        % {
                            "team": r.team.name,
                            "source": r.get_source_display(),
                            "name": r.referrer_name,
                            "reason": r.reason,
                        }
                    ),
                    by=_person(r.created_by),
                    at=r.created_at,
                )
            if r.pk in by_src.get(SRC_DECIDED, []):
                if r.status == ReferralStatus.ACCEPTED:
                    label = _("Henvisning visiteret")
                else:
                    label = _("Henvisning: %(status)s") % {"status": r.get_status_display()}
                found[SRC_DECIDED, r.pk] = Item(
                    src=SRC_DECIDED,
                    pk=r.pk,
                    day=timezone.localdate(r.decided_at),
                    group=GROUP_COURSE,
                    label=label,
                    url=url,
                    summary=_short(r.decision_reason),
                    by=_person(r.decided_by),
                    at=r.decided_at,
                )

    course_ids = by_src.get(SRC_STARTED, []) + by_src.get(SRC_COURSE_ENDED, [])
    if course_ids:
        courses = Course.objects.filter(pk__in=course_ids).select_related(
            "team", "facility", "ended_by", "referral__decided_by"
        )
        for c in courses:
            url = reverse("courses:course_detail", args=[c.pk])
            if c.pk in by_src.get(SRC_STARTED, []):
                found[SRC_STARTED, c.pk] = Item(
                    src=SRC_STARTED,
                    pk=c.pk,
                    day=c.started_on,
                    group=GROUP_COURSE,
                    label=_("Forløb startet"),
                    url=url,
                    summary=_("%(team)s, %(facility)s")
                    % {"team": c.team.name, "facility": c.facility.name},
                    by=_person(c.referral.decided_by),
                    at=c.referral.decided_at,
                )
            if c.pk in by_src.get(SRC_COURSE_ENDED, []) and c.ended_on is not None:
                parts = [c.get_end_reason_display()]
                if c.transition:
                    parts.append(_("overgang til %(to)s") % {"to": c.get_transition_display()})
                text = ", ".join(str(p) for p in parts if p)
                if c.end_summary:
                    text = f"{text}: {c.end_summary}"
                found[SRC_COURSE_ENDED, c.pk] = Item(
                    src=SRC_COURSE_ENDED,
                    pk=c.pk,
                    day=c.ended_on,
                    group=GROUP_COURSE,
                    label=_("Forløb afsluttet (%(team)s)") % {"team": c.team.name},
                    url=url,
                    summary=_short(text),
                    by=_person(c.ended_by),
                )

    items = []
    for row in rows:
        found_item = found.get((row["tl_src"], row["tl_id"]))
        if found_item is not None:
            items.append(found_item.finish())
    return items


def timeline_page(user, resident, opts: dict, page_number, scope: Scope | None = None) -> tuple:
    """(Django page of raw rows, the page's items in full)."""
    scope = scope or _scope(user, resident)
    page, rows = page_rows(user, resident, opts, page_number, scope)
    return page, _load(rows, scope)


# --- the view ------------------------------------------------------------------------------


@require_GET
def timeline(request, resident_pk: int):
    resident = get_resident_for_user(request.user, resident_pk)
    scope = _scope(request.user, resident)
    form = TimelineFilterForm(request.GET or None, team_staff=scope.sees_everything)
    opts = form.options()
    number, page_message = TimelinePageForm(request.GET).number()
    page, items = timeline_page(request.user, resident, opts, number, scope)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=resident,
        obj=resident,
        detail={"page": "timeline", "side": page.number},
    )
    kept = [(k, v) for k, values in request.GET.lists() if k != "side" for v in values]
    query = urlencode(kept) if form.is_bound and form.is_valid() else ""
    return render(
        request,
        "record/timeline.html",
        {
            "resident": resident,
            "form": form,
            "filtered": bool(opts["groups"] or opts["kind"] or opts["until"]),
            "page": page,
            "page_message": page_message,
            "items": items,
            "years": [(year, list(group)) for year, group in groupby(items, lambda i: i.day.year)],
            "query_prefix": f"?{query}&" if query else "?",
        },
    )
