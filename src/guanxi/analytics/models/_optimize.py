"""Maximum-likelihood fitting shared by the models: optimiser, boundary checks, standard errors.

The models hand over a function returning the *total* negative log-likelihood and its analytic
gradient with respect to the natural (positive) parameters. The optimiser works on their
logarithms, scaled by the number of customers, with L-BFGS-B; standard errors come from the
Hessian, obtained here as a central finite difference of the analytic gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from guanxi.analytics.errors import ConvergenceError

__all__ = ["FitResult", "NegLogLik", "fit_maximum_likelihood", "hessian_standard_errors"]

NegLogLik = Callable[[np.ndarray], tuple[float, np.ndarray]]

#: Parameters are searched on (1e-8, 1e8); a fit that ends on that box is not identified.
LOG_BOUND = float(np.log(1e8))


@dataclass(frozen=True)
class FitResult:
    """What an optimisation learnt: natural parameters, log-likelihood, iterations."""

    params: np.ndarray
    log_likelihood: float
    n_iter: int


def fit_maximum_likelihood(
    negloglik: NegLogLik,
    start: np.ndarray,
    names: Sequence[str],
    *,
    scale: float,
    tol: float,
    max_iter: int,
    penalizer: float = 0.0,
) -> FitResult:
    """Minimise ``negloglik`` over positive parameters from ``start``.

    Parameters
    ----------
    negloglik
        ``params -> (total negative log-likelihood, gradient)`` on natural parameters.
    start
        Positive starting parameters.
    names
        Parameter names, used in error messages.
    scale
        Total weight (number of customers); the objective is divided by it.
    tol
        Convergence tolerance on the projected gradient of the scaled objective.
    max_iter
        Most L-BFGS-B iterations.
    penalizer
        Coefficient of an L2 penalty ``penalizer * sum(params**2)`` added to the scaled objective.

    Raises
    ------
    ConvergenceError
        If the optimiser stops away from a stationary point, the likelihood is not finite, or a
        parameter runs to the edge of the search box (the data cannot identify it).
    """
    start = np.asarray(start, dtype=np.float64)
    if np.any(~np.isfinite(start)) or np.any(start <= 0):
        raise ConvergenceError(f"starting parameters must be positive and finite, got {start}")

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        with np.errstate(all="ignore"):
            value, grad = negloglik(params)
        value = value / scale + penalizer * float(params @ params)
        grad_theta = grad * params / scale + 2.0 * penalizer * params * params
        if not np.isfinite(value) or not np.all(np.isfinite(grad_theta)):
            return np.inf, np.zeros_like(theta)
        return float(value), grad_theta

    theta0 = np.clip(np.log(start), -LOG_BOUND + 1.0, LOG_BOUND - 1.0)
    if not np.isfinite(objective(theta0)[0]):
        raise ConvergenceError(
            "the likelihood is not finite at the starting point "
            f"{dict(zip(names, start, strict=True))}"
        )
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(theta0)
    options = {"maxiter": max_iter, "gtol": tol, "ftol": 1e-15, "maxcor": 20}
    result = minimize(
        objective, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options=options
    )
    n_iter = int(result.nit)
    theta = result.x
    # A line-search stop close to the optimum is common with tight tolerances: accept it when the
    # gradient is small, otherwise restart once from where it stopped with BFGS.
    value, grad = objective(theta)
    if not _small(grad, tol):
        retry = minimize(
            objective, theta, jac=True, method="BFGS", options={"maxiter": max_iter, "gtol": tol}
        )
        n_iter += int(retry.nit)
        if np.isfinite(retry.fun) and retry.fun <= value:
            theta = np.clip(retry.x, -LOG_BOUND, LOG_BOUND)
            value, grad = objective(theta)
    at_edge = np.abs(theta) >= LOG_BOUND - 1e-3
    if at_edge.any():
        name = names[int(np.argmax(at_edge))]
        raise ConvergenceError(
            f"parameter {name!r} ran to the edge of the search range "
            f"({np.exp(theta[at_edge][0]):.3g}):"
            " the data cannot identify the model (too few repeat purchases?)"
        )
    if not np.isfinite(value) or not _small(grad, tol):
        raise ConvergenceError(
            f"the optimiser did not converge after {n_iter} iterations "
            f"(largest scaled gradient {np.max(np.abs(grad)):.3g}); try a larger max_iter or "
            "other initial_params"
        )
    params = np.exp(theta)
    loglik, _ = negloglik(params)
    return FitResult(params=params, log_likelihood=-float(loglik), n_iter=n_iter)


def _small(grad: np.ndarray, tol: float) -> bool:
    # The scaled objective is a mean log-likelihood: a gradient this small moves the parameters
    # by far less than their standard errors.
    return bool(np.all(np.isfinite(grad)) and np.max(np.abs(grad)) <= max(1e3 * tol, 1e-5))


def hessian_standard_errors(negloglik: NegLogLik, params: np.ndarray) -> np.ndarray:
    """Standard errors from the observed information matrix.

    The Hessian of the negative log-likelihood is a central finite difference of the analytic
    gradient (relative step 1e-5 per parameter), symmetrised. Returns NaN for every parameter when
    the Hessian is not positive definite (the maximum is flat in some direction).
    """
    k = len(params)
    hessian = np.empty((k, k))
    with np.errstate(all="ignore"):
        for i in range(k):
            step = 1e-5 * params[i]
            up, down = params.copy(), params.copy()
            up[i] += step
            down[i] -= step
            hessian[:, i] = (negloglik(up)[1] - negloglik(down)[1]) / (2.0 * step)
    hessian = 0.5 * (hessian + hessian.T)
    try:
        np.linalg.cholesky(hessian)
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    return np.sqrt(np.diag(covariance))
