"""MBG/NBD: the modified BG/NBD, where customers may also drop out right after the first purchase.

Reference: E. P. Batislam, M. Denizel and A. Filiztekin (2007), "Empirical validation and
comparison of models for customer base analysis", *International Journal of Research in
Marketing* 24(3), 201-209.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import hyp2f1

from guanxi.analytics.models._summary import as_predict_arrays, as_time
from guanxi.analytics.models._transaction import Summary, TransactionModel
from guanxi.analytics.models.betageo import (
    _away_from_one,
    _betageo_count_probability,
    _fit_betageo,
)

__all__ = ["ModifiedBetaGeo"]


class ModifiedBetaGeo(TransactionModel):
    """MBG/NBD model (Batislam, Denizel & Filiztekin 2007).

    As :class:`BetaGeo`, but the drop-out coin ``p ~ Beta(a, b)`` is also tossed at time 0, so a
    customer without repeat purchases may already be gone: ``P(alive) < 1`` for everyone.
    Settings, ``fit`` and fitted attributes are those of :class:`BetaGeo`; parameters
    ``r, alpha, a, b``.
    """

    param_names = ("r", "alpha", "a", "b")
    _group_threshold = 0.1  # ~10 ns per row and evaluation: grouping rarely pays

    def _fit_summary(self, summary: Summary) -> None:
        _fit_betageo(self, summary, shift=1)

    def expected_purchases(self, t: Any) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a new customer (time unit of the data)."""
        r, alpha, a, b = self._params()
        a = _away_from_one(a)
        t = as_time(t)
        z = t / (alpha + t)
        return b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b + 1, a + b, z))

    def conditional_expected_purchases(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray:
        """Expected purchases in ``(T, T + t]`` given the history (time unit of the data)."""
        r, alpha, a, b = self._params()
        t = as_time(t)
        x, tx, big_t = as_predict_arrays(frequency, recency, T)
        alive = self.probability_alive(x, tx, big_t)
        a = _away_from_one(a)
        rx = r + x
        z = t / (alpha + big_t + t)
        head = (a + b + x) / (a - 1)
        body = 1 - np.exp(rx * np.log((alpha + big_t) / (alpha + big_t + t))) * hyp2f1(
            rx, b + x + 1, a + b + x, z
        )
        return head * body * alive

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that the customer has not dropped out by ``T``."""
        r, alpha, a, b = self._params()
        x, tx, big_t = as_predict_arrays(frequency, recency, T)
        log_odds = np.log(a) - np.log(b + x) + (r + x) * np.log((alpha + big_t) / (alpha + tx))
        return 1.0 / (1.0 + np.exp(log_odds))

    def probability_of_purchases(self, n: Any, t: Any) -> np.ndarray:
        """``P(X(t) = n)`` for a new customer over ``(0, t]`` (time unit of the data)."""
        r, alpha, a, b = self._params()
        return _betageo_count_probability(
            np.asarray(n, dtype=np.float64), as_time(t), r, alpha, a, b, shift=1
        )
