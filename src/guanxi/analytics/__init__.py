"""guanxi.analytics: customer-value analytics (no Django imports below this package)."""

from guanxi.analytics.errors import AnalyticsError, ConvergenceError, InputError, NotFittedError
from guanxi.analytics.summary import SummaryInfo, summarize

__all__ = [
    "AnalyticsError",
    "ConvergenceError",
    "InputError",
    "NotFittedError",
    "SummaryInfo",
    "summarize",
]
