"""ABC classification of customers (ABC分类法) and the Pareto curve behind it.

The textbook rule (domain brief §2): rank customers by value over a period and accumulate their
share of the total; A are the customers making the first 70 % of the value, B the next 20 %, C the
last 10 %. Two variants are offered as well: classes by share of *customers* (A the top 10 %, B the
next 20 %) and by absolute thresholds set per market (A >= 5,000,000, B >= 1,000,000). A
potential adjustment then gives the class a customer is *managed* as: a C with large development
potential is managed as an A, a B about to fail drops to C.

Rules
-----
* Order: value descending, ties broken by customer id ascending (deterministic, independent of the
  input's row order).
* The customer whose cumulative share crosses a line belongs to the class *above* the line: A is
  the shortest prefix of the ranking whose cumulative value reaches 70 % of the total (so A holds
  at least 70 %). A cumulative share within 1e-9 of the line counts as reaching it, so exact hits
  survive floating-point rounding and scaling the amounts.
* By share of customers, counts are the cumulative shares times the number of ranked customers,
  rounded half up.
* Customers whose value is zero or negative (no spend; a loss when the metric is profit) are not
  ranked: they get the class ``"zero"`` and are reported apart in the summary. The Pareto curve
  includes them at its flat tail with value 0.

References
----------
Juran, J. M. (1951). Quality Control Handbook (the Pareto principle, "vital few").
Kotler, P. & Keller, K. L. Marketing Management, customer profitability analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from guanxi.analytics._arrays import strings, to_arrow
from guanxi.analytics._inputs import from_arrow
from guanxi.analytics.errors import InputError
from guanxi.analytics.segments._ranking import (
    customer_ids,
    label_column,
    nested_codes,
    numeric_column,
    read_table,
    round_half_up,
)

__all__ = ["ABC_LABELS_ZH", "ABCResult", "abc_classify"]

_LABELS = ("A", "B", "C", "zero")
#: Chinese names of the classes, for reports and the user interface.
ABC_LABELS_ZH = {"A": "A类客户", "B": "B类客户", "C": "C类客户", "zero": "零价值客户"}
_DEFAULT_CUTS = {"value": (0.7, 0.9), "customers": (0.1, 0.3)}
_SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ABCResult:
    """What `abc_classify` returns.

    Attributes
    ----------
    classes : table (the input's kind)
        One row per customer: the customer id, ``value``, ``abc_class`` (A/B/C/zero) and, when an
        adjustment was given, ``managed_class``.
    summary : pyarrow.Table
        Per class: ``n_customers``, ``customer_share``, ``value``, ``value_share`` (shares of all
        customers and of the positive total; each share column adds up to 1).
    curve : pyarrow.Table
        The Pareto (Lorenz) curve: ``customer_share`` against cumulative ``value_share``, customers
        ranked by value, from (0, 0) to (1, 1), at ``curve_points`` evenly spaced customer shares
        plus the class boundaries.
    """

    classes: Any
    summary: pa.Table
    curve: pa.Table


def abc_classify(
    data: Any,
    value_col: str = "revenue",
    customer_col: str = "customer_id",
    *,
    by: Literal["value", "customers", "threshold"] = "value",
    cuts: Sequence[float] | None = None,
    upgrade: Any = None,
    downgrade: Any = None,
    curve_points: int = 101,
) -> ABCResult:
    """Classify customers A, B, C by their share of value, their rank, or absolute thresholds.

    Parameters
    ----------
    data : table
        One row per customer (e.g. the output of `guanxi.analytics.summarize`): pandas, polars,
        Arrow, a path, a mapping of columns, or a Spark DataFrame (collected: it is per customer).
    value_col, customer_col : str
        The value metric (revenue, profit, ...) and the customer id.
    by : {"value", "customers", "threshold"}
        ``"value"``: cumulative share of value, default ``cuts=(0.7, 0.9)`` (70/20/10).
        ``"customers"``: share of ranked customers, default ``cuts=(0.1, 0.3)`` (10/20/70).
        ``"threshold"``: ``cuts=(a_min, b_min)`` in the value's unit, A if value >= a_min,
        B if value >= b_min, else C (required).
    cuts : pair of float, optional
        The two cumulative boundaries (A/B and B/C), increasing.
    upgrade, downgrade : array-like of bool, optional
        Per row of ``data``: a C with large potential (``upgrade``) is managed as an A; a B about
        to fail (``downgrade``) drops to C. Adds the ``managed_class`` column.
    curve_points : int
        Number of evenly spaced points of the Pareto curve (at least 2).

    Returns
    -------
    ABCResult
    """
    kind, table = read_table(data)
    ids = customer_ids(table, customer_col)
    values = numeric_column(table, value_col, "value", ids)
    n = len(values)
    if n == 0:
        raise InputError("no customers to classify: the table is empty")
    if curve_points < 2:
        raise InputError("curve_points must be at least 2")
    cuts = _check_cuts(by, cuts)
    positive = values > 0
    n_pos = int(positive.sum())
    ranked = np.where(positive, values, 0.0)

    if by == "threshold":
        codes = np.full(n, 3, dtype=np.int8)
        codes[positive] = 2
        codes[positive & (values >= cuts[1])] = 1
        codes[positive & (values >= cuts[0])] = 0
        sorted_desc = np.sort(ranked)[::-1]
        cumulative = np.cumsum(sorted_desc)
    else:
        sorted_desc = np.sort(ranked)[::-1]
        cumulative = np.cumsum(sorted_desc)
        total = cumulative[-1] if n else 0.0
        if by == "value":
            counts = [
                min(n_pos, int(np.searchsorted(cumulative, (c - _SHARE_TOLERANCE) * total)) + 1)
                if n_pos
                else 0
                for c in cuts
            ]
        else:
            counts = [round_half_up(c * n_pos) for c in cuts]
        codes = nested_codes(values, ids, positive, counts, rest_code=3, sorted_desc=sorted_desc)

    columns: dict[str, Any] = {
        customer_col: table[customer_col],
        "value": to_arrow(values),
        "abc_class": label_column(codes, _LABELS),
    }
    if upgrade is not None or downgrade is not None:
        managed = codes.copy()
        if upgrade is not None:
            managed[(codes == 2) & _flags(upgrade, n, "upgrade")] = 0
        if downgrade is not None:
            managed[(codes == 1) & _flags(downgrade, n, "downgrade")] = 2
        columns["managed_class"] = label_column(managed, _LABELS)
    classes = pa.table(columns)
    return ABCResult(
        classes=from_arrow(classes, kind),
        summary=_summary(codes, ranked, n),
        curve=_curve(cumulative, codes, curve_points),
    )


def _check_cuts(by: str, cuts: Sequence[float] | None) -> tuple[float, float]:
    if by not in ("value", "customers", "threshold"):
        raise InputError(f"by must be 'value', 'customers' or 'threshold', got {by!r}")
    if cuts is None:
        if by == "threshold":
            raise InputError("by='threshold' needs cuts=(a_min, b_min)")
        return _DEFAULT_CUTS[by]
    if len(cuts) != 2:
        raise InputError(f"cuts must be two numbers, got {cuts!r}")
    first, second = float(cuts[0]), float(cuts[1])
    if by == "threshold":
        if not first >= second > 0:
            raise InputError(f"thresholds must satisfy a_min >= b_min > 0, got {cuts!r}")
    elif not 0 < first <= second <= 1:
        raise InputError(f"share cuts must satisfy 0 < A/B cut <= B/C cut <= 1, got {cuts!r}")
    return first, second


def _flags(flags: Any, n: int, name: str) -> np.ndarray:
    out = np.asarray(flags, dtype=bool)
    if out.shape != (n,):
        raise InputError(f"{name} must have one flag per customer ({n}), got shape {out.shape}")
    return out


def _summary(codes: np.ndarray, ranked: np.ndarray, n: int) -> pa.Table:
    counts = np.bincount(codes, minlength=4)
    value = np.bincount(codes, weights=ranked, minlength=4)
    total = value.sum()
    return pa.table(
        {
            "abc_class": strings(_LABELS),
            "label_zh": strings([ABC_LABELS_ZH[label] for label in _LABELS]),
            "n_customers": to_arrow(counts.astype(np.int64)),
            "customer_share": to_arrow(counts / n),
            "value": to_arrow(value),
            "value_share": to_arrow(value / total if total > 0 else np.zeros(4)),
        }
    )


def _curve(cumulative: np.ndarray, codes: np.ndarray, points: int) -> pa.Table:
    n = len(cumulative)
    total = cumulative[-1]
    boundaries = np.cumsum(np.bincount(codes, minlength=4)[:2])
    positions = np.unique(
        np.concatenate([np.round(np.linspace(0, n, points)).astype(np.int64), boundaries])
    )
    value = np.concatenate([[0.0], cumulative])[positions]
    return pa.table(
        {
            "customer_share": to_arrow(positions / n),
            "value_share": to_arrow(value / total if total > 0 else np.zeros(len(positions))),
        }
    )
