"""ABC classes, the value pyramid and RFM: hand-made cases, the tie rules, and properties."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guanxi.analytics import (
    InputError,
    abc_classify,
    quantile_scores,
    rfm_score,
    rfm_values,
    summarize,
    value_pyramid,
)

pytestmark = pytest.mark.dbindependent


def _table(values, ids=None) -> pa.Table:
    ids = list(range(len(values))) if ids is None else ids
    return pa.table({"customer_id": ids, "revenue": pa.array(values, pa.float64())})


def _classes(result, col: str) -> dict:
    table = result.classes
    return dict(zip(table["customer_id"].to_pylist(), table[col].to_pylist(), strict=True))


# --- ABC ------------------------------------------------------------------------------------


def test_abc_textbook_70_20_10_and_the_crossing_customer():
    # ten customers; cumulative shares 40, 65, 75 (crosses 70: A), 85, 90 (reaches 90: B), ...
    values = [40, 25, 10, 10, 5, 4, 3, 2, 1, 0]
    classes = _classes(abc_classify(_table(values)), "abc_class")
    assert [classes[i] for i in range(10)] == ["A", "A", "A", "B", "B", "C", "C", "C", "C", "zero"]
    summary = abc_classify(_table(values)).summary.to_pydict()
    assert summary["n_customers"] == [3, 2, 4, 1]
    assert summary["value_share"] == pytest.approx([0.75, 0.15, 0.10, 0.0])


def test_abc_ties_at_the_line_go_by_customer_id():
    # four equal customers: A must hold >= 70 % -> 3 of them, the lowest ids
    classes = _classes(abc_classify(_table([5, 5, 5, 5], ids=[40, 10, 30, 20])), "abc_class")
    assert classes == {10: "A", 20: "A", 30: "A", 40: "B"}


def test_abc_by_customers_and_by_thresholds():
    values = list(range(100, 0, -1))
    by_count = abc_classify(_table(values), by="customers").summary.to_pydict()
    assert by_count["n_customers"] == [10, 20, 70, 0]
    result = abc_classify(_table([6e6, 5e6, 2e6, 1e6, 5e5, 0]), by="threshold", cuts=(5e6, 1e6))
    assert list(_classes(result, "abc_class").values()) == ["A", "A", "B", "B", "C", "zero"]


def test_abc_potential_adjustment_changes_the_managed_class_only():
    values = [40, 25, 10, 10, 5, 4, 3, 2, 1, 0]
    upgrade = [False] * 10
    upgrade[6] = True  # a C with large potential
    upgrade[1] = True  # already A: unchanged
    downgrade = [False] * 10
    downgrade[4] = True  # a B about to fail
    result = abc_classify(_table(values), upgrade=upgrade, downgrade=downgrade)
    raw, managed = _classes(result, "abc_class"), _classes(result, "managed_class")
    assert (raw[6], managed[6]) == ("C", "A")
    assert (raw[4], managed[4]) == ("B", "C")
    assert managed[1] == "A" and managed[3] == "B"
    with pytest.raises(InputError, match="one flag per customer"):
        abc_classify(_table(values), upgrade=[True])


def test_abc_curve_runs_from_origin_to_one_and_follows_the_input_kind():
    pd = pytest.importorskip("pandas")
    result = abc_classify(_table([40, 25, 10, 10, 5, 4, 3, 2, 1, 0]).to_pandas(), curve_points=11)
    assert isinstance(result.classes, pd.DataFrame)
    curve = result.curve.to_pydict()
    assert curve["customer_share"][0] == 0 and curve["value_share"][0] == 0
    assert curve["customer_share"][-1] == 1 and curve["value_share"][-1] == pytest.approx(1)
    assert np.all(np.diff(curve["value_share"]) >= 0)
    assert 0.3 in curve["customer_share"]  # the A/B boundary is a point of the curve


def test_abc_bad_input():
    with pytest.raises(InputError, match="'revenue'"):
        abc_classify(pa.table({"customer_id": [1], "revnue": [1.0]}))
    with pytest.raises(InputError, match="repeats customer ids"):
        abc_classify(_table([1, 2], ids=[7, 7]))
    with pytest.raises(InputError, match="customer 2"):
        abc_classify(pa.table({"customer_id": [1, 2], "revenue": [1.0, None]}))
    with pytest.raises(InputError, match="not numeric"):
        abc_classify(pa.table({"customer_id": [1], "revenue": ["12"]}))
    with pytest.raises(InputError, match="empty"):
        abc_classify(_table([]))
    with pytest.raises(InputError, match="cuts"):
        abc_classify(_table([1.0]), cuts=(0.9, 0.7))


# --- pyramid --------------------------------------------------------------------------------


def test_pyramid_1000_customers_gives_10_40_150_800():
    rng = np.random.default_rng(3)
    result = value_pyramid(_table(rng.permutation(1000) + 1.0))
    assert result.summary["n_customers"].to_pylist() == [10, 40, 150, 800, 0]
    classes = result.classes.to_pydict()
    vip = [v for v, t in zip(classes["value"], classes["tier"], strict=True) if t == "vip"]
    assert sorted(vip) == list(np.arange(991.0, 1001.0))


def test_pyramid_rounds_cumulative_counts_half_up_and_reports_zero_apart():
    # 250 positive customers: cumulative 2.5 -> 3, 12.5 -> 13, 50 -> 50
    values = [0.0] * 5 + list(np.arange(1, 251.0))
    summary = value_pyramid(_table(values)).summary.to_pydict()
    assert summary["n_customers"] == [3, 10, 37, 200, 5]
    assert summary["label_zh"][0] == "贵宾客户"


def test_pyramid_ties_broken_by_customer_id():
    result = value_pyramid(_table([5.0] * 100, ids=list(range(100, 0, -1))))
    tiers = _classes(result, "tier")
    assert (
        tiers[1] == "vip" and tiers[2] == "major" and tiers[5] == "major" and tiers[6] == "ordinary"
    )


# --- RFM ------------------------------------------------------------------------------------


def test_quantile_scores_are_quintiles_and_ties_share_the_middle_score():
    assert quantile_scores(np.arange(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quantile_scores(np.arange(10.0) / 3).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quantile_scores([7, 7, 7]).tolist() == [3, 3, 3]
    # 60 % bought once: they score 2 (the middle of their tie group), not 1 or 5
    assert quantile_scores([1] * 6 + [2, 2, 3, 4]).tolist() == [2] * 6 + [4, 4, 5, 5]
    assert quantile_scores([1.0] * 6 + [2, 2, 3, 4]).tolist() == [2] * 6 + [4, 4, 5, 5]


def _rfm_table():
    return pa.table(
        {
            "customer_id": ["a", "b", "c", "d", "e"],
            "recency_days": [1, 10, 100, 200, 300],
            "frequency": [20, 10, 5, 2, 1],
            "monetary": [900.0, 400.0, 300.0, 50.0, 10.0],
        }
    )


def test_rfm_scores_segments_and_eight_segments():
    out = rfm_score(_rfm_table()).to_pylist()
    a, b, c, d, e = out
    assert (a["r_score"], a["f_score"], a["m_score"], a["rfm_cell"]) == (5, 5, 5, "555")
    assert a["segment"] == "champions" and a["segment_zh"] == "冠军客户"
    assert e["segment"] == "lost" and e["rfm_cell"] == "111"
    assert d["segment"] == "hibernating"
    # means: recency 122.2 days, frequency 7.6, monetary 332
    assert a["eight_segment"] == "important_value" and a["eight_segment_zh"] == "重要价值客户"
    assert b["eight_segment"] == "important_value"
    assert c["eight_segment"] == "general_development"  # recent, F low, M low
    assert d["eight_segment_zh"] == "一般挽留客户"


def test_rfm_segment_grid_names_every_cell():
    from guanxi.analytics.segments.rfm import _GRID, RFM_SEGMENT_LABELS

    names = list(RFM_SEGMENT_LABELS)
    assert {names[i] for i in _GRID.ravel()} == set(names)
    assert names[_GRID[4, 0]] == "new" and names[_GRID[0, 4]] == "cannot_lose"
    assert names[_GRID[1, 2]] == "at_risk"


def test_rfm_values_from_transactions_use_occasions_and_as_of():
    tx = pa.table(
        {
            "customer_id": [1, 1, 1, 2, 2],
            "date": [
                dt.date(2024, 1, 1),
                dt.date(2024, 1, 1),
                dt.date(2024, 1, 5),
                dt.date(2024, 1, 3),
                dt.date(2024, 2, 1),
            ],
            "amount": [10.0, 5.0, 15.0, 8.0, 100.0],
        }
    )
    rows = {r["customer_id"]: r for r in rfm_values(tx, as_of="2024-01-10").to_pylist()}
    assert rows[1] == {"customer_id": 1, "recency_days": 5, "frequency": 2, "monetary": 30.0}
    assert rows[2] == {"customer_id": 2, "recency_days": 7, "frequency": 1, "monetary": 8.0}
    mean = {
        r["customer_id"]: r for r in rfm_values(tx, as_of="2024-01-10", monetary="mean").to_pylist()
    }
    assert mean[1]["monetary"] == 15.0
    scored = rfm_score(rfm_values(tx))
    assert scored.num_rows == 2


def test_rfm_bad_input():
    bad = _rfm_table().set_column(1, "recency_days", pa.array([1, -2, 3, 4, 5]))
    with pytest.raises(InputError, match="'b'"):
        rfm_score(bad)
    with pytest.raises(InputError, match="monetary"):
        rfm_score(_rfm_table().drop_columns(["monetary"]))


def test_classifiers_accept_the_summary_of_cdnow(cdnow_transactions):
    summary = summarize(cdnow_transactions, calibration_end="1997-09-30")
    abc = abc_classify(summary)
    assert sum(abc.summary["n_customers"].to_pylist()) == 2357
    a_share = abc.summary["customer_share"][0].as_py()
    assert 0.1 < a_share < 0.35  # the 80/20 shape: a minority makes 70 % of revenue
    n_pos = sum(v > 0 for v in summary["revenue"].to_pylist())
    vip, major, ordinary = (int(np.floor(c * n_pos + 0.5)) for c in (0.01, 0.05, 0.20))
    counts = value_pyramid(summary).summary["n_customers"].to_pylist()
    assert counts == [vip, major - vip, ordinary - major, n_pos - ordinary, 2357 - n_pos]


# --- properties -----------------------------------------------------------------------------

amounts = st.lists(st.integers(0, 10_000), min_size=1, max_size=60)
scales = st.sampled_from([2, 4, 10, 100, 0.5, 0.25])


def _shuffled(table: pa.Table, seed: int) -> pa.Table:
    order = np.random.default_rng(seed).permutation(table.num_rows)
    return table.take(pa.array(order))


@settings(max_examples=60, deadline=None)
@given(
    values=amounts,
    by=st.sampled_from(["value", "customers"]),
    seed=st.integers(0, 99),
    scale=scales,
)
def test_abc_properties(values, by, seed, scale):
    table = _table(values)
    result = abc_classify(table, by=by)
    classes = _classes(result, "abc_class")
    assert len(classes) == len(values) and set(classes.values()) <= {"A", "B", "C", "zero"}
    summary = result.summary.to_pydict()
    assert sum(summary["n_customers"]) == len(values)
    assert sum(summary["customer_share"]) == pytest.approx(1)
    if sum(values) > 0:
        assert sum(summary["value_share"]) == pytest.approx(1)
        if by == "value":
            assert summary["value_share"][0] >= 0.7 - 1e-9
    assert _classes(abc_classify(_shuffled(table, seed), by=by), "abc_class") == classes
    scaled = _table([v * scale for v in values])
    assert _classes(abc_classify(scaled, by=by), "abc_class") == classes


@settings(max_examples=60, deadline=None)
@given(values=amounts, seed=st.integers(0, 99), scale=scales)
def test_pyramid_properties(values, seed, scale):
    table = _table(values)
    result = value_pyramid(table)
    tiers = _classes(result, "tier")
    assert len(tiers) == len(values)
    counts = result.summary["n_customers"].to_pylist()
    assert sum(counts) == len(values)
    n_pos = sum(v > 0 for v in values)
    assert counts[4] == len(values) - n_pos
    assert _classes(value_pyramid(_shuffled(table, seed)), "tier") == tiers
    assert _classes(value_pyramid(_table([v * scale for v in values])), "tier") == tiers
    # a higher spender is never in a lower tier
    order = ["vip", "major", "ordinary", "small", "zero"]
    for i, j in zip(range(len(values)), range(1, len(values)), strict=False):
        if values[i] > values[j]:
            assert order.index(tiers[i]) <= order.index(tiers[j])


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 400), st.integers(1, 30), st.integers(0, 5_000)),
        min_size=1,
        max_size=50,
    ),
    seed=st.integers(0, 99),
    scale=scales,
)
def test_rfm_properties(rows, seed, scale):
    table = pa.table(
        {
            "customer_id": list(range(len(rows))),
            "recency_days": [r for r, _, _ in rows],
            "frequency": [f for _, f, _ in rows],
            "monetary": [float(m) for _, _, m in rows],
        }
    )
    out = rfm_score(table).to_pydict()
    for col in ("r_score", "f_score", "m_score"):
        assert set(out[col]) <= {1, 2, 3, 4, 5}
    assert len(out["segment"]) == len(rows) and None not in out["segment"]
    by_id = {
        c: (s, e)
        for c, s, e in zip(out["customer_id"], out["segment"], out["eight_segment"], strict=True)
    }
    shuffled = rfm_score(_shuffled(table, seed)).to_pydict()
    assert {
        c: (s, e)
        for c, s, e in zip(
            shuffled["customer_id"], shuffled["segment"], shuffled["eight_segment"], strict=True
        )
    } == by_id
    scaled = table.set_column(
        3, "monetary", pa.array([m * scale for m in table["monetary"].to_pylist()])
    )
    scaled_out = rfm_score(scaled).to_pydict()
    assert scaled_out["m_score"] == out["m_score"]
    assert scaled_out["eight_segment"] == out["eight_segment"]
    # equal values always share a score
    for col, src in (("f_score", "frequency"), ("m_score", "monetary")):
        seen: dict = {}
        for v, s in zip(table[src].to_pylist(), out[col], strict=True):
            assert seen.setdefault(v, s) == s
