"""Shared fixtures of the analytics tests: one Spark session for the whole run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest


def _no_spark(reason: str) -> None:
    # CI installs Java and pyspark: a missing one must fail the run, not skip the parity tests.
    if os.environ.get("GUANXI_ALLOW_NO_SPARK") == "1":
        pytest.skip(f"{reason} (allowed by GUANXI_ALLOW_NO_SPARK=1)")
    pytest.fail(f"{reason}; install it, or set GUANXI_ALLOW_NO_SPARK=1 to skip the Spark tests")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local[2] Spark session in UTC, small shuffles, no UI; stopped at the end of the run."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _no_spark("pyspark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _no_spark("no Java runtime found for Spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("guanxi-analytics-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def cdnow_transactions() -> pa.Table:
    """The 6,919 raw transactions: customer_id (1-2357), date, cds, amount (dollars)."""
    ids, dates, cds, amounts = [], [], [], []
    for line in (DATA / "CDNOW_sample.txt").read_text().split("\n"):
        fields = line.split()
        if not fields:
            continue
        ids.append(int(fields[1]))
        dates.append(dt.datetime.strptime(fields[2], "%Y%m%d").date())
        cds.append(int(fields[3]))
        amounts.append(float(fields[4]))
    return pa.table(
        {
            "customer_id": pa.array(ids, pa.int64()),
            "date": pa.array(dates, pa.date32()),
            "cds": pa.array(cds, pa.int64()),
            "amount": pa.array(amounts, pa.float64()),
        }
    )


@pytest.fixture(scope="session")
def cdnow_summary() -> pa.Table:
    """The published 39-week calibration summary (ID, frequency, recency, T in weeks)."""
    return pcsv.read_csv(DATA / "cdnow_customers_summary.csv")


@pytest.fixture(scope="session")
def cdnow_summary_with_transactions() -> pa.Table:
    """The same with zbar, the mean repeat spend rounded half-up to cents (ID, x, t_x, T, zbar)."""
    return pcsv.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
