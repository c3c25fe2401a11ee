"""The columns of the board (beboeroverblikstavlen, seed 000), each described once.

Like ``record.kinds`` for the course record: every column is listed here, in the board's
order, with its Danish label, the sector that writes it, the consent category housing staff
need to see it, whether the compact table shows it and whether its text runs over several
lines. The forms, the board table, the history, the meeting view and the prefill hand-off all
derive from this list; ``board.access`` applies the sector and consent rules it states.

``check_against(BoardEntry)`` runs when ``board.models`` is imported: every field of the model
is either a column here or named in ``NOT_COLUMNS`` with the reason, so a new field cannot be
forgotten by the pages or the access rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from consent.models import Category

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Sector(models.TextChoices):
    """The two sides that share the board: the team and the facility's housing staff."""

    TEAM = "team", _("Botilbudsteam")
    FACILITY = "facility", _("Botilbud")


BOTH = "both"  # a shared column: both sectors write it


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise
    # Who writes it: Sector.TEAM, Sector.FACILITY, BOTH; None for what no form writes (the
    # resident's name, the team's contacts from the course, the date put on the board).
    writer: str | None = None
    # The consent category housing staff need to see the column (the entry itself needs
    # "board"); None: every viewer of the entry sees it.
    category: str | None = None
    compact: bool = False  # shown in the compact table
    multiline: bool = False  # free text over several lines
    model_field: bool = True  # a field of BoardEntry (False: read from the resident or course)
    # Filled when the resident is taken off the board (shown for ended entries only).
    ending: bool = False
    # Shown in an entry's own lists (history, meeting, summaries); the name and facility are
    # in those pages' headings instead.
    detail: bool = True
    team_board_only: bool = False  # the team board shows which facility; a facility's does not
    sort: str = ""  # the board's ?sort= value for this column's header
    help_text: StrOrPromise = ""
    # May another page hand over a starting value for it (``board.prefill``)?
    prefill: bool = False

    def written_by(self, sector: str | None) -> bool:
        return self.writer is not None and sector is not None and self.writer in (sector, BOTH)


COLUMNS: tuple[Column, ...] = (
    Column("name", _("Navn"), compact=True, model_field=False, detail=False, sort="facility"),
    Column("facility", _("Botilbud"), compact=True, detail=False, team_board_only=True),
    Column("housing_contact", _("Kontaktperson botilbud"), writer=Sector.FACILITY, compact=True),
    Column("team_contacts", _("Kontaktperson og læge BTT"), compact=True, model_field=False),
    Column(
        "others_involved",
        _("Øvrige relevante involverede"),
        writer=BOTH,
        multiline=True,
        help_text=_("Fx pårørende, egen læge, misbrugsbehandling, sagsbehandler."),
    ),
    Column(
        "criteria",
        _("Årsag til at være på tavlen (kriterier)"),
        writer=BOTH,
        compact=True,
        help_text=_("Vælg mindst én årsag."),
        prefill=True,
    ),
    Column(
        "need_text",
        _("Uddybning af behov for intensiveret indsats"),
        writer=BOTH,
        multiline=True,
        prefill=True,
    ),
    Column("placed_on", _("Dato på tavlen"), compact=True, sort="days"),
    Column(
        "goals_short",
        _("Kortsigtede indsatsmål"),
        writer=BOTH,
        category=Category.GOALS,
        multiline=True,
    ),
    Column(
        "goals_long",
        _("Langsigtede indsatsmål"),
        writer=BOTH,
        category=Category.GOALS,
        multiline=True,
    ),
    Column(
        "resident_goals",
        _("Beboers egne mål og ønsker"),
        writer=BOTH,
        category=Category.GOALS,
        multiline=True,
    ),
    Column(
        "resident_informed",
        _("Info til beboer om indsats"),
        writer=BOTH,
        multiline=True,
        help_text=_("Hvornår og hvordan er beboeren informeret om indsatsen?"),
    ),
    Column(
        "social_interventions",
        _("Socialpædagogiske/socialpsykiatriske interventioner"),
        writer=Sector.FACILITY,
        multiline=True,
    ),
    Column(
        "treatment_interventions",
        _("Botilbudsteam-behandlingsinterventioner"),
        writer=Sector.TEAM,
        category=Category.PLANS,
        multiline=True,
    ),
    Column(
        "review_on",
        _("Næste opfølgning"),
        writer=BOTH,
        compact=True,
        sort="review",
        help_text=_("Hvornår følger I op på indsatsen næste gang?"),
    ),
    # Taking the resident off the board (either sector, ``board_entry_end``).
    Column("ended_on", _("Taget af tavlen"), writer=BOTH, ending=True),
    Column("end_reason", _("Årsag til at tage beboeren af tavlen"), writer=BOTH, ending=True),
    Column(
        "ending_text",
        _("Afslutning af indsats med beboer"),
        writer=BOTH,
        multiline=True,
        ending=True,
    ),
)

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}

