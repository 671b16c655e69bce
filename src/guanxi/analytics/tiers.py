"""Customer tiers: documented rules over per-customer columns, thresholds as parameters.

Each function takes array-likes (numpy arrays, Arrow arrays, pandas / polars Series, lists), one
value per customer, and returns a numpy array of English labels; ``*_LABELS_ZH`` maps each label
to its Chinese name (domain brief §1-§2). P(alive) comes from a fitted model, e.g.
``BetaGeo.predict_p_alive``; the tier functions only take the column of probabilities.

Rules
-----
`value_tier` — the current vs future profit matrix (客户价值矩阵): platinum 白金 (current high,
future high), gold 黄金 (current low, future high), iron 铁质 (current high, future low), lead 铅质
(both low). "High" means strictly above the threshold, which defaults to the column's median, so a
column of equal values is all "low".

`lifecycle_stage` — the stages of the customer lifecycle (客户生命周期阶段), checked in this order:
termination 终止期 when P(alive) < ``p_terminated`` (0.1); decline 衰退期 when P(alive) <
``p_declining`` (0.5); acquisition 潜在获取期 when there is no repeat purchase yet (the first
purchase costs and returns little); growth 成长期 while the customer has fewer than
``maturity_occasions`` (4) occasions or is younger than ``maturity_age_days`` (365); maturity
成熟期 otherwise.

`frequency_tier` — heavy 重度 (about weekly), medium 中度 (about monthly), light 轻度 (about
half-yearly) users, the KFC example of domain brief §1, by the typical days between purchases:
heavy up to ``heavy_max_days`` (14, the geometric midpoint of 7 and 30 rounded down), medium up to
``medium_max_days`` (75, between 30 and 182), light beyond. Customers with a single purchase have
no inter-purchase time: ``"unknown"``.

`churn_risk` — high 高 / medium 中 / low 低 from P(alive) (high below 0.3, medium below 0.7) and/or
from recency relative to the customer's own rhythm, r = days since the last purchase / typical
days between purchases (high above 3, medium above 1.5). With both, the higher risk wins; with
neither available for a customer, ``"unknown"``.

References
----------
Kotler, P. & Keller, K. L. Marketing Management (customer lifetime and value tiers).
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting Your Customers" the Easy Way
(P(alive)).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from guanxi.analytics.errors import InputError

__all__ = [
    "CHURN_RISK_LABELS_ZH",
    "FREQUENCY_TIER_LABELS_ZH",
    "LIFECYCLE_LABELS_ZH",
    "VALUE_TIER_LABELS_ZH",
    "churn_risk",
    "frequency_tier",
    "interpurchase_days",
    "lifecycle_stage",
    "value_tier",
]

VALUE_TIER_LABELS_ZH = {
    "platinum": "白金客户",
    "gold": "黄金客户",
    "iron": "铁质客户",
    "lead": "铅质客户",
}
LIFECYCLE_LABELS_ZH = {
    "acquisition": "潜在获取期",
    "growth": "成长期",
    "maturity": "成熟期",
    "decline": "衰退期",
    "termination": "终止期",
}
FREQUENCY_TIER_LABELS_ZH = {"heavy": "重度", "medium": "中度", "light": "轻度", "unknown": "未知"}
CHURN_RISK_LABELS_ZH = {"high": "高", "medium": "中", "low": "低", "unknown": "未知"}


def _column(values: Any, name: str, n: int | None = None, *, nan_ok: bool = False) -> np.ndarray:
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric: {exc}") from exc
    if out.ndim != 1:
        raise InputError(f"{name} must be one value per customer, got shape {out.shape}")
    if n is not None and out.size != n:
        raise InputError(f"{name} has {out.size} values, expected {n} (one per customer)")
    bad = np.isinf(out) if nan_ok else ~np.isfinite(out)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(f"{name} has {out[row]!r} at position {row}")
    return out


def _probability(values: Any, name: str, n: int | None = None) -> np.ndarray:
    p = _column(values, name, n, nan_ok=True)
    outside = (p < 0) | (p > 1)
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        raise InputError(
            f"{name} must be a probability in [0, 1], got {p[row]!r} at position {row}"
        )
    return p


def value_tier(
    current_profit: Any,
    future_profit: Any,
    *,
    current_threshold: float | None = None,
    future_threshold: float | None = None,
) -> np.ndarray:
    """Platinum / gold / iron / lead from current and predicted future profit.

    Parameters
    ----------
    current_profit, future_profit : array-like of float
        Profit so far (e.g. ``summarize(..., profit_col=...)["profit"]``) and predicted future
        profit (e.g. a CLV prediction), one per customer.
    current_threshold, future_threshold : float, optional
        A value strictly above its threshold is "high"; default: the column's median.

    Returns
    -------
    numpy.ndarray of str
    """
    current = _column(current_profit, "current_profit")
    future = _column(future_profit, "future_profit", current.size)
    if current.size == 0:
        return np.array([], dtype="<U8")
    c_high = current > (np.median(current) if current_threshold is None else current_threshold)
    f_high = future > (np.median(future) if future_threshold is None else future_threshold)
    labels = np.array(["lead", "iron", "gold", "platinum"])
    return labels[c_high.astype(np.int8) + 2 * f_high.astype(np.int8)]


def lifecycle_stage(
    frequency: Any,
    age_days: Any,
    p_alive: Any,
    *,
    p_terminated: float = 0.1,
    p_declining: float = 0.5,
    maturity_occasions: int = 4,
    maturity_age_days: float = 365.0,
) -> np.ndarray:
    """Acquisition / growth / maturity / decline / termination from history and P(alive).

    Parameters
    ----------
    frequency : array-like of int
        Repeat purchases (the ``frequency`` column of `summarize`).
    age_days : array-like of float
        Days since the first purchase (``T`` of a daily summary).
    p_alive : array-like of float
        Probability that the customer is still active, in [0, 1].
    p_terminated, p_declining : float
        P(alive) below which the stage is termination, resp. decline.
    maturity_occasions, maturity_age_days : int, float
        Purchase occasions and age a customer needs to count as mature.

    Returns
    -------
    numpy.ndarray of str
    """
    if not 0 <= p_terminated <= p_declining <= 1:
        raise InputError("need 0 <= p_terminated <= p_declining <= 1")
    x = _column(frequency, "frequency")
    age = _column(age_days, "age_days", x.size)
    p = _probability(p_alive, "p_alive", x.size)
    out = np.full(x.size, "maturity", dtype="<U11")
    out[(x + 1 < maturity_occasions) | (age < maturity_age_days)] = "growth"
    out[x < 1] = "acquisition"
    out[p < p_declining] = "decline"
    out[p < p_terminated] = "termination"
    return out


def interpurchase_days(recency_days: Any, frequency: Any) -> np.ndarray:
    """Mean days between purchase occasions, t_x / x (NaN for customers with no repeat).

    Takes ``recency`` and ``frequency`` of a daily `summarize` (first to last occasion, repeats).
    """
    t = _column(recency_days, "recency_days")
    x = _column(frequency, "frequency", t.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, t / np.where(x > 0, x, 1.0), np.nan)


def frequency_tier(
    typical_gap_days: Any,
    *,
    heavy_max_days: float = 14.0,
    medium_max_days: float = 75.0,
) -> np.ndarray:
    """Heavy (about weekly) / medium (about monthly) / light (about half-yearly) users.

    Parameters
    ----------
    typical_gap_days : array-like of float
        Typical days between purchases (`interpurchase_days`, or a median gap); NaN when the
        customer bought once.
    heavy_max_days, medium_max_days : float
        Largest gap of a heavy, resp. medium, user.

    Returns
    -------
    numpy.ndarray of str
    """
    if not 0 < heavy_max_days <= medium_max_days:
        raise InputError("need 0 < heavy_max_days <= medium_max_days")
    gap = _column(typical_gap_days, "typical_gap_days", nan_ok=True)
    out = np.full(gap.size, "light", dtype="<U7")
    out[gap <= medium_max_days] = "medium"
    out[gap <= heavy_max_days] = "heavy"
    out[np.isnan(gap)] = "unknown"
    return out


def churn_risk(
    p_alive: Any = None,
    recency_days: Any = None,
    typical_gap_days: Any = None,
    *,
    p_high: float = 0.3,
    p_medium: float = 0.7,
    ratio_medium: float = 1.5,
    ratio_high: float = 3.0,
) -> np.ndarray:
    """Churn risk (流失风险) from P(alive) and/or recency against the customer's own rhythm.

    Parameters
    ----------
    p_alive : array-like of float, optional
        P(alive) per customer; NaN where unknown.
    recency_days, typical_gap_days : array-like of float, optional
        Days since the last purchase (as of today) and typical days between purchases (NaN for
        one-time buyers); give both or neither.
    p_high, p_medium : float
        P(alive) below ``p_high`` is high risk, below ``p_medium`` medium.
    ratio_medium, ratio_high : float
        Recency over typical gap above ``ratio_medium`` is medium risk, above ``ratio_high`` high.

    Returns
    -------
    numpy.ndarray of str
    """
    if p_alive is None and recency_days is None:
        raise InputError("give p_alive, or recency_days with typical_gap_days, or all three")
    if (recency_days is None) != (typical_gap_days is None):
        raise InputError("recency_days and typical_gap_days go together")
    if not 0 <= p_high <= p_medium <= 1 or not 0 < ratio_medium <= ratio_high:
        raise InputError("need 0 <= p_high <= p_medium <= 1 and 0 < ratio_medium <= ratio_high")
    # risk levels: -1 unknown, 0 low, 1 medium, 2 high
    levels: list[np.ndarray] = []
    n: int | None = None
    if p_alive is not None:
        p = _probability(p_alive, "p_alive")
        n = p.size
        level = np.where(p < p_high, 2, np.where(p < p_medium, 1, 0))
        levels.append(np.where(np.isnan(p), -1, level))
    if recency_days is not None:
        recency = _column(recency_days, "recency_days", n)
        gap = _column(typical_gap_days, "typical_gap_days", recency.size, nan_ok=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = recency / gap
        level = np.where(ratio > ratio_high, 2, np.where(ratio > ratio_medium, 1, 0))
        levels.append(np.where(np.isnan(ratio), -1, level))
    risk = np.maximum.reduce(levels) if len(levels) > 1 else levels[0]
    labels = np.array(["low", "medium", "high", "unknown"])
    return labels[risk]  # -1 indexes the last label, "unknown"
