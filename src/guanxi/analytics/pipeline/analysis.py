"""The :func:`analyze` entry point: the steps in order, the settings checked, the table built."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import InputError
from ..segments.rfm import RFM_SEGMENT_LABELS
from .labels import (
    ABC_DISPLAY,
    CHURN_RISK_DISPLAY,
    EIGHT_DISPLAY,
    EIGHT_ZH,
    LIFECYCLE_DISPLAY,
    PYRAMID_DISPLAY,
    RFM_DISPLAY,
    VALUE_TIER_DISPLAY,
    Labels,
    group_table,
)
from .prediction import Predictions, fit_and_predict, predicted_tiers
from .reading import read_transactions
from .results import UNIT_DAYS, AnalysisResult, AnalysisSettings, TimeUnit
from .segmentation import Segments, segment
from .summarising import CustomerSummary, summarise

__all__ = ["STEPS", "ProgressCallback", "analyze"]

ProgressCallback = Callable[[str], None]

#: Names of the steps reported to ``progress``, in order (the CLI sizes its bar from this).
STEPS: tuple[str, ...] = (
    "read",
    "summarise",
    "segment",
    "fit purchases",
    "fit spend",
    "predict",
)


def analyze(
    source: str | Path | pa.Table,
    *,
    customer: str,
    date: str,
    amount: str,
    time_unit: TimeUnit = "W",
    calibration_end: dt.date | None = None,
    observation_end: dt.date | None = None,
    margin: float = 1.0,
    discount_rate: float = 0.10,
    horizon: float | None = None,
    tz: str | None = None,
    date_format: str | None = None,
    progress: ProgressCallback | None = None,
) -> AnalysisResult:
    """Run the whole customer-value analysis on a transaction file or table.

    Parameters
    ----------
    source
        A CSV or Parquet path, or a ``pyarrow.Table``; one row per transaction.
    customer, date, amount
        Column names of the customer id, the transaction date and the amount.
    time_unit
        ``"W"`` (weeks) or ``"D"`` (days): the unit of recency, T, the horizon and the models.
    calibration_end
        Last day (inclusive) used to summarise, segment and fit (default: the last transaction).
        Customers first seen after it are left out; so are later transactions unless
        ``observation_end`` is given.
    observation_end
        Last day (inclusive) of a holdout period after ``calibration_end``: the purchases in it
        are compared with the predictions (default: no holdout).
    margin, discount_rate, horizon
        CLV settings: gross margin, yearly discount rate, horizon in time units (default a year).
    tz
        Time zone in which timezone-aware timestamps are turned into calendar days (UTC).
    date_format
        ``strptime`` format of dates stored as text or integers (``%Y%m%d`` ...); ISO 8601
        text, dates and timestamps need none.
    progress
        Called with each name of :data:`STEPS` as the step starts.

    Returns
    -------
    AnalysisResult
        Segment tables, fitted models, totals and a per-customer ``pyarrow.Table``.

    Raises
    ------
    InputError
        A missing or unreadable file, a missing column, values that are not dates or numbers,
        inconsistent dates or settings. The message names the file, column or setting.
    """
    _check_settings(time_unit, margin, discount_rate, horizon)
    notes: list[str] = []

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("read")
    settings = AnalysisSettings(
        customer=customer,
        date=date,
        amount=amount,
        time_unit=time_unit,
        calibration_end=calibration_end,
        observation_end=observation_end,
        margin=margin,
        discount_rate=discount_rate,
        horizon=horizon,
        tz=tz,
        date_format=date_format,
    )
    table = read_transactions(source, customer=customer, date=date, amount=amount)
    if table.num_rows == 0:
        raise InputError("the input holds no transactions")

    step("summarise")
    summary, info = summarise(table, settings)
    settings = replace(
        settings, calibration_end=info.calibration_end, observation_end=info.observation_end
    )
    if info.n_excluded:
        notes.append(
            f"{info.n_excluded} customer(s) first seen after the calibration end are left out"
        )

    step("segment")
    seg = segment(summary)

    predictions = fit_and_predict(summary, settings, step=step, notes=notes)
    tiers = predicted_tiers(summary, settings, predictions, notes)

    return AnalysisResult(
        source="table" if isinstance(source, pa.Table) else Path(source).name,
        settings=settings,
        n_transactions=int(table.num_rows),
        customers=_customer_table(summary, seg, predictions, tiers).replace_schema_metadata(
            _metadata(settings)
        ),
        abc=group_table(seg.abc, summary.revenue, ABC_DISPLAY),
        pyramid=group_table(seg.pyramid, summary.revenue, PYRAMID_DISPLAY),
        rfm_segments=group_table(seg.rfm_segment, summary.revenue, RFM_DISPLAY),
        eight_segments=group_table(seg.eight_segment, summary.revenue, EIGHT_DISPLAY),
        tiers={
            name: group_table(tiers[name], summary.revenue, display)
            for name, display in (
                ("value_tier", VALUE_TIER_DISPLAY),
                ("lifecycle_stage", LIFECYCLE_DISPLAY),
                ("churn_risk", CHURN_RISK_DISPLAY),
            )
            if name in tiers
        },
        models=predictions.models,
        total_clv=float(np.sum(predictions.clv)),
        palive_grid=predictions.grid,
        holdout=predictions.holdout,
        notes=notes,
    )


def _metadata(settings: AnalysisSettings) -> dict[str, str]:
    """What the numbers mean, kept with them in Parquet output (``guanxi.*`` keys)."""
    return {
        "guanxi.time_unit": settings.time_unit,
        "guanxi.calibration_end": str(settings.calibration_end),
        "guanxi.observation_end": str(settings.observation_end),
        "guanxi.horizon": f"{settings.horizon_units:g}",
        "guanxi.margin": f"{settings.margin:g}",
        "guanxi.discount_rate_per_year": f"{settings.discount_rate:g}",
    }


def _check_settings(
    time_unit: str, margin: float, discount_rate: float, horizon: float | None
) -> None:
    if time_unit not in UNIT_DAYS:
        raise InputError(f"time unit must be D or W, not {time_unit!r}")
    if not (math.isfinite(margin) and 0 < margin <= 1.0):
        raise InputError(f"margin must be in (0, 1], not {margin}")
    if not (math.isfinite(discount_rate) and 0 <= discount_rate < 10):
        raise InputError(f"discount rate must be a yearly rate in [0, 10), not {discount_rate}")
    if horizon is not None and not (math.isfinite(horizon) and 0 < horizon < 1e6):
        raise InputError(f"horizon must be a positive number of time units, not {horizon}")


def _customer_table(
    summary: CustomerSummary, seg: Segments, pred: Predictions, tiers: dict[str, Labels]
) -> pa.Table:
    """The per-customer output: summary, segments and predictions, one row per customer."""
    columns: dict[str, Any] = {
        "customer_id": summary.customer,
        "first_purchase": pa.array(summary.first_purchase),
        "last_purchase": pa.array(summary.last_purchase),
        "purchases": summary.purchases.astype(np.int64),
        "frequency": summary.frequency,
        "recency": summary.recency,
        "T": summary.T,
        "monetary_value": summary.monetary_value,
        "revenue": summary.revenue,
        "abc_class": seg.abc.to_arrow(),
        "pyramid_tier": seg.pyramid.to_arrow(),
        "r_score": seg.r_score.astype(np.int64),
        "f_score": seg.f_score.astype(np.int64),
        "m_score": seg.m_score.astype(np.int64),
        "rfm_cell": seg.rfm_cell,
        "rfm_segment": seg.rfm_segment.to_arrow(),
        "rfm_segment_zh": seg.rfm_segment.to_arrow(RFM_SEGMENT_LABELS),
        "eight_segment": seg.eight_segment.to_arrow(),
        "eight_segment_zh": seg.eight_segment.to_arrow(EIGHT_ZH),
        "p_alive": pred.p_alive,
        "expected_purchases": pred.expected_purchases,
        "expected_spend": pred.expected_spend,
        "clv": pred.clv,
    }
    for name, labels in tiers.items():
        columns[name] = labels.to_arrow()
    if summary.holdout_purchases is not None:
        columns["holdout_purchases"] = summary.holdout_purchases
    return pa.table(columns)
