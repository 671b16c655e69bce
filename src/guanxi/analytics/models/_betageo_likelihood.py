"""Log-likelihood and analytic gradient of BG/NBD and MBG/NBD on grouped summaries.

Both models mix a Poisson purchase process over gamma(r, alpha) rates with a geometric drop-out
over beta(a, b) probabilities. In BG/NBD a customer may drop out after each repeat purchase
(Fader, Hardie & Lee 2005); in MBG/NBD also right after the first purchase (Batislam, Denizel &
Filiztekin 2007), which shifts the beta function by one and gives the second term to customers
without repeat purchases too. With ``k = 0`` (BG/NBD) or ``k = 1`` (MBG/NBD)::

    L = B(a, b+x+k)/B(a, b) * Gamma(r+x) alpha^r / Gamma(r)
        * [ (alpha+T)^-(r+x) + [x>0 or k=1] a/(b+x-1+k) (alpha+t_x)^-(r+x) ]
"""

from __future__ import annotations

import numba
import numpy as np
from scipy.special import betaln, digamma, gammaln

from guanxi.analytics.models._transaction import Summary

__all__ = ["BetaGeoData", "betageo_negloglik"]


class BetaGeoData:
    """A summary split once per fit into rows with and without the drop-out term (weights of
    1 when the rows are not grouped), reused by every evaluation of one fit."""

    def __init__(self, summary: Summary, shift: int) -> None:
        self.shift = shift
        self.x_values, self.x_weights = summary.x_values, summary.x_weights
        both = summary.x > 0 if shift == 0 else np.ones(len(summary.x), dtype=bool)
        unit = bool(np.all(summary.w == 1.0))
        self.T0 = np.ascontiguousarray(summary.T[~both], dtype=np.float64)
        self.w0 = _EMPTY if unit else np.ascontiguousarray(summary.w[~both], dtype=np.float64)
        self.x1 = np.ascontiguousarray(summary.x[both], dtype=np.float64)
        self.tx1 = np.ascontiguousarray(summary.tx[both], dtype=np.float64)
        self.T1 = np.ascontiguousarray(summary.T[both], dtype=np.float64)
        self.w1 = _EMPTY if unit else np.ascontiguousarray(summary.w[both], dtype=np.float64)


_EMPTY = np.empty(0)


@numba.njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def _no_dropout_sums(alpha, big_t, w):
    """Sums over the rows without the drop-out term: (w log(alpha+T), w / (alpha+T))."""
    weighted = w.shape[0] == big_t.shape[0]
    s_log = 0.0
    s_inv = 0.0
    for i in numba.prange(big_t.shape[0]):
        wi = w[i] if weighted else 1.0
        at = alpha + big_t[i]
        s_log += wi * np.log(at)
        s_inv += wi / at
    return s_log, s_inv


@numba.njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def _dropout_sums(r, alpha, a, b_shift, x, tx, big_t, w):
    """One pass over the rows with the drop-out term; ``b_shift`` is b - 1 + k.

    log L3 = -(r+x) log(alpha+T) + softplus(d),
    d = log a - log(b+x-1+k) - (r+x) [log(alpha+t_x) - log(alpha+T)],
    and omega = sigmoid(d) is the posterior probability of having dropped out after the last
    purchase, which weighs the gradient terms.
    """
    weighted = w.shape[0] == x.shape[0]
    log_a = np.log(a)
    s_value = 0.0
    s_log_at = 0.0
    s_omega_gap = 0.0
    s_rx_inv_at = 0.0
    s_omega_rx_dinv = 0.0
    s_omega = 0.0
    s_omega_inv_b = 0.0
    for i in numba.prange(x.shape[0]):
        wi = w[i] if weighted else 1.0
        rx = r + x[i]
        at = alpha + big_t[i]
        atx = alpha + tx[i]
        log_at = np.log(at)
        gap = np.log(atx) - log_at
        bx = b_shift + x[i]
        d = log_a - np.log(bx) - rx * gap
        e = np.exp(-abs(d))
        softplus = max(d, 0.0) + np.log1p(e)
        omega = (1.0 if d >= 0 else e) / (1.0 + e)
        s_value += wi * (softplus - rx * log_at)
        s_log_at += wi * log_at
        s_omega_gap += wi * omega * gap
        s_rx_inv_at += wi * rx / at
        s_omega_rx_dinv += wi * omega * rx * (1.0 / atx - 1.0 / at)
        s_omega += wi * omega
        s_omega_inv_b += wi * omega / bx
    return (
        s_value,
        s_log_at,
        s_omega_gap,
        s_rx_inv_at,
        s_omega_rx_dinv,
        s_omega,
        s_omega_inv_b,
    )


def betageo_negloglik(params: np.ndarray, data: BetaGeoData) -> tuple[float, np.ndarray]:
    """Total negative log-likelihood and its gradient in (r, alpha, a, b)."""
    r, alpha, a, b = (float(p) for p in params)
    shift = data.shift
    xv, xw = data.x_values, data.x_weights
    # Terms that depend on the frequency only: evaluated once per distinct frequency.
    psi_abx = digamma(a + b + xv + shift)
    psi_ab = digamma(a + b)
    total = xw @ (
        gammaln(r + xv) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xv + shift) - betaln(a, b)
    )
    g_r = xw @ (digamma(r + xv) - digamma(r) + np.log(alpha))
    g_alpha = xw.sum() * r / alpha
    g_a = xw @ (psi_ab - psi_abx)
    g_b = xw @ (digamma(b + xv + shift) - psi_abx - digamma(b) + psi_ab)

    # Rows without the drop-out term (BG/NBD, x = 0): log L3 = -r log(alpha+T).
    if len(data.T0):
        s_log, s_inv = _no_dropout_sums(alpha, data.T0, data.w0)
        total -= r * s_log
        g_r -= s_log
        g_alpha -= r * s_inv

    if len(data.x1):
        value, log_at, omega_gap, rx_inv_at, omega_rx_dinv, omega, omega_inv_b = _dropout_sums(
            r, alpha, a, b - 1.0 + shift, data.x1, data.tx1, data.T1, data.w1
        )
        total += value
        g_r -= log_at + omega_gap
        g_alpha -= rx_inv_at + omega_rx_dinv
        g_a += omega / a
        g_b -= omega_inv_b
    return -float(total), -np.array([g_r, g_alpha, g_a, g_b])
