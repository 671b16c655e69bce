"""RFM analysis (RFM分析法): recency, frequency and monetary scores, named segments, and the
Chinese eight-segment scheme.

RFM has its own definitions, not the "buy till you die" columns of `summarize`:

* recency R = days since the last purchase occasion, as of an ``as_of`` date (smaller is better);
* frequency F = number of purchase occasions (customer-days) up to ``as_of``;
* monetary M = total spend up to ``as_of`` (or the mean per occasion).

`rfm_values` computes them from transactions; `rfm_score` scores any table that has them.

Scores (1-5 quintiles that stay sensible with ties)
---------------------------------------------------
Each customer's *mid-rank percentile* is p = (customers strictly worse + half the customers tied
with it) / n, and the score is 1 + floor(5 p). With distinct values these are exact quintiles
(n = 1,000: 200 customers per score); tied customers always share a score, the score of the middle
of their tie group; a column with one value scores everyone 3 (neutral), and a column where 60 % of
customers bought once scores them 2, not 1 or 5. pandas' ``qcut`` fails on such columns and
"first" ranking gives tied customers different scores by row order. The cut values are found with
O(n) selections, not a sort.

Segments
--------
``segment`` follows the common R x F grid (Putler / "RFM segments" practice):

====  ===========================  ============================================
R     F                            segment
====  ===========================  ============================================
5     4-5                          champions 冠军客户
3-4   4-5                          loyal 忠诚客户
4-5   2-3                          potential_loyalist 潜在忠诚客户
5     1                            new 新客户
4     1                            promising 有潜力客户
3     3                            need_attention 需要关注客户
3     1-2                          about_to_sleep 即将沉睡客户
1-2   3-4                          at_risk 有流失风险客户
1-2   5                            cannot_lose 不能失去的客户
2     1-2                          hibernating 沉睡客户
1     1-2                          lost 流失客户
====  ===========================  ============================================

``eight_segment`` is the Chinese practice of domain brief §2: each of R, F, M is "high" when it is
at least as good as the column's mean (recency at most the mean number of days; frequency and
monetary at least the mean), and the eight cells are named 重要价值 (R, F, M high), 重要发展
(R, M high, F low), 重要保持 (F, M high, R low), 重要挽留 (M high, R, F low) and the four 一般
counterparts with M low. Means are compared as n * x >= sum(x), exact for whole-number amounts.

References
----------
Hughes, A. M. (1994). Strategic Database Marketing. Probus. (RFM scoring by quintiles.)
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis. Journal of Marketing Research 42(4), 415-430.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from guanxi.analytics._arrays import strings, to_arrow, to_numpy
from guanxi.analytics._inputs import TableKind, from_arrow, require_columns
from guanxi.analytics.errors import InputError
from guanxi.analytics.segments._ranking import (
    customer_ids,
    label_column,
    numeric_column,
    read_table,
)
from guanxi.analytics.summary import summarize

__all__ = [
    "EIGHT_SEGMENT_LABELS",
    "RFM_SEGMENT_LABELS",
    "quantile_scores",
    "rfm_from_summary",
    "rfm_score",
    "rfm_values",
]

#: Named segments (English key -> Chinese label), in display order.
RFM_SEGMENT_LABELS = {
    "champions": "冠军客户",
    "loyal": "忠诚客户",
    "potential_loyalist": "潜在忠诚客户",
    "new": "新客户",
    "promising": "有潜力客户",
    "need_attention": "需要关注客户",
    "about_to_sleep": "即将沉睡客户",
    "at_risk": "有流失风险客户",
    "cannot_lose": "不能失去的客户",
    "hibernating": "沉睡客户",
    "lost": "流失客户",
}

#: The eight cells of the Chinese scheme: (R high, F high, M high) -> (English, Chinese).
EIGHT_SEGMENT_LABELS = {
    (True, True, True): ("important_value", "重要价值客户"),
    (True, False, True): ("important_development", "重要发展客户"),
    (False, True, True): ("important_retention", "重要保持客户"),
    (False, False, True): ("important_winback", "重要挽留客户"),
    (True, True, False): ("general_value", "一般价值客户"),
    (True, False, False): ("general_development", "一般发展客户"),
    (False, True, False): ("general_retention", "一般保持客户"),
    (False, False, False): ("general_winback", "一般挽留客户"),
}

_SEGMENTS = list(RFM_SEGMENT_LABELS)
# _GRID[r - 1][f - 1] is the index of the segment in _SEGMENTS
_GRID = np.array(
    [
        # F = 1   2   3   4   5
        [10, 10, 7, 7, 8],  # R = 1: lost, lost, at_risk, at_risk, cannot_lose
        [9, 9, 7, 7, 8],  # R = 2: hibernating x2, at_risk x2, cannot_lose
        [6, 6, 5, 1, 1],  # R = 3: about_to_sleep x2, need_attention, loyal x2
        [4, 2, 2, 1, 1],  # R = 4: promising, potential_loyalist x2, loyal x2
        [3, 2, 2, 0, 0],  # R = 5: new, potential_loyalist x2, champions x2
    ],
    dtype=np.int8,
)
# eight-segment code = 4 * (not M) + 2 * (not R) + (not F), ordered as the labels above
_EIGHT = [
    EIGHT_SEGMENT_LABELS[(True, True, True)],
    EIGHT_SEGMENT_LABELS[(True, False, True)],
    EIGHT_SEGMENT_LABELS[(False, True, True)],
    EIGHT_SEGMENT_LABELS[(False, False, True)],
    EIGHT_SEGMENT_LABELS[(True, True, False)],
    EIGHT_SEGMENT_LABELS[(True, False, False)],
    EIGHT_SEGMENT_LABELS[(False, True, False)],
    EIGHT_SEGMENT_LABELS[(False, False, False)],
]


def quantile_scores(values: Any, bins: int = 5) -> np.ndarray:
    """Scores 1..``bins`` by mid-rank percentile: higher values score higher, ties score alike.

    Score = 1 + floor(bins * p) with p = (count below + count equal / 2) / n; see the module
    docstring. Runs in O(n * bins) without sorting: integer columns of compact range are
    counted (`numpy.bincount`), others get their cut values from `numpy.partition`.
    """
    x = np.asarray(values)
    n = x.size
    if bins < 2:
        raise InputError(f"bins must be at least 2, got {bins}")
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    if x.dtype.kind in "iu":
        low = int(x.min())
        if int(x.max()) - low < 4 * n:
            counts = np.bincount(x - low)
            below = np.cumsum(counts) - counts
            # score - 1 = floor(bins * (2 below + equal) / (2 n)), in integers
            per_value = 1 + (bins * (2 * below + counts)) // (2 * n)
            return per_value.astype(np.int8)[x - low]
    x = x.astype(np.float64, copy=False)
    ks = [min(n - 1, (j * n) // bins) for j in range(1, bins)]
    part = np.partition(x, sorted(set(ks)))
    scores = np.ones(n, dtype=np.int8)
    for j, k in enumerate(ks, start=1):
        c = part[k]
        n_below = int(np.count_nonzero(x < c))
        n_equal = int(np.count_nonzero(x == c))
        # p(c) >= j / bins  <=>  bins * (2 below + equal) >= 2 j n   (integers: exact)
        if bins * (2 * n_below + n_equal) >= 2 * j * n:
            scores += x >= c
        else:
            scores += x > c
    return scores


def _at_least_mean(x: np.ndarray) -> np.ndarray:
    return x * x.size >= x.sum()


def rfm_score(
    data: Any,
    customer_col: str = "customer_id",
    recency_col: str = "recency_days",
    frequency_col: str = "frequency",
    monetary_col: str = "monetary",
    *,
    bins: int = 5,
) -> Any:
    """Score recency, frequency and monetary 1-``bins`` and name each customer's segments.

    Parameters
    ----------
    data : table
        One row per customer with the three RFM columns (see `rfm_values`).
    customer_col, recency_col, frequency_col, monetary_col : str
        Column names. Recency is in days since the last purchase (smaller is better);
        frequency and monetary must not be negative.
    bins : int
        Number of score levels (5: quintiles). The named segments need ``bins=5``.

    Returns
    -------
    table (the input's kind)
        The customer id, ``r_score``, ``f_score``, ``m_score`` (int8), ``rfm_cell`` (e.g.
        ``"545"``, for ``bins <= 9``), ``segment`` and ``segment_zh`` (with ``bins=5``),
        ``eight_segment`` and ``eight_segment_zh``.
    """
    kind, table = read_table(data)
    ids = customer_ids(table, customer_col)
    if table.num_rows == 0:
        raise InputError("no customers to score: the table is empty")
    recency, frequency, monetary = (
        numeric_column(table, col, role, ids, allow_negative=False, keep_integers=True)
        for col, role in (
            (recency_col, "recency"),
            (frequency_col, "frequency"),
            (monetary_col, "monetary"),
        )
    )
    r = quantile_scores(-recency, bins)
    f = quantile_scores(frequency, bins)
    m = quantile_scores(monetary, bins)
    columns: dict[str, Any] = {
        customer_col: table[customer_col],
        "r_score": to_arrow(r),
        "f_score": to_arrow(f),
        "m_score": to_arrow(m),
    }
    if bins <= 9:
        cell = ((r.astype(np.int16) - 1) * bins + (f - 1)) * bins + (m - 1)
        levels = range(1, bins + 1)
        names = [f"{a}{b}{c}" for a in levels for b in levels for c in levels]
        columns["rfm_cell"] = pa.DictionaryArray.from_arrays(
            to_arrow(cell.astype(np.int16)), strings(names)
        )
    if bins == 5:
        seg = _GRID[r - 1, f - 1]
        columns["segment"] = label_column(seg, _SEGMENTS)
        columns["segment_zh"] = label_column(seg, [RFM_SEGMENT_LABELS[s] for s in _SEGMENTS])
    eight = (
        4 * ~_at_least_mean(monetary) + 2 * ~_at_least_mean(-recency) + ~_at_least_mean(frequency)
    ).astype(np.int8)
    columns["eight_segment"] = label_column(eight, [en for en, _ in _EIGHT])
    columns["eight_segment_zh"] = label_column(eight, [zh for _, zh in _EIGHT])
    return from_arrow(pa.table(columns), kind)


def rfm_values(
    transactions: Any,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    *,
    as_of: Any = None,
    monetary: Literal["total", "mean"] = "total",
    **summarize_options: Any,
) -> Any:
    """Recency (days), frequency (occasions) and monetary (total or mean spend) per customer.

    Runs `summarize` with ``calibration_end=as_of`` (default: the last transaction date), so
    occasions, returns and the bad-input rules are the same; transactions after ``as_of`` are
    ignored. Other keyword arguments (``tz``, ``date_format``, ...) go to `summarize`.

    Returns
    -------
    table (the input's kind; Spark stays in Spark)
        The customer id, ``recency_days`` (int), ``frequency`` (int, occasions), ``monetary``.
    """
    if monetary not in ("total", "mean"):
        raise InputError(f"monetary must be 'total' or 'mean', got {monetary!r}")
    summary, info = summarize(
        transactions,
        customer_col,
        date_col,
        amount_col,
        calibration_end=as_of,
        return_info=True,
        **summarize_options,
    )
    return rfm_from_summary(
        summary, info.calibration_end, customer_col=customer_col, monetary=monetary
    )


def rfm_from_summary(
    summary: Any,
    as_of: Any,
    customer_col: str = "customer_id",
    *,
    monetary: Literal["total", "mean"] = "total",
) -> Any:
    """RFM values from a `summarize` table computed with ``calibration_end=as_of``.

    Saves a second pass over the transactions when the summary is at hand: recency_days =
    ``as_of`` - ``last_purchase``, frequency = ``frequency`` + 1 (occasions), monetary =
    ``revenue`` (or ``revenue`` / occasions).
    """
    if monetary not in ("total", "mean"):
        raise InputError(f"monetary must be 'total' or 'mean', got {monetary!r}")
    as_of_day = (_as_date(as_of) - dt.date(1970, 1, 1)).days
    if type(summary).__module__.startswith("pyspark"):
        money = "revenue" if monetary == "total" else "revenue / (frequency + 1)"
        return summary.selectExpr(
            f"`{customer_col}`",
            f"CAST({as_of_day} - unix_date(last_purchase) AS BIGINT) AS recency_days",
            "frequency + 1 AS frequency",
            f"{money} AS monetary",
        )
    kind, table = read_table(summary)
    require_columns(
        table.column_names,
        {
            "customer": customer_col,
            "last purchase": "last_purchase",
            "frequency": "frequency",
            "revenue": "revenue",
        },
    )
    last = to_numpy(table["last_purchase"].cast(pa.date32()), np.int32)
    occasions = to_numpy(table["frequency"], np.int64) + 1
    revenue = to_numpy(table["revenue"], np.float64)
    out = pa.table(
        {
            customer_col: table[customer_col],
            "recency_days": to_arrow(as_of_day - last.astype(np.int64)),
            "frequency": to_arrow(occasions),
            "monetary": to_arrow(revenue if monetary == "total" else revenue / occasions),
        }
    )
    return from_arrow(
        out, kind if kind in (TableKind.PANDAS, TableKind.POLARS) else TableKind.ARROW
    )


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError as exc:
            raise InputError(f"as_of {value!r} is not an ISO date") from exc
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    raise InputError(f"as_of must be a date, got {type(value).__name__}")
