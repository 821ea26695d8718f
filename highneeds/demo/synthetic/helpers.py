"""Small numerical helpers: exact apportionment, integer IPF, dates as day numbers."""

from __future__ import annotations

from datetime import date

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
NONE = -1  # "no date" / "no row" in integer columns


def day(value: date) -> int:
    return int((np.datetime64(value, "D") - EPOCH).astype(np.int64))


def to_date(value: int) -> date:
    return (EPOCH + np.timedelta64(int(value), "D")).astype(object)


def sep1(years: np.ndarray) -> np.ndarray:
    """Day number of 1 September of each year."""
    months = (np.asarray(years, dtype=np.int64) - 1970) * 12 + 8
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def iso_dates(days: np.ndarray) -> list:
    """ISO date strings (None where NONE) — what both SQLite and PostgreSQL accept for a date column."""
    days = np.asarray(days, dtype=np.int64)
    text = (EPOCH + days.clip(0).astype("timedelta64[D]")).astype(str)
    if (days == NONE).any():
        out = text.astype(object)
        out[days == NONE] = None
        return out.tolist()
    return text.tolist()


def apportion(weights, total: int) -> np.ndarray:
    """Whole numbers in proportion to `weights` summing exactly to `total` (largest remainders)."""
    weights = np.clip(np.asarray(weights, dtype=np.float64), 0, None)
    out = np.zeros(len(weights), dtype=np.int64)
    if total <= 0 or len(weights) == 0:
        return out
    if weights.sum() <= 0:
        weights = np.ones(len(weights))
    exact = weights / weights.sum() * total
    out = np.floor(exact).astype(np.int64)
    short = int(total - out.sum())
    if short > 0:
        order = np.lexsort((np.arange(len(weights)), -(exact - out)))
        out[order[:short]] += 1
    return out


def integer_ipf(seed, rows, cols, iterations: int = 500) -> np.ndarray:
    """An integer matrix with exactly the given row and column sums, close to `seed`'s odds ratios.

    Iterative proportional fitting on the seed (a tiny floor keeps it feasible when the seed's
    zeros make the margins impossible), then floors and a greedy fill that prefers cells the seed
    supports, largest fraction first.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if rows.sum() != cols.sum():
        raise ValueError(f"margins disagree: rows sum to {rows.sum()}, columns to {cols.sum()}")
    seed = np.asarray(seed, dtype=np.float64)
    support = seed > 0
    m = seed + 1e-9 * np.outer(rows > 0, cols > 0)
    m[rows == 0, :] = 0
    m[:, cols == 0] = 0
    for _ in range(iterations):
        m *= (rows / np.where(m.sum(1) > 0, m.sum(1), 1))[:, None]
        m *= (cols / np.where(m.sum(0) > 0, m.sum(0), 1))[None, :]
        if np.abs(m.sum(1) - rows).max() < 1e-7:
            break
    out = np.floor(m + 1e-9).astype(np.int64)
    row_left = rows - out.sum(1)
    col_left = cols - out.sum(0)
    for i in np.flatnonzero(row_left < 0):  # only when the margins were infeasible for the seed
        while row_left[i] < 0:
            j = int(np.argmax(out[i]))
            out[i, j] -= 1
            row_left[i] += 1
            col_left[j] += 1
    for j in np.flatnonzero(col_left < 0):
        while col_left[j] < 0:
            i = int(np.argmax(out[:, j]))
            out[i, j] -= 1
            col_left[j] += 1
            row_left[i] += 1
    frac = m - np.floor(m + 1e-9)
    order = np.argsort(-frac, axis=None, kind="stable")
    for allowed in (support & (m > 1e-6), support, "swap", np.ones_like(support)):
        if isinstance(allowed, str):
            _swap_into_support(out, support, row_left, col_left)
            continue
        progress = True
        while row_left.any() and progress:  # one unit per cell per pass, largest fraction first
            progress = False
            for flat in order:
                i, j = divmod(int(flat), len(cols))
                if allowed[i, j] and row_left[i] > 0 and col_left[j] > 0:
                    out[i, j] += 1
                    row_left[i] -= 1
                    col_left[j] -= 1
                    progress = True
    assert not row_left.any() and not col_left.any()
    return out


def _swap_into_support(out: np.ndarray, support: np.ndarray, row_left: np.ndarray, col_left: np.ndarray) -> None:
    """Place leftover units through supported cells only, moving one unit aside where needed.

    For a row i and column j still short where (i, j) is not supported: find a supported (i, m)
    and a unit at (k, m) whose row also supports j, then move it: (i, m) +1, (k, m) -1, (k, j) +1.
    Both margins stay right and no unit lands where the seed says it cannot be.
    """
    while row_left.any():
        moved = False
        for i in np.flatnonzero(row_left > 0):
            for j in np.flatnonzero(col_left > 0):
                for m in np.flatnonzero(support[i]):
                    donors = np.flatnonzero((out[:, m] > 0) & support[:, j])
                    donors = donors[donors != i]
                    if len(donors):
                        k = donors[0]
                        out[i, m] += 1
                        out[k, m] -= 1
                        out[k, j] += 1
                        row_left[i] -= 1
                        col_left[j] -= 1
                        moved = True
                        break
                if moved:
                    break
            if moved:
                break
        if not moved:
            return


def expand(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column index for every unit of an integer matrix (in row-major order)."""
    counts = matrix.ravel()
    flat = np.repeat(np.arange(counts.size), counts)
    return flat // matrix.shape[1], flat % matrix.shape[1]


def weighted_choice(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.float64)
    cumulative = np.cumsum(weights)
    return np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right").clip(0, len(weights) - 1)


def choose_per_group(
    rng: np.random.Generator,
    group: np.ndarray,
    candidates: dict[int, np.ndarray],
    weights: dict[int, np.ndarray] | None = None,
) -> np.ndarray:
    """For each row, one candidate from its group's list (weighted where weights are given)."""
    out = np.full(len(group), NONE, dtype=np.int64)
    for key in np.unique(group):
        rows = np.flatnonzero(group == key)
        options = candidates[int(key)]
        w = weights.get(int(key)) if weights else None
        pick = weighted_choice(rng, w, len(rows)) if w is not None else rng.integers(0, len(options), len(rows))
        out[rows] = options[pick]
    return out
