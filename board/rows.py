"""The rows of the board table: each entry's cells worked out in Python once, and each row's HTML
rendered once, through a per-process cache keyed by everything the row shows.

``cell()`` turns an entry's column into display values (the pages that show entries share it);
``build_rows()`` makes the table's rows; ``render_rows()`` fills ``row.html`` from the
``board_rows`` cache or by rendering the ``board/entries/board.html#row`` partial.

The cache key is a digest of the row's whole content as this viewer sees it: the entry, its
version, every cell's text (after redaction), which columns are withheld from this viewer (the
consent state that applies to them), the viewer's sector, the column set, the language, the
local date (days on the board, overdue flags) and whether the page is printed. Two viewers share
a cached row only when the row would render identically for both, so a row rendered for team
staff can never be served to housing staff who may see less: their withheld columns are part of
the key. Nothing needs invalidating: a change to what a row shows is a new key, and old keys age
out of the per-process cache.
"""

from __future__ import annotations

import datetime
import hashlib

# pickle only dumps here, for a digest of plain values; nothing is ever loaded from it
import pickle  # noqa: S403  # nosec B403
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from django import forms
from django.core.cache import caches
from django.template.loader import get_template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from . import columns, selectors
from .models import BoardCriterion, BoardEntry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.models import User

FLAG_LABELS = {
    "review_overdue": gettext_lazy("Opfølgning overskredet"),
    "long_on_board": gettext_lazy("Længe på tavlen"),
}
ROW_TEMPLATE = "board/entries/board.html#row"
FORM_TEMPLATE = "board/entries/board.html#filter_fields"
CACHE_ALIAS = "board_rows"


class TableColumn(Protocol):
    """A column of the board table (``board.views.entries.Column``)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> StrOrPromise: ...


@dataclass
class Cell:
    key: str
    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    note: str = ""  # a second line under the value (days on the board, last review)
    meta_name: str = ""
    meta_at: datetime.datetime | None = None
    meta_when: str = ""  # meta_at in local time, "d.m.Y H:i"
    withheld: bool = False
    multiline: bool = False


@dataclass
class Row:
    """One row of the board table. The row partial reads only these fields (never the entry),
    so the cache key, made from them, covers everything the row shows."""

    pk: int
    resident_id: int
    resident_name: str
    is_current: bool
    version: int
    cells: list[Cell]
    flags: list[str]
    withheld: tuple[str, ...]  # the columns withheld from this viewer (their consent state)
    html: str = field(default_factory=SafeString)  # a SafeString, rendered by the partial
    cache_key: str = ""


_NOT_SHOWN = frozenset({"html", "cache_key"})  # the Row fields that are not the row's content


def _meta(entry: BoardEntry, key: str) -> tuple[str, datetime.datetime | None]:
    meta = (entry.cell_meta or {}).get(key) or {}
    at = _parse_at(meta["at"]) if meta.get("at") else None
    return meta.get("name") or "", at


@lru_cache(maxsize=4096)
def _parse_at(value: str) -> datetime.datetime | None:
    return parse_datetime(value)


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _date(value: datetime.date | None) -> str:
    """A date as the board shows it, "d.m.Y" (``date_format`` would do the same, slower)."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}" if value else ""


def _when(value: datetime.datetime | None, tz: datetime.tzinfo | None = None) -> str:
    """A moment in local time (``tz``, else the current time zone), "d.m.Y H:i" (as the
    template's ``date`` filter shows it)."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        return f"{_date(value)} {value.hour:02d}:{value.minute:02d}"
    return _local_when(value, tz or timezone.get_current_timezone())


@lru_cache(maxsize=4096)
def _local_when(value: datetime.datetime, tz: datetime.tzinfo) -> str:
    local = value.astimezone(tz)
    return f"{_date(local)} {local.hour:02d}:{local.minute:02d}"


@lru_cache(maxsize=8)
def _criterion_labels(language: str | None) -> dict[str, str]:
    """The criteria's labels in ``language`` (the active one), looked up once."""
    return {code: str(label) for code, label in BoardCriterion.choices}


def cell(
    entry: BoardEntry,
    key: str,
    today: datetime.date,
    label: str | None = None,
    tz: datetime.tzinfo | None = None,
) -> Cell:
    """One cell of an entry, as every page that shows entries renders it (``label``: the
    column's label, ``tz`` the current time zone, when the caller has them already)."""
    c = Cell(key=key, label=str(columns.label(key)) if label is None else label)
    if key in entry.withheld:
        c.withheld = True
        return c
    c.meta_name, c.meta_at = _meta(entry, key)
    c.meta_when = _when(c.meta_at, tz)
    if key == "name":
        c.text = entry.resident.full_name
    elif key == "facility":
        c.text = entry.facility.name
    elif key == "housing_contact":
        c.text = _person(entry.housing_contact) or _("Ikke udpeget")
    elif key == "team_contacts":
        c.items = [_person(u) for u in entry.course.team_contacts.all()]
        doctor = _person(entry.course.responsible_doctor)
        if doctor:
            c.items.append(_("Læge: %(name)s") % {"name": doctor})
    elif key == "criteria":
        labels = _criterion_labels(get_language())
        c.items = [labels.get(code, code) for code in entry.criteria]  # as criteria_labels()
    elif key == "placed_on":
        c.text = _date(entry.placed_on)
        days = entry.days_on_board(today)
        c.note = _("%(days)s dage på tavlen") % {"days": days}
        if days == 1:
            c.note = _("1 dag på tavlen")
    elif key == "review_on":
        c.text = _date(entry.review_on)
        if entry.last_reviewed_on:
            c.note = _("Sidst fulgt op %(date)s") % {"date": _date(entry.last_reviewed_on)}
    elif key == "end_reason":
        c.text = entry.get_end_reason_display()
    elif key == "ended_on":
        c.text = _date(entry.ended_on)
    else:
        c.text = getattr(entry, key) or ""
        c.multiline = columns.BY_KEY[key].multiline
    return c


