"""Errors raised by guanxi.analytics: one family, so callers can catch them all."""


class AnalyticsError(Exception):
    """Base class of every error this library raises on purpose."""


class InputError(AnalyticsError, ValueError):
    """Bad input: a missing column, a non-numeric amount, an unparseable or future date, ..."""


class NotFittedError(AnalyticsError, AttributeError):
    """A predict-side method was called before ``fit``."""


class ConvergenceError(AnalyticsError, RuntimeError):
    """The optimiser did not reach a maximum of the likelihood."""
