"""CSV (one table) and XLSX (a sheet per table) exports of the quarterly report.

They write the report's published rows, so disclosure control is exactly that of the page.
Counts stay numbers in XLSX; `*` and dashes stay text.
"""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from linkwell.reports.quarterly.structure import NOTHING, Cell, Report, Table

CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Cell) -> str | int | float:
    if value is None:
        return NOTHING
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    # A label starting with a formula character would run as a formula in a spreadsheet.
    if text.startswith(CSV_INJECTION) and text != NOTHING and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,]*\.?\d+", text))


def table_csv(table: Table, report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.header())
    for row in table.cells():
        writer.writerow([_text(c) for c in row])
    return out.getvalue()


def report_xlsx(report: Report) -> bytes:
    wb = Workbook()
    about = wb.active
    assert about is not None
    about.title = "About"
    about.append([report.title])
    about["A1"].font = Font(bold=True, size=14)
    about.append(["Period", report.period])
    about.append(["Scope", report.scope])
    about.append(
        [
            "Disclosure control",
            "Unsuppressed figures (audited)"
            if report.unsuppressed
            else "Counts of 1 to 7 shown as *, other counts rounded to the nearest 5, averages "
            "and percentages over fewer than 8 people shown as *.",
        ]
    )
    about.append([])
    about.append(["Sheet", "Table"])
    used: set[str] = {"About"}
    for table in report.tables():
        name = _sheet_name(table.id, used)
        about.append([name, table.title])
        ws = wb.create_sheet(name)
        ws.append([table.title])
        ws["A1"].font = Font(bold=True)
        ws.append(table.header())
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in table.cells():
            ws.append([_text(c) for c in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0"  # a mean, median or rate; counts stay General
        if table.note:
            ws.append([])
            ws.append([table.note])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(table_id: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", table_id)[:31]
    name, i = base, 2
    while name in used:
        name = f"{base[:28]}-{i}"
        i += 1
    used.add(name)
    return name
