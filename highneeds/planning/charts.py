"""Inline SVG charts, drawn on the server so pages work without JavaScript.

Each chart is an <svg role="img"> with a <title> and <desc> (read by screen readers) and is always shown
beside a data table of the same numbers. Series differ by line style and marker shape as well as colour,
and every series is named in a text legend, so nothing relies on colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 40
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92")  # GOV.UK blue, red, green, purple
DASHES = ("", "8 4", "2 3", "12 4 2 4")
MARKERS = ("circle", "square", "triangle", "diamond")
_ids = count(1)


@dataclass
class Series:
    name: str
    values: list[float]
    low: list[float] | None = None  # P10
    high: list[float] | None = None  # P90


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step) * step
    ticks, t = [], first
    while t <= hi + step * 0.5:
        ticks.append(round(t, 10))
        t += step
        if len(ticks) > 12:
            break
    return ticks


def money(value: float) -> str:
    """£ in millions to one decimal place, or to the nearest £1,000 below a million; a minus sign (U+2212,
    which screen readers say as "minus") for a deficit."""
    sign = "\u2212" if value < 0 else ""
    if abs(value) >= 1e6:
        return f"{sign}£{abs(value) / 1e6:,.1f}m"
    rounded = round(abs(value), -3)
    return f"{sign if rounded else ''}£{rounded:,.0f}"


def number(value: float) -> str:
    return f"{value:,.0f}"


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z" fill="{colour}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} L{x - 5:.1f},{y:.1f} Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _frame(title: str, desc: str, years: list[int], lo: float, hi: float, fmt, body: list[str]) -> Markup:
    ticks = nice_ticks(lo, hi)
    lo, hi = min(ticks[0], lo), max(ticks[-1], hi)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / len(years))

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - lo) / (hi - lo or 1))

    uid = next(_ids)
    parts = [
        f'<svg class="planning-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" font-family="GDS Transport, arial, sans-serif" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" focusable="false">',
        f'<title id="chart-{uid}-title">{escape(title)}</title><desc id="chart-{uid}-desc">{escape(desc)}</desc>',
    ]
    for t in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#b1b4b6" '
            f'stroke-width="{2 if t == 0 else 1}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">'
            f"{escape(fmt(t))}</text>"
        )
    step = max(1, len(years) // 10)
    for i, year in enumerate(years):
        if i % step == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
                f'fill="#0b0c0c">{year}</text>'
            )
    parts.extend(body_part(x, y) for body_part in body)
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(title: str, desc: str, years: list[int], series: list[Series], fmt=number) -> Markup:
    """P50 lines, each with its P10-P90 band shaded where given. A value of None is a year the series does
    not cover (actual history before the forecast, the forecast after it)."""
    values = [v for s in series for v in (s.values + (s.low or []) + (s.high or [])) if v is not None]
    lo, hi = min(values + [0.0]), max(values + [0.0])
    body = []
    for k, s in enumerate(series):
        colour, dash, marker = COLOURS[k % 4], DASHES[k % 4], MARKERS[k % 4]

        def draw(x, y, s=s, colour=colour, dash=dash, marker=marker):
            out = []
            if s.low is not None and s.high is not None:
                high = [(i, v) for i, v in enumerate(s.high) if v is not None]
                low = [(i, v) for i, v in enumerate(s.low) if v is not None]
                points = [f"{x(i):.1f},{y(v):.1f}" for i, v in high + low[::-1]]
                out.append(f'<polygon points="{" ".join(points)}" fill="{colour}" fill-opacity="0.15" stroke="none"/>')
            shown = [(i, v) for i, v in enumerate(s.values) if v is not None]
            line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in shown)
            out.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="3"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
            out.extend(_marker(marker, x(i), y(v), colour) for i, v in shown)
            return "".join(out)

        body.append(draw)
    return _frame(title, desc, years, lo, hi, fmt, body)


def bar_chart(title: str, desc: str, years: list[int], values: list[float], fmt=money) -> Markup:
    """Bars above and below zero; bars below zero (deficits) are also hatched, not only a different colour."""
    lo, hi = min(values + [0.0]), max(values + [0.0])
    uid = next(_ids)

    def draw(x, y):
        width = (WIDTH - LEFT - RIGHT) / len(years) * 0.6
        out = [
            f'<defs><pattern id="hatch-{uid}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#d4351c"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>'
        ]
        for i, v in enumerate(values):
            top, bottom = sorted((y(v), y(0)))
            fill = f"url(#hatch-{uid})" if v < 0 else "#00703c"
            out.append(
                f'<rect x="{x(i) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
                f'height="{max(bottom - top, 1):.1f}" fill="{fill}"/>'
            )
        return "".join(out)

    return _frame(title, desc, years, lo, hi, fmt, [draw])


def legend(names: list[str]) -> list[dict]:
    """What the template shows under a line chart: each series' name with its line style described."""
    styles = ("solid line, circles", "dashed line, squares", "dotted line, triangles", "dash-dot line, diamonds")
    return [
        {"name": n, "colour": COLOURS[k % 4], "dash": DASHES[k % 4], "style": styles[k % 4]}
        for k, n in enumerate(names)
    ]
