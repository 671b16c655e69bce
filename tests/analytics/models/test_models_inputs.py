"""Bad input, degenerate data and poor starting points: a clear error or a real maximum."""

from __future__ import annotations

import ltv_simulation as sim
import numpy as np
import pytest

from guanxi.analytics.errors import ConvergenceError, InputError
from guanxi.analytics.models import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
)

pytestmark = pytest.mark.dbindependent

PURCHASE_MODELS = [BetaGeo, ModifiedBetaGeo, ParetoNBD]
purchase_models = pytest.mark.parametrize("model", PURCHASE_MODELS, ids=lambda m: m.__name__)


def _summary():
    return {
        "frequency": np.array([0.0, 2.0, 1.0, 5.0, 0.0]),
        "recency": np.array([0.0, 10.0, 3.0, 20.0, 0.0]),
        "T": np.array([30.0, 30.0, 25.0, 35.0, 28.0]),
    }


@purchase_models
@pytest.mark.parametrize(
    ("column", "index", "value", "message"),
    [
        ("recency", 2, 26.0, "'recency' must not exceed T at index 2"),
        ("recency", 1, -1.0, "'recency' must not be negative at index 1"),
        ("recency", 0, 4.0, "'recency' must be 0 when frequency is 0 at index 0"),
        ("recency", 3, np.inf, "'recency' has a missing or infinite value at index 3"),
        ("T", 4, 0.0, "'T' must be positive at index 4"),
        ("T", 1, np.nan, "'T' has a missing or infinite value at index 1"),
    ],
)
def test_bad_summary_names_column_and_index(model, column, index, value, message):
    data = _summary()
    data[column][index] = value
    with pytest.raises(InputError, match=message):
        model().fit(**data)


@purchase_models
def test_non_numeric_column_is_named(model):
    data = _summary()
    data["T"] = np.array(["a", "b", "c", "d", "e"])
    with pytest.raises(InputError, match="'T' must be numeric"):
        model().fit(**data)


@purchase_models
def test_nobody_repeating_is_an_input_error(model):
    # Everyone bought once: frequency all zero.
    with pytest.raises(InputError, match="no customer made a repeat purchase"):
        model().fit(frequency=np.zeros(50), recency=np.zeros(50), T=np.full(50, 30.0))


@purchase_models
def test_fit_recovers_from_poor_starting_points(model, cdnow):
    data = {k: cdnow[k] for k in ("frequency", "recency", "T")}
    reference = model().fit(**data)
    names = model.param_names
    for start in (
        {n: 50.0 for n in names},
        {n: 0.01 for n in names},
        dict(zip(names, [20.0, 0.05, 10.0, 0.05], strict=True)),
    ):
        fitted = model(initial_params=start).fit(**data)
        assert fitted.log_likelihood_ == pytest.approx(reference.log_likelihood_, abs=1e-4)
        for name in names:
            assert fitted.params_[name] == pytest.approx(reference.params_[name], rel=1e-3)


@purchase_models
def test_weights_equal_repeated_rows(model, cdnow):
    x, tx, big_t = cdnow["frequency"][:600], cdnow["recency"][:600], cdnow["T"][:600]
    w = np.arange(600) % 3 + 1.0
    weighted = model().fit(frequency=x, recency=tx, T=big_t, weights=w)
    repeated = model().fit(
        frequency=np.repeat(x, w.astype(int)),
        recency=np.repeat(tx, w.astype(int)),
        T=np.repeat(big_t, w.astype(int)),
    )
    assert weighted.log_likelihood_ == pytest.approx(repeated.log_likelihood_, rel=1e-9)
    for name in model.param_names:
        assert weighted.params_[name] == pytest.approx(repeated.params_[name], rel=1e-5)


def test_gammagamma_excludes_non_repeat_and_non_positive_spend():
    x, m = sim.gammagamma(500, 6.25, 3.74, 15.44, seed=8)
    x = np.concatenate([x, [0.0, 0.0, 2.0, 3.0]])
    m = np.concatenate([m, [0.0, 12.0, 0.0, -5.0]])
    model = GammaGamma().fit(frequency=x, monetary_value=m)
    assert model.n_excluded_ == 4
    assert model.n_customers_ == 500


def test_gammagamma_needs_repeat_customers():
    with pytest.raises(InputError, match="at least two customers"):
        GammaGamma().fit(frequency=[0.0, 0.0, 1.0], monetary_value=[0.0, 0.0, 10.0])


