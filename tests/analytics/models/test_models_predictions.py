"""Predictions: internal consistency, and the CDNOW figures lifetimes 0.11.3 gives."""

from __future__ import annotations

import numpy as np
import pytest

from guanxi.analytics.models import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
)

pytestmark = pytest.mark.dbindependent

PURCHASE_MODELS = [BetaGeo, ModifiedBetaGeo, ParetoNBD]


@pytest.fixture(scope="module")
def fitted(cdnow):
    data = {k: cdnow[k] for k in ("frequency", "recency", "T")}
    return {model: model().fit(**data) for model in PURCHASE_MODELS}


@pytest.mark.parametrize(
    ("model", "total", "first_alive"),
    [
        (BetaGeo, 1653.423, 0.726609),
        (ModifiedBetaGeo, 1576.736, 0.706126),
        (ParetoNBD, 1665.53, 0.869117),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_cdnow_predictions_match_lifetimes(fitted, cdnow, model, total, first_alive):
    # lifetimes 0.11.3 on the same data: sum of conditional expected purchases over 39 weeks and
    # P(alive) of customer 1 (x=2, t_x=30.43, T=38.86).
    m = fitted[model]
    expected = m.conditional_expected_purchases(
        39, cdnow["frequency"], cdnow["recency"], cdnow["T"]
    )
    assert expected.sum() == pytest.approx(total, abs=0.01)
    assert m.probability_alive(2, 30.43, 38.86) == pytest.approx(first_alive, abs=2e-6)


@pytest.mark.parametrize("model", PURCHASE_MODELS, ids=lambda m: m.__name__)
def test_new_customer_conditional_equals_unconditional(fitted, model):
    m = fitted[model]
    t = np.array([1.0, 10.0, 52.0])
    conditional = m.conditional_expected_purchases(t, 0, 0, 1e-9)
    np.testing.assert_allclose(conditional, m.expected_purchases(t), rtol=1e-6)


@pytest.mark.parametrize("model", PURCHASE_MODELS, ids=lambda m: m.__name__)
def test_expected_purchases_grow_with_time_from_zero(fitted, cdnow, model):
    m = fitted[model]
    x, tx, big_t = cdnow["frequency"][:50], cdnow["recency"][:50], cdnow["T"][:50]
    assert np.all(m.conditional_expected_purchases(0.0, x, tx, big_t) == 0)
    a = m.conditional_expected_purchases(10.0, x, tx, big_t)
    b = m.conditional_expected_purchases(20.0, x, tx, big_t)
    assert np.all(b > a) and np.all(a > 0)
    alive = m.probability_alive(x, tx, big_t)
    assert np.all((alive > 0) & (alive <= 1))
    assert m.expected_purchases(0.0) == 0


@pytest.mark.parametrize("model", [BetaGeo, ModifiedBetaGeo], ids=lambda m: m.__name__)
def test_purchase_count_distribution_sums_to_one_with_the_right_mean(fitted, model):
    m = fitted[model]
    n = np.arange(400)
    probability = m.probability_of_purchases(n, 39.0)
    assert probability.sum() == pytest.approx(1.0, abs=1e-9)
    assert probability @ n == pytest.approx(float(m.expected_purchases(39.0)), rel=1e-6)


def test_bgnbd_probability_alive_is_one_without_repeat_purchases(fitted):
    assert fitted[BetaGeo].probability_alive([0, 0], [0, 0], [5.0, 39.0]).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("model", PURCHASE_MODELS, ids=lambda m: m.__name__)
def test_clv_discounting_and_horizon(fitted, cdnow, model):
    m = fitted[model]
    x, tx, big_t = cdnow["frequency"][:20], cdnow["recency"][:20], cdnow["T"][:20]
    plain = m.clv(x, tx, big_t, spend=30.0, horizon=52, discount_rate=0.0, margin=0.2, step=52)
    np.testing.assert_allclose(
        plain, 0.2 * 30.0 * m.conditional_expected_purchases(52, x, tx, big_t), rtol=1e-12
    )
    weekly = m.clv(x, tx, big_t, spend=30.0, horizon=52, discount_rate=0.002, margin=0.2)
    assert np.all(weekly < plain)
    longer = m.clv(x, tx, big_t, spend=30.0, horizon=104, discount_rate=0.002, margin=0.2)
    assert np.all(longer > weekly)
    # Monthly steps of 4.345 weeks at the equivalent monthly rate: nearly the same value, a
    # little lower because each month's purchases are discounted at its end.
    monthly = m.clv(
        x, tx, big_t, spend=30.0, horizon=52, discount_rate=1.002**4.345 - 1, step=4.345, margin=0.2
    )
    np.testing.assert_allclose(monthly, weekly, rtol=5e-3)
    assert np.all(monthly < weekly)


def test_gammagamma_clv_uses_conditional_spend(fitted, cdnow):
    spend = GammaGamma().fit(frequency=cdnow["frequency"], monetary_value=cdnow["monetary_value"])
    x, tx, big_t, m = (cdnow[k][:30] for k in ("frequency", "recency", "T", "monetary_value"))
    bg = fitted[BetaGeo]
    got = spend.clv(bg, x, tx, big_t, m, horizon=52, discount_rate=0.002, margin=0.3)
    expected = bg.clv(
        x,
        tx,
        big_t,
        spend=spend.conditional_expected_average_spend(x, m),
        horizon=52,
        discount_rate=0.002,
        margin=0.3,
    )
    np.testing.assert_array_equal(got, expected)
    # Shrinkage: a customer's expected spend lies between their own mean and the population's.
    own = spend.conditional_expected_average_spend([3.0], [100.0])[0]
    assert spend.expected_average_spend() < own < 100.0
    assert spend.conditional_expected_average_spend([0.0], [999.0])[0] == pytest.approx(
        spend.expected_average_spend()
    )


def test_bgbb_predictions_are_consistent():
    model = BetaGeoBetaBinom()
    model.params_ = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
    probability = model.probability_of_purchases(np.arange(7), 6)
    assert probability.sum() == pytest.approx(1.0, abs=1e-12)
    assert probability @ np.arange(7) == pytest.approx(float(model.expected_purchases(6)))
    alive = model.probability_alive([0, 3, 6, 3], [0, 6, 6, 3], [6, 6, 6, 6])
    assert alive[1] == pytest.approx(alive[2])  # t_x = n: seen alive in the last period
    assert alive[0] < alive[1] and alive[3] < alive[1]
    future = model.conditional_expected_purchases(5, [0, 3, 6], [0, 6, 6], [6, 6, 6])
    assert np.all(np.diff(future) > 0)
    assert model.conditional_expected_purchases(0, 3, 6, 6) == 0
    undiscounted = model.clv([3], [6], [6], spend=10.0, horizon=5, discount_rate=0.0)
    assert undiscounted[0] == pytest.approx(10.0 * future[1])
    assert model.clv([3], [6], [6], spend=10.0, horizon=5, discount_rate=0.1)[0] < undiscounted[0]


@pytest.mark.parametrize("model", PURCHASE_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "values", [(0.5, 2.0, 0.5, 0.6), (2.0, 0.3, 3.0, 40.0), (0.3, 40.0, 1.0, 0.2)]
)
def test_predictions_stay_finite_and_quiet_across_parameters(model, values):
    # RuntimeWarnings from guanxi modules fail the run (pyproject filterwarnings).
    m = model()
    m.params_ = dict(zip(model.param_names, values, strict=True))
    x, tx, big_t = np.array([0.0, 1.0, 5.0, 60.0]), np.array([0.0, 0.5, 30.0, 38.9]), 39.0
    alive = m.probability_alive(x, tx, big_t)
    assert np.all((alive > 0) & (alive <= 1))
    for t in (0.0, 1.0, 52.0):
        expected = m.conditional_expected_purchases(t, x, tx, big_t)
        assert np.all(np.isfinite(expected)) and np.all(expected >= 0)
        assert np.isfinite(m.expected_purchases(t))
    value = m.clv(x, tx, big_t, spend=20.0, horizon=52.0, discount_rate=0.002)
    assert np.all(np.isfinite(value))
