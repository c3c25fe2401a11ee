"""CSV and Excel files of the dashboard's tables. Text cells that a spreadsheet would run as a
formula (starting with = + - @ or a control character) are escaped (lib.spreadsheet.safe_cell);
figures are written as numbers; hidden figures as "<5" or "*"."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lib.spreadsheet import safe_cell

from .tables import Table


def _header(table: Table) -> list[str]:
    head = [table.label_header]
    if table.with_definitions:
        head.append(_("Definition"))
    return head + list(table.header)


def _rows(table: Table):
    """Each row as (text cells, value cells): the label and definition are text (escaped),
    figures are numbers where shown."""
    for row in table.rows:
        text = [row.label]
        if table.with_definitions:
            text.append(row.definition)
        yield text, row.values


def _csv_number(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # BOM: Excel opens UTF-8 with Danish letters correctly
    writer = csv.writer(out, delimiter=";")
    writer.writerow([safe_cell(h) for h in _header(table)])
    for text, values in _rows(table):
        cells = [safe_cell(t) for t in text]
        for v in values:
            cells.append(
                _csv_number(v.raw) if isinstance(v.raw, int | float) else safe_cell(v.text)
            )
        writer.writerow(cells)
    if table.note:
        writer.writerow([])
        writer.writerow([safe_cell(table.note)])
    return out.getvalue().encode("utf-8")


def _sheet_title(table: Table) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    title = table.slug
    for ch in "[]:*?/\\":
        title = title.replace(ch, "-")
    return title[:31]


def to_xlsx(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table))
        if table.title:
            sheet.append([safe_cell(table.title)])
            sheet["A1"].font = bold
        sheet.append([safe_cell(h) for h in _header(table)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for text, values in _rows(table):
            cells: list = [safe_cell(t) for t in text]
            for v in values:
                cells.append(v.raw if isinstance(v.raw, int | float) else safe_cell(v.text))
            sheet.append(cells)
        if table.note:
            sheet.append([])
            sheet.append([safe_cell(table.note)])
        for i in range(1, len(_header(table)) + 1):
            width = 40 if i == 1 else 60 if i == 2 and table.with_definitions else 14
            sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
