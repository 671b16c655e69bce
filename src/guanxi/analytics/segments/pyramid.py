"""The customer value pyramid (客户金字塔): VIP, major, ordinary and small customers by spend.

Domain brief §2: by purchase amount over a period, VIP (贵宾) are the top 1 % of customers, major
(主要客户) the next 4 %, ordinary (普通客户) the next 15 % and small (小客户) the remaining 80 %;
with 1,000 customers that is 10, 40, 150 and 800.

Rules
-----
* Customers are ranked by spend descending, ties broken by customer id ascending.
* Counts come from the *cumulative* shares, rounded half up: the top ``round(1 % x n)`` are VIP,
  the top ``round(5 % x n)`` are VIP or major, the top ``round(20 % x n)`` VIP, major or ordinary.
  Rounding the cumulative counts (not each tier's) keeps the tiers adding up to n exactly.
* Customers with zero (or negative) spend are not ranked: their tier is ``"zero"``, reported apart;
  n above is the number of customers with positive spend.

References
----------
Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The Customer Pyramid: Creating and Serving
Profitable Customers. California Management Review 43(4), 118-142.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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

__all__ = ["PYRAMID_LABELS_ZH", "PyramidResult", "value_pyramid"]

_LABELS = ("vip", "major", "ordinary", "small", "zero")
#: Chinese names of the tiers.
PYRAMID_LABELS_ZH = {
    "vip": "贵宾客户",
    "major": "主要客户",
    "ordinary": "普通客户",
    "small": "小客户",
    "zero": "零消费客户",
}


@dataclass(frozen=True)
class PyramidResult:
    """What `value_pyramid` returns.

    Attributes
    ----------
    classes : table (the input's kind)
        One row per customer: the customer id, ``value`` and ``tier``.
    summary : pyarrow.Table
        Per tier: ``tier``, ``label_zh``, ``n_customers``, ``value``, ``value_share``.
    """

    classes: Any
    summary: pa.Table


def value_pyramid(
    data: Any,
    value_col: str = "revenue",
    customer_col: str = "customer_id",
    *,
    shares: Sequence[float] = (0.01, 0.04, 0.15),
) -> PyramidResult:
    """Assign each customer a pyramid tier by spend: VIP, major, ordinary, small (or zero).

    Parameters
    ----------
    data : table
        One row per customer (pandas, polars, Arrow, path, mapping, or Spark, collected).
    value_col, customer_col : str
        Spend over the period, and the customer id.
    shares : three floats
        Shares of ranked customers in the VIP, major and ordinary tiers (the rest are small);
        default 1 %, 4 %, 15 %.

    Returns
    -------
    PyramidResult
    """
    if len(shares) != 3 or any(s < 0 for s in shares) or sum(shares) > 1 + 1e-12:
        raise InputError(
            f"shares must be three non-negative shares adding up to at most 1: {shares!r}"
        )
    kind, table = read_table(data)
    ids = customer_ids(table, customer_col)
    values = numeric_column(table, value_col, "value", ids)
    if len(values) == 0:
        raise InputError("no customers to rank: the table is empty")
    positive = values > 0
    n_pos = int(positive.sum())
    cumulative = np.cumsum(shares)
    counts = [round_half_up(c * n_pos) for c in cumulative]
    codes = nested_codes(values, ids, positive, counts, rest_code=4)
    classes = pa.table(
        {
            customer_col: table[customer_col],
            "value": to_arrow(values),
            "tier": label_column(codes, _LABELS),
        }
    )
    ranked = np.where(positive, values, 0.0)
    n_tier = np.bincount(codes, minlength=5)
    value = np.bincount(codes, weights=ranked, minlength=5)
    total = value.sum()
    summary = pa.table(
        {
            "tier": strings(_LABELS),
            "label_zh": strings([PYRAMID_LABELS_ZH[label] for label in _LABELS]),
            "n_customers": to_arrow(n_tier.astype(np.int64)),
            "value": to_arrow(value),
            "value_share": to_arrow(value / total if total > 0 else np.zeros(5)),
        }
    )
    return PyramidResult(classes=from_arrow(classes, kind), summary=summary)
