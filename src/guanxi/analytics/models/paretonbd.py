"""Pareto/NBD: Poisson purchases with exponential lifetimes, gamma heterogeneity in both.

References
----------
D. C. Schmittlein, D. G. Morrison and R. Colombo (1987), "Counting Your Customers: Who Are They
and What Will They Do Next?", *Management Science* 33(1), 1-24.

P. S. Fader and B. G. S. Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related
Expressions", http://brucehardie.com/notes/009/.

Numerics
--------
The likelihood of one customer is (Fader & Hardie 2005, eq. 13 before the hypergeometric step)::

    L = Gamma(r+x) alpha^r beta^s / Gamma(r)
        * [ (alpha+T)^-(r+x) (beta+T)^-s + s * I ],
    I = integral over tau from t_x to T of (alpha+tau)^-(r+x) (beta+tau)^-(s+1)

The published closed form writes ``I`` with Gauss's hypergeometric function, whose derivatives in
``r`` and ``s`` have no closed form and which loses precision for large frequencies. Here ``I`` is
evaluated by 24-point Gauss-Legendre quadrature in ``u = log((c+tau)/(c+t_x))`` with
``c = min(alpha, beta)``: there the integrand is a smooth exponential decay whose nearest complex
singularity lies at distance pi from the real axis, and the range is cut where it has fallen by
``e^-50`` (from a lower bound on its rate of decay). The derivatives of ``I`` are integrals
of the same integrand times ``-log(alpha+tau)``, ``-(r+x)/(alpha+tau)``, ... on the same nodes,
so the gradient is exact for the quadrature and everything stays in log space (log-sum-exp). For
parameters from 0.05 to 50 and frequencies up to 200 it agrees with the hypergeometric form
to about 1e-10 in each log-likelihood term (where 2F1 itself can be evaluated).

Most customers need far fewer than 24 nodes: with ``U`` the length of the range in ``u`` and
``D`` the decay over it, a 10-point rule is exact to 1e-11 when ``max(U, D) <= 2.5`` and a
16-point rule when it is at most 4 (measured against a 48-point rule on 20,000 random parameter
sets). On the anchor data nine rows in ten take the 10-point rule, which more than halves the
cost of an evaluation.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from scipy.special import digamma, gammaln, roots_legendre

from guanxi.analytics.models._optimize import NegLogLik, fit_in_two_stages
from guanxi.analytics.models._summary import as_predict_arrays, as_time, wsum
from guanxi.analytics.models._transaction import Summary, TransactionModel

__all__ = ["ParetoNBD"]


def _rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes mapped to [0, 1] and the logs of their weights (halved)."""
    nodes, weights = roots_legendre(n)
    return (nodes + 1.0) / 2.0, np.log(weights / 2.0)


_NODES_10, _LOG_WEIGHTS_10 = _rule(10)
_NODES_16, _LOG_WEIGHTS_16 = _rule(16)
_NODES_24, _LOG_WEIGHTS_24 = _rule(24)
#: The integrand is followed until it has fallen by e^-50 from its value at t_x.
_DECAY = 50.0


