"""``analyze``: transactions in, every customer-value result out, in one call.

This is the one place that chains the library together — read the file, summarise each customer,
segment (ABC, value pyramid, RFM), fit the purchase and spend models, predict P(alive), expected
purchases, expected spend and CLV, and optionally check the predictions on a holdout period. The
CLI, the future ``insights`` app and notebooks all call :func:`analyze`, so the steps and their
defaults live here once. No Django, no printing: progress is reported through a callback.

The per-customer table (:attr:`AnalysisResult.customers`), one row per customer first seen by the
calibration end, sorted by id:

* summary (calibration period, time unit of the run): ``customer_id``, ``first_purchase``,
  ``last_purchase``, ``purchases`` (occasions), ``frequency`` (repeat occasions), ``recency``,
  ``T``, ``monetary_value`` (mean repeat spend), ``revenue``;
* segments: ``abc_class`` (A/B/C/zero), ``pyramid_tier`` (vip/major/ordinary/small/zero),
  ``r_score``/``f_score``/``m_score`` (1-5), ``rfm_cell``, ``rfm_segment`` (+ ``_zh``),
  ``eight_segment`` (+ ``_zh``);
* predictions over the horizon: ``p_alive`` (at the calibration end), ``expected_purchases``,
  ``expected_spend`` (per purchase), ``clv`` (discounted, times the margin);
* tiers: ``value_tier``, ``lifecycle_stage``, ``churn_risk``; with a holdout, ``holdout_purchases``.

Model columns are NaN (and a note says why) when a model cannot be fitted.
"""

from ..models import HoldoutCheck
from .analysis import STEPS, analyze
from .reading import read_transactions
from .results import (
    AnalysisResult,
    AnalysisSettings,
    FittedModel,
    GroupSummary,
    PAliveGrid,
)
from .summarising import CustomerSummary, summarise

__all__ = [
    "STEPS",
    "AnalysisResult",
    "AnalysisSettings",
    "CustomerSummary",
    "FittedModel",
    "GroupSummary",
    "HoldoutCheck",
    "PAliveGrid",
    "analyze",
    "read_transactions",
    "summarise",
]
