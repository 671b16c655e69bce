"""What :func:`~guanxi.analytics.pipeline.analyze` was asked and what it returns.

Plain frozen dataclasses, so the CLI, the report and later the web app read one shape; the
per-customer results are a ``pyarrow.Table`` (not tied to pandas).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa

from ..models import HoldoutCheck

__all__ = [
    "DAYS_PER_YEAR",
    "UNIT_DAYS",
    "AnalysisResult",
    "AnalysisSettings",
    "FittedModel",
    "GroupSummary",
    "PAliveGrid",
    "TimeUnit",
]

TimeUnit = Literal["D", "W"]

#: Days per time unit. A year is 365.25 days, so a weekly discount rate compounds 52.18 times.
UNIT_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0}
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class AnalysisSettings:
    """What was asked for, with every default resolved (dates filled in from the data).

    ``margin`` turns expected revenue into profit; the default 1.0 reports revenue CLV, because a
    made-up margin would silently mislabel money — pass the real gross margin to get profit CLV.
    ``discount_rate`` is per year and converted to the time unit by compounding.
    ``horizon`` is in time units (default one year: 52 weeks or 365 days).
    """

    customer: str
    date: str
    amount: str
    time_unit: TimeUnit = "W"
    calibration_end: dt.date | None = None
    observation_end: dt.date | None = None
    margin: float = 1.0
    discount_rate: float = 0.10
    horizon: float | None = None
    tz: str | None = None
    date_format: str | None = None

    @property
    def unit_days(self) -> float:
        return UNIT_DAYS[self.time_unit]

    @property
    def horizon_units(self) -> float:
        """The CLV horizon in time units (one year if not given)."""
        if self.horizon is not None:
            return self.horizon
        return 52.0 if self.time_unit == "W" else 365.0

    @property
    def holdout_length(self) -> float:
        """Length of the holdout period in time units (0 without one)."""
        if self.calibration_end is None or self.observation_end is None:
            return 0.0
        return (self.observation_end - self.calibration_end).days / self.unit_days

    @property
    def discount_rate_per_unit(self) -> float:
        """The annual rate compounded down to one time unit: (1 + d) ** (unit / year) - 1."""
        return float((1.0 + self.discount_rate) ** (self.unit_days / DAYS_PER_YEAR) - 1.0)


@dataclass(frozen=True)
class GroupSummary:
    """One row of a segment table: a class, tier or segment with its size and revenue share.

    ``key`` is the value in the per-customer output (``"A"``, ``"vip"``, ``"champions"``);
    ``label_en`` and ``label_zh`` are for people, and :attr:`label` shows both.
    """

    key: str
    label_en: str
    label_zh: str
    customers: int
    customer_share: float
    revenue: float
    revenue_share: float

    @property
    def label(self) -> str:
        """English with the Chinese term ("VIP 贵宾客户"); "A类客户" already says "A"."""
        if self.label_zh.startswith(self.label_en) or not self.label_zh:
            return self.label_zh or self.label_en
        return f"{self.label_en} {self.label_zh}"

    def label_in(self, lang: str) -> str:
        """The label in ``"en"``, ``"zh"`` or (anything else) both."""
        return {"en": self.label_en, "zh": self.label_zh}.get(lang, self.label)


@dataclass(frozen=True)
class FittedModel:
    """A fitted model as the report shows it: parameters, standard errors, log-likelihood."""

    name: str
    params: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    n_customers: int


@dataclass(frozen=True)
class PAliveGrid:
    """Model P(alive) over a frequency × recency grid at a fixed observation length ``T``."""

    frequency: list[float]
    recency: list[float]
    T: float
    probability: np.ndarray  # shape (len(frequency), len(recency))


@dataclass(frozen=True)
class AnalysisResult:
    """Everything :func:`analyze` computed. ``customers`` has one row per customer."""

    source: str
    settings: AnalysisSettings
    n_transactions: int
    customers: pa.Table
    abc: list[GroupSummary]
    pyramid: list[GroupSummary]
    rfm_segments: list[GroupSummary]
    eight_segments: list[GroupSummary]
    tiers: dict[str, list[GroupSummary]]
    models: list[FittedModel]
    total_clv: float
    palive_grid: PAliveGrid | None
    holdout: HoldoutCheck | None = None
    notes: list[str] = field(default_factory=list)
