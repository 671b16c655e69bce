"""Customer segments by value: ABC classes, the value pyramid, RFM scores and segments."""

from guanxi.analytics.segments.abc import ABC_LABELS_ZH, ABCResult, abc_classify
from guanxi.analytics.segments.pyramid import PYRAMID_LABELS_ZH, PyramidResult, value_pyramid
from guanxi.analytics.segments.rfm import (
    EIGHT_SEGMENT_LABELS,
    RFM_SEGMENT_LABELS,
    quantile_scores,
    rfm_from_summary,
    rfm_score,
    rfm_values,
)

__all__ = [
    "ABC_LABELS_ZH",
    "EIGHT_SEGMENT_LABELS",
    "PYRAMID_LABELS_ZH",
    "RFM_SEGMENT_LABELS",
    "ABCResult",
    "PyramidResult",
    "abc_classify",
    "quantile_scores",
    "rfm_from_summary",
    "rfm_score",
    "rfm_values",
    "value_pyramid",
]
