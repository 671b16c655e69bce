"""ABC classes, value-pyramid tiers and RFM scores for the summarised customers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..segments.abc import abc_classify
from ..segments.pyramid import value_pyramid
from ..segments.rfm import rfm_score
from .labels import Labels
from .summarising import CustomerSummary

__all__ = ["Segments", "segment"]


@dataclass(frozen=True)
class Segments:
    """Per-customer segment keys and scores, in the order of the summary's customers."""

    abc: Labels
    pyramid: Labels
    r_score: np.ndarray
    f_score: np.ndarray
    m_score: np.ndarray
    rfm_cell: pa.Array
    rfm_segment: Labels
    eight_segment: Labels


def segment(summary: CustomerSummary) -> Segments:
    """ABC (70/20/10 of revenue), value pyramid (1/4/15/80 % of customers) and RFM scores.

    The rules live in :mod:`guanxi.analytics.segments`; RFM reads the calibration summary
    (recency in days before the calibration end, purchase occasions, total revenue), so no second
    pass over the transactions is needed.
    """
    ids = summary.customer
    values = pa.table({"customer_id": ids, "revenue": summary.revenue})
    abc = abc_classify(values, "revenue", "customer_id").classes
    pyramid = value_pyramid(values, "revenue", "customer_id").classes
    rfm = rfm_score(
        pa.table(
            {
                "customer_id": ids,
                "recency_days": summary.days_since_last,
                "frequency": summary.purchases,
                "monetary": summary.revenue,
            }
        )
    )
    return Segments(
        abc=Labels.from_arrow(abc.column("abc_class")),
        pyramid=Labels.from_arrow(pyramid.column("tier")),
        r_score=rfm.column("r_score").to_numpy().astype(np.int64),
        f_score=rfm.column("f_score").to_numpy().astype(np.int64),
        m_score=rfm.column("m_score").to_numpy().astype(np.int64),
        rfm_cell=rfm.column("rfm_cell").combine_chunks(),
        rfm_segment=Labels.from_arrow(rfm.column("segment")),
        eight_segment=Labels.from_arrow(rfm.column("eight_segment")),
    )
