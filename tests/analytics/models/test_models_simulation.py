"""Each model recovers the parameters of data drawn from its own generative process.

Seeded draws; a parameter passes when it lies within three standard errors of the truth.
"""

from __future__ import annotations

import ltv_simulation as sim
import pytest

from guanxi.analytics.models import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
)

pytestmark = pytest.mark.dbindependent


def _assert_recovered(model, truth):
    for name, value in truth.items():
        error = model.standard_errors_[name]
        assert abs(model.params_[name] - value) < 3 * error, (name, model.params_, error)


def test_bgnbd_recovers_simulated_parameters():
    truth = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    # 20k: at 10k the sampling distribution of b is visibly right-skewed (Wald bands too narrow).
    x, tx, big_t = sim.betageo(20_000, *truth.values(), seed=101)
    _assert_recovered(BetaGeo().fit(frequency=x, recency=tx, T=big_t), truth)


def test_mbgnbd_recovers_simulated_parameters():
    truth = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
    x, tx, big_t = sim.betageo(10_000, *truth.values(), seed=102, modified=True)
    _assert_recovered(ModifiedBetaGeo().fit(frequency=x, recency=tx, T=big_t), truth)


def test_paretonbd_recovers_simulated_parameters():
    truth = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
    x, tx, big_t = sim.paretonbd(10_000, *truth.values(), seed=103)
    _assert_recovered(ParetoNBD().fit(frequency=x, recency=tx, T=big_t), truth)


def test_gammagamma_recovers_simulated_parameters():
    truth = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    x, m = sim.gammagamma(5_000, *truth.values(), seed=104)
    _assert_recovered(GammaGamma().fit(frequency=x, monetary_value=m), truth)


def test_bgbb_recovers_simulated_parameters():
    # Fader, Hardie & Shang (2010) estimates for the 1995 donor cohort, 6 periods.
    truth = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
    x, tx, n = sim.bgbb(11_104, *truth.values(), periods=6, seed=105)
    _assert_recovered(BetaGeoBetaBinom().fit(frequency=x, recency=tx, n_periods=n), truth)
