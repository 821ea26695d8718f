"""What a CSV import reports: a row error naming row, field and value, and the two ways a file is
refused (a header that cannot be read, rows with errors under the all-or-nothing policy)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RowError:
    """One bad field in one row. `row` counts the header as row 1, as a spreadsheet does."""

    row: int
    field: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.field}" if self.field else "")
        shown = f" (value {self.value!r})" if self.value not in ("", None) else ""
        return f"{where}: {self.message}{shown}"

    def brief(self) -> str:
        """For the `errors` column of a rejects file: the row is beside it already."""
        return f"{self.field}: {self.message}" if self.field else self.message


def by_row(errors) -> list[RowError]:
    """In file order: by row, and within a row in the order the checks found them."""
    return sorted(errors, key=lambda e: e.row)


class RowErrors(Exception):
    """Raised by a row cleaner with every problem it found in the row."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class FileRejected(Exception):
    """The file cannot be imported at all (encoding, header, layout): nothing was read or written."""

    def __init__(self, path, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        super().__init__(f"{self.path.name}: " + "; ".join(problems))

    def report(self) -> list[str]:
        return [f"{self.path.name} cannot be imported:", *(f"  - {p}" for p in self.problems)]


class ImportRefused(Exception):
    """Some rows are bad and skip-invalid was not asked for: nothing was written."""

    def __init__(self, path, errors: list[RowError], total_rows: int):
        self.path = Path(path)
        self.errors = by_row(errors)
        self.total_rows = total_rows
        self.bad_rows = len({e.row for e in self.errors})
        super().__init__(
            f"{self.path.name}: {len(self.errors)} error(s) in {self.bad_rows} of {total_rows} row(s); nothing was imported"
        )

    def report(self) -> list[str]:
        return [
            f"{self.path.name}: {len(self.errors)} error(s) in {self.bad_rows} of {self.total_rows} row(s).",
            *(f"  {e}" for e in self.errors),
            "Nothing was imported. Correct the file and import it again, or use --skip-invalid to import "
            "the good rows and write the bad ones to a rejects file.",
        ]
