"""The per-customer occasion reduction, compiled with numba: the hot loop of `summarize`.

Why a compiled kernel and not SQL
---------------------------------
The summary needs an *exact* count of distinct purchase days per customer and the net amount of
the first day. In SQL that is two hash aggregations: one over customer-days (about as many groups
as rows) and one over customers. On 10 million rows that is where all the time goes, in DuckDB,
polars and pandas alike. The data allows something cheaper. Customers are small integers after
encoding, and each one has a handful of rows. So the rows can be put in customer order by a
two-pass radix partition (first by the high bits of the customer code, then by a counting sort
inside each cache-sized bucket). Each customer's few rows are then sorted by day in place and
walked once. No hash table is built and every write stays in cache. The result is several times
faster than the plain two-level DuckDB query on the same data (bench/bench_summary.py).

DuckDB still reads the input, checks it and turns dates into days (`guanxi.analytics.summary`),
so time zones, formats and error messages stay exactly those of the SQL path. The SQL in
`guanxi.analytics._sql` stays the definition: Spark runs it, DuckDB runs it for ``order_col``,
and the tests check that the kernel gives the same rows as the SQL on random data.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

#: Customer codes per bucket of the first partition pass, as a power of two: 4,096 customers
#: (about 40,000 rows at ten rows each) keeps a bucket's counting sort inside the L2 cache.
BUCKET_SHIFT = 12
#: Segments up to this length are sorted by insertion sort; longer ones by ``ndarray.sort``.
_INSERTION_MAX = 24

# numba's default thread pool aborts when two threads enter a parallel kernel at once.
_PARALLEL_LOCK = threading.Lock()


@dataclass(frozen=True)
class Occasions:
    """Per-customer-code results of `reduce_occasions` (arrays indexed by customer code).

    ``n_occasions``, ``last_day``, ``revenue``, ``profit`` and ``n_orders`` cover the calibration
    period (days up to ``calibration_day``); ``first_day``, ``first_amount`` (the net amount of
    the first occasion) and ``min_occasion`` cover every row given. A code without rows in the
    calibration period has ``n_occasions == 0``.
    """

    first_day: np.ndarray
    last_day: np.ndarray
    n_occasions: np.ndarray
    revenue: np.ndarray
    first_amount: np.ndarray
    min_occasion: np.ndarray
    profit: np.ndarray
    n_orders: np.ndarray
    frequency_holdout: np.ndarray
    revenue_holdout: np.ndarray


@numba.njit(cache=True, nogil=True, parallel=True)
def _count(ids, offset, days, last_day, shift, n_buckets, n_parts):
    """Rows per bucket ``(id - offset) >> shift`` in each of ``n_parts`` slices of the rows,
    leaving out rows after ``last_day``."""
    n = ids.shape[0]
    counts = np.zeros((n_parts, n_buckets), np.int64)
    for part in numba.prange(n_parts):
        for i in range(part * n // n_parts, (part + 1) * n // n_parts):
            if days[i] <= last_day:
                counts[part, (ids[i] - offset) >> shift] += 1
    return counts


@numba.njit(cache=True, nogil=True, parallel=True)
def _scatter(
    ids,
    offset,
    days,
    amounts,
    profits,
    last_day,
    shift,
    fill,
    codes_out,
    days_out,
    amounts_out,
    profits_out,
):
    """Write the rows to their buckets, slice ``part`` starting at ``fill[part, bucket]``."""
    n = ids.shape[0]
    n_parts = fill.shape[0]
    has_profit = profits.shape[0] == n
    for part in numba.prange(n_parts):
        for i in range(part * n // n_parts, (part + 1) * n // n_parts):
            if days[i] > last_day:
                continue
            code = np.int32(ids[i] - offset)
            b = code >> shift
            p = fill[part, b]
            codes_out[p] = code
            days_out[p] = days[i]
            amounts_out[p] = amounts[i]
            if has_profit:
                profits_out[p] = profits[i]
            fill[part, b] = p + 1


@numba.njit(cache=True, nogil=True, parallel=True)
def _reduce(starts, codes, days, amounts, profits, shift, n_codes, calibration_day):
    n_buckets = starts.shape[0] - 1
    width = 1 << shift
    has_profit = profits.shape[0] == codes.shape[0]
    first_day = np.zeros(n_codes, np.int32)
    last_day = np.zeros(n_codes, np.int32)
    n_occasions = np.zeros(n_codes, np.int64)
    revenue = np.zeros(n_codes, np.float64)
    first_amount = np.zeros(n_codes, np.float64)
    min_occasion = np.zeros(n_codes, np.float64)
    profit = np.zeros(n_codes, np.float64)
    n_orders = np.zeros(n_codes, np.int64)
    frequency_holdout = np.zeros(n_codes, np.int64)
    revenue_holdout = np.zeros(n_codes, np.float64)
    low_mask = np.int64(0xFFFFFFFF)
    for b in numba.prange(n_buckets):
        start = starts[b]
        end = starts[b + 1]
        base = b << shift
        # counting sort of the bucket by customer code; a key is (day << 32 | row in bucket)
        bounds = np.zeros(width + 1, np.int64)
        for i in range(start, end):
            bounds[codes[i] - base + 1] += 1
        for j in range(width):
            bounds[j + 1] += bounds[j]
        fill = bounds[:-1].copy()
        keys = np.empty(end - start, np.int64)
        for i in range(start, end):
            local = codes[i] - base
            keys[fill[local]] = (np.int64(days[i]) << 32) | np.int64(i - start)
            fill[local] += 1
        for local in range(width):
            lo = bounds[local]
            hi = bounds[local + 1]
            if hi == lo:
                continue
            if hi - lo <= _INSERTION_MAX:
                for i in range(lo + 1, hi):
                    key = keys[i]
                    j = i - 1
                    while j >= lo and keys[j] > key:
                        keys[j + 1] = keys[j]
                        j -= 1
                    keys[j + 1] = key
            else:
                keys[lo:hi].sort()
            code = base + local
            occasions = 0
            total = 0.0
            total_profit = 0.0
            orders = 0
            last = np.int32(0)
            held = 0
            held_revenue = 0.0
            lowest = np.inf
            first_net = 0.0
            day = np.int32(keys[lo] >> 32)
            net = 0.0
            net_profit = 0.0
            rows = 0
            seen = 0
            for i in range(lo, hi + 1):
                if i < hi:
                    next_day = np.int32(keys[i] >> 32)
                    if i > lo and next_day == day:
                        row = start + (keys[i] & low_mask)
                        net += amounts[row]
                        if has_profit:
                            net_profit += profits[row]
                        if amounts[row] >= 0:
                            rows += 1
                        continue
                if i > lo:
                    # close the occasion on ``day``
                    if seen == 0:
                        first_net = net
                    seen += 1
                    lowest = min(lowest, net)
                    if day <= calibration_day:
                        occasions += 1
                        total += net
                        total_profit += net_profit
                        orders += rows
                        last = day
                    else:
                        held += 1
                        held_revenue += net
                if i < hi:
                    row = start + (keys[i] & low_mask)
                    day = np.int32(keys[i] >> 32)
                    net = amounts[row]
                    net_profit = profits[row] if has_profit else 0.0
                    rows = 1 if amounts[row] >= 0 else 0
            first_day[code] = np.int32(keys[lo] >> 32)
            last_day[code] = last
            n_occasions[code] = occasions
            revenue[code] = total
            first_amount[code] = first_net
            min_occasion[code] = lowest
            profit[code] = total_profit
            n_orders[code] = orders
            frequency_holdout[code] = held
            revenue_holdout[code] = held_revenue
    return (
        first_day,
        last_day,
        n_occasions,
        revenue,
        first_amount,
        min_occasion,
        profit,
        n_orders,
        frequency_holdout,
        revenue_holdout,
    )


def _read_only(values: np.ndarray, dtype: Any) -> np.ndarray:
    """A contiguous read-only view: numba compiles (and caches) one version of a kernel per
    array type, and read-only is part of the type, so every caller passes the same kind."""
    view = np.ascontiguousarray(values, dtype=dtype).view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True)
class Rows:
    """One chunk of transactions: integer customer ids, day numbers, net amounts and optional
    profits (equal-length arrays; an Arrow column's chunks are passed without copying)."""

    ids: np.ndarray
    days: np.ndarray
    amounts: np.ndarray
    profits: np.ndarray | None = None


def reduce_occasions(
    chunks: list[Rows],
    offset: int,
    n_codes: int,
    calibration_day: int,
    observation_day: int,
) -> Occasions:
    """Per-customer occasion statistics; a row's customer code is its id minus ``offset``
    (0 <= code < n_codes). Rows after ``observation_day`` are left out; days after
    ``calibration_day`` count as holdout occasions."""
    has_profit = bool(chunks) and chunks[0].profits is not None
    prepared = []
    for chunk in chunks:
        ids = chunk.ids if chunk.ids.dtype in (np.int32, np.int64) else chunk.ids.astype(np.int64)
        profits = chunk.profits if has_profit and chunk.profits is not None else np.empty(0)
        prepared.append(
            (
                _read_only(ids, ids.dtype),
                ids.dtype.type(offset),
                _read_only(chunk.days, np.int32),
                _read_only(chunk.amounts, np.float64),
                _read_only(profits, np.float64),
            )
        )
    n_buckets = max(1, ((n_codes - 1) >> BUCKET_SHIFT) + 1)
    threads = numba.get_num_threads()
    with _PARALLEL_LOCK:
        counts = [
            _count(ids, off, days, observation_day, BUCKET_SHIFT, n_buckets, _parts(ids, threads))
            for ids, off, days, _, _ in prepared
        ]
        # each bucket holds chunk 0's slices, then chunk 1's, ...: a stable partition
        stacked = np.concatenate(counts) if counts else np.zeros((1, n_buckets), np.int64)
        per_bucket = stacked.sum(axis=0)
        starts = np.zeros(n_buckets + 1, np.int64)
        np.cumsum(per_bucket, out=starts[1:])
        fills = starts[:-1] + np.cumsum(stacked, axis=0) - stacked
        n = int(starts[-1])
        out = (
            np.empty(n, np.int32),
            np.empty(n, np.int32),
            np.empty(n, np.float64),
            np.empty(n if has_profit else 0, np.float64),
        )
        row = 0
        for (ids, off, days, amounts, profits), chunk_counts in zip(prepared, counts, strict=True):
            fill = fills[row : row + len(chunk_counts)].copy()
            row += len(chunk_counts)
            _scatter(ids, off, days, amounts, profits, observation_day, BUCKET_SHIFT, fill, *out)
        result = _reduce(starts, *out, BUCKET_SHIFT, n_codes, calibration_day)
    return Occasions(*result)


def _parts(ids: np.ndarray, threads: int) -> int:
    """Slices of a chunk for the threads: one per thread, none smaller than 100,000 rows."""
    return max(1, min(threads, ids.shape[0] // 100_000))


def warm_up() -> None:
    """Load (or, on the very first run, compile) the kernel by running it on two rows."""
    for dtype in (np.int64, np.int32):
        rows = Rows(np.array([0, 1], dtype), np.array([0, 1]), np.array([1.0, 2.0]))
        reduce_occasions([rows], 0, 2, 0, 1)