class ParetoData:
    """A summary as contiguous float arrays (weights empty when all are 1), for every
    evaluation of one fit."""

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        self.x = np.ascontiguousarray(summary.x, dtype=np.float64)
        self.tx = np.ascontiguousarray(summary.tx, dtype=np.float64)
        self.big_t = np.ascontiguousarray(summary.T, dtype=np.float64)
        unit = bool(np.all(summary.w == 1.0))
        self.w = np.empty(0) if unit else np.ascontiguousarray(summary.w, dtype=np.float64)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _log_integral_row(r, alpha, s, beta, x, tx, big_t):
    """``log I`` of one customer and ``d log I / d(r, alpha, s, beta)``.

    In the variable ``u = log((c+tau)/(c+t_x))`` the factor of ``c`` needs no logarithm:
    ``log(c+tau) = log(c+t_x) + u``; only the other factor is evaluated at the nodes.
    """
    rx = r + x
    use_alpha = alpha <= beta
    c = alpha if use_alpha else beta
    other = beta if use_alpha else alpha
    e_c = rx if use_alpha else s + 1.0  # exponent of (c + tau)
    e_other = s + 1.0 if use_alpha else rx
    c_tx = c + tx
    log_ctx = np.log(c_tx)
    # The integrand falls at a rate of at least e_c - 1 + e_other (c+t_x)/(o+t_x) per unit of u.
    span = np.log((c + big_t) / c_tx)
    rate = e_c - 1.0 + e_other * c_tx / (other + tx)
    upper = min(span, _DECAY / max(rate, 1e-300)) if rate > 0 else span
    row = np.log(upper) + (1.0 - e_c) * log_ctx
    reach = max(upper, upper * abs(rate))
    if reach <= 2.5:
        nodes, log_weights = _NODES_10, _LOG_WEIGHTS_10
    elif reach <= 4.0:
        nodes, log_weights = _NODES_16, _LOG_WEIGHTS_16
    else:
        nodes, log_weights = _NODES_24, _LOG_WEIGHTS_24
    top = 0.0
    total = 0.0
    sum_h = 0.0
    sum_shrink = 0.0
    sum_log_other = 0.0
    sum_inv_other = 0.0
    for j in range(nodes.shape[0]):
        c_tau = c_tx * np.exp(upper * nodes[j])
        other_tau = c_tau + (other - c)
        log_other = np.log(other_tau)
        # log of weight * integrand at node u_j = upper * h_j:
        #   log(w_j/2) + log(upper) + (1-e_c) log(c+t_x) + (1-e_c) u_j - e_o log(o+tau)
        log_term = log_weights[j] + row + (1.0 - e_c) * upper * nodes[j] - e_other * log_other
        if j == 0 and np.isfinite(log_term):
            # scale by the first node (next to t_x): the terms vary by at most ~e^(upper)
            top = log_term
        term = np.exp(log_term - top)
        if not term > 0.0:
            continue
        total += term
        sum_h += term * nodes[j]
        sum_shrink += term * c_tx / c_tau  # (c+t_x)/(c+tau)
        sum_log_other += term * log_other
        sum_inv_other += term / other_tau
    log_i = top + np.log(total)
    norm = 1.0 / total if total > 0 else 0.0
    mean_log_c = log_ctx + upper * sum_h * norm
    mean_inv_c = sum_shrink * norm / c_tx
    mean_log_other = sum_log_other * norm
    mean_inv_other = sum_inv_other * norm
    if not use_alpha:
        mean_log_c, mean_log_other = mean_log_other, mean_log_c
        mean_inv_c, mean_inv_other = mean_inv_other, mean_inv_c
    # alpha's factor first, beta's second
    return (
        log_i,
        -mean_log_c,
        -rx * mean_inv_c,
        -mean_log_other,
        -(s + 1.0) * mean_inv_other,
    )


@numba.njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def _log_integrals(r, alpha, s, beta, x, tx, big_t, grad):
    log_i = np.empty(x.shape[0])
    with_gradient = grad.shape[0] == x.shape[0]
    for i in numba.prange(x.shape[0]):
        value, g0, g1, g2, g3 = _log_integral_row(r, alpha, s, beta, x[i], tx[i], big_t[i])
        log_i[i] = value
        if with_gradient:
            grad[i, 0] = g0
            grad[i, 1] = g1
            grad[i, 2] = g2
            grad[i, 3] = g3
    return log_i


