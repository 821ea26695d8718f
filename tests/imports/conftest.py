"""Helpers for the import tests: CSV writing, valid identifiers, counts of everything an import touches."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
GIAS_SAMPLE = FIXTURES / "gias_sample.csv"

_serial = itertools.count(1)


def write_csv(path: Path, header: list[str], rows: list[list], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def valid_upn(n: int | None = None) -> str:
    from highneeds.engine.identifiers import upn_check_letter

    body = f"{9990000000 + (n if n is not None else next(_serial)):012d}"
    return upn_check_letter(body) + body


def valid_uln(n: int) -> str:
    from highneeds.engine.identifiers import uln_check_digit

    for k in itertools.count(n * 7):
        first = f"{100000000 + k:09d}"
        check = uln_check_digit(first)
        if check is not None:
            return first + str(check)


def valid_nhs(n: int) -> str:
    from highneeds.engine.identifiers import nhs_check_digit

    for k in itertools.count(n * 7):
        first = f"{400000000 + k:09d}"
        check = nhs_check_digit(first)
        if check is not None:
            return first + str(check)


def counts() -> dict[str, int]:
    """Rows in every table an import writes to."""
    from highneeds.audit.models import AuditEvent
    from highneeds.establishments.models import Establishment
    from highneeds.people.models import Child, ChildNeed, Placement, SenStatusPeriod

    return {
        m.__name__: m.objects.count() for m in (Establishment, Child, ChildNeed, SenStatusPeriod, Placement, AuditEvent)
    }


def gias_sample() -> tuple[list[str], list[list[str]]]:
    rows = read_csv(GIAS_SAMPLE, encoding="cp1252")
    return rows[0], rows[1:]


@pytest.fixture
def gias_file(tmp_path):
    """Write a GIAS-format file (cp1252, like the real extract) from the sample, changed as a test needs."""

    def make(change=None, *, name="gias.csv", header=None, rows=None, encoding="cp1252"):
        sample_header, sample_rows = gias_sample()
        header = list(header or sample_header)
        rows = [list(r) for r in (rows if rows is not None else sample_rows)]
        if change:
            change(header, rows)
        return write_csv(tmp_path / name, header, rows, encoding=encoding)

    return make
