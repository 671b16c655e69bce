"""``analyze``: the whole customer-value pipeline, checked on CDNOW and on small tables."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from guanxi.analytics.errors import InputError
from guanxi.analytics.pipeline import STEPS, AnalysisResult, analyze

pytestmark = pytest.mark.dbindependent

DATA = Path(__file__).resolve().parents[1] / "data"
CALIBRATION_END = date(1997, 9, 30)  # the published 39-week calibration period
OBSERVATION_END = date(1998, 6, 30)  # the end of the data: a 39-week holdout


def cdnow_table() -> pa.Table:
    """The CDNOW sample (whitespace separated, no header) as a typed table."""
    rows = [line.split() for line in (DATA / "CDNOW_sample.txt").read_text().splitlines() if line]
    return pa.table(
        {
            "master id": [r[0] for r in rows],
            "sample id": [r[1] for r in rows],
            "date": [date(int(r[2][:4]), int(r[2][4:6]), int(r[2][6:])) for r in rows],
            "CDs": [int(r[3]) for r in rows],
            "dollars": [float(r[4]) for r in rows],
        }
    )


@pytest.fixture(scope="module")
def cdnow_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    pacsv.write_csv(cdnow_table(), path)
    return path


@pytest.fixture(scope="module")
def cdnow_result(cdnow_csv: Path) -> AnalysisResult:
    steps: list[str] = []
    result = analyze(
        cdnow_csv,
        customer="sample id",
        date="date",
        amount="dollars",
        time_unit="W",
        calibration_end=CALIBRATION_END,
        observation_end=OBSERVATION_END,
        progress=steps.append,
    )
    assert steps == list(STEPS)
    return result


def test_one_row_per_customer(cdnow_result: AnalysisResult) -> None:
    customers = cdnow_result.customers
    assert customers.num_rows == 2357
    assert len(set(customers.column("customer_id").to_pylist())) == 2357
    assert cdnow_result.n_transactions == 6919
    for name in (
        "frequency", "recency", "T", "monetary_value", "abc_class", "pyramid_tier",
        "r_score", "f_score", "m_score", "rfm_segment", "eight_segment", "p_alive",
        "expected_purchases",
        "expected_spend", "clv", "holdout_purchases",
    ):  # fmt: skip
        assert name in customers.column_names, name


def test_summary_matches_the_published_cdnow_summary(cdnow_result: AnalysisResult) -> None:
    published = pacsv.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    ours = cdnow_result.customers
    by_id = {int(c): i for i, c in enumerate(ours.column("customer_id").to_pylist())}
    order = np.array([by_id[i] for i in published.column("ID").to_pylist()])
    np.testing.assert_array_equal(ours.column("frequency").to_numpy()[order], published["x"])
    np.testing.assert_allclose(
        ours.column("recency").to_numpy()[order], published["t_x"], atol=0.006
    )
    np.testing.assert_allclose(ours.column("T").to_numpy()[order], published["T"], atol=0.006)
    np.testing.assert_allclose(
        ours.column("monetary_value").to_numpy()[order], published["zbar"], atol=0.0051
    )


def test_bgnbd_matches_fader_hardie_lee_2005_cdnow(cdnow_result: AnalysisResult) -> None:
    bgnbd = next(m for m in cdnow_result.models if m.name == "BG/NBD")
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert bgnbd.params[name] == pytest.approx(value, abs=0.002), name
    assert bgnbd.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_gamma_gamma_matches_fader_hardie_2013_note(cdnow_result: AnalysisResult) -> None:
    spend = next(m for m in cdnow_result.models if m.name == "Gamma-Gamma")
    values = list(spend.params.values())
    assert values == pytest.approx([6.25, 3.74, 15.44], abs=0.01)


def test_segments_follow_the_textbook_rules(cdnow_result: AnalysisResult) -> None:
    abc = {g.key: g for g in cdnow_result.abc}
    assert list(abc) == ["A", "B", "C", "zero"]  # 8 customers spent $0.00 in calibration
    assert abc["A"].revenue_share == pytest.approx(0.7, abs=0.01)
    assert abc["B"].revenue_share == pytest.approx(0.2, abs=0.01)
    assert sum(g.customers for g in cdnow_result.abc) == 2357
    pyramid = {g.key: g.customers for g in cdnow_result.pyramid}
    ranked = 2357 - abc["zero"].customers
    assert pyramid["vip"] == round(0.01 * ranked)
    assert pyramid["vip"] + pyramid["major"] == round(0.05 * ranked)
    assert sum(pyramid.values()) == 2357
    assert sum(g.customers for g in cdnow_result.rfm_segments) == 2357
    assert sum(g.customers for g in cdnow_result.eight_segments) == 2357
    customers = cdnow_result.customers
    for name in ("r_score", "f_score", "m_score"):
        assert set(np.unique(customers.column(name).to_numpy())) <= {1, 2, 3, 4, 5}
    assert "重要价值客户" in customers.column("eight_segment_zh").to_pylist()
    ids = customers.column("customer_id").to_pylist()
    assert ids == sorted(ids)


def test_value_matrix_lifecycle_and_churn_tiers(cdnow_result: AnalysisResult) -> None:
    customers = cdnow_result.customers
    assert set(customers.column("value_tier").to_pylist()) == {"platinum", "gold", "iron", "lead"}
    assert set(customers.column("churn_risk").to_pylist()) <= {"high", "medium", "low", "unknown"}
    assert "lifecycle_stage" in customers.column_names
    for groups in cdnow_result.tiers.values():
        assert sum(g.customers for g in groups) == 2357


def test_predictions_are_consistent(cdnow_result: AnalysisResult) -> None:
    c = cdnow_result.customers
    p_alive = c.column("p_alive").to_numpy()
    frequency = c.column("frequency").to_numpy()
    clv = c.column("clv").to_numpy()
    assert np.all((p_alive >= 0) & (p_alive <= 1))
    assert np.all(p_alive[frequency == 0] == pytest.approx(1.0))
    assert np.all(clv >= 0)
    assert cdnow_result.total_clv == pytest.approx(float(clv.sum()))
    grid = cdnow_result.palive_grid
    assert grid is not None
    assert grid.probability.shape == (len(grid.frequency), len(grid.recency))


def test_holdout_check_counts_the_purchases_after_calibration(
    cdnow_result: AnalysisResult,
) -> None:
    holdout = cdnow_result.holdout
    assert holdout is not None
    assert cdnow_result.settings.holdout_length == pytest.approx(39.0)  # 1997-10-01 .. 1998-06-30
    assert holdout.total_actual == cdnow_result.customers["holdout_purchases"].to_numpy().sum()
    # BG/NBD under-forecasts this period by about 10 % (FHL 2005, fig. 3).
    assert -0.2 < holdout.relative_error < 0.05


def test_settings_resolve_defaults(cdnow_result: AnalysisResult) -> None:
    s = cdnow_result.settings
    assert s.calibration_end == CALIBRATION_END
    assert s.observation_end == OBSERVATION_END
    assert s.horizon_units == 52
    assert s.discount_rate_per_unit == pytest.approx(1.1 ** (7 / 365.25) - 1)


def test_parquet_input_gives_the_same_result(tmp_path: Path) -> None:
    table = cdnow_table().slice(0, 600)
    pq.write_table(table, tmp_path / "t.parquet")
    pacsv.write_csv(table, tmp_path / "t.csv")
    kwargs = {"customer": "sample id", "date": "date", "amount": "dollars"}
    a = analyze(tmp_path / "t.parquet", **kwargs)
    b = analyze(tmp_path / "t.csv", **kwargs)
    assert (
        a.customers.column("customer_id").to_pylist()
        == b.customers.column("customer_id").to_pylist()
    )
    np.testing.assert_allclose(a.customers["clv"].to_numpy(), b.customers["clv"].to_numpy())


def small_table(**overrides: object) -> pa.Table:
    """Twelve customers, a few repeat buyers: enough to fit, small enough to reason about."""
    rng = np.random.default_rng(7)
    ids, days, amounts = [], [], []
    for k in range(40):
        n = 1 + int(rng.integers(0, 5))
        start = int(rng.integers(0, 60))
        for j in range(n):
            ids.append(f"c{k:02d}")
            days.append(date.fromordinal(date(2024, 1, 1).toordinal() + start + 20 * j))
            amounts.append(float(rng.integers(5, 200)))
    columns = {"customer": ids, "day": days, "amount": amounts}
    columns.update(overrides)  # type: ignore[arg-type]
    return pa.table(columns)


def test_a_table_is_accepted_and_days_are_the_default_unit_when_asked() -> None:
    result = analyze(small_table(), customer="customer", date="day", amount="amount", time_unit="D")
    assert result.customers.num_rows == 40
    assert result.settings.horizon_units == 365
    assert result.holdout is None


def test_timezone_aware_timestamps_become_local_days() -> None:
    stamps = pa.array(
        [datetime(2024, 1, 1, 23, 30), datetime(2024, 1, 2, 1, 0)], pa.timestamp("s", tz="UTC")
    )
    table = pa.table({"c": ["x", "x"], "t": stamps, "a": [1.0, 2.0]})
    kwargs: dict[str, Any] = {"customer": "c", "date": "t", "amount": "a", "time_unit": "D"}
    utc = analyze(table, **kwargs)
    shanghai = analyze(table, **kwargs, tz="Asia/Shanghai")
    # In UTC the two purchases fall on two days; in Shanghai (UTC+8) both are on 2 January.
    assert utc.customers.column("purchases").to_pylist() == [2]
    assert shanghai.customers.column("purchases").to_pylist() == [1]


def test_a_base_without_repeat_buyers_still_gets_segments() -> None:
    table = pa.table({"c": ["x", "y", "z"], "d": ["2024-01-01"] * 3, "a": [1.0, 2.0, 3.0]})
    result = analyze(table, customer="c", date="d", amount="a")
    assert result.customers.num_rows == 3
    assert result.models == []
    assert math.isnan(result.total_clv)
    assert any("not fitted" in note for note in result.notes)
    assert result.abc[0].key == "A"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"customer": "client"}, "customer column 'client' not found"),
        ({"amount": "total"}, "amount column 'total' not found"),
        ({"calibration_end": date(2020, 1, 1)}, "before the first transaction"),
        ({"time_unit": "M"}, "time unit"),
        ({"margin": 0.0}, "margin"),
        ({"tz": "Mars/Olympus"}, "Mars/Olympus"),
    ],
)
def test_bad_arguments_raise_input_error_naming_the_problem(
    kwargs: dict[str, object], message: str
) -> None:
    table = small_table(
        day=pa.array([datetime(2024, 1, 1)] * len(small_table())).cast(pa.timestamp("s", "UTC"))
    )
    arguments: dict[str, object] = {"customer": "customer", "date": "day", "amount": "amount"}
    arguments.update(kwargs)
    with pytest.raises(InputError, match=message):
        analyze(table, **arguments)  # type: ignore[arg-type]


def test_unparseable_dates_name_the_column_and_a_value() -> None:
    table = small_table(day=["2024-01-01"] * (len(small_table()) - 1) + ["next tuesday"])
    with pytest.raises(InputError, match=r"date column 'day'.*'next tuesday'"):
        analyze(table, customer="customer", date="day", amount="amount")


def test_missing_file_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        analyze(tmp_path / "nope.csv", customer="c", date="d", amount="a")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"this is not parquet")
    with pytest.raises(InputError, match=r"cannot read bad\.parquet as Parquet"):
        analyze(bad, customer="c", date="d", amount="a")


def test_yyyymmdd_integers_are_dates() -> None:
    table = pa.table({"c": ["1", "1", "2"], "d": [19970101, 19970301, 19970105], "a": [1.0, 2, 3]})
    result = analyze(table, customer="c", date="d", amount="a", time_unit="D", date_format="%Y%m%d")
    assert result.customers.column("recency").to_pylist()[0] == 59
    assert result.customers.column("purchases").to_pylist() == [2, 1]


def test_the_command_imports_no_django() -> None:
    """``guanxi analyze`` must run where Django is not configured (or not installed)."""
    code = (
        "import sys; import guanxi.analytics.cli, guanxi.analytics.pipeline, "
        "guanxi.analytics.report; "
        "sys.exit(1 if any(m.split('.')[0] == 'django' for m in sys.modules) else 0)"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = src
    done = subprocess.run([sys.executable, "-c", code], env=env, timeout=60, check=False)
    assert done.returncode == 0


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_delimiter_is_taken_from_the_header(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "export.csv"
    lines = ["客户,日期,金额", "a,2024-01-01,10", "a,2024-02-01,12.5", "b,2024-01-15,8"]
    path.write_text("\n".join(line.replace(",", delimiter) for line in lines) + "\n")
    result = analyze(path, customer="客户", date="日期", amount="金额", time_unit="D")
    assert result.customers.column("revenue").to_pylist() == [22.5, 8.0]


def test_a_spreadsheet_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="save it as CSV or Parquet"):
        analyze(path, customer="c", date="d", amount="a")


def test_customers_first_seen_on_the_calibration_end_are_modelled() -> None:
    newcomer = pa.table(
        {
            "master id": ["x"],
            "sample id": ["newcomer"],
            "date": [CALIBRATION_END],
            "CDs": [1],
            "dollars": [20.0],
        }
    )
    table = pa.concat_tables([cdnow_table(), newcomer])
    result = analyze(
        table, customer="sample id", date="date", amount="dollars", calibration_end=CALIBRATION_END
    )
    assert [m.name for m in result.models] == ["BG/NBD", "Gamma-Gamma"]
    assert any("T = 0" in note for note in result.notes)
    row = result.customers.column("customer_id").to_pylist().index("newcomer")
    assert result.customers.column("p_alive")[row].as_py() == pytest.approx(1.0)
    assert math.isfinite(result.customers.column("clv")[row].as_py())