def build_rows(
    entries: Iterable[BoardEntry], table_columns: Iterable[TableColumn], today: datetime.date
) -> list[Row]:
    """The table's rows: the cells of ``table_columns`` (the flags and links columns are the
    template's), the flags, and what the links need. No queries: the entries come with their
    details (``board.selectors.board_entries``)."""
    labels = [(c.key, str(c.label)) for c in table_columns]
    tz = timezone.get_current_timezone()
    rows = []
    for entry in entries:
        rows.append(
            Row(
                pk=entry.pk,
                resident_id=entry.resident_id,
                resident_name=entry.resident.full_name,
                is_current=bool(getattr(entry, "is_current", False)),
                version=entry.version,
                cells=[
                    Cell(key=key, label=label)
                    if key in ("flags", "actions")
                    else cell(entry, key, today, label, tz)
                    for key, label in labels
                ],
                flags=[str(FLAG_LABELS[f]) for f in selectors.flags(entry, today=today)],
                withheld=tuple(sorted(entry.withheld)),
            )
        )
    return rows


def row_cache_key(row: Row, *, sector: str, printing: bool, today: datetime.date) -> str:
    """The cache key of a row's HTML: a digest of everything the row partial shows (every field
    of the row but its HTML), the viewer's sector and withheld columns, the language, the
    local date and whether the page is printed."""
    shown = {name: value for name, value in vars(row).items() if name not in _NOT_SHOWN}
    shown["cells"] = [tuple(vars(c).items()) for c in row.cells]
    content: tuple[Any, ...] = (
        sector,
        row.withheld,
        get_language(),
        today.isoformat(),
        printing,
        tuple(shown.items()),
    )
    # pickle: deterministic for these plain values (str, int, bool, date, tuple) and fast
    digest = hashlib.sha256(pickle.dumps(content, protocol=5)).hexdigest()
    return f"board-row:{row.pk}:{row.version}:{digest}"


def render_rows(rows: list[Row], *, sector: str, printing: bool, today: datetime.date) -> None:
    """Fill each row's ``html``: from the cache, else rendered once with the page's context
    (``printing``) and stored. The partial reads ``row`` and ``printing`` only."""
    cache = caches[CACHE_ALIAS]
    for row in rows:
        row.cache_key = row_cache_key(row, sector=sector, printing=printing, today=today)
    found = cache.get_many([row.cache_key for row in rows]) if rows else {}
    missing = {}
    template = None
    for row in rows:
        html = found.get(row.cache_key)
        if html is None:
            if template is None:
                template = get_template(ROW_TEMPLATE)
            html = template.render({"row": row, "printing": printing})
            missing[row.cache_key] = html
        # a SafeString, as the autoescaping partial rendered it (the cache pickles the type)
        row.html = html
    if missing:
        cache.set_many(missing)


def _choice_text(label: object) -> str:
    """A choice's label for the key; a group's (name, choices) as its options' texts."""
    if isinstance(label, (list, tuple)):
        return repr([(str(value), str(text)) for value, text in label])
    return str(label)


def form_fields_html(form: forms.BaseForm) -> str:
    """The fields of a board page's filter form as HTML (``as_field_group`` each), rendered once
    per content: keyed by a digest of the form's class, the language, each field's value,
    errors and choices (read once here, and the same list rendered). A select's options are the
    slow part of a page otherwise, one widget template per option."""
    parts: list[Any] = [type(form).__module__, type(form).__qualname__, get_language()]
    for bound in form:
        widget = bound.field.widget
        choices: list[tuple[str, str]] = []
        if hasattr(widget, "choices"):
            # one query (a comprehension: list() would ask a model choice iterator to count);
            # the key and the HTML share the list
            widget.choices = [choice for choice in widget.choices]  # noqa: C416
            choices = [(str(value), _choice_text(label)) for value, label in widget.choices]
        parts.append(
            (
                bound.name,
                repr(bound.value()),
                [str(e) for e in bound.errors],
                choices,
                repr(sorted(widget.attrs.items())),
            )
        )
    key = "board-form:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    cache = caches[CACHE_ALIAS]
    # a SafeString, as the template rendered it (the cache pickles the type)
    html: str | None = cache.get(key)
    if html is None:
        html = get_template(FORM_TEMPLATE).render({"filter_form": form})
        cache.set(key, html)
    return html
