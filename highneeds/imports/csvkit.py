"""Shared machinery for CSV imports: read, check the header, collect row errors, apply the policy.

An importer is thin: it names its columns, turns one row into clean values (raising `RowErrors`),
runs whatever cross-row checks it needs, and writes. This module does the rest:

* `read_csv` decodes UTF-8 (with or without BOM) or Windows-1252, and checks the header before any
  row is read: missing required columns, unknown ones, near misses ("did you mean"), repeats.
* `check_rows` cleans every row and collects a `RowError(row, field, message, value)` for each bad
  field. Row numbers are as a spreadsheet shows them: the header is row 1.
* `settle` applies the policy: all-or-nothing (raise `ImportRefused` with every error) or, with
  skip-invalid, write the rejected rows to a file (original columns plus `errors`) and go on with
  the good ones. Use it as a context manager around the writes: if they fail, the rejects file
  is removed again, so nothing is left half-done.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from highneeds import spreadsheets

from .errors import FileRejected, ImportRefused, RowError, RowErrors, by_row

# A column with this name is never data: it is the one a rejects file adds, so that a corrected
# rejects file can be imported again as it is.
ERRORS_COLUMN = "errors"


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


class Progress(Protocol):
    def stage(self, label: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoProgress:
    def stage(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def normalise_header(name: str) -> str:
    """Header cells compare without case, surrounding space or doubled or broken-line spaces."""
    return re.sub(r"\s+", " ", name).strip().casefold()


@dataclass(frozen=True)
class Columns:
    """What an importer reads. Names are canonical; the file's headers match them ignoring case.

    extra="error": any other column is an error (a typo would otherwise drop data silently).
    extra="ignore": other columns are skipped and listed, for files such as the GIAS extract that
    carry many more columns than we use and gain new ones between releases. A header that nearly
    matches a column we use is an error either way.
    """

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    known_unused: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    extra: str = "error"

    @property
    def used(self) -> tuple[str, ...]:
        return self.required + self.optional


def decode(data: bytes, path) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-8 (BOM or none), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected(
            path, ["The file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' or 'CSV (Comma delimited)'"]
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileRejected(
                path, [f"The file starts with a UTF-8 marker but byte {exc.start} is not UTF-8"]
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise FileRejected(
            path,
            [
                f"The file is neither UTF-8 nor Windows-1252 (byte {exc.start} is {data[exc.start]:#04x}); save it as 'CSV UTF-8'"
            ],
        ) from None


@dataclass
class CsvFile:
    path: Path
    encoding: str
    sha256: str
    header: list[str]
    index: dict[str, int]  # canonical column name -> position in the file
    ignored: list[str]  # headers present that this import knows and does not use
    unrecognised: list[str] = field(default_factory=list)  # headers skipped because extra="ignore"
    _text: str = field(repr=False, default="")

    def has(self, column: str) -> bool:
        return column in self.index

    def label(self, column: str) -> str:
        """The header as the file spells it, for error messages."""
        return self.header[self.index[column]].strip() if column in self.index else column

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for each data row; blank rows are skipped but still counted."""
        reader = csv.reader(io.StringIO(self._text, newline=""))
        try:
            for number, cells in enumerate(reader, start=1):
                if number == 1 or not any(c.strip() for c in cells):
                    continue
                yield number, cells
        except csv.Error as exc:
            raise FileRejected(self.path, [f"Row {reader.line_num}: the CSV is malformed ({exc})"]) from None

    def count(self) -> int:
        return sum(1 for _ in self.rows())

    def record(self, cells: list[str]) -> dict[str, str]:
        """Used columns by canonical name, values stripped; short rows read as blank."""
        return {name: (cells[i].strip() if i < len(cells) else "") for name, i in self.index.items()}

    def surplus(self, number: int, cells: list[str]) -> RowError | None:
        """A row with more non-blank cells than the header has columns is misaligned."""
        extra = [c for c in cells[len(self.header) :] if c.strip()]
        if extra:
            return RowError(
                number, "", f"This row has {len(cells)} values but the header has {len(self.header)} columns", extra[0]
            )
        return None