# Fields of BoardEntry that are not columns, and why.
NOT_COLUMNS = frozenset(
    {
        "id",
        "resident",  # shown as the "name" column
        "course",  # its contacts are the "team_contacts" column
        "team",  # who the entry belongs to (access), not a column of the board
        "status",  # on the board or taken off: the page says so
        "last_reviewed_on",  # a note under "review_on"
        "cell_meta",  # who last changed each column: shown in each cell
        "version",  # optimistic locking
        "created_at",
        "created_by",
    }
)

# The columns the entry form writes (in the board's order), the table's, an entry's own.
FORM_COLUMNS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.writer and not c.ending)
TABLE_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if not c.ending)
DETAIL_COLUMNS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.detail and not c.ending)
ENDING_COLUMNS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.ending)
# What an entry page shows above its one form (follow up, take off): the compact columns.
SUMMARY_COLUMNS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.detail and c.compact)
PREFILL_COLUMNS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.prefill)
# Consent category per column that needs one (housing staff without it see it withheld).
CATEGORY: dict[str, str] = {c.key: c.category for c in COLUMNS if c.category}


def _form_columns_by(writer: str) -> tuple[str, ...]:
    return tuple(k for k in FORM_COLUMNS if BY_KEY[k].writer == writer)


# Which sector writes which column of the entry form (shared columns: both).
TEAM_FIELDS = _form_columns_by(Sector.TEAM)
FACILITY_FIELDS = _form_columns_by(Sector.FACILITY)
SHARED_FIELDS = _form_columns_by(BOTH)


def editable(sector: str | None) -> frozenset[str]:
    """The entry form's columns this sector writes."""
    return frozenset(k for k in FORM_COLUMNS if BY_KEY[k].written_by(sector))


def withheld(categories) -> frozenset[str]:
    """Columns whose consent category is not among ``categories`` (for housing staff)."""
    return frozenset(key for key, category in CATEGORY.items() if category not in categories)


def label(key: str) -> StrOrPromise:
    column = BY_KEY.get(key)
    return column.label if column is not None else key


def check_against(model) -> None:
    """Every field of ``model`` (BoardEntry) is a column or named in NOT_COLUMNS; every column
    said to be a field is one, with ``multiline`` exactly for its text fields."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    described = {c.key for c in COLUMNS if c.model_field}
    problems = []
    if missing := set(fields) - described - NOT_COLUMNS:
        problems.append(f"fields without a column: {sorted(missing)}")
    if unknown := described - set(fields):
        problems.append(f"columns without a field: {sorted(unknown)}")
    if both := described & NOT_COLUMNS:
        problems.append(f"both a column and not: {sorted(both)}")
    for column in COLUMNS:
        field = fields.get(column.key)
        if field is not None and column.multiline != isinstance(field, models.TextField):
            problems.append(f"{column.key}: multiline must match a TextField")
        if column.writer not in (None, Sector.TEAM, Sector.FACILITY, BOTH):
            problems.append(f"{column.key}: unknown writer {column.writer!r}")
        if column.category is not None and column.category not in Category.values:
            problems.append(f"{column.key}: unknown consent category {column.category!r}")
        if column.prefill and not column.writer:
            problems.append(f"{column.key}: a prefilled column must be written by a form")
    if len(BY_KEY) != len(COLUMNS):
        problems.append("a column is listed twice")
    if problems:  # pragma: no cover - a programming error at import
        raise ImportError("board.columns does not describe BoardEntry: " + "; ".join(problems))
