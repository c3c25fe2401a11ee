"""Assemble a dashboard (or the tables of an export) for one scope: a fixed number of queries
whatever the amount of data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access
from . import charts as ch
from .adherence import COVERAGE_DEFINITION, adherence, coverage
from .before_after import before_after
from .forms import Options
from .registry import BY_CODE, INDICATORS, KEY_INDICATORS, compute, compute_with_children
from .scope import FACILITY, REGION, TEAM, Scope
from .tables import (
    Row,
    Table,
    adherence_table,
    before_after_table,
    children_table,
    coverage_table,
    indicator_table,
)

URL_NAMES = {REGION: "indicators:region", TEAM: "indicators:team", FACILITY: "indicators:facility"}

# (slug, title, indicator codes): the trend charts, in the order shown.
CHARTS = (
    ("forloeb", _("Beboere i forløb og på tavlen"), ("in_course", "on_board")),
    (
        "henvisninger",
        _("Henvisninger, beslutninger og bekymringer"),
        ("referrals", "decisions", "concerns"),
    ),
    ("ventetid", _("Ventetid (median dage)"), ("days_to_decision", "days_to_first_visit")),
    (
        "indlaeggelser",
        _("Indlæggelser"),
        ("admissions", "readmissions", "compulsory_admissions"),
    ),
    ("sengedage", _("Sengedage"), ("bed_days",)),
    ("tvang", _("Magtanvendelse og medicinsvigt"), ("force", "medication_failure")),
    ("besoeg", _("Besøg og samtaler"), ("visits",)),
    ("raadgivning", _("Rådgivning og netværksmøder"), ("advice", "network_meetings")),
)


def url_for(level: str, pk: int) -> str:
    return reverse(URL_NAMES[level], args=[pk])


@dataclass
class ChartPanel:
    chart: ch.Chart
    table: Table
    definitions: list = field(default_factory=list)  # (label, definition)


def _children(user, scope: Scope) -> list:
    level = scope.child_level
    rows: list[tuple[Any, bool, str]] = []
    if level is None:  # a facility: no children
        return rows
    for child in scope.children:
        link = url_for(level, child.pk) if access.can(user, access.VIEW, level, child) else ""
        rows.append((child, not access.can(user, access.EXACT, level, child), link))
    return rows


def children_figures(
    user, scope: Scope, options: Options, *, export: bool = False, results=None
) -> Table | None:
    if not scope.children:
        return None
    if results is None:
        results = compute(KEY_INDICATORS, scope, options.period.whole(), children=True)
    rows = _children(user, scope)
    if export:
        rows = [(child, True, link) for child, _suppress, link in rows]
    if scope.level == REGION:
        return children_table(results, rows, str(_("Team")), "teams", str(_("Teams i regionen")))
    return children_table(
        results, rows, str(_("Botilbud")), "botilbud", str(_("Botilbud, som teamet betjener"))
    )


def _chart_panels(table: Table, options: Options) -> list[ChartPanel]:
    rows = {row.code: row for row in table.rows}
    labels = [b.label for b in options.period.buckets]
    panels = []
    for slug, title, codes in CHARTS:
        series = [
            ch.Series(
                rows[code].label,
                [v.raw for v in rows[code].values],
                css=f"s{i + 1}",
                definition=rows[code].definition,
            )
            for i, code in enumerate(codes)
        ]
        chart = ch.build(
            ch.Chart(
                slug,
                str(title),
                _describe(title, series, labels),
                str(BY_CODE[codes[0]].unit),
                labels,
                series,
            )
        )
        chart_table = Table(slug, str(title), str(_("Periode")), [s.label for s in series])
        for i, label in enumerate(labels):
            chart_table.rows.append(Row(label, [rows[c].values[i] for c in codes]))
        panels.append(ChartPanel(chart, chart_table, [(s.label, s.definition) for s in series]))
    return panels


def _describe(title, series, labels) -> str:
    if not labels:
        return ""
    names = ", ".join(s.label for s in series)
    return str(
        _("Udvikling i %(names)s fra %(first)s til %(last)s. Tallene står i tabellen ved siden af.")
        % {"names": names.lower(), "first": labels[0], "last": labels[-1]}
    )


def _coverage_panel(cov_table: Table, points) -> ChartPanel:
    labels = [p.label for p in points]
    facilities = [v.raw for v in (row.values[3] for row in cov_table.rows)]
    residents = [v.raw for v in (row.values[6] for row in cov_table.rows)]
    series = [
        ch.Series(str(_("Botilbud med aftale i kraft")), facilities, "s1"),
        ch.Series(str(_("Beboere på botilbud med aftale")), residents, "s2"),
    ]
    chart = ch.build(
        ch.Chart(
            "daekning",
            str(_("Implementering: dækning (%)")),
            _describe(_("Implementering"), series, labels),
            "%",
            labels,
            series,
            percent=True,
        )
    )
    return ChartPanel(chart, cov_table, [(str(_("Dækning")), str(COVERAGE_DEFINITION))])


def breadcrumbs(user, scope: Scope) -> list[tuple[str, str]]:
    """(name, link or "") from the region down to the scope, for the levels the user sees."""
    crumbs = []
    obj: Any = scope.obj  # a Region, Team or Facility, as ``scope.level`` says
    if scope.level == FACILITY:
        team = obj.team
        if team is not None and access.can(user, access.VIEW, TEAM, team):
            region = team.region
            if access.can(user, access.VIEW, REGION, region):
                crumbs.append((region.name, url_for(REGION, region.pk)))
            crumbs.append((team.name, url_for(TEAM, team.pk)))
    elif scope.level == TEAM:
        region = obj.region
        if access.can(user, access.VIEW, REGION, region):
            crumbs.append((region.name, url_for(REGION, region.pk)))
    crumbs.append((obj.name, ""))
    return crumbs


def build(user, scope: Scope, options: Options) -> dict:
    period = options.period
    results, per_child = compute_with_children(scope, period, KEY_INDICATORS)
    table = indicator_table(results, period, scope.suppress)
    day = min(period.end, timezone.localdate())
    shares, total = adherence(scope, day, options.medication_days)
    points = coverage(scope, period)
    cov_table = coverage_table(points, scope.suppress)
    return {
        "indicator_table": table,
        "panels": _chart_panels(table, options),
        "children_table": children_figures(user, scope, options, results=per_child),
        "adherence_table": adherence_table(shares, total, day, scope.suppress),
        "coverage_panel": _coverage_panel(cov_table, points),
        "before_after_table": before_after_table(
            before_after(scope, period, options.window), scope.suppress
        ),
    }


EXPORT_TABLES = ("indikatorer", "enheder", "efterlevelse", "daekning", "foer-efter")


def export_tables(user, scope: Scope, options: Options, which: str | None) -> list[Table]:
    """The tables of an export, always with small numbers suppressed. ``which``: one table's
    name, or None for all of them."""
    period = options.period
    out = []
    if which is None:
        results, per_child = compute_with_children(scope, period, KEY_INDICATORS)
        out.append(indicator_table(results, period, True))
        children = children_figures(user, scope, options, export=True, results=per_child)
        if children is not None:
            out.append(children)
    elif which == "indikatorer":
        out.append(indicator_table(compute(INDICATORS, scope, period), period, True))
    elif which == "enheder":
        children = children_figures(user, scope, options, export=True)
        if children is not None:
            out.append(children)
    if which in (None, "efterlevelse"):
        day = min(period.end, timezone.localdate())
        shares, total = adherence(scope, day, options.medication_days)
        out.append(adherence_table(shares, total, day, True))
    if which in (None, "daekning"):
        out.append(coverage_table(coverage(scope, period), True))
    if which in (None, "foer-efter"):
        out.append(before_after_table(before_after(scope, period, options.window), True))
    return out
