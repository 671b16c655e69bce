"""ABC classes and RFM quintiles on 1 million customers, and the whole chain from Parquet.

Part 1 times, side by side in one run, on ``rfm_1m.parquet`` (in memory): ABC by cumulative
revenue share (70/20/10) in idiomatic pandas, in polars, and ``abc_classify``; RFM quintile scores
of the three columns in pandas (``qcut`` of a first-rank), polars (ordinal rank) and ``rfm_score``
(which also names segments and the eight-segment scheme); the value pyramid.

Part 2 runs ``summarize`` + ``abc_classify`` + ``value_pyramid`` + ``rfm_score`` on
``tx_10m.parquet`` read from disk, in a fresh subprocess per repetition, and reports its wall time
(from the first call to the last result, imports excluded) and the subprocess's peak resident
memory (``ru_maxrss``, which includes the interpreter and libraries).

Usage::

    .venv/bin/python bench/bench_segments.py [--data bench/data] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent

PIPELINE = r"""
import json, sys, time
t_import = time.perf_counter()
from guanxi.analytics import abc_classify, rfm_from_summary, rfm_score, summarize, value_pyramid
t0 = time.perf_counter()
summary, info = summarize(sys.argv[1], amount_col="monetary", return_info=True)
abc = abc_classify(summary)
pyramid = value_pyramid(summary)
rfm = rfm_score(rfm_from_summary(summary, info.calibration_end))
t1 = time.perf_counter()
print(json.dumps({"wall": t1 - t0, "with_imports": t1 - t_import, "customers": summary.num_rows}))
"""


def timed(fn, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def pandas_abc(df):
    s = df.sort_values(["monetary_total", "customer_id"], ascending=[False, True])
    share = s["monetary_total"].cumsum() / s["monetary_total"].sum()
    before = share - s["monetary_total"] / s["monetary_total"].sum()
    return np.select([before < 0.7, before < 0.9], ["A", "B"], "C")


def polars_abc(df):
    import polars as pl

    total = df["monetary_total"].sum()
    return (
        df.lazy()
        .sort(["monetary_total", "customer_id"], descending=[True, False])
        .with_columns(
            before=(pl.col("monetary_total").cum_sum() - pl.col("monetary_total")) / total
        )
        .with_columns(
            abc=pl.when(pl.col("before") < 0.7)
            .then(pl.lit("A"))
            .when(pl.col("before") < 0.9)
            .then(pl.lit("B"))
            .otherwise(pl.lit("C"))
        )
        .collect()
    )


def pandas_rfm(df):
    import pandas as pd

    labels = [1, 2, 3, 4, 5]
    return pd.DataFrame(
        {
            "r": pd.qcut((-df["recency_days"]).rank(method="first"), 5, labels=labels),
            "f": pd.qcut(df["frequency"].rank(method="first"), 5, labels=labels),
            "m": pd.qcut(df["monetary_total"].rank(method="first"), 5, labels=labels),
        }
    )


def polars_rfm(df):
    import polars as pl

    n = df.height

    def score(expr):
        return ((expr.rank("ordinal") - 1) * 5 // n + 1).cast(pl.Int8)

    return df.select(
        r=score(-pl.col("recency_days")),
        f=score(pl.col("frequency")),
        m=score(pl.col("monetary_total")),
    )


def report(results):
    ours_key = next(k for k in results if k.startswith("guanxi"))
    ours = statistics.median(results[ours_key])
    for name, times in results.items():
        med = statistics.median(times)
        runs = " ".join(f"{t:.3f}" for t in times)
        print(f"  {name:28s} {med:8.3f} s   runs {runs:24s} ours faster by {med / ours:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(HERE / "data"))
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()

    import polars as pl

    from guanxi.analytics import abc_classify, rfm_score, value_pyramid

    data = Path(args.data)
    table = pq.read_table(data / "rfm_1m.parquet")
    df = table.to_pandas()
    pl_df = pl.from_arrow(table)
    print(f"customers: {table.num_rows:,}; load average {os.getloadavg()}")

    print("ABC, 70/20/10 of revenue:")
    report(
        {
            "pandas sort + cumsum": timed(lambda: pandas_abc(df), args.reps),
            "polars sort + cum_sum": timed(lambda: polars_abc(pl_df), args.reps),
            "guanxi abc_classify": timed(lambda: abc_classify(table, "monetary_total"), args.reps),
        }
    )
    print("RFM quintile scores (R, F, M):")
    report(
        {
            "pandas rank + qcut": timed(lambda: pandas_rfm(df), args.reps),
            "polars ordinal rank": timed(lambda: polars_rfm(pl_df), args.reps),
            "guanxi rfm_score": timed(
                lambda: rfm_score(table, monetary_col="monetary_total"), args.reps
            ),
        }
    )
    print("Value pyramid (1/4/15/80 %):")
    report(
        {"guanxi value_pyramid": timed(lambda: value_pyramid(table, "monetary_total"), args.reps)}
    )

    print("summarize + ABC + pyramid + RFM from tx_10m.parquet (fresh process each run):")
    walls, totals, peaks = [], [], []
    for _ in range(args.reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", PIPELINE, str(data / "tx_10m.parquet")],
            check=True,
            capture_output=True,
            text=True,
        )
        totals.append(time.perf_counter() - t0)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over children
        peaks.append(max(peak, before) / 1024)
        walls.append(json.loads(out.stdout.strip().splitlines()[-1])["wall"])
    print(
        f"  wall {statistics.median(walls):.2f} s (runs {' '.join(f'{w:.2f}' for w in walls)}), "
        f"process incl. interpreter start and imports {statistics.median(totals):.2f} s, "
        f"peak RSS {max(peaks):.0f} MiB"
    )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
