"""``guanxi analyze`` end to end: CDNOW in, per-customer file, printed summary and report out."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from guanxi.analytics.cli import main
from guanxi.analytics.report import CHART_IDS

pytestmark = pytest.mark.dbindependent

DATA = Path(__file__).resolve().parents[1] / "data"
SRC = Path(__file__).resolve().parents[2] / "src"
CDNOW_ARGS = [
    "--customer", "sample id", "--date", "date", "--amount", "dollars",
    "--time-unit", "W", "--calibration-end", "1997-09-30",
]  # fmt: skip


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
def cdnow_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cdnow")
    table = cdnow_table()
    pacsv.write_csv(table, folder / "cdnow.csv")
    pq.write_table(table, folder / "cdnow.parquet")
    return {"csv": folder / "cdnow.csv", "parquet": folder / "cdnow.parquet"}


@pytest.fixture(scope="module")
def cdnow_run(
    cdnow_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, str, str, Path]:
    out = tmp_path_factory.mktemp("out") / "customers.parquet"
    capture = pytest.MonkeyPatch()
    stdout, stderr = io.StringIO(), io.StringIO()
    capture.setattr(sys, "stdout", stdout)
    capture.setattr(sys, "stderr", stderr)
    try:
        code = main([str(cdnow_files["csv"]), *CDNOW_ARGS, "--out", str(out)])
    finally:
        capture.undo()
    return code, stdout.getvalue(), stderr.getvalue(), out


def printed_parameter(stdout: str, model: str, name: str) -> float:
    match = re.search(rf"{re.escape(model)}\s*│\s*{name}\s*│\s*(-?[\d.]+)\s*│\s*([\d.]+)", stdout)
    assert match, f"{model} {name} not printed"
    return float(match.group(1))


def test_cdnow_run_writes_one_row_per_customer(cdnow_run: tuple[int, str, str, Path]) -> None:
    code, _, stderr, out = cdnow_run
    assert code == 0, stderr
    table = pq.read_table(out)
    assert table.num_rows == 2357
    expected = {
        "customer_id", "frequency", "recency", "T", "monetary_value", "revenue", "abc_class",
        "pyramid_tier", "r_score", "f_score", "m_score", "rfm_segment", "p_alive",
        "expected_purchases", "expected_spend", "clv",
    }  # fmt: skip
    assert expected <= set(table.column_names)
    # 8 customers spent $0.00 in the calibration period: ranked apart as "zero".
    assert set(table.column("abc_class").to_pylist()) == {"A", "B", "C", "zero"}
    assert set(table.column("pyramid_tier").to_pylist()) == {
        "vip", "major", "ordinary", "small", "zero"
    }  # fmt: skip
    metadata = table.schema.metadata
    assert metadata[b"guanxi.time_unit"] == b"W"
    assert metadata[b"guanxi.calibration_end"] == b"1997-09-30"
    assert metadata[b"guanxi.horizon"] == b"52"


def test_cdnow_run_prints_the_published_bgnbd_parameters(
    cdnow_run: tuple[int, str, str, Path],
) -> None:
    _, stdout, _, _ = cdnow_run
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert printed_parameter(stdout, "BG/NBD", name) == pytest.approx(value, abs=0.002)
    for title in ("ABC classification ABC分类法", "Value pyramid 客户金字塔", "RFM 分析"):
        assert title in stdout
    assert re.search(r"Total predicted CLV.*: [\d,]+\.\d\d", stdout)


def test_cdnow_run_writes_the_report_next_to_out(cdnow_run: tuple[int, str, str, Path]) -> None:
    _, _, _, out = cdnow_run
    page = out.with_suffix(".html").read_text(encoding="utf-8")
    for chart in CHART_IDS:
        assert f'data-chart="{chart}"' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", page)
    assert "<script" not in page


def test_python_m_runs_on_parquet_with_csv_out_and_a_report_path(
    cdnow_files: dict[str, Path], tmp_path: Path
) -> None:
    out, report = tmp_path / "c.csv", tmp_path / "elsewhere.html"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "guanxi.analytics", str(cdnow_files["parquet"]), *CDNOW_ARGS,
         "--observation-end", "1998-06-30", "--out", str(out), "--report", str(report),
         "--margin", "0.3", "--discount-rate", "0.15", "--horizon", "104"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Holdout check" in done.stdout
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2357
    assert "holdout_purchases" in rows[0]
    assert report.exists() and not out.with_suffix(".html").exists()
    assert "Holdout check 预测检验" in report.read_text(encoding="utf-8")


def test_csv_out_neutralises_formulas_and_the_report_escapes(tmp_path: Path) -> None:
    source = tmp_path / "tx.parquet"
    ids = ["=cmd|' /C calc'!A0", "<script>alert(1)</script>", "+1", "ok"] * 3
    days = [date(2024, 1, d) for d in (1, 1, 1, 1, 9, 9, 9, 9, 20, 20, 20, 20)]
    pq.write_table(pa.table({"id": ids, "day": days, "amount": [10.0] * 12}), source)
    out = tmp_path / "r.csv"
    assert main([str(source), "--customer", "id", "--date", "day", "--amount", "amount",
                 "--time-unit", "D", "--out", str(out), "--quiet"]) == 0  # fmt: skip
    with out.open(newline="", encoding="utf-8") as handle:
        written = {row["customer_id"] for row in csv.DictReader(handle)}
    assert written == {"'=cmd|' /C calc'!A0", "<script>alert(1)</script>", "'+1", "ok"}
    page = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{missing}", "--customer", "c", "--date", "d", "--amount", "a"], "file not found"),
        (["{csv}", *CDNOW_ARGS[:1], "client", *CDNOW_ARGS[2:]], "customer column 'client'"),
        (["{csv}", "--customer", "sample id", "--date", "when", "--amount", "dollars"], "'when'"),
        (["{csv}", "--customer", "[red]x", "--date", "date", "--amount", "dollars"], "'[red]x'"),
        (["{csv}", "--customer", "\x1b[2Jx", "--date", "date", "--amount", "dollars"], "\\x1b[2Jx"),
        (["{csv}", *CDNOW_ARGS, "--out", "{tmp}/r.xlsx"], "--out must end in .csv or .parquet"),
        (["{csv}", *CDNOW_ARGS, "--out", "{tmp}/no/such/dir/r.csv"], "does not exist"),
        (["{csv}", *CDNOW_ARGS, "--out", "{csv}"], "would overwrite the input"),
        (["{garbage}", "--customer", "c", "--date", "d", "--amount", "a"], "as Parquet"),
        (["{csv}", *CDNOW_ARGS, "--calibration-end", "1990-01-01"], "before the first"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(
    args: list[str],
    message: str,
    cdnow_files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not a parquet file at all")
    paths = {"csv": cdnow_files["csv"], "missing": tmp_path / "nope.csv", "garbage": garbage}
    argv = [a.format(tmp=tmp_path, **paths) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "r.csv")]
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("guanxi analyze: error: ")
    assert message in lines[0]
    assert "Traceback" not in captured.err


def test_argument_errors_exit_2_through_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["x.csv", "--customer", "c", "--date", "d"]) == 2  # no --amount
    assert "--amount" in capsys.readouterr().err
    argv = ["x.csv", "--customer", "c", "--date", "d", "--amount", "a"]
    assert main([*argv, "--calibration-end", "30/09/1997"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main([*argv, "--margin", "-1"]) == 2
    assert main([*argv, "--time-unit", "M"]) == 2


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [("zh", "客户金字塔", "Value pyramid"), ("en", "Value pyramid", "客户金字塔")],
)
def test_lang_picks_the_printed_labels(
    lang: str,
    shown: str,
    hidden: str,
    cdnow_files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [str(cdnow_files["csv"]), *CDNOW_ARGS, "--out", str(tmp_path / "r.csv"), "--lang", lang]
    assert main(argv) == 0
    stdout = capsys.readouterr().out
    assert shown in stdout
    assert hidden not in stdout


def test_date_format_reads_cdnow_dates_as_published(tmp_path: Path) -> None:
    """The raw CDNOW file has YYYYMMDD dates; --date-format reads them without conversion."""
    rows = [line.split() for line in (DATA / "CDNOW_sample.txt").read_text().splitlines() if line]
    source = tmp_path / "cdnow_raw.csv"
    source.write_text("id,date,cds,dollars\n" + "\n".join(",".join(r[1:]) for r in rows) + "\n")
    out = tmp_path / "r.parquet"
    argv = [str(source), *CDNOW_ARGS[2:], "--customer", "id", "--date-format", "%Y%m%d"]
    assert main([*argv, "--out", str(out), "--quiet"]) == 0
    assert pq.read_table(out).num_rows == 2357
