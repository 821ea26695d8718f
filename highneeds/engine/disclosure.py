"""Statistical disclosure control for counts shown to people who may not open children's records.

One function, `protect`, serves every aggregate page, export and API answer those readers reach:

* Primary suppression: a count from 1 to threshold-1 is not shown (a zero is: it names nobody).
* Secondary suppression: a table's totals are published too, so a lone hidden cell in a row or column could be
  worked out by subtraction. While any line (a row or a column, its total included) has exactly one hidden
  entry, the smallest other non-zero entry of that line is hidden as well (cells before totals).
* Rounding: every shown count is rounded to the nearest multiple of `rounding` (halves up). Together with fixed
  reporting periods (`reporting_period`), this stops differencing: two overlapping queries one day apart no
  longer differ by exactly the one child who falls between them.

Pure Python, no Django: the council's threshold and rounding are passed in (insight/disclosure.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

HIDDEN = None  # a suppressed entry


@dataclass(frozen=True)
class Policy:
    threshold: int = 5
    rounding: int = 5

    def __post_init__(self):
        if self.threshold < 1 or self.rounding < 1:
            raise ValueError("threshold and rounding must be at least 1")

    def round(self, n: int) -> int:
        return (n + self.rounding // 2) // self.rounding * self.rounding if self.rounding > 1 else n

    def small(self, n: int) -> bool:
        return 0 < n < self.threshold


@dataclass(frozen=True)
class Protected:
    """The table as it may be shown: None where hidden, otherwise rounded."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def protect(cells: list[list[int]], policy: Policy) -> Protected:
    """Protect a table of non-negative counts with its row, column and grand totals."""
    rows, cols = len(cells), len(cells[0]) if cells else 0
    if any(len(r) != cols for r in cells) or any(v < 0 for r in cells for v in r):
        raise ValueError("a table of non-negative counts with rows of equal length")
    # The table with its totals: row totals in the last column, column totals in the last row.
    grid = [list(r) + [sum(r)] for r in cells]
    grid.append([sum(grid[i][j] for i in range(rows)) for j in range(cols + 1)])
    hidden = [[policy.small(v) for v in r] for r in grid]
    lines = [[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[i][j] for i, j in line) != 1:
                continue
            # Hide the smallest other non-zero entry, a cell before a total; a zero only when nothing else is left.
            candidates = [
                (grid[i][j] == 0, i == rows or j == cols, grid[i][j], i, j) for i, j in line if not hidden[i][j]
            ]
            if candidates:
                *_, i, j = min(candidates)
                hidden[i][j] = changed = True

    def shown(i, j):
        return HIDDEN if hidden[i][j] else policy.round(grid[i][j])

    return Protected(
        cells=[[shown(i, j) for j in range(cols)] for i in range(rows)],
        row_totals=[shown(i, cols) for i in range(rows)],
        column_totals=[shown(rows, j) for j in range(cols)],
        total=shown(rows, cols),
    )


def protect_list(counts: list[int], policy: Policy) -> tuple[list[int | None], int | None]:
    """A single column of counts and its total."""
    result = protect([[n] for n in counts], policy) if counts else Protected([], [], [0], policy.round(0))
    return [r[0] for r in result.cells], result.total


def percent(part: int, whole: int, policy: Policy) -> float | None:
    """part/whole as a whole percentage, or None when the group, the part or the rest is small (1 of 20 would
    say that one child was late). Computed from the exact counts, shown to whole percent only."""
    if not whole or policy.small(whole) or policy.small(part) or policy.small(whole - part):
        return None
    return float(round(100 * part / whole))


def reporting_period(first: date, last: date) -> tuple[date, date]:
    """The whole calendar quarters covering first..last: the fixed periods restricted readers may choose."""
    q_first = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    end_month = 3 * ((last.month - 1) // 3) + 3  # 3, 6, 9 or 12
    after = date(last.year + 1, 1, 1) if end_month == 12 else date(last.year, end_month + 1, 1)
    return q_first, after - timedelta(days=1)
