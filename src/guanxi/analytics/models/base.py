"""The contract every lifetime-value model follows (the scikit-learn estimator contract).

* Settings go to the constructor, keyword-only, and are stored unchanged under their own names;
  :meth:`LifetimeModel.get_params` / :meth:`LifetimeModel.set_params` read and write them, and
  :func:`clone` builds an unfitted copy (``sklearn.base.clone`` works too, without this package
  importing scikit-learn).
* ``fit`` validates, learns and returns ``self``. Learned state ends in ``_``: ``params_`` (a
  dict), ``log_likelihood_``, ``standard_errors_`` (a dict), ``n_customers_``, ``n_iter_``. No
  training data is kept on the model.
* Predict-side methods raise :class:`~guanxi.analytics.errors.NotFittedError` before ``fit`` and
  return numpy arrays.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar, Self, TypeVar

import numpy as np

from guanxi.analytics.errors import InputError, NotFittedError
from guanxi.analytics.models._optimize import FitResult

__all__ = ["LifetimeModel", "clone"]

M = TypeVar("M", bound="LifetimeModel")


class LifetimeModel:
    """Base class: parameter handling, fitted-state checks and shared fit bookkeeping."""

    #: Names of the model's parameters, in the order the likelihood functions use.
    param_names: ClassVar[tuple[str, ...]] = ()

    # -- settings ---------------------------------------------------------------------------
    @classmethod
    def _setting_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [
            p.name
            for p in signature.parameters.values()
            if p.name != "self" and p.kind is inspect.Parameter.KEYWORD_ONLY
        ]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the constructor settings as given (``deep`` is accepted for scikit-learn)."""
        return {name: getattr(self, name) for name in self._setting_names()}

    def set_params(self, **params: Any) -> Self:
        """Change constructor settings; unknown names raise InputError. Returns ``self``."""
        valid = set(self._setting_names())
        for name, value in params.items():
            if name not in valid:
                raise InputError(
                    f"{type(self).__name__} has no setting {name!r}; "
                    f"valid settings: {sorted(valid)}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({settings})"

    # -- fitted state -----------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet: call fit() before using it"
            )

    def _params(self) -> tuple[float, ...]:
        self._check_fitted()
        return tuple(self.params_[name] for name in self.param_names)

    def _starts(self, default: Sequence[float]) -> list[np.ndarray]:
        """Starting points: ``initial_params`` (where given, ``default`` elsewhere), then
        ``default`` itself; the fit keeps the better maximum."""
        initial = getattr(self, "initial_params", None) or {}
        unknown = set(initial) - set(self.param_names)
        if unknown:
            raise InputError(
                f"initial_params has unknown names {sorted(unknown)}; expected {self.param_names}"
            )
        start = np.array(
            [float(initial.get(n, d)) for n, d in zip(self.param_names, default, strict=True)]
        )
        if np.any(~np.isfinite(start)) or np.any(start <= 0):
            raise InputError(f"initial_params must be positive numbers, got {initial}")
        fallback = np.asarray(default, dtype=np.float64)
        return [start] if np.array_equal(start, fallback) else [start, fallback]

    def _store_fit(self, result: FitResult, errors: np.ndarray, n_customers: float) -> None:
        self.params_ = {n: float(v) for n, v in zip(self.param_names, result.params, strict=True)}
        self.standard_errors_ = {n: float(v) for n, v in zip(self.param_names, errors, strict=True)}
        self.log_likelihood_ = result.log_likelihood
        self.n_iter_ = result.n_iter
        self.n_customers_ = n_customers

    def _check_settings(self) -> None:
        tol, max_iter = getattr(self, "tol", 1e-8), getattr(self, "max_iter", 1)
        penalizer = getattr(self, "penalizer", 0.0)
        if not (isinstance(max_iter, int | np.integer) and max_iter > 0):
            raise InputError(f"max_iter must be a positive integer, got {max_iter!r}")
        if not (np.isfinite(tol) and tol > 0):
            raise InputError(f"tol must be a positive number, got {tol!r}")
        if not (np.isfinite(penalizer) and penalizer >= 0):
            raise InputError(f"penalizer must be a number >= 0, got {penalizer!r}")


def clone(model: M) -> M:
    """Return an unfitted copy of ``model`` with the same settings (like ``sklearn.base.clone``)."""
    settings = {k: _copy_setting(v) for k, v in model.get_params().items()}
    return type(model)(**settings)


def _copy_setting(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value