@pytest.mark.parametrize(
    ("column", "index", "value", "message"),
    [
        ("recency", 1, 2.5, "'recency' must be a whole number at index 1"),
        ("frequency", 2, 5.0, "'frequency' must not exceed recency at index 2"),
        ("recency", 2, 7.0, "'recency' must not exceed n_periods at index 2"),
        ("n_periods", 0, 6.5, "'n_periods' must be a whole number at index 0"),
    ],
)
def test_bgbb_checks_discrete_summaries(column, index, value, message):
    data = {
        "frequency": np.array([0.0, 2.0, 3.0, 6.0]),
        "recency": np.array([0.0, 5.0, 4.0, 6.0]),
        "n_periods": np.full(4, 6.0),
    }
    data[column][index] = value
    with pytest.raises(InputError, match=message):
        BetaGeoBetaBinom().fit(**data)


def test_bgbb_rejects_negative_weights_and_no_repeat():
    with pytest.raises(InputError, match="'weights' must be >= 0; index 1"):
        BetaGeoBetaBinom().fit(
            frequency=[1.0, 2.0], recency=[1.0, 3.0], n_periods=[6.0, 6.0], weights=[1.0, -2.0]
        )
    with pytest.raises(InputError, match="no customer made a repeat transaction"):
        BetaGeoBetaBinom().fit(frequency=[0.0, 0.0], recency=[0.0, 0.0], n_periods=[6.0, 6.0])


def test_bgbb_grouped_weights_equal_individual_rows():
    x, tx, n = sim.bgbb(3000, 1.2, 0.75, 0.66, 2.78, periods=6, seed=9)
    individual = BetaGeoBetaBinom().fit(frequency=x, recency=tx, n_periods=n)
    keys, counts = np.unique(np.column_stack([x, tx, n]), axis=0, return_counts=True)
    grouped = BetaGeoBetaBinom().fit(
        frequency=keys[:, 0], recency=keys[:, 1], n_periods=keys[:, 2], weights=counts
    )
    assert len(keys) <= 22
    assert grouped.log_likelihood_ == pytest.approx(individual.log_likelihood_, rel=1e-10)
    for name in BetaGeoBetaBinom.param_names:
        assert grouped.params_[name] == pytest.approx(individual.params_[name], rel=1e-6)


def test_gammagamma_and_bgbb_recover_from_poor_starting_points(cdnow):
    data = {"frequency": cdnow["frequency"], "monetary_value": cdnow["monetary_value"]}
    reference = GammaGamma().fit(**data)
    for start in ({"p": 50.0, "q": 50.0, "gamma": 0.01}, {"p": 0.01, "q": 1.5, "gamma": 1e4}):
        fitted = GammaGamma(initial_params=start).fit(**data)
        assert fitted.log_likelihood_ == pytest.approx(reference.log_likelihood_, abs=1e-4)
        for name in GammaGamma.param_names:
            assert fitted.params_[name] == pytest.approx(reference.params_[name], rel=1e-3)
    x, tx, n = sim.bgbb(3000, 1.2, 0.75, 0.66, 2.78, periods=6, seed=10)
    reference = BetaGeoBetaBinom().fit(frequency=x, recency=tx, n_periods=n)
    for value in (30.0, 0.02):
        start = dict.fromkeys(BetaGeoBetaBinom.param_names, value)
        fitted = BetaGeoBetaBinom(initial_params=start).fit(frequency=x, recency=tx, n_periods=n)
        assert fitted.log_likelihood_ == pytest.approx(reference.log_likelihood_, abs=1e-4)
        for name in BetaGeoBetaBinom.param_names:
            assert fitted.params_[name] == pytest.approx(reference.params_[name], rel=1e-3)


def test_bgbb_boundary_maximum_is_a_convergence_error():
    # Everyone bought in every period: the maximum sits at p = 1, theta = 0 (a boundary), and a
    # fit must say so instead of returning parameters on their way there.
    n = np.full(200, 6.0)
    with pytest.raises(ConvergenceError, match="cannot identify"):
        BetaGeoBetaBinom().fit(frequency=n, recency=n, n_periods=n)
    with pytest.raises(ConvergenceError, match="cannot identify"):
        BetaGeoBetaBinom().fit(
            frequency=np.r_[n, 3.0], recency=np.r_[n, 5.0], n_periods=np.r_[n, 6.0]
        )


@pytest.mark.parametrize("model", [BetaGeo, ModifiedBetaGeo, ParetoNBD], ids=lambda m: m.__name__)
def test_one_customer_is_a_convergence_error(model):
    with pytest.raises(ConvergenceError, match="cannot identify"):
        model().fit(frequency=[3.0], recency=[20.0], T=[30.0])


def test_gammagamma_two_customers_is_a_convergence_error():
    with pytest.raises(ConvergenceError, match="cannot identify"):
        GammaGamma().fit(frequency=[1.0, 2.0], monetary_value=[10.0, 12.0])
