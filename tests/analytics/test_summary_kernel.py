"""The compiled grouping kernel gives the same summary as the SQL definition, row for row."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.analytics import InputError, summarize
from guanxi.analytics import summary as summary_module
from guanxi.analytics._kernel import Rows, reduce_occasions

pytestmark = pytest.mark.dbindependent

START = dt.date(2024, 1, 1)


def _by_sql(monkeypatch, table, **kwargs):
    with monkeypatch.context() as patch:
        patch.setattr(summary_module, "USE_KERNEL", False)
        return summarize(table, return_info=True, **kwargs)


def _assert_same(kernel: pa.Table, sql: pa.Table, key: str = "customer_id") -> None:
    assert kernel.schema == sql.schema
    ours = sorted(kernel.to_pylist(), key=lambda r: r[key])
    theirs = sorted(sql.to_pylist(), key=lambda r: r[key])
    assert len(ours) == len(theirs)
    for k_row, s_row in zip(ours, theirs, strict=True):
        for name, value in s_row.items():
            if isinstance(value, float):
                assert math.isclose(k_row[name], value, rel_tol=1e-12, abs_tol=1e-9), (
                    name,
                    k_row,
                    s_row,
                )
            else:
                assert k_row[name] == value, (name, k_row, s_row)


def _random_table(seed: int, n_rows: int, n_customers: int, ids: str) -> pa.Table:
    rng = np.random.default_rng(seed)
    cust = rng.integers(0, n_customers, n_rows)
    day = rng.integers(0, 60, n_rows)
    amount = np.round(rng.lognormal(2.0, 1.0, n_rows), 2)
    amount[rng.random(n_rows) < 0.05] = 0.0
    if ids == "text":
        customer = pa.array([f"C{c:05d}" for c in cust])
    elif ids == "sparse":
        customer = pa.array(cust.astype(np.int64) * 10_000_000_019 - 7)
    else:
        customer = pa.array(cust.astype(np.int32) - 3)
    return pa.table(
        {
            "customer_id": customer,
            "date": pa.array(np.datetime64(START) + day.astype("timedelta64[D]")),
            "amount": amount,
            "cost": np.round(amount * rng.uniform(0.2, 0.9, n_rows), 2),
        }
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_rows=st.integers(1, 400),
    n_customers=st.integers(1, 60),
    ids=st.sampled_from(["dense", "text", "sparse"]),
    calibration=st.integers(0, 59),
    holdout=st.integers(0, 30),
    unit=st.sampled_from(["D", "W"]),
    with_cost=st.booleans(),
)
def test_kernel_equals_sql_on_random_transactions(
    monkeypatch, seed, n_rows, n_customers, ids, calibration, holdout, unit, with_cost
):
    table = _random_table(seed, n_rows, n_customers, ids)
    first = min(table["date"].to_pylist())
    kwargs = dict(
        calibration_end=max(first, START + dt.timedelta(days=calibration)),
        time_unit=unit,
        cost_col="cost" if with_cost else None,
    )
    kwargs["observation_end"] = kwargs["calibration_end"] + dt.timedelta(days=holdout)
    kernel, kernel_info = summarize(table, return_info=True, **kwargs)
    sql, sql_info = _by_sql(monkeypatch, table, **kwargs)
    assert kernel_info == sql_info
    _assert_same(kernel, sql)


def test_kernel_nets_returns_and_sorts_long_histories(monkeypatch):
    """One customer with 500 rows over 40 days (longer than the insertion-sort limit), returns
    netted into their day, plus a customer first seen in the holdout (counted as left out)."""
    rng = np.random.default_rng(7)
    days = rng.integers(0, 40, 500)
    amount = np.round(rng.uniform(5, 50, 500), 2)
    returns = amount.copy() * -0.5
    table = pa.table(
        {
            "customer_id": ["big"] * 1000 + ["late"],
            "date": pa.array(
                np.datetime64(START) + np.concatenate([days, days, [45]]).astype("timedelta64[D]")
            ),
            "amount": np.concatenate([amount, returns, [12.0]]),
        }
    )
    kwargs = dict(calibration_end=START + dt.timedelta(days=39), observation_end="2024-03-01")
    kernel, info = summarize(table, return_info=True, **kwargs)
    sql, sql_info = _by_sql(monkeypatch, table, **kwargs)
    _assert_same(kernel, sql)
    assert info == sql_info and info.n_excluded == 1
    row = kernel.to_pylist()[0]
    assert row["frequency"] == len(set(days.tolist())) - 1
    assert row["revenue"] == pytest.approx(amount.sum() * 0.5)
    assert row["n_orders"] == 500  # return rows are not orders


def test_kernel_reports_a_day_netting_below_zero_like_the_sql(monkeypatch):
    table = pa.table(
        {
            "customer_id": [1, 1, 2, 2],
            "date": [START, START, START, dt.date(2024, 1, 2)],
            "amount": [10.0, 5.0, 10.0, -11.0],
        }
    )
    with pytest.raises(InputError) as kernel_error:
        summarize(table)
    with pytest.raises(InputError) as sql_error:
        _by_sql(monkeypatch, table)
    assert str(kernel_error.value) == str(sql_error.value)
    assert "customer 2" in str(kernel_error.value) and "2024-01-02" in str(kernel_error.value)


def test_reduce_occasions_over_chunks_with_holdout_and_observation_cut():
    # ids 10 and 12 bought (codes 0 and 2); code 1 never did. Calibration ends on day 2, the
    # observation on day 5: the day-9 row is ignored, days 3 and 5 are holdout occasions.
    chunks = [
        Rows(
            np.array([10, 10, 12], dtype=np.int64),
            np.array([5, 1, 2], dtype=np.int32),
            np.array([4.0, 1.0, 2.0]),
            np.array([1.0, 0.5, 1.0]),
        ),
        Rows(
            np.array([10, 12, 12], dtype=np.int64),
            np.array([1, 3, 9], dtype=np.int32),
            np.array([3.0, 8.0, 100.0]),
            np.array([1.0, 2.0, 50.0]),
        ),
    ]
    out = reduce_occasions(chunks, 10, 3, 2, 5)
    assert out.n_occasions.tolist() == [1, 0, 1]
    assert out.first_day.tolist()[0::2] == [1, 2]
    assert out.last_day.tolist()[0::2] == [1, 2]
    assert out.first_amount.tolist()[0::2] == [4.0, 2.0]  # day 1 nets 1 + 3 across the chunks
    assert out.revenue.tolist()[0::2] == [4.0, 2.0]
    assert out.profit.tolist()[0::2] == [1.5, 1.0]
    assert out.frequency_holdout.tolist() == [1, 0, 1]
    assert out.revenue_holdout.tolist() == [4.0, 0.0, 8.0]
    assert out.n_orders.tolist() == [2, 0, 1]


def test_parquet_to_segments_never_imports_pandas(tmp_path):
    """pyarrow imports pandas on its first pandas-aware conversion (half a second in a fresh
    process); the analysis chain from a Parquet file avoids every such conversion."""
    import subprocess
    import sys

    import pyarrow.parquet as pq

    path = tmp_path / "tx.parquet"
    pq.write_table(_random_table(3, 5000, 700, "dense"), path)
    script = (
        "import sys\n"
        "from guanxi.analytics import abc_classify, rfm_from_summary, rfm_score, summarize, "
        "value_pyramid\n"
        f"s, info = summarize({str(path)!r}, return_info=True)\n"
        "abc_classify(s); value_pyramid(s); rfm_score(rfm_from_summary(s, info.calibration_end))\n"
        "print(s.num_rows, 'pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    n_customers, pandas_loaded = out.stdout.split()
    assert int(n_customers) > 600
    assert pandas_loaded == "False"
