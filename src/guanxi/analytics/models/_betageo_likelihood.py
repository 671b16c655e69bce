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

from guanxi.analytics.models._transaction import Summary

__all__ = ["betageo_negloglik"]


def betageo_negloglik(params: np.ndarray, data: Summary, shift: int) -> tuple[float, np.ndarray]:
    """Total negative log-likelihood and its gradient in (r, alpha, a, b)."""
    r, alpha, a, b = params
    xv, xw = data.x_values, data.x_weights
    # Terms that depend on the frequency only: evaluated once per distinct frequency.
    per_x = (
        gammaln(r + xv) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xv + shift) - betaln(a, b)
    )
    psi_abx = digamma(a + b + xv + shift)
    psi_ab = digamma(a + b)
    g_r = xw @ (digamma(r + xv) - digamma(r) + np.log(alpha))
    g_alpha = xw.sum() * r / alpha
    g_a = xw @ (psi_ab - psi_abx)
    g_b = xw @ (digamma(b + xv + shift) - psi_abx - digamma(b) + psi_ab)
    total = xw @ per_x

    # Row terms: log[(alpha+T)^-(r+x) + c (alpha+t_x)^-(r+x)], c = a/(b+x-1+k) where it applies.
    x, w = data.x, data.w
    rx = r + x
    log_at = np.log(alpha + data.T)
    first = -rx * log_at
    has_second = (x > 0) if shift == 0 else np.ones(len(x), dtype=bool)
    if has_second.all():
        sel = slice(None)
    else:
        sel = np.flatnonzero(has_second)
        total += w @ first - w[sel] @ first[sel]
        g_r -= w @ log_at - w[sel] @ log_at[sel]
        g_alpha -= w @ (rx / (alpha + data.T)) - w[sel] @ (rx[sel] / (alpha + data.T[sel]))
    ws, rxs, a_t = w[sel], rx[sel], alpha + data.T[sel]
    a_tx = alpha + data.tx[sel]
    log_atx = np.log(a_tx)
    bx = b + data.x_values[data.x_index[sel]] - 1 + shift
    second = np.log(a) - np.log(bx) - rxs * log_atx
    f_sel = first[sel]
    top = np.maximum(f_sel, second)
    e1, e2 = np.exp(f_sel - top), np.exp(second - top)
    norm = e1 + e2
    total += ws @ (top + np.log(norm))
    omega = e2 / norm  # posterior weight of "dropped out after the last purchase"
    one_minus = e1 / norm
    g_r -= ws @ (one_minus * log_at[sel] + omega * log_atx)
    g_alpha -= ws @ (rxs * (one_minus / a_t + omega / a_tx))
    g_a += (ws @ omega) / a
    g_b -= ws @ (omega / bx)
    return -float(total), -np.array([g_r, g_alpha, g_a, g_b])
