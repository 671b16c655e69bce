"""Tier rules on hand-made customers: each threshold, each boundary, bad input."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from guanxi.analytics import (
    InputError,
    churn_risk,
    frequency_tier,
    interpurchase_days,
    lifecycle_stage,
    value_tier,
)
from guanxi.analytics.tiers import (
    CHURN_RISK_LABELS_ZH,
    FREQUENCY_TIER_LABELS_ZH,
    LIFECYCLE_LABELS_ZH,
    VALUE_TIER_LABELS_ZH,
)

pytestmark = pytest.mark.dbindependent


def test_value_tier_matrix_with_explicit_thresholds():
    current = [100, 100, 10, 10, 50]
    future = [100, 10, 100, 10, 50]
    tiers = value_tier(current, future, current_threshold=50, future_threshold=50)
    assert tiers.tolist() == ["platinum", "iron", "gold", "lead", "lead"]  # 50 is not above 50
    assert {VALUE_TIER_LABELS_ZH[t] for t in tiers} == {
        "白金客户",
        "铁质客户",
        "黄金客户",
        "铅质客户",
    }


def test_value_tier_defaults_to_medians_and_takes_arrow_columns():
    current = pa.array([1.0, 2.0, 3.0, 4.0])
    future = np.array([4.0, 3.0, 2.0, 1.0])
    assert value_tier(current, future).tolist() == ["gold", "gold", "iron", "iron"]
    assert value_tier([5, 5], [5, 5]).tolist() == ["lead", "lead"]


def test_lifecycle_stages_in_rule_order():
    frequency = [0, 1, 5, 5, 5, 0, 2]
    age = [10, 30, 400, 400, 400, 500, 500]
    p_alive = [1.0, 0.9, 0.9, 0.4, 0.05, 0.95, 0.8]
    stages = lifecycle_stage(frequency, age, p_alive)
    assert stages.tolist() == [
        "acquisition",
        "growth",
        "maturity",
        "decline",
        "termination",
        "acquisition",
        "growth",  # 3 occasions < 4
    ]
    assert LIFECYCLE_LABELS_ZH["maturity"] == "成熟期"
    relaxed = lifecycle_stage(frequency, age, p_alive, maturity_occasions=3, p_declining=0.3)
    assert relaxed[6] == "maturity" and relaxed[3] == "maturity"


def test_frequency_tiers_weekly_monthly_half_yearly():
    gaps = interpurchase_days([70, 300, 900, 0, 20], [10, 10, 5, 0, 2])
    assert np.isnan(gaps[3]) and gaps[0] == 7.0
    tiers = frequency_tier(gaps)
    assert tiers.tolist() == ["heavy", "medium", "light", "unknown", "heavy"]
    assert frequency_tier([14, 14.5, 75, 76]).tolist() == ["heavy", "medium", "medium", "light"]
    assert FREQUENCY_TIER_LABELS_ZH["heavy"] == "重度"


def test_churn_risk_from_p_alive_recency_or_both():
    assert churn_risk([0.1, 0.5, 0.9, np.nan]).tolist() == ["high", "medium", "low", "unknown"]
    by_rhythm = churn_risk(recency_days=[10, 20, 40, 5], typical_gap_days=[10, 10, 10, np.nan])
    assert by_rhythm.tolist() == ["low", "medium", "high", "unknown"]
    both = churn_risk(
        [0.9, 0.1, np.nan], recency_days=[40, 1, 5], typical_gap_days=[10, 10, np.nan]
    )
    assert both.tolist() == ["high", "high", "unknown"]
    assert CHURN_RISK_LABELS_ZH["high"] == "高"


def test_tier_bad_input_is_named():
    with pytest.raises(InputError, match="p_alive"):
        churn_risk([1.5])
    with pytest.raises(InputError, match="expected 2"):
        value_tier([1, 2], [1])
    with pytest.raises(InputError, match="go together"):
        churn_risk([0.5], recency_days=[3])
    with pytest.raises(InputError, match="frequency"):
        lifecycle_stage([np.nan], [1], [0.5])
    with pytest.raises(InputError, match="numeric"):
        frequency_tier(["weekly"])
