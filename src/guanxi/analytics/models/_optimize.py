"""Maximum-likelihood fitting shared by the models: optimiser, boundary checks, standard errors.

The models hand over a function returning the *total* negative log-likelihood and its analytic
gradient with respect to the natural (positive) parameters. The optimiser works on their
logarithms, scaled by the number of customers, with BFGS; standard errors come from the
Hessian, obtained here as a finite difference of the analytic gradient.

BFGS rather than L-BFGS-B: with four parameters its dense update is trivial, and it stays in
numpy, whereas L-BFGS-B calls BLAS for every iteration, which a multi-threaded OpenBLAS on a
busy machine turns into tens of milliseconds per call. The search box of L-BFGS-B is replaced by
an objective that is infinite outside it and a check that the maximum is not at its edge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from guanxi.analytics.errors import ConvergenceError

__all__ = [
    "FitResult",
    "NegLogLik",
    "fit_in_two_stages",
    "fit_maximum_likelihood",
    "hessian_standard_errors",
]

NegLogLik = Callable[[np.ndarray], tuple[float, np.ndarray]]

#: Parameters are searched on (1e-8, 1e8); a fit that ends on that box is not identified.
LOG_BOUND = float(np.log(1e8))


@dataclass(frozen=True)
class FitResult:
    """What an optimisation learnt: natural parameters, log-likelihood, iterations."""

    params: np.ndarray
    log_likelihood: float
    n_iter: int
    #: gradient of the total negative log-likelihood at ``params`` (natural parameters)
    gradient: np.ndarray
    #: BFGS approximation of the inverse Hessian of the scaled objective (log-parameters)
    hess_inv: np.ndarray


def fit_maximum_likelihood(
    negloglik: NegLogLik,
    start: np.ndarray,
    names: Sequence[str],
    *,
    scale: float,
    tol: float,
    max_iter: int,
    penalizer: float = 0.0,
    hess_inv: np.ndarray | None = None,
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
        Most BFGS iterations (per attempt; a second attempt restarts where the first stopped).
    penalizer
        Coefficient of an L2 penalty ``penalizer * sum(params**2)`` added to the scaled objective.
    hess_inv
        Initial inverse-Hessian approximation for BFGS (from a fit on a subsample; the objective
        is a mean per customer, so its curvature does not depend on the number of customers).

    Raises
    ------
    ConvergenceError
        If the optimiser stops away from a stationary point, the likelihood is not finite, or a
        parameter runs to the edge of the search box (the data cannot identify it).
    """
    start = np.asarray(start, dtype=np.float64)
    if np.any(~np.isfinite(start)) or np.any(start <= 0):
        raise ConvergenceError(f"starting parameters must be positive and finite, got {start}")

    # The last evaluation is kept: the final log-likelihood and gradient come from it.
    last_theta: list[np.ndarray] = []
    last_result: list[tuple[float, np.ndarray, float, np.ndarray]] = []

    def evaluate(theta: np.ndarray) -> tuple[float, np.ndarray, float, np.ndarray]:
        if last_theta and np.array_equal(last_theta[0], theta):
            return last_result[0]
        if np.any(np.abs(theta) > LOG_BOUND):
            return np.inf, np.zeros_like(theta), np.inf, np.zeros_like(theta)
        params = np.exp(theta)
        with np.errstate(all="ignore"):
            total, grad = negloglik(params)
        value = total / scale + penalizer * float(params @ params)
        grad_theta = grad * params / scale + 2.0 * penalizer * params * params
        if not np.isfinite(value) or not np.all(np.isfinite(grad_theta)):
            value, grad_theta = np.inf, np.zeros_like(theta)
        result = (float(value), grad_theta, float(total), grad)
        last_theta[:], last_result[:] = [theta.copy()], [result]
        return result

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad_theta, _, _ = evaluate(theta)
        return value, grad_theta

    theta0 = np.clip(np.log(start), -LOG_BOUND + 1.0, LOG_BOUND - 1.0)
    if not np.isfinite(objective(theta0)[0]):
        raise ConvergenceError(
            "the likelihood is not finite at the starting point "
            f"{dict(zip(names, start, strict=True))}"
        )
    options: dict[str, object] = {"maxiter": max_iter, "gtol": tol}
    if hess_inv is not None:
        hess_inv = 0.5 * (hess_inv + hess_inv.T)
        try:
            np.linalg.cholesky(hess_inv)
            options["hess_inv0"] = hess_inv
        except np.linalg.LinAlgError:
            pass  # not a usable curvature estimate: BFGS starts from the identity
    theta, n_iter, inverse = theta0, 0, np.eye(len(theta0))
    # A line-search stop short of the optimum happens with tight tolerances: restart once from
    # where it stopped, with a fresh Hessian approximation.
    for _attempt in range(2):
        result = minimize(objective, theta, jac=True, method="BFGS", options=options)
        n_iter += int(result.nit)
        if np.isfinite(result.fun) and result.fun <= objective(theta)[0]:
            theta, inverse = result.x, result.hess_inv
        options.pop("hess_inv0", None)
        value, grad = objective(theta)
        if _small(grad, tol):
            break
    at_edge = np.abs(theta) >= LOG_BOUND - 1.0
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
    _, _, total, grad = evaluate(theta)
    return FitResult(
        params=np.exp(theta),
        log_likelihood=-total,
        n_iter=n_iter,
        gradient=np.asarray(grad),
        hess_inv=np.asarray(inverse),
    )


