"""Shared behaviour of the continuous-time purchase models (BG/NBD, MBG/NBD, Pareto/NBD)."""

from __future__ import annotations

from typing import Any, Self

import numpy as np

from guanxi.analytics.errors import InputError
from guanxi.analytics.models._evaluation import (
    HoldoutCheck,
    discounted_purchases,
    holdout_check_table,
)
from guanxi.analytics.models._inputs import check_summary, read_columns
from guanxi.analytics.models._summary import as_predict_arrays, as_time, group_rows
from guanxi.analytics.models.base import LifetimeModel

__all__ = ["Summary", "TransactionModel"]


class Summary:
    """Grouped calibration data handed to a likelihood during one ``fit`` (never stored)."""

    def __init__(self, x: np.ndarray, tx: np.ndarray, T: np.ndarray, w: np.ndarray) -> None:
        self.x, self.tx, self.T, self.w = x, tx, T, w
        self.n_customers = float(w.sum())
        #: distinct frequencies and their total weights (frequencies are whole numbers)
        if len(x) and x.max() <= 1_000_000:  # a counting table; else sort
            by_x = np.bincount(x.astype(np.int64), weights=w)
            self.x_values = np.flatnonzero(by_x).astype(np.float64)
            self.x_weights = by_x[self.x_values.astype(np.int64)]
        else:
            self.x_values, index = np.unique(x, return_inverse=True)
            self.x_weights = np.bincount(index, weights=w)

    def every(self, step: int) -> Summary:
        """A systematic 1-in-``step`` subsample, used to find a starting point cheaply."""
        return Summary(self.x[::step], self.tx[::step], self.T[::step], self.w[::step])


class TransactionModel(LifetimeModel):
    """Fit scaffold, CLV and holdout check for models of (frequency, recency, T) summaries.

    Time is in whatever unit the data use (days, weeks, ...); rates and horizons are in the same
    unit.
    """

    def __init__(
        self,
        *,
        initial_params: dict[str, float] | None = None,
        penalizer: float = 0.0,
        tol: float = 1e-8,
        max_iter: int = 2000,
    ) -> None:
        self.initial_params = initial_params
        self.penalizer = penalizer
        self.tol = tol
        self.max_iter = max_iter

    def fit(
        self,
        data: Any = None,
        /,
        *,
        frequency: Any = None,
        recency: Any = None,
        T: Any = None,
        weights: Any = None,
    ) -> Self:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        data
            A pandas or polars DataFrame, a pyarrow Table or a mapping with the columns
            ``frequency`` (repeat purchases), ``recency`` (time of the last repeat purchase since
            the first purchase; 0 without repeat purchases) and ``T`` (time from the first
            purchase to the end of the calibration period), and optionally ``weights`` (how many
            customers share the row). Other columns are ignored.
        frequency, recency, T, weights
            The same as arrays, instead of ``data``.

        Returns
        -------
        self

        Raises
        ------
        InputError
            Missing or malformed columns (naming the column and the first bad index), or no
            repeat purchase at all (the model cannot be identified).
        ConvergenceError
            The maximum of the likelihood was not found.
        """
        self._check_settings()
        cols = read_columns(
            data,
            {"frequency": frequency, "recency": recency, "T": T, "weights": weights},
            required=("frequency", "recency", "T"),
            optional=("weights",),
        )
        x, tx, big_t = cols["frequency"], cols["recency"], cols["T"]
        check_summary(x, tx, big_t)
        w = cols.get("weights")
        if w is not None and (np.any(w < 0) or w.sum() <= 0):
            raise InputError("column 'weights' must be >= 0 with a positive total")
        if not np.any(x[w > 0] if w is not None else x):
            raise InputError(
                "no customer made a repeat purchase (frequency is 0 everywhere): "
                "the purchase and drop-out rates cannot be told apart"
            )
        (x, tx, big_t), w = group_rows((x, tx, big_t), w, threshold=self._group_threshold)
        summary = Summary(x, tx, big_t, w)
        self._fit_summary(summary)
        return self

    #: Group identical rows when a sample has fewer distinct rows than this share (see
    #: ``group_rows``): grouping pays off sooner for likelihoods that are costly per row.
    _group_threshold: float = 0.5

    def _fit_summary(self, summary: Summary) -> None:
        raise NotImplementedError

    # -- predictions shared by every purchase model -----------------------------------------
    def conditional_expected_purchases(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray:
        """Expected purchases in ``(T, T + t]`` of a customer with the given history."""
        raise NotImplementedError

    def clv(
        self,
        frequency: Any,
        recency: Any,
        T: Any,
        *,
        spend: Any,
        horizon: float,
        discount_rate: float,
        margin: float = 1.0,
        step: float = 1.0,
    ) -> np.ndarray:
        """Customer lifetime value over ``horizon``: discounted expected margin on purchases.

        ``margin * spend * sum_k (E[Y(t_k)] - E[Y(t_{k-1})]) / (1 + discount_rate)^k`` with
        ``t_k = min(k * step, horizon)`` and ``E[Y(t)]`` the conditional expected purchases.

        Parameters
        ----------
        frequency, recency, T
            Each customer's calibration summary (time unit of the data).
        spend
            Expected spend per purchase (currency), per customer or one number; typically
            :meth:`GammaGamma.conditional_expected_average_spend`.
        horizon
            Length of the future period, in the time unit of the data (e.g. 52 for a year of
            weekly data).
        discount_rate
            Discount rate per step (e.g. 0.01 a month with ``step`` = 4.345 weeks).
        margin
            Profit margin applied to spend (1.0 gives revenue).
        step
            Length of one discounting period in the time unit of the data.

        Returns
        -------
        numpy.ndarray
            Present value per customer, in the currency of ``spend``.
        """
        self._check_fitted()
        x, tx, big_t = as_predict_arrays(frequency, recency, T)
        spend_arr = np.asarray(spend, dtype=np.float64)
        if np.any(~np.isfinite(spend_arr)):
            raise InputError("spend must be finite")

        def cumulative(times: np.ndarray) -> np.ndarray:
            shape = (len(times),) + (1,) * x.ndim
            return self.conditional_expected_purchases(times.reshape(shape), x, tx, big_t)

        value = discounted_purchases(cumulative, horizon, discount_rate, step)
        return margin * spend_arr * value

    def holdout_check(
        self,
        frequency: Any,
        recency: Any,
        T: Any,
        frequency_holdout: Any,
        duration_holdout: Any,
        *,
        max_frequency: int = 7,
    ) -> HoldoutCheck:
        """Compare predicted with actual repeat purchases in a holdout period.

        Parameters
        ----------
        frequency, recency, T
            Calibration-period summary of each customer.
        frequency_holdout
            Purchases each customer actually made in the holdout period.
        duration_holdout
            Length of the holdout period (time unit of the data), one number or per customer.
        max_frequency
            Calibration frequencies at or above this share the last bin.

        Returns
        -------
        HoldoutCheck
            Mean actual and predicted holdout purchases by calibration frequency, RMSE, MAE and
            the relative error of the total.
        """
        self._check_fitted()
        x, tx, big_t = as_predict_arrays(frequency, recency, T)
        duration = as_time(duration_holdout, "duration_holdout")
        predicted = self.conditional_expected_purchases(duration, x, tx, big_t)
        return holdout_check_table(x, np.asarray(frequency_holdout), predicted, max_frequency)
