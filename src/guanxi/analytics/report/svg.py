"""Minimal SVG building blocks for the offline report.

The report must open from a file with no network and no JavaScript, so every chart is an inline
SVG string built here. All text that reaches the markup goes through :func:`text` or
:func:`attr`, which HTML-escape it: chart labels carry user-derived strings (customer ids, column
names) and an SVG inlined in HTML is parsed by the HTML parser, so an unescaped ``<script>`` in a
label would run.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

__all__ = [
    "attr",
    "colour_scale",
    "fmt_number",
    "ink_for",
    "nice_ticks",
    "svg_document",
    "text",
]

# Viridis sampled at 9 stops: perceptually uniform and readable when printed in grey.
_VIRIDIS: tuple[tuple[int, int, int], ...] = (
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
)


def text(value: object) -> str:
    """Escape ``value`` for an HTML/SVG text node."""
    return html.escape(str(value), quote=True)


def attr(value: object) -> str:
    """Escape ``value`` for a double-quoted HTML/SVG attribute."""
    return html.escape(str(value), quote=True)


def colour_scale(value: float, low: float, high: float) -> str:
    """Map ``value`` in [low, high] to a viridis colour ``#rrggbb`` (grey for NaN)."""
    if not math.isfinite(value):
        return "#e0e0e0"
    span = high - low
    t = 0.5 if span <= 0 or not math.isfinite(span) else (value - low) / span
    t = min(1.0, max(0.0, t))
    position = t * (len(_VIRIDIS) - 1)
    i = min(int(position), len(_VIRIDIS) - 2)
    frac = position - i
    a, b = _VIRIDIS[i], _VIRIDIS[i + 1]
    r, g, bl = (round(a[k] + (b[k] - a[k]) * frac) for k in range(3))
    return f"#{r:02x}{g:02x}{bl:02x}"


def ink_for(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill`` (``#rrggbb``)."""
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#000" if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else "#fff"


def fmt_number(value: float, *, digits: int = 3) -> str:
    """Format a number compactly for an axis or a cell label (1.2k, 3.4M, 0.25)."""
    if not math.isfinite(value):
        return "–"
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"{value / 1e9:.{max(digits - 2, 0)}g}G" if magnitude < 1e12 else f"{value:.3g}"
    if magnitude >= 1e6:
        return f"{value / 1e6:.{digits}g}M"
    if magnitude >= 1e4:
        return f"{value / 1e3:.{digits}g}k"
    if magnitude >= 1e3:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering [low, high] (1-2-5 steps)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else [0.0]
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def svg_document(width: int, height: int, body: Sequence[str], *, label: str) -> str:
    """Wrap SVG elements in an accessible ``<svg>`` root (``role=img`` with a title).

    No ``xmlns``: inline SVG in HTML5 needs none, and the report carries no URL at all.
    """
    return (
        f'<svg viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{attr(label)}">'
        f"<title>{text(label)}</title>" + "".join(body) + "</svg>"
    )
