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
    "Labels",
    "group_table",
]

#: Display labels (English with the Chinese term) of the segment keys the segments/ modules use.
ABC_DISPLAY = {key: f"{key} ({zh})" for key, zh in ABC_LABELS_ZH.items()}
PYRAMID_DISPLAY = {
    key: f"{'VIP' if key == 'vip' else key} {zh}" for key, zh in PYRAMID_LABELS_ZH.items()
}
RFM_DISPLAY = {key: f"{key.replace('_', ' ')} {zh}" for key, zh in RFM_SEGMENT_LABELS.items()}
EIGHT_ZH = dict(EIGHT_SEGMENT_LABELS.values())
EIGHT_DISPLAY = {en: f"{en.replace('_', ' ')} {zh}" for en, zh in EIGHT_SEGMENT_LABELS.values()}
VALUE_TIER_DISPLAY = {key: f"{key} {zh}" for key, zh in VALUE_TIER_LABELS_ZH.items()}
LIFECYCLE_DISPLAY = {key: f"{key} {zh}" for key, zh in LIFECYCLE_LABELS_ZH.items()}
CHURN_RISK_DISPLAY = {key: f"{key} {zh}" for key, zh in CHURN_RISK_LABELS_ZH.items()}


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


def group_table(labels: Labels, revenue: np.ndarray, display: dict[str, str]) -> list[GroupSummary]:
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
                label=display.get(key, key),
                customers=int(counts[i]),
                customer_share=float(counts[i]) / total_customers,
                revenue=value,
                revenue_share=value / total_revenue if total_revenue > 0 else math.nan,
            )
        )
    return rows
