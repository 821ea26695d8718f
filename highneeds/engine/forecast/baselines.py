"""The backtest's baselines, on each LA's totals (snapshots from January 2015 up to the base year). Pure numpy."""

from __future__ import annotations

import numpy as np


def baseline_last(totals: np.ndarray, years: int) -> np.ndarray:
    return np.repeat(totals[:, -1:], years, axis=1)


def baseline_linear(totals: np.ndarray, years: int) -> np.ndarray:
    """OLS line through the last three snapshots (fewer where fewer exist), extrapolated."""
    y = totals[:, -3:]
    n = y.shape[1]
    x = np.arange(n) - (n - 1) / 2
    slope = (y * x).sum(axis=1) / (x**2).sum() if n > 1 else np.zeros(len(y))
    level = y.mean(axis=1) + slope * (n - 1) / 2
    return level[:, None] + slope[:, None] * np.arange(1, years + 1)[None]


def baseline_damped(totals: np.ndarray, years: int) -> np.ndarray:
    """Holt's damped-trend exponential smoothing, parameters chosen per series by one-step SSE on a grid."""
    y = totals
    L, T = y.shape
    if T < 2:
        return baseline_last(y, years)
    best_sse = np.full(L, np.inf)
    best = np.zeros((L, years))
    for alpha in (0.2, 0.4, 0.6, 0.8, 1.0):
        for beta in (0.05, 0.1, 0.2, 0.4):
            for phi in (0.8, 0.9, 0.98):
                level, trend = y[:, 0].copy(), y[:, 1] - y[:, 0]
                sse = np.zeros(L)
                for t in range(1, T):
                    fc = level + phi * trend
                    sse += (y[:, t] - fc) ** 2
                    new_level = alpha * y[:, t] + (1 - alpha) * fc
                    trend = beta * (new_level - level) + (1 - beta) * phi * trend
                    level = new_level
                damp = np.cumsum(phi ** np.arange(1, years + 1))
                fc = level[:, None] + trend[:, None] * damp[None]
                better = sse < best_sse
                best_sse = np.where(better, sse, best_sse)
                best[better] = fc[better]
    return best


def baseline_geometric(totals: np.ndarray, years: int) -> np.ndarray:
    """The last value grown at the LA's own average growth over the last three years (geometric mean)."""
    base = totals[:, -1]
    earlier = totals[:, -4] if totals.shape[1] >= 4 else totals[:, 0]
    span = min(3, totals.shape[1] - 1)
    growth = np.where(
        (earlier > 0) & (span > 0), (base / np.where(earlier > 0, earlier, 1.0)) ** (1 / max(span, 1)), 1.0
    )
    return base[:, None] * growth[:, None] ** np.arange(1, years + 1)[None]
