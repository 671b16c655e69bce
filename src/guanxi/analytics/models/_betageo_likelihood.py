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

import numpy as np
from scipy.special import betaln, digamma, gammaln

from guanxi.analytics.models._summary import wsum
from guanxi.analytics.models._transaction import Summary

__all__ = ["BetaGeoData", "betageo_negloglik"]


class BetaGeoData:
    """A summary split once per fit into rows with and without the drop-out term, with scratch
    space for the per-row terms, reused by every evaluation (fresh memory costs page faults)."""

    def __init__(self, summary: Summary, shift: int) -> None:
        self.shift = shift
        self.x_values, self.x_weights = summary.x_values, summary.x_weights
        both = summary.x > 0 if shift == 0 else np.ones(len(summary.x), dtype=bool)
        unit = bool(np.all(summary.w == 1.0))
        self.T0 = summary.T[~both]
        self.w0 = None if unit else summary.w[~both]
        self.x1, self.tx1, self.T1 = summary.x[both], summary.tx[both], summary.T[both]
        self.w1 = None if unit else summary.w[both]
        self.scratch0 = np.empty(len(self.T0))
        self.scratch = np.empty((6, len(self.x1)))


def betageo_negloglik(params: np.ndarray, data: BetaGeoData) -> tuple[float, np.ndarray]:
    """Total negative log-likelihood and its gradient in (r, alpha, a, b)."""
    r, alpha, a, b = params
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
        tmp = data.scratch0
        np.add(alpha, data.T0, out=tmp)
        np.reciprocal(tmp, out=tmp)
        g_alpha -= r * wsum(data.w0, tmp)
        np.log(tmp, out=tmp)  # -log(alpha+T)
        sum_log = -wsum(data.w0, tmp)
        total -= r * sum_log
        g_r -= sum_log

    # Rows with it: log[(alpha+T)^-(r+x) + a/(b+x-1+k) (alpha+t_x)^-(r+x)]
    #             = -(r+x) log(alpha+T) + softplus(d),
    # d = log a - log(b+x-1+k) - (r+x) [log(alpha+t_x) - log(alpha+T)].
    w = data.w1
    log_at, gap, rx, d, small, work = data.scratch
    np.add(alpha, data.T1, out=log_at)
    np.log(log_at, out=log_at)
    np.add(alpha, data.tx1, out=gap)
    np.log(gap, out=gap)
    gap -= log_at
    np.add(r, data.x1, out=rx)
    np.add(b - 1.0 + shift, data.x1, out=work)
    np.log(work, out=d)
    np.subtract(np.log(a), d, out=d)
    np.multiply(rx, gap, out=work)
    d -= work
    np.abs(d, out=small)
    np.negative(small, out=small)
    np.exp(small, out=small)  # exp(-|d|)
    np.log1p(small, out=work)
    total += wsum(w, work) - wsum(w, rx, log_at)
    np.maximum(d, 0.0, out=work)
    total += wsum(w, work)
    # omega = sigmoid(d): posterior probability of "dropped out after the last purchase"
    omega = d
    np.minimum(d, 0.0, out=omega)
    np.exp(omega, out=omega)
    small += 1.0
    omega /= small
    g_r -= wsum(w, log_at) + wsum(w, omega, gap)
    inv_at, inv_atx = log_at, gap  # reuse: their log values are no longer needed
    np.add(alpha, data.T1, out=inv_at)
    np.reciprocal(inv_at, out=inv_at)
    np.add(alpha, data.tx1, out=inv_atx)
    np.reciprocal(inv_atx, out=inv_atx)
    inv_atx -= inv_at
    g_alpha -= wsum(w, rx, inv_at) + wsum(w, omega, rx, inv_atx)
    g_a += wsum(w, omega) / a
    np.add(b - 1.0 + shift, data.x1, out=work)
    np.reciprocal(work, out=work)
    g_b -= wsum(w, omega, work)
    return -float(total), -np.array([g_r, g_alpha, g_a, g_b])
