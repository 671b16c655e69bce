"""Seeded draws from the generative process of each lifetime-value model (test helper)."""

from __future__ import annotations

import numpy as np


def _ages(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.uniform(27.0, 39.0, n)


def _last_purchase(
    rng: np.random.Generator, x: np.ndarray, opportunities: np.ndarray, window: np.ndarray
) -> np.ndarray:
    """Time of the x-th of ``opportunities`` uniform purchase times on ``(0, window)``."""
    tx = np.zeros(len(x))
    pos = x > 0
    tx[pos] = window[pos] * rng.beta(x[pos], opportunities[pos] - x[pos] + 1)
    return tx


def betageo(n: int, r: float, alpha: float, a: float, b: float, seed: int, modified: bool = False):
    """BG/NBD (or MBG/NBD: a drop-out coin also at time 0) summaries ``(x, t_x, T)``."""
    rng = np.random.default_rng(seed)
    big_t = _ages(rng, n)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    k = rng.poisson(lam * big_t)
    survived = rng.geometric(p) - (1 if modified else 0)  # purchases made before dropping out
    x = np.minimum(k, survived)
    return x.astype(float), _last_purchase(rng, x, k, big_t), big_t


def paretonbd(n: int, r: float, alpha: float, s: float, beta: float, seed: int):
    """Pareto/NBD summaries ``(x, t_x, T)``."""
    rng = np.random.default_rng(seed)
    big_t = _ages(rng, n)
    lam = rng.gamma(r, 1.0 / alpha, n)
    mu = rng.gamma(s, 1.0 / beta, n)
    observed = np.minimum(rng.exponential(1.0 / mu), big_t)
    x = rng.poisson(lam * observed)
    return x.astype(float), _last_purchase(rng, x, x, observed), big_t


def gammagamma(n: int, p: float, q: float, gamma: float, seed: int):
    """Repeat customers' ``(x, mean spend)``; ``x`` from 1 to 20."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 21, n).astype(float)
    nu = rng.gamma(q, 1.0 / gamma, n)
    return x, rng.gamma(p * x, 1.0 / (nu * x))


def bgbb(n: int, alpha: float, beta: float, gamma: float, delta: float, periods: int, seed: int):
    """BG/BB summaries ``(x, t_x, n)`` over ``periods`` transaction opportunities."""
    rng = np.random.default_rng(seed)
    p = rng.beta(alpha, beta, n)
    theta = rng.beta(gamma, delta, n)
    alive = np.ones(n, dtype=bool)
    x, tx = np.zeros(n), np.zeros(n)
    for period in range(1, periods + 1):
        alive &= rng.random(n) >= theta
        buy = alive & (rng.random(n) < p)
        x += buy
        tx = np.where(buy, period, tx)
    return x, tx, np.full(n, float(periods))
