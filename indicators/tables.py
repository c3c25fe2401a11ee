"""The tables of a dashboard, built once from the computed figures and used by the page and
by the CSV and Excel exports alike, with small numbers suppressed where the scope asks for it.

Suppression (outside the team, and in every export): a count of 1-4 is shown as "<5"; a figure
derived from 1-4 observations (a median, a rate, a share, bed days) is shown as "*". Zero is
shown: it identifies no one. Where figures add up (the months of a row to the period's figure,
the months of a quarter to the quarter, the teams of a region or the facilities of a team to
the whole, the concerns and the course endings to their parts), complementary cells are hidden
too ("x", ``indicators.suppression``), so no hidden figure can be worked out by subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from . import suppression as sup
from .adherence import COVERAGE_DEFINITION, CoveragePoint, Share
from .before_after import DEFINITION as BEFORE_AFTER_DEFINITION
from .before_after import PHASES, BeforeAfter
from .periods import MONTH, Period
from .registry import INDICATORS, KEY_INDICATORS, Cell, Indicator, cell

SMALL = "<5"
HIDDEN = "*"
COMPLEMENT = "x"
EMPTY = "–"
SUPPRESSION_NOTE = _(
    "<5: tallet er 1–4 og vises ikke for at beskytte beboerne. *: tallet bygger på 1–4 "
    "hændelser eller beboere og vises ikke. x: vises ikke, så et skjult tal ikke kan regnes ud "
    "ved at trække de viste tal fra en sum."
)

# Rows of the indicator table that are the sum of other rows, bucket by bucket.
PARTS = {
    "concerns": ("concerns_referred", "concerns_closed", "concerns_open"),
    "courses_ended": tuple(i.code for i in INDICATORS if i.code.startswith("transition_")),
}


@dataclass(frozen=True)
class V:
    """One cell: what is shown, and the number behind it (None when hidden or empty)."""

    text: str
    raw: float | int | str | None = None
    hidden: bool = False


@dataclass
class Row:
    label: str
    values: list[V]
    definition: str = ""
    section: str = ""
    link: str = ""
    code: str = ""


@dataclass
class Table:
    slug: str  # file name part, Danish
    title: str
    label_header: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    note: str = ""
    with_definitions: bool = False


_DANISH = str.maketrans({",": ".", ".": ","})


def fmt(value, decimals: int = 0) -> str:
    """Danish number format: 1.234 and 12,5 (the pages are Danish only; written out here
    rather than through the locale machinery, which costs more than the rest of a cell)."""
    if value is None:
        return EMPTY
    if decimals == 0 or float(value).is_integer():
        return f"{round(value):,}".translate(_DANISH)
    return f"{value:,.{decimals}f}".translate(_DANISH)


def small(n: int) -> bool:
    return 1 <= n <= 4


def count_value(n: int, suppress: bool) -> V:
    if suppress and small(n):
        return V(SMALL, None, hidden=True)
    return V(fmt(n), n)


def derived_value(value, n: int, suppress: bool, decimals: int = 1) -> V:
    if value is None:
        return V(EMPTY)
    if suppress and small(n):
        return V(HIDDEN, None, hidden=True)
    return V(fmt(value, decimals), round(value, decimals) if decimals else value)


def indicator_value(indicator: Indicator, c: Cell, suppress: bool) -> V:
    if indicator.is_count:
        return count_value(c.n, suppress)
    return derived_value(c.value, c.n, suppress)


# --- the tables ---------------------------------------------------------------------------


def indicator_table(results, period: Period, suppress: bool) -> Table:
    table = Table(
        "indikatorer",
        str(_("Indikatorer")),
        str(_("Indikator")),
        [b.label for b in period.buckets],
        note=str(SUPPRESSION_NOTE) if suppress else "",
        with_definitions=True,
    )
    for indicator in INDICATORS:
        table.rows.append(
            Row(
                str(indicator.label),
                [
                    indicator_value(indicator, cell(results, indicator, None, b.index), suppress)
                    for b in period.buckets
                ],
                definition=str(indicator.definition),
                section=str(indicator.section),
                code=indicator.code,
            )
        )
    if suppress:
        _protect_indicator_table(table, results, period)
    return table


def _slot(indicator: Indicator, c: Cell, v: V) -> sup.Slot:
    if indicator.is_count:
        return sup.Slot(c.n, sup.PRIMARY if v.hidden else sup.SHOWN, sup.COUNT)
    return sup.Slot(c.value or 0, sup.PRIMARY if v.hidden else sup.SHOWN, sup.AMOUNT)


def _hide(table: Table, hidden: set, row_index: dict) -> None:
    for code, column in hidden:
        table.rows[row_index[code]].values[column] = V(COMPLEMENT, None, hidden=True)


def _protect_indicator_table(table: Table, results, period: Period) -> None:
    """Secondary suppression: the buckets of a row add up to the period (and, by month, to each
    quarter); the concerns and the course endings add up to their parts."""
    row_index = {row.code: i for i, row in enumerate(table.rows)}
    additive = [i for i in INDICATORS if i.is_additive]
    slots = {}
    for indicator in additive:
        row = table.rows[row_index[indicator.code]]
        for b in period.buckets:
            c = cell(results, indicator, None, b.index)
            slots[(indicator.code, b.index)] = _slot(indicator, c, row.values[b.index])
    relations = []
    for indicator in additive:
        keys = [(indicator.code, b.index) for b in period.buckets]
        relations.append(sup.total(keys))
        if period.granularity == MONTH:
            quarters: dict[tuple, list] = {}
            for b in period.buckets:
                quarters.setdefault((b.start.year, (b.start.month - 1) // 3), []).append(
                    (indicator.code, b.index)
                )
            relations.extend(sup.total(keys) for keys in quarters.values())
    for whole, parts in PARTS.items():
        for b in period.buckets:
            relations.append(sup.parts_of((whole, b.index), [(p, b.index) for p in parts]))
    _hide(table, sup.protect(slots, relations), row_index)


def children_table(results, children: list, label_header: str, slug: str, title: str) -> Table:
    """Key figures for the whole period per team or facility. ``children`` holds (object,
    suppress, link) for each."""
    table = Table(slug, title, label_header, [str(i.label) for i in KEY_INDICATORS])
    for child, suppress, link in children:
        table.rows.append(
            Row(
                child.name,
                [
                    indicator_value(i, cell(results, i, child.pk, 0), suppress)
                    for i in KEY_INDICATORS
                ],
                link=link,
            )
        )
    if any(suppress for _child, suppress, _link in children):
        table.note = str(SUPPRESSION_NOTE)
        _protect_children_table(table, results, children)
    return table


def _protect_children_table(table: Table, results, children: list) -> None:
    """Secondary suppression: each column's children add up to the whole (a region is the sum
    of its teams; a team's facilities are counted as if they were)."""
    slots = {}
    for r, (child, _suppress, _link) in enumerate(children):
        for col, indicator in enumerate(KEY_INDICATORS):
            c = cell(results, indicator, child.pk, 0)
            slots[(r, col)] = _slot(indicator, c, table.rows[r].values[col])
    relations = [
        sup.total([(r, col) for r in range(len(children))]) for col in range(len(KEY_INDICATORS))
    ]
    for r, col in sup.protect(slots, relations):
        table.rows[r].values[col] = V(COMPLEMENT, None, hidden=True)


