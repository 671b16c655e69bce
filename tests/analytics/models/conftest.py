"""CDNOW sample (tests/data) as numpy arrays for the lifetime-value model tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="session")
def cdnow() -> dict[str, np.ndarray]:
    """Calibration summary, 39 weeks: frequency, recency, T (weeks) and zbar (rounded to cents)."""
    table = np.loadtxt(
        DATA / "cdnow_customers_summary_with_transactions.csv", delimiter=",", skiprows=1
    )
    return {
        "frequency": table[:, 1],
        "recency": table[:, 2],
        "T": table[:, 3],
        "monetary_value": table[:, 4],
        "id": table[:, 0],
    }


@pytest.fixture(scope="session")
def cdnow_transactions() -> dict[str, np.ndarray]:
    """Per customer from the raw transactions: exact mean repeat spend and holdout purchases.

    Purchase occasions are customer-days; calibration ends 1997-09-30 (39 weeks after the
    cohort's start), the holdout runs to 1998-06-30.
    """
    raw = np.loadtxt(DATA / "CDNOW_sample.txt", usecols=(1, 2, 4), dtype=np.float64)
    ids = raw[:, 0].astype(np.int64)
    dates = np.array(
        [
            np.datetime64(f"{int(d) // 10000:04d}-{int(d) // 100 % 100:02d}-{int(d) % 100:02d}")
            for d in raw[:, 1]
        ]
    )
    day = (dates - np.datetime64("1997-01-01")).astype(np.int64)
    keys, inverse = np.unique(ids * 100_000 + day, return_inverse=True)
    value = np.bincount(inverse, weights=raw[:, 2])
    cust, cday = keys // 100_000, keys % 100_000
    n = int(cust.max())
    first = np.full(n + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, cust, cday)
    calibration_end = int((np.datetime64("1997-09-30") - np.datetime64("1997-01-01")).astype(int))
    repeat = (cday > first[cust]) & (cday <= calibration_end)
    holdout = cday > calibration_end
    count = np.bincount(cust[repeat], minlength=n + 1)
    spend = np.bincount(cust[repeat], weights=value[repeat], minlength=n + 1)
    with np.errstate(invalid="ignore"):
        zbar = np.where(count > 0, spend / np.maximum(count, 1), 0.0)
    return {
        "frequency": count[1:].astype(float),
        "monetary_value": zbar[1:],
        "holdout": np.bincount(cust[holdout], minlength=n + 1)[1:].astype(float),
    }
