"""Calibration-vs-holdout check and discounted lifetime value, shared by the purchase models."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from guanxi.analytics.errors import InputError

__all__ = ["HoldoutCheck", "discounted_purchases", "holdout_check_table"]


@dataclass(frozen=True)
class HoldoutCheck:
    """Actual vs predicted mean repeat purchases in a holdout period, by calibration frequency.

    Attributes
    ----------
    frequency
        Calibration-period repeat purchases of each bin (0, 1, ..., ``max_frequency``); the last
        bin holds every customer with at least ``max_frequency``.
    n_customers
        Customers in each bin.
    actual, predicted
        Mean holdout purchases per customer in each bin (actual; conditional expectation).
    rmse
        Root mean squared error of the per-customer predictions.
    mean_absolute_error
        Mean absolute error of the per-customer predictions.
    total_actual, total_predicted
        Holdout purchases summed over all customers.
    relative_error
        ``(total_predicted - total_actual) / total_actual`` (NaN when there were no purchases).
    """

    frequency: np.ndarray
    n_customers: np.ndarray
    actual: np.ndarray
    predicted: np.ndarray
    rmse: float
    mean_absolute_error: float
    total_actual: float
    total_predicted: float
    relative_error: float


def holdout_check_table(
    frequency: np.ndarray, actual: np.ndarray, predicted: np.ndarray, max_frequency: int
) -> HoldoutCheck:
    """Bin per-customer holdout purchases by calibration frequency and summarise the error."""
    if max_frequency < 1:
        raise InputError(f"max_frequency must be at least 1, got {max_frequency}")
    actual = np.asarray(actual, dtype=np.float64).ravel()
    predicted = np.asarray(predicted, dtype=np.float64).ravel()
    frequency = np.asarray(frequency, dtype=np.float64).ravel()
    if not (len(actual) == len(predicted) == len(frequency)):
        raise InputError("frequency_holdout must have one value per customer")
    bad = ~np.isfinite(actual) | (actual < 0) | (actual != np.floor(actual))
    if bad.any():
        raise InputError(
            f"column 'frequency_holdout' must hold whole numbers >= 0; index {np.argmax(bad)}"
        )
    bins = np.minimum(frequency, max_frequency).astype(np.int64)
    counts = np.bincount(bins, minlength=max_frequency + 1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_actual = np.bincount(bins, actual, minlength=max_frequency + 1) / counts
        mean_pred = np.bincount(bins, predicted, minlength=max_frequency + 1) / counts
    error = predicted - actual
    total_actual, total_pred = float(actual.sum()), float(predicted.sum())
    relative = (total_pred - total_actual) / total_actual if total_actual > 0 else float("nan")
    return HoldoutCheck(
        frequency=np.arange(max_frequency + 1),
        n_customers=counts.astype(np.int64),
        actual=mean_actual,
        predicted=mean_pred,
        rmse=float(np.sqrt(np.mean(error**2))),
        mean_absolute_error=float(np.mean(np.abs(error))),
        total_actual=total_actual,
        total_predicted=total_pred,
        relative_error=float(relative),
    )


def discounted_purchases(
    cumulative: Callable[[np.ndarray], np.ndarray],
    horizon: float,
    discount_rate: float,
    step: float,
) -> np.ndarray:
    """Present value of expected purchases: ``sum_k (E[Y(t_k)] - E[Y(t_{k-1})]) / (1+d)^k``.

    ``cumulative(t)`` returns expected purchases in ``(0, t]`` for an array of times with a
    trailing axis for customers; ``t_k = min(k * step, horizon)``. Purchases in step ``k`` are
    discounted at the end of that step by ``discount_rate`` per step.
    """
    for name, value in (("horizon", horizon), ("step", step)):
        if not (np.isfinite(value) and value > 0):
            raise InputError(f"{name} must be a positive number, got {value!r}")
    if not (np.isfinite(discount_rate) and discount_rate > -1):
        raise InputError(f"discount_rate must be a number > -1, got {discount_rate!r}")
    n_steps = int(np.ceil(horizon / step - 1e-9))
    times = np.minimum(step * np.arange(n_steps + 1), horizon)
    expected = cumulative(times)
    increments = np.diff(expected, axis=0)
    factors = (1.0 + discount_rate) ** -np.arange(1, n_steps + 1)
    return np.tensordot(factors, increments, axes=(0, 0))
