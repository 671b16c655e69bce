"""BG/BB: the beta-geometric/beta-Bernoulli model of discrete-time (yes/no per period) behaviour.

Reference: P. S. Fader, B. G. S. Hardie and J. Shang (2010), "Customer-Base Analysis in a
Discrete-Time Noncontractual Setting", *Marketing Science* 29(6), 1086-1108.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy.special import betaln, digamma, gammaln

from guanxi.analytics.errors import InputError
from guanxi.analytics.models._evaluation import HoldoutCheck, holdout_check_table
from guanxi.analytics.models._inputs import check_summary, read_columns
from guanxi.analytics.models._optimize import NegLogLik, fit_in_two_stages
from guanxi.analytics.models._summary import as_predict_arrays, group_rows
from guanxi.analytics.models.base import LifetimeModel

__all__ = ["BetaGeoBetaBinom"]


def _log_terms(
    params: np.ndarray, x: np.ndarray, tx: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log of the likelihood's terms per row (rows x (1 + most drop-out periods)).

    Term 0: alive through period ``n``; term ``1 + i``: alive through ``t_x + i``, dropped out at
    the start of the next period (``i = 0 .. n - t_x - 1``). Also returns the mask of valid terms
    and ``i`` (with ``-1`` for term 0).
    """
    alpha, beta, gamma, delta = params
    width = int(np.max(n - tx)) if len(n) else 0
    i = np.arange(-1, width)[None, :]
    valid = (i < 0) | (i < (n - tx)[:, None])
    span = np.where(i < 0, n[:, None], tx[:, None] + i)  # last period alive
    base = -betaln(alpha, beta) - betaln(gamma, delta)
    with np.errstate(invalid="ignore"):
        purchase = betaln(alpha + x[:, None], beta + span - x[:, None])
        survive = np.where(
            i < 0, betaln(gamma, delta + n[:, None]), betaln(gamma + 1, delta + span)
        )
    logs = np.where(valid, base + purchase + survive, -np.inf)
    return logs, valid, span


def _negloglik(
    params: np.ndarray, x: np.ndarray, tx: np.ndarray, n: np.ndarray, w: np.ndarray
) -> tuple[float, np.ndarray]:
    """Negative log-likelihood (FHS 2010, eq. 5) and its gradient in (alpha, beta, gamma, delta)."""
    alpha, beta, gamma, delta = params
    logs, valid, span = _log_terms(params, x, tx, n)
    top = logs.max(axis=1)
    share = np.where(valid, np.exp(logs - top[:, None]), 0.0)
    norm = share.sum(axis=1)
    total = w @ (top + np.log(norm))
    share = share / norm[:, None] * w[:, None]
    first = np.zeros(valid.shape, dtype=bool)
    first[:, 0] = True
    ab = digamma(alpha + beta)
    gd = digamma(gamma + delta)
    xs = x[:, None]
    with np.errstate(invalid="ignore"):
        d_alpha = digamma(alpha + xs) - digamma(alpha + beta + span) - digamma(alpha) + ab
        d_beta = digamma(beta + span - xs) - digamma(alpha + beta + span) - digamma(beta) + ab
        g_shift = np.where(first, 0.0, 1.0)
        d_gamma = (
            digamma(gamma + g_shift) - digamma(gamma + delta + span + g_shift) - digamma(gamma) + gd
        )
        d_delta = (
            digamma(delta + span) - digamma(gamma + delta + span + g_shift) - digamma(delta) + gd
        )
    grad = np.array([np.nansum(share * d) for d in (d_alpha, d_beta, d_gamma, d_delta)])
    return -float(total), -grad


