"""Reading per-customer value columns and ranking customers without a full sort.

Every classifier here orders customers by value, highest first, and breaks ties by customer id
(ascending): the order is total, so the result never depends on the order of the input rows.
Top-k sets under a total order are nested, which lets a class be computed as "in the top k1 but
not in the top k0" with one O(n) selection (`numpy.partition`) per boundary instead of a sort;
only the customers tied at a boundary value are sorted, by id.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guanxi.analytics._arrays import strings, to_arrow, to_numpy
from guanxi.analytics._inputs import TableKind, as_arrow, require_columns, table_kind
from guanxi.analytics.errors import InputError


def read_table(data: Any) -> tuple[TableKind, pa.Table]:
    """The input's kind (for handing results back) and its Arrow table."""
    return table_kind(data), as_arrow(data)


def customer_ids(table: pa.Table, customer_col: str) -> np.ndarray:
    """The customer id column as a numpy array; nulls and duplicates are errors."""
    require_columns(table.column_names, {"customer": customer_col})
    column = table[customer_col]
    if column.null_count:
        row = _first_true(pc.is_null(column))
        raise InputError(f"column {customer_col!r} has a null customer id at row {row}")
    ids = to_numpy(column)
    if _has_duplicates(ids, column):
        raise InputError(
            f"column {customer_col!r} repeats customer ids: give one row per customer "
            "(summarize the transactions first)"
        )
    return ids


def _has_duplicates(ids: np.ndarray, column: pa.ChunkedArray) -> bool:
    """Whether an id repeats: O(n) for integer ids (sorted, or in a compact range)."""
    n = len(ids)
    if n < 2:
        return False
    if ids.dtype.kind in "iu":
        if bool((ids[1:] > ids[:-1]).all()):
            return False
        low, high = int(ids.min()), int(ids.max())
        if high - low < 4 * n:
            return bool(np.bincount(ids - low).max() > 1)
    return pc.count_distinct(column).as_py() != n


def numeric_column(
    table: pa.Table,
    col: str,
    role: str,
    ids: np.ndarray,
    *,
    allow_negative: bool = True,
    keep_integers: bool = False,
) -> np.ndarray:
    """A value column as float64 (or int64 with ``keep_integers``); non-numeric, null, NaN or
    (optionally) negative is an error."""
    require_columns(table.column_names, {role: col})
    column = table[col]
    if not (
        pa.types.is_integer(column.type)
        or pa.types.is_floating(column.type)
        or pa.types.is_decimal(column.type)
    ):
        raise InputError(f"{role} column {col!r} is not numeric (type {column.type})")
    if column.null_count:
        row = _first_true(pc.is_null(column))
        raise InputError(
            f"{role} column {col!r} is null for customer {_py(ids[row])!r} (row {row})"
        )
    values = to_numpy(column)
    if keep_integers and pa.types.is_integer(column.type):
        values = values.astype(np.int64, copy=False)
        bad = np.zeros(len(values), dtype=bool)
    else:
        values = values.astype(np.float64, copy=False)
        bad = ~np.isfinite(values)
    if not allow_negative:
        bad |= values < 0
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{role} column {col!r} has {_py(values[row])!r} "
            f"for customer {_py(ids[row])!r} (row {row})"
        )
    return values


def _py(value: Any) -> Any:
    """A numpy scalar as the plain Python value, for error messages."""
    return value.item() if isinstance(value, np.generic) else value


def _first_true(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(np.flatnonzero(np.asarray(mask.to_numpy(zero_copy_only=False)))[0])


def round_half_up(x: float) -> int:
    """Counts from shares are rounded half up (1,000 customers x 1.5 % -> 15; 0.5 -> 1)."""
    return math.floor(x + 0.5 + 1e-9)


def top_k(
    values: np.ndarray,
    ids: np.ndarray,
    candidates: np.ndarray,
    k: int,
    threshold: float | None = None,
) -> np.ndarray:
    """Boolean mask of the ``k`` candidates ranked first by (value desc, id asc).

    ``candidates`` is a boolean mask of the customers taking part; the rest are never chosen.
    ``threshold``, the k-th largest candidate value, is found by selection unless given.
    """
    n_candidates = int(np.count_nonzero(candidates))
    if k <= 0 or n_candidates == 0:
        return np.zeros(len(values), dtype=bool)
    if k >= n_candidates:
        return candidates.copy()
    if threshold is None:
        pool = values if n_candidates == len(values) else values[candidates]
        threshold = np.partition(pool, pool.size - k)[pool.size - k]
    mask = candidates & (values > threshold)
    missing = k - int(np.count_nonzero(mask))
    if missing:
        tied = np.flatnonzero(candidates & (values == threshold))
        order = np.argsort(ids[tied], kind="stable")
        mask[tied[order[:missing]]] = True
    return mask


def nested_codes(
    values: np.ndarray,
    ids: np.ndarray,
    candidates: np.ndarray,
    counts: Sequence[int],
    rest_code: int,
    sorted_desc: np.ndarray | None = None,
) -> np.ndarray:
    """Class codes by rank: code 0 for the first ``counts[0]`` candidates, code 1 for the next
    ones up to the cumulative ``counts[1]``, ..., code ``len(counts)`` for the other candidates
    and ``rest_code`` for non-candidates. ``counts`` are cumulative and non-decreasing.
    ``sorted_desc``, the candidates' values sorted descending, saves the selections."""
    codes = np.full(len(values), rest_code, dtype=np.int8)
    codes[candidates] = len(counts)
    # widest set first, so each narrower set overwrites its members
    for code in range(len(counts) - 1, -1, -1):
        k = counts[code]
        threshold = None
        if sorted_desc is not None and 0 < k <= len(sorted_desc):
            threshold = sorted_desc[k - 1]
        codes[top_k(values, ids, candidates, k, threshold)] = code
    return codes


def label_column(codes: np.ndarray, labels: Sequence[str]) -> pa.DictionaryArray:
    """Codes as a dictionary-encoded string column (categorical in pandas and polars)."""
    return pa.DictionaryArray.from_arrays(to_arrow(codes.astype(np.int8)), strings(list(labels)))
