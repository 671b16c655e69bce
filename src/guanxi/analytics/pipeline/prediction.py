"""Fitting the purchase and spend models and predicting from them, plus the tiers that need them.

BG/NBD (Fader, Hardie & Lee 2005) for purchases and P(alive), Gamma-Gamma (Fader & Hardie 2013)
for spend per purchase; CLV is the models' discounted expected margin over the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ConvergenceError, InputError
from ..models import BetaGeo, GammaGamma, HoldoutCheck
from ..tiers import churn_risk, interpurchase_days, lifecycle_stage, value_tier
from .labels import Labels
from .results import AnalysisSettings, FittedModel, PAliveGrid
from .summarising import CustomerSummary

__all__ = ["MIN_T", "Predictions", "fit_and_predict", "predicted_tiers"]

#: Customers first seen on the calibration end day have T = 0, which the models' domain excludes
#: (T > 0); they are modelled as seen this long (in time units): their likelihood term and
#: predictions are those of a customer just acquired, to within 1e-6.
MIN_T = 1e-6


@dataclass(frozen=True)
class Predictions:
    """Per-customer model outputs (NaN when the model could not be fitted)."""

    p_alive: np.ndarray
    expected_purchases: np.ndarray
    expected_spend: np.ndarray
    clv: np.ndarray
    models: list[FittedModel]
    grid: PAliveGrid | None
    holdout: HoldoutCheck | None


def _fitted(name: str, model: Any, n: int) -> FittedModel:
    return FittedModel(
        name=name,
        params={k: float(v) for k, v in model.params_.items()},
        standard_errors={k: float(v) for k, v in model.standard_errors_.items()},
        log_likelihood=float(model.log_likelihood_),
        n_customers=n,
    )


def _palive_grid(model: Any, summary: CustomerSummary, cells: int = 24) -> PAliveGrid:
    """P(alive) on a frequency × recency grid at the longest observation length.

    Frequencies run to the 99th percentile so that one extreme customer does not squeeze the
    map; recency runs from 0 to the largest T (a recency above T cannot occur and is clipped).
    """
    t_max = float(summary.T.max()) if summary.T.size else 1.0
    f_top = float(np.quantile(summary.frequency, 0.99)) if summary.frequency.size else 1.0
    f_top = max(math.ceil(f_top), 1)
    frequency = np.unique(np.linspace(0, f_top, min(f_top + 1, cells)).round()).tolist()
    recency = np.linspace(0, t_max, cells).tolist()
    f_grid, r_grid = np.meshgrid(np.asarray(frequency), np.asarray(recency), indexing="ij")
    # Zero repeat purchases means recency 0 by definition; the model ignores recency there.
    r_grid = np.where(f_grid > 0, r_grid, 0.0)
    probability = model.probability_alive(
        f_grid.ravel(), r_grid.ravel(), np.full(f_grid.size, t_max)
    ).reshape(f_grid.shape)
    return PAliveGrid(frequency=frequency, recency=recency, T=t_max, probability=probability)


def fit_and_predict(
    summary: CustomerSummary,
    settings: AnalysisSettings,
    *,
    step: Callable[[str], None],
    notes: list[str],
) -> Predictions:
    """Fit BG/NBD and Gamma-Gamma, then predict P(alive), purchases, spend, CLV, holdout.

    A model that cannot be fitted (no repeat buyer, too few for the spend model, no convergence)
    leaves its outputs NaN and adds a note, instead of failing the whole analysis: the segments
    are still worth having on a young customer base.
    """
    n = len(summary.customer)
    nan = np.full(n, math.nan)
    x, tx = summary.frequency, summary.recency
    big_t = np.maximum(summary.T, MIN_T)
    just_acquired = int((summary.T <= 0).sum())
    if just_acquired:
        notes.append(
            f"{just_acquired} customer(s) first bought on the calibration end day (T = 0): "
            "predicted as customers just acquired"
        )
    horizon = settings.horizon_units

    step("fit purchases")
    try:
        purchases = BetaGeo()
        purchases.fit(frequency=x, recency=tx, T=big_t)
    except (InputError, ConvergenceError) as exc:
        notes.append(f"purchase model (BG/NBD) not fitted: {exc}")
        step("fit spend")
        step("predict")
        return Predictions(nan, nan, nan, nan, [], None, None)
    models = [_fitted("BG/NBD", purchases, n)]

    step("fit spend")
    spend_model: GammaGamma | None = None
    try:
        spend_model = GammaGamma().fit(frequency=x, monetary_value=summary.monetary_value)
        models.append(_fitted("Gamma-Gamma", spend_model, int(spend_model.n_customers_)))
    except (InputError, ConvergenceError) as exc:
        notes.append(
            f"spend model (Gamma-Gamma) not fitted: {exc}; CLV uses the mean spend per purchase"
        )

    step("predict")
    # A fit on a tiny or degenerate base can sit on a boundary (a -> 1, b < 1) where the closed
    # forms divide by zero; the results are then checked below instead of warning mid-way.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p_alive = purchases.probability_alive(x, tx, big_t)
        expected = purchases.conditional_expected_purchases(horizon, x, tx, big_t)
        if spend_model is not None:
            spend = spend_model.conditional_expected_average_spend(x, summary.monetary_value)
        else:
            spend = np.full(n, summary.revenue.sum() / max(float(summary.purchases.sum()), 1.0))
        clv = purchases.clv(
            x,
            tx,
            big_t,
            spend=spend,
            horizon=horizon,
            discount_rate=settings.discount_rate_per_unit,
            margin=settings.margin,
        )
        grid = _palive_grid(purchases, summary)
        holdout = None
        if summary.holdout_purchases is not None and settings.holdout_length > 0:
            holdout = purchases.holdout_check(
                x, tx, big_t, summary.holdout_purchases, settings.holdout_length
            )
    if not np.all(np.isfinite(clv)):
        notes.append(
            f"{int((~np.isfinite(clv)).sum())} customer(s) have no finite CLV: the fitted "
            "parameters sit on a boundary (too few customers or repeat purchases)"
        )
    return Predictions(p_alive, expected, spend, clv, models, grid, holdout)


def predicted_tiers(
    summary: CustomerSummary, settings: AnalysisSettings, pred: Predictions, notes: list[str]
) -> dict[str, Labels]:
    """Value matrix (current revenue vs CLV), lifecycle stage and churn risk, per customer.

    The rules are :mod:`guanxi.analytics.tiers`'; without a fitted purchase model there is no
    P(alive) or CLV, so only the columns that do not need them are returned.
    """
    out: dict[str, Labels] = {}
    gap = interpurchase_days(summary.recency * settings.unit_days, summary.frequency)
    has_model = bool(np.all(np.isfinite(pred.p_alive)))
    try:
        if has_model and np.all(np.isfinite(pred.clv)):
            out["value_tier"] = Labels.from_numpy(value_tier(summary.revenue, pred.clv))
        if has_model:
            out["lifecycle_stage"] = Labels.from_numpy(
                lifecycle_stage(summary.frequency, summary.T * settings.unit_days, pred.p_alive)
            )
        out["churn_risk"] = Labels.from_numpy(
            churn_risk(pred.p_alive if has_model else None, summary.days_since_last, gap)
        )
    except InputError as exc:
        notes.append(f"tiers not computed: {exc}")
    return out
