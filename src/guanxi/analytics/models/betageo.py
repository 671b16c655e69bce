"""BG/NBD: the beta-geometric/negative binomial purchase model.

Reference: P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "'Counting Your Customers' the
Easy Way: An Alternative to the Pareto/NBD Model", *Marketing Science* 24(2), 275-284.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import betainc, betaln, gammaln, hyp2f1

from guanxi.analytics.models._betageo_likelihood import BetaGeoData, betageo_negloglik
from guanxi.analytics.models._optimize import NegLogLik, fit_in_two_stages
from guanxi.analytics.models._summary import as_predict_arrays, as_time, wsum
from guanxi.analytics.models._transaction import Summary, TransactionModel

__all__ = ["BetaGeo"]


def _fit_betageo(model: TransactionModel, summary: Summary, shift: int) -> None:
    rate = wsum(summary.w, summary.x) / wsum(summary.w, summary.T)
    starts = model._starts((1.0, 1.0 / max(rate, 1e-6), 1.0, 1.0))

    def prepare(step: int) -> tuple[NegLogLik, float]:
        part = summary.every(step) if step > 1 else summary
        data = BetaGeoData(part, shift)
        return (lambda params: betageo_negloglik(params, data)), part.n_customers

    result, errors = fit_in_two_stages(
        prepare,
        len(summary.x),
        starts,
        model.param_names,
        tol=model.tol,
        max_iter=model.max_iter,
        penalizer=model.penalizer,
        prestart_rows=50_000,
    )
    model._store_fit(result, errors, summary.n_customers)


def _away_from_one(a: float) -> float:
    """``a`` moved off 1 by at most 1e-7: the expectations' closed forms are 0/0 at ``a = 1``
    (a removable singularity); a step of 1e-7 changes them by about that much, relatively."""
    return a if abs(a - 1.0) >= 1e-7 else 1.0 + 1e-7


class BetaGeo(TransactionModel):
    """BG/NBD model of repeat purchases and drop-out (Fader, Hardie & Lee 2005).

    While alive, a customer buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``
    (shape ``r``, rate ``alpha``, in the time unit of the data); after each repeat purchase they
    drop out with probability ``p ~ Beta(a, b)``.

    Parameters
    ----------
    initial_params
        Starting values for some or all of ``r, alpha, a, b`` (default: ``r = a = b = 1`` and
        ``alpha`` from the mean purchase rate).
    penalizer
        L2 penalty on the parameters, added to the mean negative log-likelihood (0: plain
        maximum likelihood).
    tol
        Convergence tolerance on the gradient of the mean log-likelihood in log-parameters.
    max_iter
        Most optimiser iterations.

    Attributes
    ----------
    params_ : dict
        ``{"r", "alpha", "a", "b"}``.
    standard_errors_ : dict
        From the inverse observed information: the Hessian is a forward finite difference of
        the analytic gradient at the maximum (a Hessian that is not positive definite means a
        flat maximum, and ``fit`` raises ConvergenceError).
    log_likelihood_ : float
        Maximised log-likelihood (full, including constants).
    n_customers_ : float
        Customers (total weight) fitted.
    n_iter_ : int
        BFGS iterations of the final optimisation on all rows (a fit on more than 200,000 rows
        starts from an estimate on a systematic subsample of about 50,000).

    Notes
    -----
    ``fit`` reads the columns ``frequency``, ``recency``, ``T`` (and optional ``weights``); see
    :meth:`TransactionModel.fit`. Customers with identical summaries are grouped and summed with
    weights, which makes fits on day-resolution data fast.
    """

    param_names = ("r", "alpha", "a", "b")
    _group_threshold = 0.1  # ~10 ns per row and evaluation: grouping rarely pays

    def _fit_summary(self, summary: Summary) -> None:
        _fit_betageo(self, summary, shift=0)

    def expected_purchases(self, t: Any) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a new customer (FHL 2005, eq. 7).

        ``t`` is in the time unit of the data; the first purchase at time 0 is not counted.
        """
        r, alpha, a, b = self._params()
        a = _away_from_one(a)
        t = as_time(t)
        z = t / (alpha + t)
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))

    def conditional_expected_purchases(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray:
        """Expected purchases in ``(T, T + t]`` given the history (FHL 2005, eq. 10).

        Parameters
        ----------
        t
            Horizon after the end of calibration, in the time unit of the data.
        frequency, recency, T
            Repeat purchases, time of the last one and age at the end of calibration.
        """
        r, alpha, a, b = self._params()
        t = as_time(t)
        x, tx, big_t = as_predict_arrays(frequency, recency, T)
        alive = self.probability_alive(x, tx, big_t)
        a = _away_from_one(a)
        rx = r + x
        z = t / (alpha + big_t + t)
        head = (a + b + x - 1) / (a - 1)
        body = 1 - np.exp(rx * np.log((alpha + big_t) / (alpha + big_t + t))) * hyp2f1(
            rx, b + x, a + b + x - 1, z
        )
        return head * body * alive

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that the customer has not dropped out by ``T`` (FHL 2005, eq. 12)."""
        r, alpha, a, b = self._params()
        x, tx, big_t = as_predict_arrays(frequency, recency, T)
        with np.errstate(divide="ignore", invalid="ignore"):  # x = 0 rows are masked below
            log_odds = (
                np.log(a) - np.log(b + x - 1) + (r + x) * np.log((alpha + big_t) / (alpha + tx))
            )
        return np.where(x > 0, 1.0 / (1.0 + np.exp(np.where(x > 0, log_odds, 0.0))), 1.0)

    def probability_of_purchases(self, n: Any, t: Any) -> np.ndarray:
        """``P(X(t) = n)``: probability that a new customer makes ``n`` purchases in ``(0, t]``.

        FHL 2005, eq. 8; ``t`` in the time unit of the data.
        """
        r, alpha, a, b = self._params()
        n = np.asarray(n, dtype=np.float64)
        t = as_time(t)
        return _betageo_count_probability(n, t, r, alpha, a, b, shift=0)


def _betageo_count_probability(
    n: np.ndarray, t: np.ndarray, r: float, alpha: float, a: float, b: float, shift: int
) -> np.ndarray:
    """``P(X(t) = n)`` for BG/NBD (``shift = 0``) or MBG/NBD (``shift = 1``)."""
    log_nbd = (
        gammaln(r + n)
        - gammaln(r)
        - gammaln(n + 1)
        + r * np.log(alpha / (alpha + t))
        + n * np.log(np.where(t > 0, t / (alpha + t), 1.0))
    )
    nbd = np.where((t > 0) | (n == 0), np.exp(log_nbd), 0.0)
    alive = np.exp(betaln(a, b + n + shift) - betaln(a, b)) * nbd
    # Dropped out right after the n-th purchase, which happened before t: P(N(t) >= n) = I(n, r).
    with np.errstate(invalid="ignore"):
        tail = np.where(n > 0, betainc(np.maximum(n, 1), r, t / (alpha + t)), 1.0)
        dropped = np.exp(betaln(a + 1, b + n - 1 + shift) - betaln(a, b)) * tail
    has_drop = (n > 0) if shift == 0 else np.ones(np.shape(n), dtype=bool)
    return alive + np.where(has_drop, np.nan_to_num(dropped), 0.0)
