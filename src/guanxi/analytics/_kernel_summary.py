"""The summary on one machine: DuckDB reads and normalises the rows, the kernel groups them.

`guanxi.analytics.summary` calls these in order: `load_kernel_in_background`, `fetch_rows` (one
DuckDB read of the normalised columns ``c, d, a[, p]``), `day_range` (the checks the SQL path's
scan makes, on the fetched columns), then `summary_table`. Numbers cross between Arrow and numpy
through `guanxi.analytics._arrays` (no pandas import).
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guanxi.analytics._arrays import to_arrow, to_numpy
from guanxi.analytics._sql import NEGATIVE_TOLERANCE, SummaryPlan

if TYPE_CHECKING:
    from guanxi.analytics._engines import DuckDBEngine
    from guanxi.analytics._kernel import Rows


def load_kernel_in_background() -> threading.Thread:
    """Import numba and load the cached kernel while DuckDB reads (DuckDB releases the GIL):
    the import and first call cost about 0.7 s in a fresh process."""

    def load() -> None:
        with contextlib.suppress(Exception):  # a failure shows again on the real call
            from guanxi.analytics._kernel import warm_up

            warm_up()

    thread = threading.Thread(target=load, name="guanxi-kernel-load", daemon=True)
    thread.start()
    return thread


def fetch_rows(engine: DuckDBEngine, source: str, *, has_profit: bool) -> pa.Table:
    """The normalised rows (customer, local date, amount[, profit]) in no particular order."""
    columns = "c, d, a, p" if has_profit else "c, d, a"
    return engine.fetch(f"SELECT {columns} FROM {source}")  # noqa: S608 (a view name)


def day_range(rows: pa.Table) -> tuple[int, int, bool] | None:
    """First and last day numbers and whether any amount is negative; None when a value is
    missing (a null, or a date that did not parse), for the SQL checks to name the row."""
    if rows.num_rows == 0 or any(column.null_count for column in rows.columns):
        return None
    days = pc.min_max(rows["d"].cast(pa.int32()))
    lowest = pc.min(rows["a"]).as_py()
    return days["min"].as_py(), days["max"].as_py(), lowest < 0


def customer_codes(column: pa.ChunkedArray) -> tuple[list[np.ndarray], int, int, Any]:
    """Integer ids for the kernel, one array per chunk: ``(ids, offset, n_codes, ids_of)``,
    where a customer's code is its id minus ``offset`` and ``ids_of(codes)`` gives the customer
    ids back as Arrow.

    Integer ids within a modest range are used as they are, so no hashing is needed; any other
    ids (text, or integers spread too widely for an array slot each) are dictionary-encoded.
    """
    n = len(column)
    if pa.types.is_integer(column.type) and n:
        bounds = pc.min_max(column)
        lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
        # one slot per id in the range: at most half a slot per row keeps the arrays small
        if hi - lo < min(max(n // 2, 1 << 20), 2**31 - 1) and hi < 2**63:
            id_type = column.type
            if id_type not in (pa.int32(), pa.int64()):
                column = column.cast(pa.int64())
            dtype = np.int32 if column.type == pa.int32() else np.int64
            ids = [to_numpy(chunk, dtype) for chunk in column.chunks]
            return ids, lo, hi - lo + 1, lambda used: to_arrow(used + lo).cast(id_type)
    encoded = pc.dictionary_encode(column.combine_chunks())
    dictionary = encoded.dictionary
    codes = to_numpy(encoded.indices, np.int32)
    return [codes], 0, len(dictionary), lambda used: dictionary.take(to_arrow(used))


def _chunks(rows: pa.Table, ids: list[np.ndarray], has_profit: bool) -> list[Rows]:
    """The kernel's input: the fetched columns' buffers as they are, chunk by chunk."""
    from guanxi.analytics._kernel import Rows

    if len(ids) == 1 and rows.column("d").num_chunks != 1:
        rows = rows.combine_chunks()  # ids were re-encoded as one array
    columns = ["d", "a", "p"] if has_profit else ["d", "a"]
    parts = [rows[name].chunks for name in columns]
    out = []
    for chunk_ids, day, amount, *profit in zip(ids, *parts, strict=True):
        out.append(
            Rows(
                chunk_ids,
                to_numpy(day, np.int32),  # a date32 buffer holds day numbers
                to_numpy(amount, np.float64),
                to_numpy(profit[0], np.float64) if profit else None,
            )
        )
    return out


def summary_table(rows: pa.Table, plan: SummaryPlan, customer_col: str) -> tuple[pa.Table, int]:
    """The per-customer summary of ``rows`` (the columns of `guanxi.analytics._sql.summary_sql`
    without the internal ones) and the number of customers with any row up to the observation
    end. Raises `NegativeOccasion` when a customer-day nets below zero."""
    from guanxi.analytics._kernel import reduce_occasions

    ids, offset, n_codes, ids_of = customer_codes(rows["c"])
    rows = rows.combine_chunks() if len({c.num_chunks for c in rows.columns}) > 1 else rows
    occ = reduce_occasions(
        _chunks(rows, ids, plan.has_profit),
        offset,
        n_codes,
        plan.calibration_day,
        plan.observation_day,
    )
    present = (occ.n_occasions > 0) | (occ.frequency_holdout > 0)
    if occ.min_occasion.min(initial=0.0, where=present) < -NEGATIVE_TOLERANCE:
        raise NegativeOccasion
    seen = np.flatnonzero(occ.n_occasions > 0)
    unit = plan.unit_days
    n_occ = occ.n_occasions[seen]
    first = occ.first_day[seen]
    last = occ.last_day[seen]
    revenue = occ.revenue[seen]
    monetary = np.zeros(seen.size)
    np.divide(revenue - occ.first_amount[seen], n_occ - 1, out=monetary, where=n_occ > 1)
    out: dict[str, Any] = {
        customer_col: ids_of(seen),
        "first_purchase": to_arrow(first).cast(pa.date32()),
        "last_purchase": to_arrow(last).cast(pa.date32()),
        "frequency": to_arrow(n_occ - 1),
        "recency": to_arrow((last - first).astype(np.float64) / unit),
        "T": to_arrow((plan.calibration_day - first).astype(np.float64) / unit),
        "monetary_value": to_arrow(monetary),
        "revenue": to_arrow(revenue),
    }
    if plan.has_profit:
        out["profit"] = to_arrow(occ.profit[seen])
    out["n_orders"] = to_arrow(occ.n_orders[seen])
    if plan.holdout:
        duration = (plan.observation_day - plan.calibration_day) / unit
        out["frequency_holdout"] = to_arrow(occ.frequency_holdout[seen])
        out["revenue_holdout"] = to_arrow(occ.revenue_holdout[seen])
        out["duration_holdout"] = to_arrow(np.full(seen.size, duration))
    return pa.table(out), int(np.count_nonzero(present))


class NegativeOccasion(Exception):
    """A customer-day nets below zero; the caller names it with the SQL (error path only)."""
