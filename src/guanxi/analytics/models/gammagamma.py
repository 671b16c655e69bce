"""Gamma-Gamma model of the average spend per purchase.

References
----------
P. S. Fader and B. G. S. Hardie (2013), "The Gamma-Gamma Model of Monetary Value",
http://brucehardie.com/notes/025/.

R. Colombo and W. Jiang (1999), "A stochastic RFM model", *Journal of Interactive Marketing*
13(3), 2-12.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy.special import digamma, gammaln

from guanxi.analytics.errors import InputError
from guanxi.analytics.models._inputs import read_columns
from guanxi.analytics.models._optimize import NegLogLik, fit_in_two_stages
from guanxi.analytics.models._summary import wsum
from guanxi.analytics.models._transaction import TransactionModel
from guanxi.analytics.models.base import LifetimeModel

__all__ = ["GammaGamma"]


class _SpendData:
    """Repeat customers' (frequency, mean spend) during one fit, with sums that do not change."""

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        self.x, self.m = x, m
        self.xm = x * m
        if x.max() <= 1_000_000:  # a counting table; else sort
            by_x = np.bincount(x.astype(np.int64))
            self.x_values = np.flatnonzero(by_x).astype(np.float64)
            self.x_counts = by_x[self.x_values.astype(np.int64)].astype(np.float64)
        else:
            self.x_values, counts = np.unique(x, return_counts=True)
            self.x_counts = counts.astype(np.float64)
        log_m = np.log(m)
        self.sum_x_log_m = wsum(None, x, log_m)
        self.sum_log_m = float(log_m.sum())
        self.sum_x_log_x = float(self.x_counts @ (self.x_values * np.log(self.x_values)))
        self.scratch = np.empty((2, len(x)))


def _negloglik(params: np.ndarray, d: _SpendData) -> tuple[float, np.ndarray]:
    """Negative log-likelihood of the observed mean spends and its gradient in (p, q, gamma).

    ``zbar | x ~ Gamma(p x, nu x)`` with ``nu ~ Gamma(q, gamma)``, so per customer::

        log f = lgamma(px+q) - lgamma(px) - lgamma(q) + q log gamma + (px-1) log zbar
                + px log x - (px+q) log(gamma + x zbar)
    """
    p, q, gamma = params
    xv, xc = d.x_values, d.x_counts
    n = xc.sum()
    pxv = p * xv
    log_tail, inv_tail = d.scratch
    np.add(gamma, d.xm, out=inv_tail)
    np.log(inv_tail, out=log_tail)
    np.reciprocal(inv_tail, out=inv_tail)
    sum_x_log_tail = wsum(None, d.x, log_tail)
    sum_log_tail = float(log_tail.sum())
    total = (
        xc @ (gammaln(pxv + q) - gammaln(pxv))
        - n * gammaln(q)
        + n * q * np.log(gamma)
        + p * d.sum_x_log_m
        - d.sum_log_m
        + p * d.sum_x_log_x
        - p * sum_x_log_tail
        - q * sum_log_tail
    )
    psi_pq = digamma(pxv + q)
    g_p = xc @ (xv * (psi_pq - digamma(pxv))) + d.sum_x_log_m + d.sum_x_log_x - sum_x_log_tail
    g_q = xc @ psi_pq - n * digamma(q) + n * np.log(gamma) - sum_log_tail
    g_gamma = n * q / gamma - (p * wsum(None, d.x, inv_tail) + q * float(inv_tail.sum()))
    return -float(total), -np.array([g_p, g_q, g_gamma])


