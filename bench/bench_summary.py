"""Per-customer summary of 10 million transactions of 1 million customers, side by side.

Contenders, all on the same in-memory data in one run: lifetimes 0.11.3
``summary_data_from_transaction_data`` (in its own venv, timed inside that subprocess), an
idiomatic pandas groupby, a plain polars query, a plain DuckDB query, and
``guanxi.analytics.summarize``. Each is timed ``--reps`` times (wall clock, median reported);
nothing is cached between runs (``summarize`` opens a fresh DuckDB connection every call).

Usage::

    .venv/bin/python bench/make_anchor_data.py bench/data      # once
    .venv/bin/python bench/bench_summary.py [--data bench/data] [--reps 3] [--no-lifetimes]
                                            [--spark]

``--spark`` adds ``summarize`` on a Spark DataFrame read from the same Parquet file (local mode,
all cores, 4 GB driver): the SQL runs on Spark and the result is written to Spark's ``noop``
sink, so every row is computed and nothing is collected to the driver.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent

LIFETIMES_SCRIPT = r"""
import json, sys, time
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data
df = pd.read_parquet(sys.argv[1])
times = []
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    summary_data_from_transaction_data(
        df, "customer_id", "date", monetary_value_col="monetary", freq="D"
    )
    times.append(time.perf_counter() - t0)
print(json.dumps(times))
"""


def timed(fn, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def pandas_summary(df):
    import pandas as pd

    day = df["date"].dt.floor("D")
    daily = (
        df.assign(day=day)
        .groupby(["customer_id", "day"], sort=False)["monetary"]
        .sum()
        .reset_index()
    )
    g = daily.groupby("customer_id", sort=False).agg(
        first=("day", "min"), last=("day", "max"), n=("day", "size"), revenue=("monetary", "sum")
    )
    end = daily["day"].max()
    return pd.DataFrame(
        {
            "frequency": g["n"] - 1,
            "recency": (g["last"] - g["first"]).dt.days,
            "T": (end - g["first"]).dt.days,
            "revenue": g["revenue"],
        }
    )


def polars_summary(df):
    import polars as pl

    end = df["date"].max().date()
    return (
        df.lazy()
        .group_by("customer_id", pl.col("date").dt.date().alias("day"))
        .agg(pl.col("monetary").sum())
        .group_by("customer_id")
        .agg(
            first=pl.col("day").min(),
            last=pl.col("day").max(),
            n=pl.len(),
            revenue=pl.col("monetary").sum(),
        )
        .with_columns(
            frequency=pl.col("n") - 1,
            recency=(pl.col("last") - pl.col("first")).dt.total_days(),
            T=(pl.lit(end) - pl.col("first")).dt.total_days(),
        )
        .collect()
    )


def duckdb_summary(table):
    con = duckdb.connect(config={"threads": os.cpu_count() or 1})
    con.register("tx", table)
    return con.sql(
        """
        WITH daily AS (
            SELECT customer_id, CAST(date AS DATE) AS day, SUM(monetary) AS monetary
            FROM tx GROUP BY customer_id, day
        )
        SELECT customer_id, COUNT(*) - 1 AS frequency,
               MAX(day) - MIN(day) AS recency,
               (SELECT MAX(day) FROM daily) - MIN(day) AS T,
               SUM(monetary) AS revenue
        FROM daily GROUP BY customer_id
        """
    ).to_arrow_table()


def spark_summary(path: Path) -> None:
    from pyspark.sql import SparkSession

    from guanxi.analytics import summarize

    spark = (
        SparkSession.builder.master(f"local[{os.cpu_count() or 1}]")
        .appName("guanxi-bench")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1)))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    frame = spark.read.parquet(str(path))
    out = summarize(frame, amount_col="monetary")
    out.write.format("noop").mode("overwrite").save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(HERE / "data"))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--file", default="tx_10m.parquet")
    parser.add_argument("--no-lifetimes", action="store_true")
    parser.add_argument("--spark", action="store_true")
    args = parser.parse_args()

    import pandas as pd  # noqa: F401  (imported before timing)
    import polars as pl

    from guanxi.analytics import summarize

    path = Path(args.data) / args.file
    table = pq.read_table(path)
    df = table.to_pandas()
    pl_df = pl.from_arrow(table)
    print(f"input: {path.name}, {table.num_rows:,} rows, load average {os.getloadavg()}")

    results = {}
    if not args.no_lifetimes:
        python = (
            subprocess.run(
                ["bash", str(HERE / "lifetimes_venv.sh")],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        out = subprocess.run(
            [python, "-c", LIFETIMES_SCRIPT, str(path), str(args.reps)],
            check=True,
            capture_output=True,
            text=True,
        )
        results["lifetimes 0.11.3"] = json.loads(out.stdout.strip().splitlines()[-1])
    results["pandas groupby"] = timed(lambda: pandas_summary(df), args.reps)
    results["polars query"] = timed(lambda: polars_summary(pl_df), args.reps)
    results["plain DuckDB query"] = timed(lambda: duckdb_summary(table), args.reps)
    results["guanxi summarize"] = timed(lambda: summarize(table, amount_col="monetary"), args.reps)
    if args.spark:
        # Spark reads Parquet timestamps in micro-, not nanoseconds: a copy in microseconds
        spark_path = path.with_name(path.stem + "_us.parquet")
        if not spark_path.exists():
            pq.write_table(table, spark_path, coerce_timestamps="us")
        results["guanxi summarize, Spark"] = timed(lambda: spark_summary(spark_path), args.reps)

    ours = statistics.median(results["guanxi summarize"])
    print(f"{'contender':22s} {'median s':>9s} {'runs':>24s} {'ours faster by':>15s}")
    for name, times in results.items():
        med = statistics.median(times)
        runs = " ".join(f"{t:.2f}" for t in times)
        print(f"{name:22s} {med:9.2f} {runs:>24s} {med / ours:14.2f}x")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