def _small(grad: np.ndarray, tol: float) -> bool:
    # The scaled objective is a mean log-likelihood: a gradient this small moves the parameters
    # by far less than their standard errors.
    return bool(np.all(np.isfinite(grad)) and np.max(np.abs(grad)) <= max(1e3 * tol, 1e-5))


def hessian_standard_errors(negloglik: NegLogLik, fit: FitResult) -> np.ndarray:
    """Standard errors from the observed information matrix at the fitted parameters.

    The Hessian of the negative log-likelihood is a forward finite difference of the analytic
    gradient (relative step 1e-6 per parameter, one gradient per parameter), symmetrised.
    Returns NaN for every parameter when it is not positive definite (the maximum is flat in
    some direction); ``fit_in_two_stages`` turns that into a ConvergenceError.
    """
    params = fit.params
    k = len(params)
    hessian = np.empty((k, k))
    with np.errstate(all="ignore"):
        for i in range(k):
            step = 1e-6 * params[i]
            moved = params.copy()
            moved[i] += step
            hessian[:, i] = (negloglik(moved)[1] - fit.gradient) / step
    hessian = 0.5 * (hessian + hessian.T)
    try:
        np.linalg.cholesky(hessian)
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    return np.sqrt(np.diag(covariance))


def fit_in_two_stages(
    prepare: Callable[[int], tuple[NegLogLik, float]],
    rows: int,
    starts: Sequence[np.ndarray],
    names: Sequence[str],
    *,
    tol: float,
    max_iter: int,
    penalizer: float,
    prestart_rows: int,
) -> tuple[FitResult, np.ndarray]:
    """Maximise a likelihood over ``rows`` rows; return the fit and its standard errors.

    ``prepare(step)`` returns the negative log-likelihood of every ``step``-th row and its total
    weight. With more than four times ``prestart_rows`` rows the fit first runs on such a
    systematic subsample of about ``prestart_rows`` rows, with a loose tolerance, and the fit on
    all rows starts from its estimate and its BFGS curvature: the same maximum in fewer passes
    over all rows. Deterministic: no random subsample.

    Every start in ``starts`` is tried (a caller's ``initial_params`` and the default) and the
    highest likelihood wins, so a poor guess can cost time but not the answer: from a bad start
    BFGS can follow a ridge to a flat limit (Gamma-Gamma with ``p`` to infinity and ``gamma`` to
    0) and stop there with a tiny gradient.
    """
    hess_inv = None
    if rows > 4 * prestart_rows:
        negloglik, scale = prepare(rows // prestart_rows)
        first = _best_of(negloglik, starts, names, scale, max(tol, 1e-6), max_iter, penalizer)
        if first is not None:
            starts, hess_inv = [first.params], first.hess_inv
    negloglik, scale = prepare(1)
    result = _best_of(negloglik, starts, names, scale, tol, max_iter, penalizer, hess_inv)
    if result is None:
        # Every start failed: raise the error of the first one.
        result = fit_maximum_likelihood(
            negloglik,
            starts[0],
            names,
            scale=scale,
            tol=tol,
            max_iter=max_iter,
            penalizer=penalizer,
        )
    errors = hessian_standard_errors(negloglik, result)
    if np.isnan(errors).any():
        found = ", ".join(f"{n}={v:.4g}" for n, v in zip(names, result.params, strict=True))
        raise ConvergenceError(
            f"the likelihood is flat at the optimiser's stopping point ({found}): some parameter "
            "is heading for a boundary, so the data cannot identify the model"
        )
    return result, errors


def _best_of(
    negloglik: NegLogLik,
    starts: Sequence[np.ndarray],
    names: Sequence[str],
    scale: float,
    tol: float,
    max_iter: int,
    penalizer: float,
    hess_inv: np.ndarray | None = None,
) -> FitResult | None:
    best: FitResult | None = None
    for start in starts:
        try:
            fit = fit_maximum_likelihood(
                negloglik,
                start,
                names,
                scale=scale,
                tol=tol,
                max_iter=max_iter,
                penalizer=penalizer,
                hess_inv=hess_inv,
            )
        except ConvergenceError:
            continue
        if best is None or fit.log_likelihood > best.log_likelihood:
            best = fit
    return best