class BetaGeoBetaBinom(LifetimeModel):
    """BG/BB model (Fader, Hardie & Shang 2010) for purchases counted per discrete period.

    In each period an alive customer buys with probability ``p ~ Beta(alpha, beta)``; at the
    start of each period after the first they drop out with probability
    ``theta ~ Beta(gamma, delta)``.

    Parameters
    ----------
    initial_params
        Starting values for some or all of ``alpha, beta, gamma, delta`` (default all 1).
    penalizer, tol, max_iter
        As for :class:`BetaGeo`.

    Attributes
    ----------
    params_ : dict
        ``{"alpha", "beta", "gamma", "delta"}``.
    standard_errors_, log_likelihood_, n_customers_, n_iter_
        As for :class:`BetaGeo` (``n_customers_`` is the total weight).

    Notes
    -----
    Data are ``frequency`` (periods with a repeat transaction, ``x``), ``recency`` (the last such
    period, ``t_x``; 0 when ``x = 0``) and ``n_periods`` (repeat-transaction opportunities,
    ``n``), all whole numbers with ``x <= t_x <= n``; optional ``weights`` count the customers
    sharing a row, so the published grouped tables fit directly. Time is in periods.
    """

    param_names = ("alpha", "beta", "gamma", "delta")

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
        n_periods: Any = None,
        weights: Any = None,
    ) -> Self:
        """Fit by maximum likelihood.

        Parameters
        ----------
        data
            DataFrame, pyarrow Table or mapping with ``frequency``, ``recency``, ``n_periods`` and
            optionally ``weights``.
        frequency, recency, n_periods, weights
            The same as arrays, instead of ``data``.

        Returns
        -------
        self
        """
        self._check_settings()
        cols = read_columns(
            data,
            {
                "frequency": frequency,
                "recency": recency,
                "n_periods": n_periods,
                "weights": weights,
            },
            required=("frequency", "recency", "n_periods"),
            optional=("weights",),
        )
        x, tx, n = cols["frequency"], cols["recency"], cols["n_periods"]
        check_summary(x, tx, n, horizon_name="n_periods", integer_time=True)
        w = cols.get("weights")
        if w is not None:
            bad = w < 0
            if bad.any():
                raise InputError(f"column 'weights' must be >= 0; index {int(np.argmax(bad))}")
            if w.sum() <= 0:
                raise InputError("column 'weights' must have a positive total")
        if not np.any(x if w is None else x[w > 0]):
            raise InputError(
                "no customer made a repeat transaction (frequency is 0 everywhere): "
                "the transaction and drop-out probabilities cannot be told apart"
            )
        (x, tx, n), w = group_rows((x, tx, n), w)
        keep = w > 0
        x, tx, n, w = x[keep], tx[keep], n[keep], w[keep]
        starts = self._starts((1.0, 1.0, 1.0, 1.0))
        total = float(w.sum())

        def prepare(step: int) -> tuple[NegLogLik, float]:
            return (lambda params: _negloglik(params, x, tx, n, w)), total

        result, errors = fit_in_two_stages(
            prepare,
            len(x),
            starts,
            self.param_names,
            tol=self.tol,
            max_iter=self.max_iter,
            penalizer=self.penalizer,
            prestart_rows=len(x),  # grouped data are small: no subsample stage
        )
        self._store_fit(result, errors, total)
        return self

    # -- predictions ------------------------------------------------------------------------
    def _log_likelihood_rows(self, x: np.ndarray, tx: np.ndarray, n: np.ndarray) -> np.ndarray:
        logs, _, _ = _log_terms(np.array(self._params()), x, tx, n)
        top = logs.max(axis=1)
        return top + np.log(np.exp(logs - top[:, None]).sum(axis=1))

    def _arrays(
        self, frequency: Any, recency: Any, n_periods: Any
    ) -> tuple[tuple[int, ...], np.ndarray, np.ndarray, np.ndarray]:
        self._check_fitted()
        x, tx, n = as_predict_arrays(
            frequency, recency, n_periods, horizon_name="n_periods", integer_time=True
        )
        return x.shape, x.ravel(), tx.ravel(), n.ravel()

    def probability_alive(self, frequency: Any, recency: Any, n_periods: Any) -> np.ndarray:
        """Probability of being alive in period ``n_periods + 1`` (FHS 2010, eq. 11)."""
        alpha, beta, gamma, delta = self._params()
        shape, x, tx, n = self._arrays(frequency, recency, n_periods)
        log_alive = (
            betaln(alpha + x, beta + n - x)
            - betaln(alpha, beta)
            + betaln(gamma, delta + n + 1)
            - betaln(gamma, delta)
        )
        return np.exp(log_alive - self._log_likelihood_rows(x, tx, n)).reshape(shape)

    def _future_weights(self, n: np.ndarray, horizon: int, discount_rate: float) -> np.ndarray:
        """``sum_{k=1..horizon} P(alive in n+k | theta-prior) / (1+d)^k`` per row."""
        gamma, delta = self.params_["gamma"], self.params_["delta"]
        k = np.arange(1, horizon + 1)[None, :]
        log_surv = betaln(gamma, delta + n[:, None] + k) - betaln(gamma, delta)
        return (np.exp(log_surv) * (1.0 + discount_rate) ** -k).sum(axis=1)

    def conditional_expected_purchases(
        self, n_future: int, frequency: Any, recency: Any, n_periods: Any
    ) -> np.ndarray:
        """Expected transactions in the next ``n_future`` periods given the history (eq. 13)."""
        return self._discounted(n_future, 0.0, frequency, recency, n_periods)

    def _discounted(
        self, horizon: int, discount_rate: float, frequency: Any, recency: Any, n_periods: Any
    ) -> np.ndarray:
        if int(horizon) != horizon or horizon < 0:
            raise InputError(f"the horizon must be a whole number of periods >= 0, got {horizon}")
        if not (np.isfinite(discount_rate) and discount_rate > -1):
            raise InputError(f"discount_rate must be a number > -1, got {discount_rate!r}")
        alpha, beta, _, _ = self._params()
        shape, x, tx, n = self._arrays(frequency, recency, n_periods)
        log_buy = betaln(alpha + x + 1, beta + n - x) - betaln(alpha, beta)
        weight = np.exp(log_buy - self._log_likelihood_rows(x, tx, n))
        return (weight * self._future_weights(n, int(horizon), discount_rate)).reshape(shape)

    def expected_purchases(self, n: int) -> np.ndarray:
        """Expected transactions of a new customer in periods ``1..n`` (FHS 2010, eq. 7)."""
        alpha, beta, gamma, delta = self._params()
        if int(n) != n or n < 0:
            raise InputError(f"n must be a whole number of periods >= 0, got {n}")
        k = np.arange(1, int(n) + 1)
        surv = np.exp(betaln(gamma, delta + k) - betaln(gamma, delta)).sum()
        return np.asarray(alpha / (alpha + beta) * surv)

    def probability_of_purchases(self, x: Any, n: int) -> np.ndarray:
        """``P(X(n) = x)``: probability of ``x`` transactions in ``n`` periods (FHS 2010, eq. 8)."""
        alpha, beta, gamma, delta = self._params()
        xs = np.asarray(x, dtype=np.float64)
        if int(n) != n or n < 0:
            raise InputError(f"n must be a whole number of periods >= 0, got {n}")

        def log_choose(a: Any, b: Any) -> Any:
            return gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)

        with np.errstate(invalid="ignore"):
            alive = np.exp(
                log_choose(n, xs)
                + betaln(alpha + xs, beta + n - xs)
                - betaln(alpha, beta)
                + betaln(gamma, delta + n)
                - betaln(gamma, delta)
            )
            i = np.arange(int(n))[(None,) * xs.ndim]
            xi = xs[..., None]
            dead = np.where(
                i >= xi,
                np.exp(
                    log_choose(i, xi)
                    + betaln(alpha + xi, beta + i - xi)
                    - betaln(alpha, beta)
                    + betaln(gamma + 1, delta + i)
                    - betaln(gamma, delta)
                ),
                0.0,
            ).sum(axis=-1)
        return np.where((xs >= 0) & (xs <= n), np.nan_to_num(alive) + dead, 0.0)

    def clv(
        self,
        frequency: Any,
        recency: Any,
        n_periods: Any,
        *,
        spend: Any,
        horizon: int,
        discount_rate: float,
        margin: float = 1.0,
    ) -> np.ndarray:
        """Discounted expected margin over the next ``horizon`` periods.

        ``margin * spend * sum_{k=1..horizon} P(transaction in period n+k | history) /
        (1+discount_rate)^k``; ``discount_rate`` per period, ``spend`` per transaction.
        """
        spend_arr = np.asarray(spend, dtype=np.float64)
        return (
            margin
            * spend_arr
            * self._discounted(horizon, discount_rate, frequency, recency, n_periods)
        )

    def holdout_check(
        self,
        frequency: Any,
        recency: Any,
        n_periods: Any,
        frequency_holdout: Any,
        n_periods_holdout: int,
        *,
        max_frequency: int = 7,
    ) -> HoldoutCheck:
        """Actual vs predicted transactions in ``n_periods_holdout`` periods after calibration."""
        predicted = self.conditional_expected_purchases(
            n_periods_holdout, frequency, recency, n_periods
        )
        return holdout_check_table(
            np.asarray(frequency, dtype=np.float64).ravel(),
            np.asarray(frequency_holdout),
            predicted.ravel(),
            max_frequency,
        )
