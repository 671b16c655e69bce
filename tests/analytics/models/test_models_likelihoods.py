"""Analytic gradients against finite differences; Pareto/NBD quadrature against 2F1."""

from __future__ import annotations

import itertools

import ltv_simulation as sim
import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import hyp2f1

from guanxi.analytics.models._betageo_likelihood import BetaGeoData, betageo_negloglik
from guanxi.analytics.models._transaction import Summary
from guanxi.analytics.models.bgbb import _negloglik as bgbb_negloglik
from guanxi.analytics.models.gammagamma import _negloglik as gg_negloglik
from guanxi.analytics.models.gammagamma import _SpendData
from guanxi.analytics.models.paretonbd import ParetoData, _log_integral, paretonbd_negloglik

pytestmark = pytest.mark.dbindependent


def _check_gradient(function, params):
    analytic = function(params)[1]
    numeric = approx_fprime(params, lambda p: function(p)[0], 1e-7 * params)
    np.testing.assert_allclose(analytic, numeric, rtol=2e-4, atol=1e-3)


@pytest.fixture(scope="module")
def summary():
    x, tx, big_t = sim.betageo(3000, 0.3, 5.0, 0.8, 2.5, seed=21)
    return Summary(x, tx, big_t, np.ones(len(x)))


@pytest.mark.parametrize("params", [(0.3, 5.0, 0.8, 2.5), (2.0, 0.5, 3.0, 0.4)])
@pytest.mark.parametrize("shift", [0, 1], ids=["BG/NBD", "MBG/NBD"])
def test_betageo_gradient(summary, params, shift):
    data = BetaGeoData(summary, shift)
    _check_gradient(lambda p: betageo_negloglik(p, data), np.array(params))


@pytest.mark.parametrize(
    "params", [(0.55, 10.6, 0.61, 11.7), (1.5, 2.0, 0.3, 40.0), (0.4, 30.0, 2.0, 1.5)]
)
def test_paretonbd_gradient(summary, params):
    data = ParetoData(summary)
    _check_gradient(lambda p: paretonbd_negloglik(p, data), np.array(params))


def test_gammagamma_gradient():
    x, m = sim.gammagamma(2000, 6.25, 3.74, 15.44, seed=22)
    data = _SpendData(x, m)
    _check_gradient(lambda p: gg_negloglik(p, data), np.array([5.0, 3.0, 12.0]))


def test_bgbb_gradient():
    x, tx, n = sim.bgbb(2000, 1.2, 0.75, 0.66, 2.78, periods=8, seed=23)
    w = np.ones(len(x))
    _check_gradient(lambda p: bgbb_negloglik(p, x, tx, n, w), np.array([1.0, 0.9, 0.7, 2.0]))


@pytest.mark.parametrize(
    "params",
    [
        (0.55, 10.58, 0.61, 11.67),
        (0.5, 2.0, 0.5, 10.0),
        (0.5, 10.0, 0.5, 2.0),
        (0.243, 4.4, 0.8, 30.0),
    ],
)
def _log_integral_2f1(r, alpha, s, beta, x, tx, big_t):
    """log of the integral by Fader & Hardie's (2005) closed form with Gauss's 2F1."""
    m = r + s + x

    def antiderivative(t):
        if alpha >= beta:
            return hyp2f1(m, s + 1, m + 1, (alpha - beta) / (alpha + t)) / (alpha + t) ** m
        return hyp2f1(m, r + x, m + 1, (beta - alpha) / (beta + t)) / (beta + t) ** m

    with np.errstate(all="ignore"):
        return np.log((antiderivative(tx) - antiderivative(big_t)) / m)


@pytest.mark.parametrize(
    "params",
    [
        (0.55, 10.58, 0.61, 11.67),
        (0.5, 2.0, 0.5, 10.0),
        (0.5, 10.0, 0.5, 2.0),
        (0.243, 4.4, 0.8, 30.0),
    ],
)
def test_paretonbd_quadrature_matches_hypergeometric_form(params):
    r, alpha, s, beta = params
    x = np.array([0, 1, 2, 5, 10, 20, 50, 100], dtype=float)
    for horizon, fraction in itertools.product((1.0, 39.0, 200.0), (0.01, 0.5, 0.99)):
        big_t = np.full(len(x), horizon)
        tx = np.where(x > 0, fraction * big_t, 0.0)
        reference = _log_integral_2f1(r, alpha, s, beta, x, tx, big_t)
        ok = np.isfinite(reference)  # 2F1 in linear space underflows for large x; quadrature not
        got, _ = _log_integral(r, alpha, s, beta, x, tx, big_t, with_gradient=False)
        np.testing.assert_allclose(got[ok], reference[ok], atol=1e-9, rtol=0)
        assert np.all(np.isfinite(got))