def adherence_table(shares: list[Share], total: int, day, suppress: bool) -> Table:
    table = Table(
        "efterlevelse",
        str(_("Efterlevelse af rammerne den %(day)s") % {"day": day.strftime("%d.%m.%Y")}),
        str(_("Kriterium")),
        [str(_("Opfyldt")), str(_("Ud af")), str(_("Andel"))],
        note=str(SUPPRESSION_NOTE) if suppress else "",
        with_definitions=True,
    )
    for share in shares:
        hide = suppress and share.counts_residents
        num = count_value(share.numerator, hide)
        den = count_value(share.denominator, hide)
        hidden = hide and (small(share.numerator) or small(share.denominator))
        if share.percent is None:
            pct = V(EMPTY)
        elif hidden:
            pct = V(HIDDEN, None, hidden=True)
        else:
            pct = V(fmt(share.percent, 1) + " %", round(share.percent, 1))
        table.rows.append(
            Row(
                str(share.label), [num, den, pct], definition=str(share.definition), code=share.code
            )
        )
    return table


def coverage_table(points: list[CoveragePoint], suppress: bool) -> Table:
    table = Table(
        "daekning",
        str(_("Implementering over tid")),
        str(_("Periode")),
        [
            str(_("Dato")),
            str(_("Botilbud med aftale i kraft")),
            str(_("Botilbud betjent")),
            str(_("Andel botilbud")),
            str(_("Beboere på botilbud med aftale")),
            str(_("Beboere i forløb")),
            str(_("Andel beboere")),
        ],
        note=str(COVERAGE_DEFINITION),
    )
    for point in points:
        hide_residents = suppress and (small(point.residents_covered) or small(point.residents))
        table.rows.append(
            Row(
                point.label,
                [
                    V(point.day.strftime("%d.%m.%Y"), point.day.strftime("%Y-%m-%d")),
                    V(fmt(point.facilities_covered), point.facilities_covered),
                    V(fmt(point.facilities), point.facilities),
                    _percent(point.facilities_percent, False),
                    count_value(point.residents_covered, suppress),
                    count_value(point.residents, suppress),
                    _percent(point.residents_percent, hide_residents),
                ],
            )
        )
    return table


def _percent(value, hidden: bool) -> V:
    if value is None:
        return V(EMPTY)
    if hidden:
        return V(HIDDEN, None, hidden=True)
    return V(fmt(value, 1) + " %", round(value, 1))


def before_after_table(result: BeforeAfter, suppress: bool) -> Table:
    """With 1-4 board entries behind it (outside the team) every figure is hidden."""
    header = []
    for _code, label in PHASES:
        header += [f"{label}: {_('antal')}", f"{label}: {_('pr. 100 beboermåneder')}"]
    table = Table(
        "foer-efter",
        str(_("Før, under og efter tavlen")),
        str(_("Hændelse")),
        header,
        note=str(BEFORE_AFTER_DEFINITION % {"days": result.window}),
    )
    few = suppress and small(result.episodes)
    if suppress:
        table.note += " " + str(SUPPRESSION_NOTE)
    hidden = V(HIDDEN, None, hidden=True)
    exposure = []
    for code, _label in PHASES:
        months = result.months[code]
        exposure += [V(""), hidden if few else derived_value(months, 0, False)]
    episodes = count_value(result.episodes, suppress).text
    table.rows.append(
        Row(str(_("Beboermåneder (tavleindgange: %(n)s)") % {"n": episodes}), exposure)
    )
    for row in result.rows:
        values = []
        for code, _label in PHASES:
            figure = row.phases[code]
            if few:
                values += [hidden, hidden]
                continue
            values += [
                count_value(figure.events, suppress),
                derived_value(figure.rate, figure.events, suppress),
            ]
        table.rows.append(Row(str(row.label), values, code=row.code))
    return table