def _log_integral(
    r: float,
    alpha: float,
    s: float,
    beta: float,
    x: np.ndarray,
    tx: np.ndarray,
    big_t: np.ndarray,
    with_gradient: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """``log I`` per row and, optionally, ``d log I / d(r, alpha, s, beta)`` (rows x 4)."""
    as_float = [np.ascontiguousarray(v, dtype=np.float64) for v in (x, tx, big_t)]
    grad = np.empty((len(x), 4)) if with_gradient else np.empty((0, 4))
    log_i = _log_integrals(float(r), float(alpha), float(s), float(beta), *as_float, grad)  # type: ignore[call-arg]
    return log_i, (grad if with_gradient else None)


@numba.njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def _row_sums(r, alpha, s, beta, x, tx, big_t, w):
    """The rows' part of the log-likelihood and of its gradient, in one parallel pass.

    A row's likelihood adds two terms (in log space): alive at T, and dropped out in (t_x, T]
    (the quadrature); the gradient mixes the two terms' gradients by their shares.
    """
    weighted = w.shape[0] == x.shape[0]
    total = 0.0
    g0 = 0.0
    g1 = 0.0
    g2 = 0.0
    g3 = 0.0
    log_s = np.log(s)
    for i in numba.prange(x.shape[0]):
        wi = w[i] if weighted else 1.0
        rx = r + x[i]
        log_at = np.log(alpha + big_t[i])
        log_bt = np.log(beta + big_t[i])
        log_i, d0, d1, d2, d3 = _log_integral_row(r, alpha, s, beta, x[i], tx[i], big_t[i])
        alive = -rx * log_at - s * log_bt
        dead = log_s + log_i
        top = max(alive, dead)
        e_alive = np.exp(alive - top)
        e_dead = np.exp(dead - top)
        norm = e_alive + e_dead
        total += wi * (top + np.log(norm))
        p_alive = e_alive / norm
        p_dead = e_dead / norm
        g0 += wi * (p_dead * d0 - p_alive * log_at)
        g1 += wi * (p_dead * d1 - p_alive * rx / (alpha + big_t[i]))
        g2 += wi * (p_dead * (d2 + 1.0 / s) - p_alive * log_bt)
        g3 += wi * (p_dead * d3 - s * p_alive / (beta + big_t[i]))
    return total, g0, g1, g2, g3


def _alive_and_dead_terms(
    r: float, alpha: float, s: float, beta: float, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Log of the two bracket terms: alive at T, and dropped out in (t_x, T]."""
    alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    log_i, _ = _log_integral(r, alpha, s, beta, x, tx, big_t, with_gradient=False)
    return alive, np.log(s) + log_i


def paretonbd_negloglik(params: np.ndarray, data: ParetoData) -> tuple[float, np.ndarray]:
    """Total negative log-likelihood of the Pareto/NBD and its gradient in (r, alpha, s, beta)."""
    r, alpha, s, beta = params
    summary = data.summary
    xv, xw = summary.x_values, summary.x_weights
    n = xw.sum()
    total = xw @ (gammaln(r + xv) - gammaln(r)) + n * (r * np.log(alpha) + s * np.log(beta))
    g = np.array(
        [
            xw @ (digamma(r + xv) - digamma(r)) + n * np.log(alpha),
            n * r / alpha,
            n * np.log(beta),
            n * s / beta,
        ]
    )
    rows_total, *rows_grad = _row_sums(
        float(r), float(alpha), float(s), float(beta), data.x, data.tx, data.big_t, data.w
    )
    total += rows_total
    g += np.array(rows_grad)
    return -float(total), -g


class ParetoNBD(TransactionModel):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005 note).

    While alive a customer buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``; the
    lifetime is exponential with rate ``mu ~ Gamma(s, beta)`` (rates per time unit of the data).

    Parameters
    ----------
    initial_params, penalizer, tol, max_iter
        As for :class:`BetaGeo`; parameters ``r, alpha, s, beta``.

    Attributes
    ----------
    params_, standard_errors_, log_likelihood_, n_customers_, n_iter_
        As for :class:`BetaGeo`.
    """

    param_names = ("r", "alpha", "s", "beta")
    _group_threshold = 0.8  # a quadrature per row and evaluation: grouping pays early

    def _fit_summary(self, summary: Summary) -> None:
        rate = wsum(summary.w, summary.x) / wsum(summary.w, summary.T)
        scale = wsum(summary.w, summary.T) / summary.n_customers
        starts = self._starts((1.0, 1.0 / max(rate, 1e-6), 1.0, scale))

        def prepare(step: int) -> tuple[NegLogLik, float]:
            part = summary.every(step) if step > 1 else summary
            data = ParetoData(part)
            return (lambda params: paretonbd_negloglik(params, data)), part.n_customers

        result, errors = fit_in_two_stages(
            prepare,
            len(summary.x),
            starts,
            self.param_names,
            tol=self.tol,
            max_iter=self.max_iter,
            penalizer=self.penalizer,
            prestart_rows=10_000,
        )
        self._store_fit(result, errors, summary.n_customers)

    def expected_purchases(self, t: Any) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a new customer (time unit of the data)."""
        r, alpha, s, beta = self._params()
        t = as_time(t)
        return r * beta / alpha * _survival_integral(s, np.log(beta / (beta + t)))

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that the customer is still alive at ``T`` (Fader & Hardie 2005, eq. 18)."""
        r, alpha, s, beta = self._params()
        x, tx, big_t = as_predict_arrays(frequency, recency, T)
        shape = x.shape
        alive, dead = _alive_and_dead_terms(r, alpha, s, beta, x.ravel(), tx.ravel(), big_t.ravel())
        return np.exp(alive - np.logaddexp(alive, dead)).reshape(shape)

    def conditional_expected_purchases(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray:
        """Expected purchases in ``(T, T + t]`` given the history (Fader & Hardie 2005, eq. 22).

        ``t`` in the time unit of the data.
        """
        r, alpha, s, beta = self._params()
        t = as_time(t)
        x, tx, big_t = as_predict_arrays(frequency, recency, T)
        alive = self.probability_alive(x, tx, big_t)
        rate = (r + x) / (alpha + big_t) * (beta + big_t)
        return rate * _survival_integral(s, np.log((beta + big_t) / (beta + big_t + t))) * alive


def _survival_integral(s: float, log_ratio: np.ndarray) -> np.ndarray:
    """``(1 - ratio^(s-1)) / (s-1)``, continuous at ``s = 1`` where it is ``-log(ratio)``."""
    if abs(s - 1.0) < 1e-10:
        return -log_ratio
    return -np.expm1((s - 1.0) * log_ratio) / (s - 1.0)
