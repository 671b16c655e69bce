"""Per-customer labels as codes, the bilingual display names, and the segment tables.

The segment and tier functions return English keys (``"vip"``, ``"champions"``) with Chinese
names in ``*_LABELS_ZH``; the tables and the report show both ("VIP 贵宾客户").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..segments.abc import ABC_LABELS_ZH
from ..segments.pyramid import PYRAMID_LABELS_ZH
from ..segments.rfm import EIGHT_SEGMENT_LABELS, RFM_SEGMENT_LABELS
from ..tiers import CHURN_RISK_LABELS_ZH, LIFECYCLE_LABELS_ZH, VALUE_TIER_LABELS_ZH
from .results import GroupSummary

__all__ = [
    "ABC_DISPLAY",
    "CHURN_RISK_DISPLAY",
    "EIGHT_DISPLAY",
    "EIGHT_ZH",
    "LIFECYCLE_DISPLAY",
    "PYRAMID_DISPLAY",
    "RFM_DISPLAY",
    "VALUE_TIER_DISPLAY",
    "Display",
    "Labels",
    "group_table",
]

#: (English, Chinese) names of the segment keys the segments/ and tiers modules use.
Display = dict[str, tuple[str, str]]


def _names(labels_zh: dict[str, str], english: dict[str, str] | None = None) -> Display:
    english = english or {}
    return {key: (english.get(key, key.replace("_", " ")), zh) for key, zh in labels_zh.items()}


ABC_DISPLAY = _names(ABC_LABELS_ZH)
PYRAMID_DISPLAY = _names(PYRAMID_LABELS_ZH, {"vip": "VIP"})
RFM_DISPLAY = _names(RFM_SEGMENT_LABELS)
EIGHT_ZH = dict(EIGHT_SEGMENT_LABELS.values())
EIGHT_DISPLAY = _names(EIGHT_ZH)
VALUE_TIER_DISPLAY = _names(VALUE_TIER_LABELS_ZH)
LIFECYCLE_DISPLAY = _names(LIFECYCLE_LABELS_ZH)
CHURN_RISK_DISPLAY = _names(
    CHURN_RISK_LABELS_ZH, {"high": "high risk", "medium": "medium risk", "low": "low risk"}
)


@dataclass(frozen=True)
class Labels:
    """One label per customer as codes into ``names``: cheap to count, group and write.

    A million customers' labels as Python strings cost seconds to compare and convert; codes are
    one ``bincount`` per table and one dictionary array per output column.
    """

    codes: np.ndarray  # int32, index into names
    names: list[str]

    @classmethod
    def from_arrow(cls, column: pa.Array | pa.ChunkedArray) -> Labels:
        encoded = pc.dictionary_encode(column.cast(pa.string()))
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        return cls(
            codes=encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32),
            names=[str(name) for name in encoded.dictionary.to_pylist()],
        )

    @classmethod
    def from_numpy(cls, values: np.ndarray) -> Labels:
        return cls.from_arrow(pa.array(np.asarray(values), pa.string()))

    def to_arrow(self, rename: dict[str, str] | None = None) -> pa.Array:
        """The labels as a string column (``rename`` maps keys to other names, e.g. Chinese)."""
        names = [rename.get(n, n) for n in self.names] if rename else self.names
        dictionary = pa.DictionaryArray.from_arrays(
            pa.array(self.codes, pa.int32()), pa.array(names, pa.string())
        )
        return dictionary.cast(pa.string())


def group_table(labels: Labels, revenue: np.ndarray, display: Display) -> list[GroupSummary]:
    """Customers and revenue per segment, in ``display`` order, empty segments left out."""
    size = len(labels.names)
    counts = np.bincount(labels.codes, minlength=size)
    sums = np.bincount(labels.codes, weights=revenue, minlength=size)
    total_customers = max(labels.codes.size, 1)
    total_revenue = float(revenue[revenue > 0].sum())
    position = {name: i for i, name in enumerate(labels.names)}
    extra = sorted(set(labels.names) - set(display))
    rows = []
    for key in [*display, *extra]:
        i = position.get(key)
        if i is None or counts[i] == 0:
            continue
        value = float(sums[i])
        rows.append(
            GroupSummary(
                key=key,
                label_en=display.get(key, (key, ""))[0],
                label_zh=display.get(key, (key, ""))[1],
                customers=int(counts[i]),
                customer_share=float(counts[i]) / total_customers,
                revenue=value,
                revenue_share=value / total_revenue if total_revenue > 0 else math.nan,
            )
        )
    return rows
