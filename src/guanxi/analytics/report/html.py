"""The self-contained HTML report of an :class:`~guanxi.analytics.pipeline.AnalysisResult`.

One file that opens offline, forever: inline CSS, inline SVG charts, no script at all and no URL.
A Content-Security-Policy ``<meta>`` forbids scripts and every network fetch, so even a missed
escape could not run code or phone home; and every user-derived string (file name, column names,
customer ids, segment labels) is HTML-escaped anyway.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from . import charts
from .svg import text

if TYPE_CHECKING:
    from ..pipeline import AnalysisResult, GroupSummary

__all__ = ["CHART_IDS", "render_report", "write_report"]

#: ``data-chart`` values of the five figures, in page order (tests look for these).
CHART_IDS = ("pareto", "pyramid", "rfm", "clv", "palive")

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

_CSS = """
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
margin:0 auto;max-width:1100px;padding:1.5rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6rem 0}
th,td{padding:.25rem .6rem;border-bottom:1px solid #eee}
th{text-align:left;background:#f6f6f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{color:#555;font-size:.9rem}
.meta td{border:none;padding:.1rem .6rem .1rem 0}.note{color:#8a4b00}
.grid{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
"""


def _num(value: float, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else math.nan


def _pct(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{value:.1%}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """An HTML table; cells arrive as plain strings and are escaped here, once."""
    head = "".join(f"<th>{text(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{text(cell)}</td>' if i in numeric else f"<td>{text(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _group_rows(groups: Sequence[GroupSummary]) -> list[list[str]]:
    return [
        [
            g.label,
            f"{g.customers:,}",
            _pct(g.customer_share),
            _num(g.revenue),
            _pct(g.revenue_share),
        ]
        for g in groups
    ]


_GROUP_HEADERS = (
    "group 组别",
    "customers 客户数",
    "share 占比",
    "revenue 收入",
    "revenue share 收入占比",
)


def _figure(chart_id: str, svg: str, caption: str) -> str:
    return (
        f'<figure class="chart" data-chart="{chart_id}">{svg}'
        f"<figcaption>{text(caption)}</figcaption></figure>"
    )


def render_report(result: AnalysisResult, *, generated_at: datetime | None = None) -> str:
    """Render the report as one HTML string (UTF-8, no external references)."""
    s = result.settings
    table = result.customers

    def col(name: str) -> np.ndarray:
        return np.asarray(table.column(name).to_numpy(zero_copy_only=False))

    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    unit = {"W": "weeks 周", "D": "days 天"}[s.time_unit]
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>Customer-value report 客户价值分析 — {text(result.source)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Customer-value report 客户价值分析报告</h1>",
        '<table class="meta">',
    ]
    meta = [
        ("source 数据文件", result.source),
        ("columns 列", f"customer = {s.customer}, date = {s.date}, amount = {s.amount}"),
        ("transactions 交易笔数", f"{result.n_transactions:,}"),
        ("customers 客户数", f"{table.num_rows:,}"),
        ("calibration end 校准期截止", str(s.calibration_end)),
        ("observation end 观察期截止", str(s.observation_end)),
        ("time unit 时间单位", unit),
        (
            "CLV settings 参数",
            f"margin {s.margin:g}, discount rate {s.discount_rate:.1%} per year "
            f"({s.discount_rate_per_unit:.4%} per unit), horizon {s.horizon_units:g} {unit}",
        ),
        ("generated 生成时间", when),
    ]
    parts += [f"<tr><th>{text(k)}</th><td>{text(v)}</td></tr>" for k, v in meta]
    parts.append("</table>")
    parts += [f'<p class="note">{text(note)}</p>' for note in result.notes]

    # ABC + Pareto
    parts.append("<h2>ABC classification ABC分类法</h2>")
    parts.append(
        "<p>Customers ranked by revenue: A makes the first 70 % of revenue, B the next 20 %, "
        "C the last 10 %; customers without revenue are ranked apart as zero. "
        "按收入排序: A类贡献前70%收入, B类其次20%, C类最后10%; 无收入的客户单列为零价值客户。</p>"
    )
    parts.append('<div class="grid">')
    parts.append(_table(_GROUP_HEADERS, _group_rows(result.abc), {1, 2, 3, 4}))
    parts.append(
        _figure(
            "pareto",
            charts.pareto_curve(col("revenue"), class_labels=col("abc_class")),
            "Cumulative revenue share by cumulative customer share, best customers first.",
        )
    )
    parts.append("</div>")

    # Pyramid
    parts.append("<h2>Value pyramid 客户金字塔</h2>")
    parts.append('<div class="grid">')
    parts.append(_table(_GROUP_HEADERS, _group_rows(result.pyramid), {1, 2, 3, 4}))
    # Customers without spend are not ranked, so they are no layer of the pyramid (table only).
    tiers = [(g.label, g.customers, g.revenue_share) for g in result.pyramid if g.key != "zero"]
    parts.append(
        _figure(
            "pyramid",
            charts.value_pyramid(tiers),
            "Top 1 % VIP, next 4 % major, next 15 % ordinary, last 80 % small, by revenue.",
        )
    )
    parts.append("</div>")

    # RFM
    parts.append("<h2>RFM 分析 (recency, frequency, monetary)</h2>")
    parts.append('<div class="grid">')
    parts.append(_table(_GROUP_HEADERS, _group_rows(result.rfm_segments), {1, 2, 3, 4}))
    parts.append(
        _figure(
            "rfm",
            charts.rfm_heatmap(col("r_score"), col("f_score"), col("revenue")),
            "Quintile scores 1–5 (5 best); colour: mean revenue of the cell; n: customers.",
        )
    )
    parts.append("</div>")
    parts.append("<h3>Eight-segment scheme 八类客户 (R, F, M above or below their mean)</h3>")
    parts.append(_table(_GROUP_HEADERS, _group_rows(result.eight_segments), {1, 2, 3, 4}))

    # Models
    parts.append("<h2>Fitted models 模型参数</h2>")
    rows = []
    for model in result.models:
        for name, value in model.params.items():
            se = model.standard_errors.get(name, math.nan)
            rows.append([model.name, name, _num(value, 4), _num(se, 4)])
        rows.append([model.name, "log-likelihood 对数似然", _num(model.log_likelihood, 1), ""])
    parts.append(
        _table(
            ("model 模型", "parameter 参数", "estimate 估计值", "std. error 标准误"), rows, {2, 3}
        )
    )

    # CLV
    clv = col("clv").astype(float)
    parts.append("<h2>Customer lifetime value 客户终身价值 (CLV)</h2>")
    parts.append(
        f"<p>Total predicted CLV over {text(f'{s.horizon_units:g}')} {text(unit)}: "
        f"<strong>{text(_num(result.total_clv))}</strong> "
        f"(mean {text(_num(result.total_clv / max(table.num_rows, 1)))} per customer).</p>"
    )
    parts.append(
        _figure(
            "clv",
            charts.clv_histogram(clv),
            "Predicted CLV per customer; the last bar pools the top 1 %.",
        )
    )
    top = np.argsort(-np.nan_to_num(clv, nan=-np.inf), kind="stable")[:20]
    top_rows = table.take(pa.array(top, pa.int64())).to_pylist()
    parts.append("<h3>Top customers by CLV 高价值客户</h3>")
    parts.append(
        _table(
            (
                "customer 客户",
                "ABC",
                "tier 层级",
                "RFM segment",
                "P(alive)",
                "expected purchases",
                "CLV",
            ),
            (
                [
                    str(row["customer_id"]),
                    str(row["abc_class"]),
                    str(row["pyramid_tier"]),
                    str(row["rfm_segment"]),
                    _num(_float(row["p_alive"]), 3),
                    _num(_float(row["expected_purchases"]), 2),
                    _num(_float(row["clv"]), 2),
                ]
                for row in top_rows
            ),
            {4, 5, 6},
        )
    )

    # Tiers that need the predictions
    tier_titles = {
        "value_tier": (
            "Customer value matrix 客户价值矩阵",
            "Current revenue against predicted CLV, each high when above its median.",
        ),
        "lifecycle_stage": ("Lifecycle stage 客户生命周期阶段", ""),
        "churn_risk": (
            "Churn risk 流失风险",
            "From P(alive) and the time since the last purchase.",
        ),
    }
    for name, (title, note) in tier_titles.items():
        groups = result.tiers.get(name)
        if not groups:
            continue
        parts.append(f"<h2>{text(title)}</h2>")
        if note:
            parts.append(f"<p>{text(note)}</p>")
        parts.append(_table(_GROUP_HEADERS, _group_rows(groups), {1, 2, 3, 4}))

    # P(alive)
    parts.append("<h2>P(alive) map 客户存活概率</h2>")
    grid = result.palive_grid
    if grid is not None:
        palive_svg = charts.palive_map(
            grid.probability, grid.frequency, grid.recency, T=grid.T, time_unit=s.time_unit
        )
        caption = (
            f"Probability that a customer observed for {grid.T:.1f} {unit} is still active, "
            "by repeat purchases and time of the last purchase."
        )
    else:
        palive_svg = charts.placeholder(
            "P(alive) map 客户存活概率", "the purchase model could not be fitted 模型未拟合"
        )
        caption = "See the notes at the top of the report."
    parts.append(_figure("palive", palive_svg, caption))

    if result.holdout is not None:
        h = result.holdout
        parts.append("<h2>Holdout check 预测检验</h2>")
        parts.append(
            f"<p>Repeat purchases from {text(s.calibration_end)} to {text(s.observation_end)} "
            f"({text(f'{s.holdout_length:g}')} {text(unit)}): predicted against actual, "
            "by the number of repeat purchases in the calibration period.</p>"
        )
        parts.append(
            _table(
                ("total actual 实际", "total predicted 预测", "relative error", "MAE", "RMSE"),
                [
                    [
                        _num(h.total_actual, 0),
                        _num(h.total_predicted, 1),
                        _pct(h.relative_error),
                        _num(h.mean_absolute_error, 3),
                        _num(h.rmse, 3),
                    ]
                ],
                {0, 1, 2, 3, 4},
            )
        )
        last = len(h.frequency) - 1
        parts.append(
            _table(
                ("calibration repeat purchases", "customers", "mean actual", "mean predicted"),
                (
                    [
                        f"{int(f)}+" if i == last else f"{int(f)}",
                        f"{int(n):,}",
                        _num(float(a), 3),
                        _num(float(p), 3),
                    ]
                    for i, (f, n, a, p) in enumerate(
                        zip(h.frequency, h.n_customers, h.actual, h.predicted, strict=True)
                    )
                ),
                {1, 2, 3},
            )
        )
    parts.append(
        "<footer><p>Generated by Guanxi 关系 <code>guanxi analyze</code>. "
        "Models: BG/NBD (Fader, Hardie &amp; Lee 2005), Gamma-Gamma spend model.</p></footer>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(result: AnalysisResult, path: str | Path) -> Path:
    """Write :func:`render_report` to ``path`` as UTF-8 and return the path."""
    target = Path(path)
    target.write_text(render_report(result), encoding="utf-8")
    return target
