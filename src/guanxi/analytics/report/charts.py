"""The five report charts as inline SVG strings, computed from plain numpy arrays.

Each function takes already-computed per-customer arrays (or a small grid) and returns one
``<svg>`` element. They know nothing about files, models or pandas, so the same charts can later
be served by the web app. Every text label passes through :mod:`.svg` escaping.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .svg import colour_scale, fmt_number, ink_for, nice_ticks, svg_document, text

__all__ = [
    "clv_histogram",
    "palive_map",
    "pareto_curve",
    "placeholder",
    "rfm_heatmap",
    "value_pyramid",
]

_FONT = 'font-family="system-ui, sans-serif" font-size="12"'
_AXIS = "#444"
_ACCENT = "#2c7fb8"


def _axis_label(x: float, y: float, label: str, *, rotate: bool = False) -> str:
    transform = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" {_FONT}{transform}>'
        f"{text(label)}</text>"
    )


def pareto_curve(
    revenue: np.ndarray,
    *,
    class_labels: np.ndarray | None = None,
    title: str = "Pareto curve 帕累托曲线 (二八法则)",
) -> str:
    """Cumulative share of revenue against cumulative share of customers, best first.

    The 80/20 reference lines make the Pareto rule readable at a glance; when ``class_labels``
    (ABC classes per customer) is given, the class boundaries are marked on the curve.
    """
    width, height = 560, 380
    left, right, top, bottom = 60, 20, 40, 50
    pw, ph = width - left - right, height - top - bottom
    values = np.asarray(revenue, dtype=float)
    values = np.where(np.isfinite(values), np.maximum(values, 0.0), 0.0)
    order = np.argsort(-values, kind="stable")
    body = [
        f'<text x="{width / 2}" y="22" text-anchor="middle" {_FONT} font-weight="bold">'
        f"{text(title)}</text>"
    ]
    total = float(values.sum())
    n = values.size

    def px(share: float) -> float:
        return left + share * pw

    def py(share: float) -> float:
        return top + (1 - share) * ph

    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        body.append(
            f'<line x1="{px(tick):.1f}" y1="{py(0):.1f}" x2="{px(tick):.1f}" y2="{py(1):.1f}" '
            f'stroke="#eee"/>'
            f'<line x1="{px(0):.1f}" y1="{py(tick):.1f}" x2="{px(1):.1f}" y2="{py(tick):.1f}" '
            f'stroke="#eee"/>'
            f'<text x="{px(tick):.1f}" y="{py(0) + 16:.1f}" text-anchor="middle" {_FONT}>'
            f"{tick:.0%}</text>"
            f'<text x="{px(0) - 6:.1f}" y="{py(tick) + 4:.1f}" text-anchor="end" {_FONT}>'
            f"{tick:.0%}</text>"
        )
    body.append(
        f'<line x1="{px(0):.1f}" y1="{py(0):.1f}" x2="{px(1):.1f}" y2="{py(1):.1f}" '
        f'stroke="#999" stroke-dasharray="4 3"/>'
    )
    if n and total > 0:
        cum_revenue = np.concatenate([[0.0], np.cumsum(values[order]) / total])
        cum_customers = np.arange(n + 1) / n
        # At most ~400 vertices: the curve is concave, so thinning loses nothing visible.
        keep = np.unique(np.linspace(0, n, min(n + 1, 400)).round().astype(int))
        points = " ".join(f"{px(cum_customers[i]):.1f},{py(cum_revenue[i]):.1f}" for i in keep)
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{_ACCENT}" stroke-width="2.5"/>'
        )
        at_20 = float(np.interp(0.2, cum_customers, cum_revenue))
        body.append(
            f'<line x1="{px(0.2):.1f}" y1="{py(0):.1f}" x2="{px(0.2):.1f}" '
            f'y2="{py(at_20):.1f}" stroke="#d95f0e" stroke-dasharray="3 3"/>'
            f'<line x1="{px(0):.1f}" y1="{py(at_20):.1f}" x2="{px(0.2):.1f}" '
            f'y2="{py(at_20):.1f}" stroke="#d95f0e" stroke-dasharray="3 3"/>'
            f'<text x="{px(0.2) + 6:.1f}" y="{py(at_20) + 16:.1f}" {_FONT} fill="#d95f0e">'
            f"top 20% → {at_20:.0%} of revenue</text>"
        )
        if class_labels is not None:
            labels = np.asarray(class_labels).astype(str)[order]
            # Zero-value customers sit on the flat tail at 100 %: no marker of their own.
            for label in sorted(set(labels.tolist()) - {"zero"}):
                positions = np.flatnonzero(labels == label)
                end = int(positions.max()) + 1
                x, y = px(cum_customers[end]), py(cum_revenue[end])
                body.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#d95f0e">'
                    f"<title>{text(label)}: {cum_customers[end]:.1%} of customers, "
                    f"{cum_revenue[end]:.1%} of revenue</title></circle>"
                    f'<text x="{x + 6:.1f}" y="{y - 6:.1f}" {_FONT}>{text(label)}</text>'
                )
    else:
        body.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" {_FONT}>'
            "no revenue 无收入</text>"
        )
    body.append(_axis_label(left + pw / 2, height - 10, "share of customers 客户占比"))
    body.append(_axis_label(16, top + ph / 2, "share of revenue 收入占比", rotate=True))
    return svg_document(width, height, body, label=title)


def value_pyramid(
    tiers: Sequence[tuple[str, int, float]],
    *,
    title: str = "Value pyramid 客户金字塔",
) -> str:
    """The customer pyramid: one band per tier, top tier first, sized by rank not by count.

    ``tiers`` is ``(label, customers, revenue share)`` from the top (VIP) down. Bands have equal
    height so that the 1 % VIP tier stays visible; the counts and revenue shares are written on
    each band instead of being encoded in its area.
    """
    width, height = 680, 340
    top, bottom = 40, 20
    apex_x, base_half = 200.0, 170.0
    band_h = (height - top - bottom) / max(len(tiers), 1)
    body = [
        f'<text x="{width / 2}" y="22" text-anchor="middle" {_FONT} font-weight="bold">'
        f"{text(title)}</text>"
    ]
    total_height = height - top - bottom
    palette = ("#7a0177", "#c51b8a", "#f768a1", "#fbb4b9", "#feebe2")
    for i, (label, count, share) in enumerate(tiers):
        y0, y1 = top + i * band_h, top + (i + 1) * band_h
        h0, h1 = (y0 - top) / total_height * base_half, (y1 - top) / total_height * base_half
        fill = palette[min(i, len(palette) - 1)]
        points = (
            f"{apex_x - h0:.1f},{y0:.1f} {apex_x + h0:.1f},{y0:.1f} "
            f"{apex_x + h1:.1f},{y1:.1f} {apex_x - h1:.1f},{y1:.1f}"
        )
        share_text = f"{share:.1%}" if math.isfinite(share) else "–"
        body.append(
            f'<polygon points="{points}" fill="{fill}" stroke="#fff" stroke-width="2">'
            f"<title>{text(label)}: {count} customers, {share_text} of revenue</title></polygon>"
            f'<text x="{apex_x + base_half + 20:.1f}" y="{(y0 + y1) / 2 - 2:.1f}" {_FONT} '
            f'font-weight="bold">{text(label)}</text>'
            f'<text x="{apex_x + base_half + 20:.1f}" y="{(y0 + y1) / 2 + 14:.1f}" {_FONT}>'
            f"{count:,} customers 客户 · {share_text} of revenue 收入</text>"
        )
    return svg_document(width, height, body, label=title)


def _heatmap(
    grid: np.ndarray,
    annotations: np.ndarray | None,
    *,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    x_title: str,
    y_title: str,
    title: str,
    value_name: str,
    low: float | None = None,
    high: float | None = None,
    cell_tip: Sequence[Sequence[str]] | None = None,
) -> str:
    """A labelled heat map; rows are drawn top to bottom, so pass the highest row first."""
    rows, cols = grid.shape
    left, top, right, bottom = 70, 52, 110, 50
    cell_w = max(12.0, min(80.0, 420.0 / max(cols, 1)))
    cell_h = max(10.0, min(56.0, 300.0 / max(rows, 1)))
    width = int(left + cols * cell_w + right)
    height = int(top + rows * cell_h + bottom)
    finite = grid[np.isfinite(grid)]
    lo = float(finite.min()) if low is None and finite.size else (low or 0.0)
    hi = float(finite.max()) if high is None and finite.size else (high or 1.0)
    body = [
        f'<text x="{width / 2}" y="22" text-anchor="middle" {_FONT} font-weight="bold">'
        f"{text(title)}</text>"
    ]
    label_every_x = max(1, math.ceil(cols / 12))
    label_every_y = max(1, math.ceil(rows / 12))
    for r in range(rows):
        for c in range(cols):
            value = float(grid[r, c])
            fill = colour_scale(value, lo, hi)
            x, y = left + c * cell_w, top + r * cell_h
            tip = (
                cell_tip[r][c]
                if cell_tip is not None
                else f"{y_title} {row_labels[r]}, {x_title} {col_labels[c]}: "
                f"{value_name} {fmt_number(value)}"
            )
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" height="{cell_h:.1f}" '
                f'fill="{fill}" stroke="#fff" stroke-width="0.5"><title>{text(tip)}</title></rect>'
            )
            if annotations is not None and cell_w >= 36 and cell_h >= 24:
                body.append(
                    f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 4:.1f}" '
                    f'text-anchor="middle" {_FONT} fill="{ink_for(fill)}">'
                    f"{text(annotations[r, c])}</text>"
                )
    for c in range(0, cols, label_every_x):
        body.append(
            f'<text x="{left + (c + 0.5) * cell_w:.1f}" y="{top + rows * cell_h + 16:.1f}" '
            f'text-anchor="middle" {_FONT}>{text(col_labels[c])}</text>'
        )
    for r in range(0, rows, label_every_y):
        body.append(
            f'<text x="{left - 6:.1f}" y="{top + (r + 0.5) * cell_h + 4:.1f}" '
            f'text-anchor="end" {_FONT}>{text(row_labels[r])}</text>'
        )
    body.append(_axis_label(left + cols * cell_w / 2, height - 10, x_title))
    body.append(_axis_label(18, top + rows * cell_h / 2, y_title, rotate=True))
    # Colour legend.
    legend_x, legend_h = left + cols * cell_w + 24, rows * cell_h
    steps = 20
    for k in range(steps):
        value = hi - (hi - lo) * (k + 0.5) / steps
        body.append(
            f'<rect x="{legend_x:.1f}" y="{top + k * legend_h / steps:.1f}" width="14" '
            f'height="{legend_h / steps + 0.5:.1f}" fill="{colour_scale(value, lo, hi)}"/>'
        )
    body.append(
        f'<text x="{legend_x + 18:.1f}" y="{top + 10:.1f}" {_FONT}>{text(fmt_number(hi))}</text>'
        f'<text x="{legend_x + 18:.1f}" y="{top + legend_h:.1f}" {_FONT}>'
        f"{text(fmt_number(lo))}</text>"
        f'<text x="{legend_x:.1f}" y="{top - 6:.1f}" {_FONT}>{text(value_name)}</text>'
    )
    return svg_document(width, height, body, label=title)


def rfm_heatmap(
    recency_score: np.ndarray,
    frequency_score: np.ndarray,
    monetary: np.ndarray,
    *,
    levels: int = 5,
    title: str = "RFM 分析: recency × frequency, colour = mean monetary 平均金额",
) -> str:
    """R score (rows, best on top) by F score (columns), coloured by mean M, counts written in.

    Scores are the usual 1..``levels`` quantile scores, ``levels`` best. Empty cells are grey.
    """
    r = np.asarray(recency_score, dtype=float)
    f = np.asarray(frequency_score, dtype=float)
    m = np.asarray(monetary, dtype=float)
    mean_m = np.full((levels, levels), np.nan)
    counts = np.zeros((levels, levels), dtype=int)
    tips: list[list[str]] = []
    for row, r_score in enumerate(range(levels, 0, -1)):
        tip_row = []
        for col, f_score in enumerate(range(1, levels + 1)):
            mask = (r == r_score) & (f == f_score)
            counts[row, col] = int(mask.sum())
            values = m[mask & np.isfinite(m)]
            if values.size:
                mean_m[row, col] = float(values.mean())
            tip_row.append(
                f"R={r_score}, F={f_score}: {counts[row, col]} customers, "
                f"mean M {fmt_number(mean_m[row, col])}"
            )
        tips.append(tip_row)
    annotations = np.array(
        [[f"n={counts[i, j]}" for j in range(levels)] for i in range(levels)], dtype=object
    )
    return _heatmap(
        mean_m,
        annotations,
        row_labels=[str(s) for s in range(levels, 0, -1)],
        col_labels=[str(s) for s in range(1, levels + 1)],
        x_title="F score 频率",
        y_title="R score 最近",
        title=title,
        value_name="mean M",
        cell_tip=tips,
    )


def palive_map(
    probability: np.ndarray,
    frequency_values: Sequence[float],
    recency_values: Sequence[float],
    *,
    T: float,
    time_unit: str,
    title: str = "P(alive) map 客户存活概率: frequency × recency",
) -> str:
    """Model P(alive) for a customer observed for ``T`` units, by repeat purchases and recency.

    ``probability[i, j]`` is for ``frequency_values[i]`` and ``recency_values[j]``; the most
    frequent row is drawn on top, as in Fader & Hardie's plots, so "recent and frequent" is the
    bright top-right corner.
    """
    grid = np.asarray(probability, dtype=float)[::-1, :]
    row_labels = [fmt_number(v) for v in frequency_values][::-1]
    col_labels = [fmt_number(v, digits=2) for v in recency_values]
    tips = [
        [
            f"frequency {fmt_number(fv)}, recency {fmt_number(rv)} {time_unit}: "
            f"P(alive) {grid[i, j]:.2f}"
            if math.isfinite(grid[i, j])
            else f"frequency {fmt_number(fv)}, recency {fmt_number(rv)}: –"
            for j, rv in enumerate(recency_values)
        ]
        for i, fv in enumerate(list(frequency_values)[::-1])
    ]
    return _heatmap(
        grid,
        None,
        row_labels=row_labels,
        col_labels=col_labels,
        x_title=f"recency 最近购买 ({time_unit}, T = {fmt_number(T)})",
        y_title="frequency 重复购买次数",
        title=title,
        value_name="P(alive)",
        low=0.0,
        high=1.0,
        cell_tip=tips,
    )


def clv_histogram(
    clv: np.ndarray,
    *,
    bins: int = 30,
    currency_label: str = "CLV",
    title: str = "CLV distribution 客户终身价值分布",
) -> str:
    """Histogram of predicted CLV; the top 1 % is pooled into the last bin so the bulk is seen.

    CLV is heavily right-skewed (a few customers are worth hundreds of times the median), so a
    plain linear histogram would be one tall bar; clipping at the 99th percentile keeps linear
    bins readable while the pooled bin says how many customers lie beyond.
    """
    width, height = 560, 340
    left, right, top, bottom = 60, 20, 40, 50
    pw, ph = width - left - right, height - top - bottom
    values = np.asarray(clv, dtype=float)
    values = values[np.isfinite(values)]
    body = [
        f'<text x="{width / 2}" y="22" text-anchor="middle" {_FONT} font-weight="bold">'
        f"{text(title)}</text>"
    ]
    if values.size == 0:
        body.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" {_FONT}>'
            "no CLV values 无数据</text>"
        )
        return svg_document(width, height, body, label=title)
    low = min(0.0, float(values.min()))
    cap = float(np.quantile(values, 0.99))
    if cap <= low:
        cap = float(values.max()) if values.max() > low else low + 1.0
    edges = np.linspace(low, cap, bins + 1)
    counts, _ = np.histogram(np.clip(values, low, cap), bins=edges)
    beyond = int((values > cap).sum())
    top_count = max(int(counts.max()), 1)
    bar_w = pw / bins
    for tick in nice_ticks(0, top_count, 4):
        y = top + ph * (1 - tick / top_count)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#eee"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT}>'
            f"{fmt_number(tick)}</text>"
        )
    for i, count in enumerate(counts):
        h = ph * count / top_count
        last = i == bins - 1
        tip = (
            f"{fmt_number(edges[i])} – {fmt_number(edges[i + 1])}"
            + (f" and above ({beyond} customers beyond the 99th percentile)" if last else "")
            + f": {int(count)} customers"
        )
        body.append(
            f'<rect x="{left + i * bar_w + 0.5:.1f}" y="{top + ph - h:.1f}" '
            f'width="{max(bar_w - 1, 0.5):.1f}" height="{h:.1f}" '
            f'fill="{"#d95f0e" if last and beyond else _ACCENT}"><title>{text(tip)}</title></rect>'
        )
    for tick in nice_ticks(low, cap, 5):
        x = left + pw * (tick - low) / (cap - low)
        body.append(
            f'<text x="{x:.1f}" y="{top + ph + 16:.1f}" text-anchor="middle" {_FONT}>'
            f"{fmt_number(tick)}</text>"
        )
    body.append(
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="{_AXIS}"/>'
    )
    body.append(_axis_label(left + pw / 2, height - 10, f"{currency_label} (last bar: ≥ p99)"))
    body.append(_axis_label(16, top + ph / 2, "customers 客户数", rotate=True))
    return svg_document(width, height, body, label=title)


def placeholder(title: str, message: str) -> str:
    """A chart-sized box saying why a chart is missing (e.g. the model could not be fitted)."""
    width, height = 560, 120
    body = [
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" fill="#fafafa" '
        'stroke="#ccc" stroke-dasharray="4 3"/>',
        f'<text x="{width / 2}" y="40" text-anchor="middle" {_FONT} font-weight="bold">'
        f"{text(title)}</text>",
        f'<text x="{width / 2}" y="70" text-anchor="middle" {_FONT}>{text(message)}</text>',
    ]
    return svg_document(width, height, body, label=title)
