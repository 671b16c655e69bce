"""The summary on Spark (local mode) equals DuckDB's, row for row."""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.analytics import InputError, summarize

pytestmark = [pytest.mark.dbindependent, pytest.mark.spark]

D = dt.date


def _spark_df(spark, table: pa.Table):
    return spark.createDataFrame(table)


def _rows(table, key: str = "customer_id") -> list[dict]:
    rows = (
        table.to_pylist() if isinstance(table, pa.Table) else [r.asDict() for r in table.collect()]
    )
    return sorted(rows, key=lambda r: r[key])


def _assert_same(spark_rows: list[dict], duck_rows: list[dict]) -> None:
    assert len(spark_rows) == len(duck_rows)
    for s, d in zip(spark_rows, duck_rows, strict=True):
        assert s.keys() == d.keys()
        for key, value in d.items():
            if isinstance(value, float):
                # sums of doubles may be added in another order: equal to the last bits
                assert math.isclose(s[key], value, rel_tol=1e-12, abs_tol=1e-9), (key, s, d)
            else:
                assert s[key] == value, (key, s, d)


def test_spark_summary_equals_duckdb_on_cdnow(spark, cdnow_transactions):
    kwargs = dict(time_unit="W", calibration_end=D(1997, 9, 30), observation_end=D(1998, 6, 30))
    duck = summarize(cdnow_transactions, **kwargs)
    out, info = summarize(_spark_df(spark, cdnow_transactions), return_info=True, **kwargs)
    assert type(out).__module__.startswith("pyspark")
    assert info.n_customers == 2357 and info.n_excluded == 0
    _assert_same(_rows(out), _rows(duck))


def test_spark_plan_is_an_aggregation_not_a_collect(spark, cdnow_transactions):
    out = summarize(_spark_df(spark, cdnow_transactions), time_unit="W")
    plan = out._jdf.queryExecution().executedPlan().toString()
    assert "HashAggregate" in plan or "ObjectHashAggregate" in plan or "SortAggregate" in plan


HAND = pa.table(
    {
        "customer_id": ["a", "a", "a", "a", "a", "a", "b", "c"],
        "date": [
            dt.datetime(2024, 1, 1, 9),
            dt.datetime(2024, 1, 1, 18),
            dt.datetime(2024, 1, 8, 10),
            dt.datetime(2024, 1, 8, 11),
            dt.datetime(2024, 1, 15, 12),
            dt.datetime(2024, 2, 5, 13),
            dt.datetime(2024, 1, 10, 23, 59),
            dt.datetime(2024, 1, 20),
        ],
        "amount": [10.0, 5.0, 20.0, -4.0, 0.0, 30.0, 7.0, 9.0],
        "cost": [4.0, 2.0, 10.0, -2.0, 0.0, 12.0, 3.0, 5.0],
    }
)


def test_spark_equals_duckdb_with_returns_holdout_and_exclusions(spark):
    kwargs = dict(calibration_end="2024-01-15", observation_end="2024-02-14", cost_col="cost")
    duck, duck_info = summarize(HAND, return_info=True, **kwargs)
    out, info = summarize(_spark_df(spark, HAND), return_info=True, **kwargs)
    assert info == duck_info and info.n_excluded == 1
    _assert_same(_rows(out), _rows(duck))


def test_spark_reports_the_same_bad_input(spark):
    bad = pa.table({"customer_id": ["x", "x"], "date": [D(2024, 1, 2)] * 2, "amount": [5.0, -8.0]})
    with pytest.raises(InputError, match=r"'x'.*2024-01-02"):
        summarize(_spark_df(spark, bad))
    with pytest.raises(InputError, match="not found"):
        summarize(_spark_df(spark, HAND), amount_col="value")


@st.composite
def transactions(draw):
    n = draw(st.integers(1, 25))
    start = D(2023, 1, 1)
    rows = []
    for _ in range(n):
        cid = draw(st.integers(1, 6))
        day = start + dt.timedelta(days=draw(st.integers(0, 60)))
        amount = draw(st.integers(0, 500)) / 4  # exact in binary: sums do not depend on order
        rows.append((cid, day, amount))
    return pa.table(
        {
            "customer_id": [r[0] for r in rows],
            "date": [r[1] for r in rows],
            "amount": [r[2] for r in rows],
        }
    )


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tx=transactions(), cal=st.integers(10, 50))
def test_spark_equals_duckdb_on_generated_transactions(spark, tx, cal):
    kwargs = dict(
        calibration_end=D(2023, 1, 1) + dt.timedelta(days=cal),
        observation_end=D(2023, 3, 15),
        time_unit="W",
    )
    try:
        duck = summarize(tx, **kwargs)
    except InputError:
        with pytest.raises(InputError):
            summarize(_spark_df(spark, tx), **kwargs)
        return
    _assert_same(_rows(summarize(_spark_df(spark, tx), **kwargs)), _rows(duck))


def test_spark_summary_leaves_no_temporary_views(spark):
    before = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    out, info = summarize(_spark_df(spark, HAND), calibration_end="2024-01-15", return_info=True)
    after = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    assert after == before
    # the result was resolved before its views were dropped: it still runs
    assert out.count() == info.n_customers == 2
