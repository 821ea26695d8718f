"""The one place exports write spreadsheet cells (CSV and xlsx), so that no text becomes a live formula.

A cell whose text starts with = + - @, a tab or a carriage return is read as a formula by Excel, LibreOffice
and Google Sheets (a scenario named `=HYPERLINK(...)` became a clickable link that could leak data). Such text
is written with a leading apostrophe, as OWASP advises: shown as typed, never evaluated. Numbers stay numbers.
tests/security/test_exports.py fails if any module writes CSV or xlsx other than through here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """`value` as a spreadsheet may safely hold it: text that could start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in row]


class _Writer:
    def __init__(self, inner):
        self._inner = inner

    def writerow(self, row):
        return self._inner.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class _DictWriter(_Writer):
    def writeheader(self):
        return self._inner.writeheader()

    def writerow(self, row):
        return self._inner.writerow({k: neutralise(v) for k, v in row.items()})


# Rows end in CRLF (RFC 4180): the csv module then quotes any cell holding a CR or LF, which it does not do
# for a lone CR when rows end in LF, and a stray CR would split the row in a spreadsheet.
def csv_writer(out) -> _Writer:
    """csv.writer whose every cell is neutralised."""
    return _Writer(csv.writer(out))


def csv_dict_writer(out, fieldnames) -> _DictWriter:
    """csv.DictWriter whose every value is neutralised (header names are the program's own)."""
    return _DictWriter(csv.DictWriter(out, fieldnames=fieldnames))


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def new_workbook():
    from openpyxl import Workbook

    return Workbook()


def workbook_bytes(wb) -> bytes:
    """Save a workbook after neutralising every text cell. Exports write values, never formulas: openpyxl stores
    any text starting with "=" as a formula, and that is exactly what must not happen."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = neutralise(cell.value)
                    if safe is not cell.value:
                        cell.value = safe
                        cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_frame_csv(frame, path) -> None:
    """A polars data frame to a CSV file, every cell neutralised."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(frame.columns)
        writer.writerows(frame.iter_rows())