def read_csv(path, columns: Columns) -> CsvFile:
    """Decode the file and check its header; raise FileRejected naming every header problem."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileRejected(path, [f"Cannot read the file: {exc.strerror or exc}"]) from None
    text, encoding = decode(data, path)
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), None)
    except csv.Error as exc:
        raise FileRejected(path, [f"The header row is malformed ({exc})"]) from None
    if not header or not any(h.strip() for h in header):
        raise FileRejected(path, ["The file is empty: the first row must name the columns"])
    while header and not header[-1].strip():
        header = header[:-1]  # spreadsheets leave empty trailing header cells

    problems: list[str] = []
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semicolons" if ";" in header[0] else "tabs"
        raise FileRejected(path, [f"The columns are separated by {sep}: save the file as CSV (comma separated)"])

    lookup: dict[str, str] = {}
    for name in (*columns.used, *columns.known_unused, ERRORS_COLUMN):
        lookup[normalise_header(name)] = name
    for alias, name in columns.aliases.items():
        lookup[normalise_header(alias)] = name
    used_norm = {normalise_header(n): n for n in columns.used}

    index: dict[str, int] = {}
    ignored: list[str] = []
    strangers: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(header):
        norm = normalise_header(raw)
        if not norm:
            problems.append(f"Column {position + 1} has no name")
            continue
        if norm in seen:
            problems.append(
                f"Column {raw.strip()!r} appears more than once (columns {seen[norm] + 1} and {position + 1})"
            )
            continue
        seen[norm] = position
        canonical = lookup.get(norm)
        if canonical in columns.used:
            if canonical in index:
                problems.append(
                    f"Columns {header[index[canonical]].strip()!r} and {raw.strip()!r} both give {canonical!r}"
                )
            index[canonical] = position
        elif canonical is not None:
            ignored.append(raw.strip())
        else:
            strangers.append((raw.strip(), norm))
    unknown: list[str] = []
    unrecognised: list[str] = []
    absent = {norm: name for norm, name in used_norm.items() if name not in index}
    for raw, norm in strangers:
        near = difflib.get_close_matches(norm, list(absent), n=1, cutoff=0.75)
        if near:
            problems.append(f"Unknown column {raw!r}: did you mean {absent[near[0]]!r}?")
        elif columns.extra == "error":
            unknown.append(raw)
        else:
            unrecognised.append(raw)
    if unknown:
        problems.append(
            "Unknown column(s) "
            + ", ".join(repr(u) for u in unknown)
            + ". The columns this import accepts are: "
            + ", ".join(columns.used)
        )
    missing = [name for name in columns.required if name not in index]
    if missing:
        problems.append("Missing required column(s): " + ", ".join(repr(m) for m in missing))
    if problems:
        raise FileRejected(path, problems)
    return CsvFile(
        path=path,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        header=header,
        index=index,
        ignored=ignored,
        unrecognised=unrecognised,
        _text=text,
    )


# --------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """The outcome of checking every row: clean payloads by row, and errors by row."""

    total: int = 0
    good: dict[int, Any] = field(default_factory=dict)
    bad: dict[int, list[RowError]] = field(default_factory=dict)

    def reject(self, error: RowError) -> None:
        """Move a row from good to bad (used by checks across rows: duplicates, clashes)."""
        self.good.pop(error.row, None)
        self.bad.setdefault(error.row, []).append(error)

    @property
    def errors(self) -> list[RowError]:
        return by_row(e for errs in self.bad.values() for e in errs)


SKIP = object()  # a cleaner returns this for a row that is not data (a repeated header, a section title)


def check_rows(
    source: CsvFile, clean_row: Callable[[int, dict[str, str]], Any], progress: Progress | None = None
) -> Checked:
    """Clean every row, in file order; a cleaner returns the payload to write or raises RowErrors.

    Errors name columns canonically in the cleaner; here they take the file's own spelling.
    """
    progress = progress or NoProgress()
    checked = Checked()
    progress.stage("Reading", None)
    total = source.count()
    progress.stage("Checking rows", total)
    for number, cells in source.rows():
        errors = []
        surplus = source.surplus(number, cells)
        if surplus:
            errors.append(surplus)
        try:
            payload = clean_row(number, source.record(cells))
        except RowErrors as exc:
            errors.extend(RowError(e.row, source.label(e.field), e.message, e.value) for e in exc.errors)
        else:
            if payload is SKIP and not errors:
                progress.advance()
                continue
        checked.total += 1
        if errors:
            checked.bad[number] = errors
        else:
            checked.good[number] = payload
        progress.advance()
    return checked


def flag_repeats(checked: Checked, keys: dict[int, Any], field_name: str, label: str) -> None:
    """Reject every row whose key (non-empty) is shared with another row of the file."""
    rows_by_key: dict[Any, list[int]] = {}
    for row, key in keys.items():
        if key not in (None, ""):
            rows_by_key.setdefault(key, []).append(row)
    for key, rows in rows_by_key.items():
        if len(rows) > 1:
            listed = ", ".join(str(r) for r in sorted(rows))
            for row in rows:
                checked.reject(RowError(row, field_name, f"The same {label} is on rows {listed}", str(key)))


# --------------------------------------------------------------------------------------------
# Policy and the rejects file
# --------------------------------------------------------------------------------------------


def default_rejects_path(source: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return source.with_name(f"{source.stem}.rejects-{stamp}.csv")


def write_rejects(path: Path, source: CsvFile, bad: dict[int, list[RowError]]) -> int:
    """The rejected rows with their original columns plus `errors`; readable only by the owner."""
    width = len(source.header)
    existing = next((i for i, h in enumerate(source.header) if normalise_header(h) == ERRORS_COLUMN), None)
    header = list(source.header) if existing is not None else [*source.header, ERRORS_COLUMN]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    written = 0
    with open(fd, "w", encoding="utf-8-sig", newline="") as out:
        writer = spreadsheets.csv_writer(out)
        writer.writerow(header)
        for number, cells in source.rows():
            if number not in bad:
                continue
            cells = (list(cells) + [""] * width)[:width]
            text = " | ".join(e.brief() for e in bad[number])
            if existing is not None:
                cells[existing] = text
            else:
                cells.append(text)
            writer.writerow(cells)
            written += 1
    return written


@contextlib.contextmanager
def settle(source: CsvFile, checked: Checked, *, skip_invalid: bool, rejects_path=None):
    """Apply the bad-input policy around the writes; yields the rejects path or None.

    Without skip_invalid any error raises ImportRefused before anything is written. With it the
    rejects file is written first (so an unwritable path stops the import before the database is
    touched) and removed again if the writes inside the block fail.
    """
    if checked.bad and not skip_invalid:
        raise ImportRefused(source.path, checked.errors, checked.total)
    path = None
    if checked.bad:
        path = Path(rejects_path) if rejects_path else default_rejects_path(source.path)
        try:
            write_rejects(path, source, checked.bad)
        except OSError as exc:
            raise FileRejected(source.path, [f"Cannot write the rejects file {path}: {exc.strerror or exc}"]) from None
    try:
        yield path
    except BaseException:
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
        raise


# --------------------------------------------------------------------------------------------
# The result of an import
# --------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    kind: str
    path: Path
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_path: Path | None = None
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> list[str]:
        lines = [
            f"{self.kind.capitalize()} import from {self.path.name}: {self.total} row(s) read.",
            f"  created {self.created}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}",
        ]
        if self.rejects_path:
            lines.append(f"  rejected rows written to {self.rejects_path}")
        lines.extend(f"  {note}" for note in self.notes)
        return lines

    def audit_summary(self, source: CsvFile) -> dict:
        """For the one summary audit event: counts and rejected row numbers, never row contents."""
        return {
            "file": self.path.name,
            "sha256": source.sha256,
            "encoding": source.encoding,
            "rows": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rejected_rows": sorted({e.row for e in self.errors}),
        }
