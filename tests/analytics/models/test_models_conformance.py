"""One conformance suite over every lifetime-value model (the scikit-learn contract)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ltv_simulation as sim
import numpy as np
import pytest

from guanxi.analytics.errors import InputError, NotFittedError
from guanxi.analytics.models import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    LifetimeModel,
    ModifiedBetaGeo,
    ParetoNBD,
    clone,
)

pytestmark = pytest.mark.dbindependent


@dataclass
class Case:
    model: type[LifetimeModel]
    data: dict[str, np.ndarray]
    predictions: list[Callable[[Any], Any]]

    def fit(self, **settings: Any) -> LifetimeModel:
        return self.model(**settings).fit(**self.data)


_X, _TX, _T = sim.betageo(2000, 0.243, 4.414, 0.793, 2.426, seed=3)
_PURCHASES = {"frequency": _X, "recency": _TX, "T": _T}
_GX, _GM = sim.gammagamma(1000, 6.25, 3.74, 15.44, seed=4)
_BX, _BTX, _BN = sim.bgbb(2000, 1.2, 0.75, 0.66, 2.78, periods=6, seed=5)


def _purchase_predictions() -> list[Callable[[Any], Any]]:
    return [
        lambda m: m.expected_purchases(10.0),
        lambda m: m.conditional_expected_purchases(10.0, [0, 2], [0, 5.0], [30.0, 30.0]),
        lambda m: m.probability_alive([0, 2], [0, 5.0], [30.0, 30.0]),
        lambda m: m.clv([0, 2], [0, 5.0], [30.0, 30.0], spend=10.0, horizon=52, discount_rate=0.01),
        lambda m: m.holdout_check([0, 2], [0, 5.0], [30.0, 30.0], [0, 1], 10.0),
    ]


CASES = {
    "BetaGeo": Case(BetaGeo, _PURCHASES, _purchase_predictions()),
    "ModifiedBetaGeo": Case(ModifiedBetaGeo, _PURCHASES, _purchase_predictions()),
    "ParetoNBD": Case(ParetoNBD, _PURCHASES, _purchase_predictions()),
    "GammaGamma": Case(
        GammaGamma,
        {"frequency": _GX, "monetary_value": _GM},
        [
            lambda m: m.expected_average_spend(),
            lambda m: m.conditional_expected_average_spend([1, 3], [10.0, 20.0]),
        ],
    ),
    "BetaGeoBetaBinom": Case(
        BetaGeoBetaBinom,
        {"frequency": _BX, "recency": _BTX, "n_periods": _BN},
        [
            lambda m: m.expected_purchases(5),
            lambda m: m.conditional_expected_purchases(5, [0, 3], [0, 6], [6, 6]),
            lambda m: m.probability_alive([0, 3], [0, 6], [6, 6]),
            lambda m: m.probability_of_purchases([0, 1], 6),
            lambda m: m.clv([0, 3], [0, 6], [6, 6], spend=10.0, horizon=10, discount_rate=0.1),
            lambda m: m.holdout_check([0, 3], [0, 6], [6, 6], [0, 2], 5),
        ],
    ),
}

cases = pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))


@pytest.fixture(scope="module")
def fitted() -> dict[type, LifetimeModel]:
    return {case.model: case.fit() for case in CASES.values()}


@cases
def test_settings_are_keyword_only_and_stored_as_given(case):
    start = {case.model.param_names[0]: 0.5}
    model = case.model(initial_params=start, penalizer=0.0, tol=1e-7, max_iter=500)
    assert model.get_params() == {
        "initial_params": start,
        "penalizer": 0.0,
        "tol": 1e-7,
        "max_iter": 500,
    }
    assert model.initial_params is start
    with pytest.raises(TypeError):
        case.model(start)  # type: ignore[misc]


@cases
def test_set_params_returns_self_and_rejects_unknown_names(case):
    model = case.model()
    assert model.set_params(tol=1e-6) is model
    assert model.tol == 1e-6
    with pytest.raises(InputError, match="no setting 'tolerance'"):
        model.set_params(tolerance=1.0)


@cases
def test_clone_gives_an_unfitted_copy_with_the_same_settings(case, fitted):
    model = fitted[case.model]
    model.set_params(max_iter=1500)
    copy = clone(model)
    assert type(copy) is case.model
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "params_")
    # What sklearn.base.clone does: rebuild from get_params(deep=False), settings kept as given.
    params = model.get_params(deep=False)
    rebuilt = case.model(**params)
    assert all(rebuilt.get_params()[k] is v for k, v in params.items())


@cases
def test_fit_returns_self_with_learned_state(case):
    model = case.model()
    assert model.fit(**case.data) is model
    assert set(model.params_) == set(case.model.param_names)
    assert set(model.standard_errors_) == set(case.model.param_names)
    assert all(np.isfinite(v) and v > 0 for v in model.standard_errors_.values())
    assert np.isfinite(model.log_likelihood_)
    assert model.n_iter_ > 0


@cases
def test_no_training_data_or_callables_kept_on_the_model(case, fitted):
    n = len(next(iter(case.data.values())))
    for name, value in vars(fitted[case.model]).items():
        assert not callable(value), name
        assert np.size(value) < n, name


@cases
def test_pickle_round_trip_keeps_fit_and_predictions(case, fitted):
    model = fitted[case.model]
    restored = pickle.loads(pickle.dumps(model))
    assert restored.params_ == model.params_
    assert restored.standard_errors_ == model.standard_errors_
    for predict in case.predictions:
        a, b = predict(model), predict(restored)
        if hasattr(a, "predicted"):
            a, b = a.predicted, b.predicted
        np.testing.assert_array_equal(a, b)


@cases
def test_fitting_twice_gives_identical_parameters(case):
    first, second = case.fit(), case.fit()
    assert first.params_ == second.params_
    assert first.log_likelihood_ == second.log_likelihood_


@cases
def test_predictions_before_fit_raise_not_fitted(case):
    model = case.model()
    for predict in case.predictions:
        with pytest.raises(NotFittedError, match="not fitted yet"):
            predict(model)


@cases
def test_predictions_are_numpy_arrays(case, fitted):
    for predict in case.predictions:
        result = predict(fitted[case.model])
        if not hasattr(result, "predicted"):
            assert isinstance(result, np.ndarray | float)


@cases
@pytest.mark.parametrize(
    ("column", "index", "value", "message"),
    [
        ("frequency", 3, -1.0, "'frequency' must not be negative at index 3"),
        ("frequency", 4, 1.5, "'frequency' must be a whole number at index 4"),
        ("frequency", 5, np.nan, "'frequency' has a missing or infinite value at index 5"),
    ],
)
def test_bad_frequency_is_named_with_its_index(case, column, index, value, message):
    data = {k: v.copy() for k, v in case.data.items()}
    data[column][index] = value
    if case.model is GammaGamma and "negative" in message:
        message = "'frequency' must hold whole numbers >= 0; index 3"
    if case.model is GammaGamma and "whole number at" in message:
        message = "'frequency' must hold whole numbers >= 0; index 4"
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        case.model().fit(**data)


@cases
def test_mismatched_lengths_and_empty_columns_are_rejected(case):
    data = dict(case.data)
    first = next(iter(data))
    with pytest.raises(InputError, match="different lengths"):
        case.model().fit(**{**data, first: data[first][:-1]})
    with pytest.raises(InputError, match="empty"):
        case.model().fit(**{k: v[:0] for k, v in data.items()})
    with pytest.raises(InputError, match="missing column"):
        case.model().fit(**{k: v for k, v in data.items() if k != first})


@cases
def test_tables_and_arrays_give_the_same_fit(case):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    expected = case.fit().params_
    frame = pd.DataFrame(case.data).assign(extra="ignored")
    assert case.model().fit(frame).params_ == expected
    assert case.model().fit(pl.DataFrame(case.data)).params_ == expected
    assert case.model().fit(pa.table(case.data)).params_ == expected
    with pytest.raises(InputError, match="not both"):
        case.model().fit(frame, **case.data)


@cases
def test_bad_settings_are_rejected_at_fit(case):
    with pytest.raises(InputError, match="max_iter"):
        case.model(max_iter=0).fit(**case.data)
    with pytest.raises(InputError, match="initial_params"):
        case.model(initial_params={"nope": 1.0}).fit(**case.data)