class GammaGamma(LifetimeModel):
    """Gamma-Gamma spend model (Fader & Hardie 2013; Colombo & Jiang 1999).

    A customer's spends are ``Gamma(p, nu)`` with ``nu ~ Gamma(q, gamma)`` across customers, so
    the mean spend per purchase is ``p / nu`` and ``p gamma / (q - 1)`` on average. The model
    assumes spend independent of purchase frequency.

    Parameters
    ----------
    initial_params
        Starting values for some or all of ``p, q, gamma``.
    penalizer, tol, max_iter
        As for :class:`BetaGeo`.

    Attributes
    ----------
    params_ : dict
        ``{"p", "q", "gamma"}``; ``gamma`` is in the currency of ``monetary_value``.
    standard_errors_, log_likelihood_, n_iter_
        As for :class:`BetaGeo`.
    n_customers_ : int
        Customers used in the fit.
    n_excluded_ : int
        Customers left out of the fit: no repeat purchase (``frequency == 0``; their mean repeat
        spend is undefined) or a mean repeat spend ``<= 0`` (the model is for positive spends).
    """

    param_names = ("p", "q", "gamma")

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
        self, data: Any = None, /, *, frequency: Any = None, monetary_value: Any = None
    ) -> Self:
        """Fit by maximum likelihood on the repeat customers.

        Parameters
        ----------
        data
            DataFrame, pyarrow Table or mapping with ``frequency`` (repeat purchases) and
            ``monetary_value`` (mean spend of the repeat purchases, currency).
        frequency, monetary_value
            The same as arrays, instead of ``data``.

        Returns
        -------
        self
        """
        self._check_settings()
        cols = read_columns(
            data,
            {"frequency": frequency, "monetary_value": monetary_value},
            required=("frequency", "monetary_value"),
        )
        x, m = cols["frequency"], cols["monetary_value"]
        bad = (x < 0) | (x != np.floor(x))
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(
                f"column 'frequency' must hold whole numbers >= 0; index {i} (value {x[i]!r})"
            )
        keep = (x > 0) & (m > 0)
        if keep.sum() < 2:
            raise InputError(
                "the Gamma-Gamma model needs at least two customers with repeat purchases and a "
                f"positive mean spend; got {int(keep.sum())}"
            )
        x, m, n_all = x[keep], m[keep], len(x)
        starts = self._starts((1.0, 2.0, float(np.mean(m))))

        def prepare(step: int) -> tuple[NegLogLik, float]:
            data = _SpendData(x[::step], m[::step])
            return (lambda params: _negloglik(params, data)), float(len(data.x))

        result, errors = fit_in_two_stages(
            prepare,
            len(x),
            starts,
            self.param_names,
            tol=self.tol,
            max_iter=self.max_iter,
            penalizer=self.penalizer,
            prestart_rows=10_000,
        )
        n = len(x)
        self._store_fit(result, errors, n)
        self.n_excluded_ = int(n_all - n)
        return self

    def expected_average_spend(self) -> float:
        """Mean spend per purchase of a new customer, ``p gamma / (q - 1)`` (inf if ``q <= 1``)."""
        p, q, gamma = self._params()
        return p * gamma / (q - 1.0) if q > 1.0 else float("inf")

    def conditional_expected_average_spend(self, frequency: Any, monetary_value: Any) -> np.ndarray:
        """Expected spend per purchase given ``frequency`` repeat purchases of mean spend.

        ``E[Z | x, zbar] = p (gamma + x zbar) / (p x + q - 1)`` (Fader & Hardie 2013, eq. 5): a
        weighted mean of the population mean and the customer's own mean. Customers without
        repeat purchases get the population mean. Currency of ``monetary_value``.
        """
        p, q, gamma = self._params()
        x = np.asarray(frequency, dtype=np.float64)
        m = np.asarray(monetary_value, dtype=np.float64)
        if np.any(~np.isfinite(x)) or np.any(x < 0) or np.any(x != np.floor(x)):
            raise InputError("frequency must hold whole numbers >= 0")
        if np.any(~np.isfinite(m)):
            raise InputError("monetary_value must be finite")
        m = np.where(x > 0, m, 0.0)
        with np.errstate(divide="ignore"):
            return p * (gamma + x * m) / (p * x + q - 1.0)

    def clv(
        self,
        transaction_model: TransactionModel,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        *,
        horizon: float,
        discount_rate: float,
        margin: float = 1.0,
        step: float = 1.0,
    ) -> np.ndarray:
        """Lifetime value: a fitted purchase model's discounted purchases times expected spend.

        Calls ``transaction_model.clv`` with ``spend`` from
        :meth:`conditional_expected_average_spend`; ``horizon`` and ``step`` in the time unit of
        the purchase model's data, ``discount_rate`` per step, result in currency.
        """
        spend = self.conditional_expected_average_spend(frequency, monetary_value)
        return transaction_model.clv(
            frequency,
            recency,
            T,
            spend=spend,
            horizon=horizon,
            discount_rate=discount_rate,
            margin=margin,
            step=step,
        )
