"""Small server-side SVG charts: a line over time, horizontal bars, box plots.

No chart library and no script: the page gets finished SVG. Every label is scraped or
user data, so every piece of text goes through ``escape``. Colours live in app.css
(classes), because the CSP forbids inline style.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol

from markupsafe import Markup, escape

LABEL_CHARS = 30


class Box(Protocol):
    label: str
    n: int
    low: float
    q1: float
    median: float
    q3: float
    high: float


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 5 x 10^k steps)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    t = escape(title)
    head = (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'aria-label="{t}"><title>{t}</title>')
    return Markup(head + "".join(body) + "</svg>")


def _empty(width: int, title: str) -> Markup:
    return _svg(width, 60, title, ['<text class="chart-empty" x="10" y="35">'
                                   "no data yet</text>"])


def line_chart(points: Sequence[tuple[str, float]], title: str, width: int = 680,
               height: int = 240) -> Markup:
    """Values over time; ``points`` are (x label, value) in order."""
    if not points:
        return _empty(width, title)
    left, right, top, bottom = 48, 36, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(0, max(max(v for _, v in points), 1))
    ymax = ticks[-1] or 1
    step = plot_w / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + plot_h - (v / ymax) * plot_h

    body = []
    for t in ticks:
        _, y = xy(0, t)
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" '
                    f'y2="{y:.1f}"/><text class="tick" x="{left - 6}" y="{y + 4:.1f}" '
                    f'text-anchor="end">{escape(_fmt(t))}</text>')
    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    base = top + plot_h
    body.append(f'<polygon class="area" points="{left:.1f},{base:.1f} {line} '
                f'{coords[-1][0]:.1f},{base:.1f}"/>')
    body.append(f'<polyline class="line" points="{line}"/>')
    every = max(1, math.ceil(len(points) / 8))
    for i, (label, value) in enumerate(points):
        x, y = coords[i]
        body.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5">'
                    f"<title>{escape(label)}: {escape(_fmt(value))}</title></circle>")
        if i % every == 0 or i == len(points) - 1:
            body.append(f'<text class="tick" x="{x:.1f}" y="{height - 12}" '
                        f'text-anchor="middle">{escape(_short(label, 12))}</text>')
    return _svg(width, height, title, body)


def bar_chart(items: Sequence[tuple[str, float]], title: str,
              value_format: Callable[[float], str] = _fmt, width: int = 680,
              max_value: float | None = None) -> Markup:
    """Horizontal bars, one row per (label, value), in the order given."""
    if not items:
        return _empty(width, title)
    label_w, value_w, row_h, top = 230, 64, 22, 6
    plot_w = width - label_w - value_w
    height = top * 2 + row_h * len(items)
    vmax = max_value or max((v for _, v in items), default=1) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        w = max(0.0, min(value / vmax, 1.0)) * plot_w
        body.append(
            f'<g class="bar-row"><title>{escape(label)}: {escape(value_format(value))}</title>'
            f'<text class="label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}"/>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 15}">'
            f"{escape(value_format(value))}</text></g>")
    return _svg(width, height, title, body)


def box_plot(boxes: Sequence[Box], title: str, unit: str = "$/h", width: int = 680) -> Markup:
    """One horizontal box per group: whiskers at min and max, box from Q1 to Q3, median."""
    if not boxes:
        return _empty(width, title)
    label_w, right, row_h, top, axis_h = 240, 20, 26, 8, 30
    plot_w = width - label_w - right
    ticks = nice_ticks(min(b.low for b in boxes), max(b.high for b in boxes), 6)
    lo, hi = ticks[0], ticks[-1] if ticks[-1] > ticks[0] else ticks[0] + 1
    height = top + row_h * len(boxes) + axis_h

    def x(v: float) -> float:
        return label_w + (v - lo) / (hi - lo) * plot_w

    body = []
    for t in ticks:
        body.append(f'<line class="grid" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top}" '
                    f'y2="{height - axis_h}"/><text class="tick" x="{x(t):.1f}" '
                    f'y="{height - axis_h + 16}" text-anchor="middle">{escape(_fmt(t))}</text>')
    for i, b in enumerate(boxes):
        y, mid = top + i * row_h, top + i * row_h + row_h / 2
        tip = (f"{b.label}: n={b.n}, min {b.low:.2f}, Q1 {b.q1:.2f}, median {b.median:.2f}, "
               f"Q3 {b.q3:.2f}, max {b.high:.2f} {unit}")
        body.append(
            f'<g class="box-row"><title>{escape(tip)}</title>'
            f'<text class="label" x="{label_w - 8}" y="{mid + 4:.1f}" text-anchor="end">'
            f"{escape(_short(b.label, LABEL_CHARS - 5))} ({b.n})</text>"
            f'<line class="whisker" x1="{x(b.low):.1f}" x2="{x(b.high):.1f}" y1="{mid:.1f}" '
            f'y2="{mid:.1f}"/>'
            f'<rect class="box" x="{x(b.q1):.1f}" y="{y + 5}" '
            f'width="{max(x(b.q3) - x(b.q1), 1):.1f}" height="{row_h - 10}"/>'
            f'<line class="median" x1="{x(b.median):.1f}" x2="{x(b.median):.1f}" '
            f'y1="{y + 4}" y2="{y + row_h - 4}"/></g>')
    body.append(f'<text class="tick" x="{width - right}" y="{height - 2}" text-anchor="end">'
                f"{escape(unit)}</text>")
    return _svg(width, height, title, body)
