"""Small inline SVG charts: horizontal bars and grouped columns.

Drawn here rather than with a plotting library: two chart kinds, a few dozen
lines, and the page stays a single light file that needs nothing installed.

>>> svg = bar_chart([("share", 3), ("cookie", 1)], label="Lines removed per rule")
>>> svg.count('class="bar"'), 'data-key="share"' in svg
(2, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

# Colour-blind-safe palette (Okabe and Ito), one colour per series.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
FONT = "font-family=\"system-ui, sans-serif\" font-size=\"12\""
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 150
CHART_WIDTH = 560
PLOT_HEIGHT = 180


def bar_chart(rows: Sequence[tuple[str, float]], label: str, colour: str = PALETTE[0]) -> str:
    """One horizontal bar per row, largest value at full width; each bar carries ``data-key``."""
    top = max((value for _, value in rows), default=0) or 1
    plot_width = CHART_WIDTH - LABEL_WIDTH - 60
    height = len(rows) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [svg_open(CHART_WIDTH, height, label)]
    for index, (key, value) in enumerate(rows):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(1.0, plot_width * value / top)
        parts.append(
            f'<g class="bar" data-key="{escape(key)}"><title>{escape(key)}: {format_number(value)}</title>'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">{escape(key)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="2" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + width + 5:.1f}" y="{y + 13}">{format_number(value)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], label: str,
                 x_title: str = "", y_title: str = "", log_scale: bool = False) -> str:
    """Grouped vertical columns: one group per category, one column per series, with a y axis.

    ``log_scale``: a logarithmic y axis (0, 1, 10, 100...), so a column of 2
    stays visible beside one of 300.
    """
    left, bottom, top_margin = 48, 40, 24 if len(series) > 1 else 10
    width = CHART_WIDTH
    height = top_margin + PLOT_HEIGHT + bottom
    highest = max((v for _, values in series for v in values), default=0)
    if log_scale:
        ticks = [0.0] + [10.0 ** power for power in range(max(1, math.ceil(math.log10(max(highest, 1)))) + 1)]
    else:
        step = nice_step(highest)
        ticks = [tick * step for tick in range(max(1, math.ceil(highest / step)) + 1)]
    y_max = ticks[-1]

    def share(value: float) -> float:
        return math.log10(1 + value) / math.log10(1 + y_max) if log_scale else value / y_max

    group_width = (width - left - 10) / max(1, len(categories))
    column_width = max(2.0, (group_width - 6) / max(1, len(series)))
    parts = [svg_open(width, height, label)]
    parts.extend(y_axis(left, top_margin, width, [(tick, share(tick)) for tick in ticks]))
    for c, category in enumerate(categories):
        x0 = left + c * group_width + 3
        for s, (name, values) in enumerate(series):
            value = values[c]
            h = PLOT_HEIGHT * share(value)
            parts.append(
                f'<rect class="column" x="{x0 + s * column_width:.1f}" y="{top_margin + PLOT_HEIGHT - h:.1f}" width="{column_width - 1:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(name)}, {escape(category)}: {format_number(value)}</title></rect>'
            )
        parts.append(f'<text x="{x0 + (group_width - 6) / 2:.1f}" y="{top_margin + PLOT_HEIGHT + 15}" text-anchor="middle">{escape(category)}</text>')
    parts.append(f'<text x="{left + (width - left) / 2:.1f}" y="{height - 4}" text-anchor="middle" class="axis-title">{escape(x_title)}</text>')
    parts.append(f'<text transform="translate(12 {top_margin + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle" class="axis-title">{escape(y_title)}</text>')
    if len(series) > 1:
        parts.extend(legend([name for name, _ in series], left))
    parts.append("</svg>")
    return "".join(parts)


def svg_open(width: float, height: float, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(label)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT}>')


def y_axis(left: float, top: float, width: float, ticks: Sequence[tuple[float, float]]) -> list[str]:
    """Grid lines and labels at ``(value, share of the plot height)`` ticks."""
    parts = []
    for value, height_share in ticks:
        y = top + PLOT_HEIGHT - PLOT_HEIGHT * height_share
        parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{format_number(value)}</text>')
    return parts


def legend(names: Sequence[str], left: float) -> list[str]:
    parts, x = [], left
    for index, name in enumerate(names):
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
                     f'<text x="{x + 16}" y="14">{escape(name)}</text>')
        x += 28 + 7 * len(name)
    return parts


def nice_step(top: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks.

    >>> nice_step(0), nice_step(7), nice_step(180), nice_step(0.9)
    (1, 2, 50, 0.2)
    """
    if top <= 0:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            step = multiple * power
            return int(step) if step >= 1 else round(step, 10)
    return 10 * power


def format_number(value: float) -> str:
    """Integers without decimals, fractions with up to three."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


SCATTER_SIZE = 220


def scatter(points: Sequence[tuple[float, float, str]], label: str, x_title: str, y_title: str) -> str:
    """Points in the unit square, with the diagonal: above it, y did better than x."""
    left, top, size = 44, 10, SCATTER_SIZE
    width, height = left + size + 16, top + size + 40
    parts = [svg_open(width, height, label)]
    for tick in range(0, 11, 2):
        value = tick / 10
        x, y = left + size * value, top + size - size * value
        parts.append(f'<line x1="{left}" x2="{left + size}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                     f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + size}" stroke="#eee"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:.1f}</text>'
                     f'<text x="{x:.1f}" y="{top + size + 15}" text-anchor="middle">{value:.1f}</text>')
    parts.append(f'<line x1="{left}" y1="{top + size}" x2="{left + size}" y2="{top}" stroke="#999" stroke-dasharray="4 3"/>')
    for x_value, y_value, name in points:
        parts.append(f'<circle class="point" cx="{left + size * x_value:.1f}" cy="{top + size - size * y_value:.1f}" r="3.5" '
                     f'fill="{PALETTE[0]}" fill-opacity="0.55"><title>{escape(name)}: {x_value:.3f} → {y_value:.3f}</title></circle>')
    parts.append(f'<text x="{left + size / 2}" y="{height - 4}" text-anchor="middle" class="axis-title">{escape(x_title)}</text>')
    parts.append(f'<text transform="translate(12 {top + size / 2}) rotate(-90)" text-anchor="middle" class="axis-title">{escape(y_title)}</text>')
    parts.append("</svg>")
    return "".join(parts)
