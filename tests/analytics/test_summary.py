"""summarize: the CDNOW reference summaries, the occasion rules, input kinds and bad input."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from guanxi.analytics import InputError, summarize

pytestmark = pytest.mark.dbindependent

D = dt.date


def _by_customer(table: pa.Table, col: str = "customer_id") -> dict:
    rows = table.to_pylist()
    return {r[col]: r for r in rows}


@pytest.fixture(scope="module")
def cdnow_39_weeks(cdnow_transactions) -> pa.Table:
    return summarize(cdnow_transactions, time_unit="W", calibration_end=D(1997, 9, 30))


def test_summarize_matches_fader_hardie_cdnow_39_week_summary(cdnow_39_weeks, cdnow_summary):
    ref = cdnow_summary
    ours = _by_customer(cdnow_39_weeks)
    assert len(ours) == ref.num_rows == 2357
    for cid, x, t_x, big_t in zip(*(ref[c].to_pylist() for c in ref.column_names), strict=True):
        row = ours[cid]
        assert row["frequency"] == x, cid
        assert round(row["recency"], 2) == pytest.approx(t_x, abs=1e-9), cid
        assert round(row["T"], 2) == pytest.approx(big_t, abs=1e-9), cid


def test_summarize_matches_fader_hardie_cdnow_summary_with_transactions_zbar(
    cdnow_39_weeks, cdnow_summary_with_transactions
):
    ref = cdnow_summary_with_transactions
    ours = _by_customer(cdnow_39_weeks)
    ids = ref["ID"].to_pylist()
    zbar = np.array(ref["zbar"].to_pylist())
    mean = np.array([ours[i]["monetary_value"] for i in ids])
    assert np.array([ours[i]["frequency"] for i in ids]).tolist() == ref["x"].to_pylist()
    assert np.max(np.abs(mean - zbar)) <= 0.005 + 1e-9
    # zbar is the mean rounded half-up to cents
    assert np.array_equal(np.floor(mean * 100 + 0.5 + 1e-9) / 100, zbar)


def test_summarize_cdnow_holdout_counts_every_later_occasion(cdnow_transactions):
    tx = cdnow_transactions
    out = summarize(tx, time_unit="W", calibration_end="1997-09-30", observation_end="1998-06-30")
    total_days = len(
        {(c, d) for c, d in zip(tx["customer_id"].to_pylist(), tx["date"].to_pylist(), strict=True)}
    )
    s = out.to_pydict()
    assert sum(s["frequency"]) + len(s["frequency"]) + sum(s["frequency_holdout"]) == total_days
    assert set(s["duration_holdout"]) == {273 / 7}
    assert sum(s["revenue"]) + sum(s["revenue_holdout"]) == pytest.approx(
        sum(tx["amount"].to_pylist())
    )


def _tx(rows, **extra):
    cols = {"customer_id": [], "date": [], "amount": []}
    for c, d, a in rows:
        cols["customer_id"].append(c)
        cols["date"].append(d)
        cols["amount"].append(a)
    cols.update(extra)
    return pa.table(cols)


HAND = [
    ("a", D(2024, 1, 1), 10.0),
    ("a", D(2024, 1, 1), 5.0),  # same day: one occasion of 15
    ("a", D(2024, 1, 8), 20.0),
    ("a", D(2024, 1, 8), -4.0),  # a return netted into that day: 16
    ("a", D(2024, 1, 15), 0.0),  # a zero-value occasion still counts
    ("a", D(2024, 2, 5), 30.0),  # holdout
    ("b", D(2024, 1, 10), 7.0),
    ("c", D(2024, 1, 20), 9.0),  # first seen after calibration: left out, counted
]


def test_summarize_occasions_returns_zero_value_and_holdout():
    out, info = summarize(
        _tx(HAND), calibration_end=D(2024, 1, 15), observation_end=D(2024, 2, 14), return_info=True
    )
    rows = _by_customer(out)
    assert set(rows) == {"a", "b"}
    assert info.n_excluded == 1 and info.n_customers == 2
    a = rows["a"]
    assert a["first_purchase"] == D(2024, 1, 1) and a["last_purchase"] == D(2024, 1, 15)
    assert a["frequency"] == 2
    assert a["recency"] == 14.0 and a["T"] == 14.0
    assert a["monetary_value"] == pytest.approx((16.0 + 0.0) / 2)
    assert a["revenue"] == pytest.approx(31.0)
    assert a["n_orders"] == 4  # the return row is not an order
    assert a["frequency_holdout"] == 1 and a["revenue_holdout"] == 30.0
    assert a["duration_holdout"] == 30.0
    b = rows["b"]
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0.0, 5.0, 0.0)


def test_summarize_weeks_are_days_over_seven():
    days = _by_customer(summarize(_tx(HAND), calibration_end=D(2024, 1, 15)))
    weeks = _by_customer(summarize(_tx(HAND), calibration_end=D(2024, 1, 15), time_unit="W"))
    for cid in days:
        assert weeks[cid]["T"] == pytest.approx(days[cid]["T"] / 7)
        assert weeks[cid]["recency"] == pytest.approx(days[cid]["recency"] / 7)


def test_summarize_defaults_calibration_to_last_date_and_drops_later_rows():
    out = _by_customer(summarize(_tx(HAND)))
    assert out["a"]["T"] == 35.0  # 2024-01-01 .. 2024-02-05
    assert "frequency_holdout" not in next(iter(out.values()))
    out = _by_customer(summarize(_tx(HAND), calibration_end="2024-01-08"))
    assert out["a"]["frequency"] == 1 and set(out) == {"a"}


def test_summarize_profit_and_cost_and_order_ids():
    tx = _tx(
        [("a", D(2024, 1, 1), 10.0), ("a", D(2024, 1, 1), 5.0), ("a", D(2024, 1, 3), 8.0)],
        cost=[6.0, 1.0, 8.0],
        order=["o1", "o1", "o2"],
    )
    (a,) = summarize(tx, cost_col="cost", order_col="order").to_pylist()
    assert a["profit"] == pytest.approx(8.0)
    assert a["n_orders"] == 2
    tx = tx.append_column("margin", pa.array([1.0, 2.0, 3.0]))
    (a,) = summarize(tx, profit_col="margin").to_pylist()
    assert a["profit"] == 6.0 and a["n_orders"] == 3


def test_summarize_timestamps_take_the_day_in_tz():
    instant = dt.datetime(2024, 1, 1, 20, 0, tzinfo=dt.UTC)  # 2024-01-02 04:00 in Shanghai
    tx = pa.table(
        {
            "customer_id": [1, 1],
            "date": pa.array(
                [instant, instant + dt.timedelta(hours=6)], pa.timestamp("us", tz="UTC")
            ),
            "amount": [1.0, 2.0],
        }
    )
    assert summarize(tx).to_pylist()[0]["frequency"] == 1  # two UTC days
    (row,) = summarize(tx, tz="Asia/Shanghai").to_pylist()
    assert row["frequency"] == 0 and row["first_purchase"] == D(2024, 1, 2)
    naive = pa.table(
        {"customer_id": [1], "date": pa.array([dt.datetime(1969, 12, 31, 23)]), "amount": [1.0]}
    )
    assert summarize(naive).to_pylist()[0]["first_purchase"] == D(1969, 12, 31)


def test_summarize_reads_text_dates_with_a_format():
    tx = pa.table({"customer_id": [1, 1], "date": ["19970101", "19970108"], "amount": [1.0, 2.0]})
    assert summarize(tx, date_format="%Y%m%d").to_pylist()[0]["recency"] == 7.0
    iso = pa.table(
        {"customer_id": [1, 1], "date": ["1997-01-01", "1997-01-08 10:00"], "amount": [1.0, 2.0]}
    )
    assert summarize(iso).to_pylist()[0]["recency"] == 7.0


def test_summarize_follows_the_input_kind(tmp_path):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    table = _tx(HAND)
    expected = sorted(summarize(table).to_pylist(), key=lambda r: r["customer_id"])
    as_pandas = summarize(table.to_pandas())
    assert isinstance(as_pandas, pd.DataFrame)
    as_polars = summarize(pl.from_arrow(table))
    assert isinstance(as_polars, pl.DataFrame)
    pq.write_table(table, tmp_path / "tx.parquet")
    pcsv.write_csv(table, tmp_path / "tx.csv")
    from_mapping = summarize(table.to_pydict())
    for out in (
        pa.Table.from_pandas(as_pandas),
        as_polars.to_arrow(),
        summarize(tmp_path / "tx.parquet"),
        summarize(str(tmp_path / "tx.csv")),
        from_mapping,
    ):
        rows = sorted(out.to_pylist(), key=lambda r: r["customer_id"])
        assert [
            {k: (v.date() if isinstance(v, dt.datetime) else v) for k, v in r.items()} for r in rows
        ] == expected


# --- bad input: one clear InputError naming the problem ------------------------------------


def _error(tx, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        summarize(tx, **kwargs)
    return str(info.value)


def test_missing_column_is_named_with_a_hint():
    tx = _tx(HAND).rename_columns(["Customer_ID", "date", "amount"])
    message = _error(tx)
    assert "'customer_id'" in message and "did you mean 'Customer_ID'" in message


def test_non_numeric_amount_names_the_row():
    tx = pa.table({"customer_id": [1, 2], "date": [D(2024, 1, 1)] * 2, "amount": ["3.5", "n/a"]})
    message = _error(tx)
    assert "'amount'" in message and "row 1" in message and "'n/a'" in message
    tx = pa.table({"customer_id": [1], "date": [D(2024, 1, 1)], "amount": [True]})
    assert "not numeric" in _error(tx)


@pytest.mark.parametrize("col", ["customer_id", "date", "amount"])
def test_nulls_name_the_column_and_row(col):
    data = {"customer_id": [1, 2, 3], "date": [D(2024, 1, 1)] * 3, "amount": [1.0, 2.0, 3.0]}
    data[col] = [data[col][0], data[col][1], None]
    message = _error(pa.table(data))
    assert f"'{col}'" in message and "row 2" in message


def test_unparseable_and_future_dates_are_errors():
    tx = pa.table(
        {"customer_id": [1, 2], "date": ["2024-01-01", "2024-13-45"], "amount": [1.0, 2.0]}
    )
    message = _error(tx)
    assert "unparseable" in message and "'2024-13-45'" in message and "row 1" in message
    tx = _tx([(1, D(2024, 1, 1), 1.0), (7, D(2999, 1, 1), 1.0)])
    message = _error(tx)
    assert "future" in message and "7" in message and "row 1" in message
    tx = pa.table({"customer_id": [1], "date": [20240101], "amount": [1.0]})
    assert "not a date" in _error(tx)


def test_empty_input_is_an_error():
    tx = _tx(HAND).slice(0, 0)
    assert "empty" in _error(tx)


def test_day_netting_below_zero_names_customer_and_date():
    tx = _tx([("a", D(2024, 1, 1), 10.0), ("b", D(2024, 1, 2), 5.0), ("b", D(2024, 1, 2), -8.0)])
    message = _error(tx)
    assert "'b'" in message and "2024-01-02" in message


def test_bad_parameters_are_errors():
    assert "before calibration_end" in _error(
        _tx(HAND), calibration_end="2024-01-15", observation_end="2024-01-10"
    )
    assert "time_unit" in _error(_tx(HAND), time_unit="M")
    assert "before the first transaction" in _error(_tx(HAND), calibration_end="2023-01-01")
    assert "time zone" in _error(_tx(HAND), tz="Mars/Olympus")
    with pytest.raises(InputError):
        summarize([1, 2, 3])
