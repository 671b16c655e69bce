"""The per-customer calibration summary as arrays for the segment and model steps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..summary import SummaryInfo, summarize
from .results import AnalysisSettings

__all__ = ["CustomerSummary", "summarise"]


@dataclass(frozen=True)
class CustomerSummary:
    """Calibration-period summary per customer, in time units from the first purchase."""

    customer: pa.Array  # string ids, as the output writes them
    first_purchase: np.ndarray  # datetime64[D]
    last_purchase: np.ndarray
    purchases: np.ndarray  # purchase occasions (same-day transactions count once)
    frequency: np.ndarray  # repeat purchases x
    recency: np.ndarray  # t_x
    T: np.ndarray
    monetary_value: np.ndarray  # mean spend of the repeat purchases (0 without any)
    revenue: np.ndarray  # total spend in the calibration period
    days_since_last: np.ndarray
    holdout_purchases: np.ndarray | None


def summarise(table: pa.Table, settings: AnalysisSettings) -> tuple[CustomerSummary, SummaryInfo]:
    """Summarise each customer with :func:`guanxi.analytics.summary.summarize`.

    That function owns the definitions (purchase occasions, returns netting, time zones, date
    validation); this adapter only turns its table into arrays for segments and models.
    """
    result, info = summarize(
        table,
        settings.customer,
        settings.date,
        settings.amount,
        time_unit=settings.time_unit,
        calibration_end=settings.calibration_end,
        observation_end=settings.observation_end,
        tz=settings.tz,
        date_format=settings.date_format,
        return_info=True,
    )
    # The summary's row order is unspecified; sorted ids make the output files reproducible.
    result = result.sort_by(settings.customer)
    col = {name: result.column(name) for name in result.column_names}
    last = col["last_purchase"].to_numpy().astype("datetime64[D]")
    frequency = col["frequency"].to_numpy().astype(np.float64)
    summary = CustomerSummary(
        customer=col[settings.customer].cast(pa.string()).combine_chunks(),
        first_purchase=col["first_purchase"].to_numpy().astype("datetime64[D]"),
        last_purchase=last,
        purchases=frequency.astype(np.int64) + 1,
        frequency=frequency,
        recency=col["recency"].to_numpy(),
        T=col["T"].to_numpy(),
        monetary_value=col["monetary_value"].to_numpy(),
        revenue=col["revenue"].to_numpy(),
        days_since_last=(np.datetime64(info.calibration_end, "D") - last).astype(np.float64),
        holdout_purchases=(
            col["frequency_holdout"].to_numpy().astype(np.float64)
            if "frequency_holdout" in col
            else None
        ),
    )
    return summary, info
