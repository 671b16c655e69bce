"""Validation of the summary arrays the lifetime-value models read.

One helper at the boundary, so every model answers bad input the same way: an
:class:`~guanxi.analytics.errors.InputError` that names the column and the first offending
index. Data frames are read through duck typing (pandas, polars, a pyarrow ``Table`` or any
mapping of columns); neither pandas nor polars is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from guanxi.analytics.errors import InputError

__all__ = ["check_summary", "read_columns"]


def _column_from_table(data: Any, name: str) -> Any:
    """Return column ``name`` of a data frame, pyarrow table or mapping, or None if absent."""
    if hasattr(data, "column_names") and hasattr(data, "column"):  # pyarrow.Table
        if name not in data.column_names:
            return None
        column = data.column(name)
        return column.to_numpy() if hasattr(column, "to_numpy") else column
    if hasattr(data, "columns"):  # pandas / polars DataFrame
        if name not in list(data.columns):
            return None
        column = data[name]
    elif isinstance(data, Mapping):
        if name not in data:
            return None
        column = data[name]
    else:
        raise InputError(
            "expected a DataFrame, a pyarrow Table or a mapping of columns, "
            f"got {type(data).__name__}"
        )
    if hasattr(column, "to_numpy"):
        try:
            return column.to_numpy(dtype=np.float64, na_value=np.nan)  # pandas nullable dtypes
        except TypeError:
            return column.to_numpy()
    return column


def _as_float_array(name: str, values: Any) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"column {name!r} must be numeric") from exc
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise InputError(f"column {name!r} must be one-dimensional, got shape {array.shape}")
    return array


def read_columns(
    data: Any,
    arrays: Mapping[str, Any],
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> dict[str, np.ndarray]:
    """Collect the model's columns from ``data`` or from the keyword ``arrays``.

    Parameters
    ----------
    data
        A pandas or polars DataFrame, a pyarrow Table, a mapping of columns, or None.
    arrays
        The keyword arrays passed to ``fit`` (None when not given).
    required, optional
        Column names the model needs, and those it reads when present.

    Returns
    -------
    dict
        ``float64`` one-dimensional arrays of equal, non-zero length with finite values.
    """
    given = {k: v for k, v in arrays.items() if v is not None}
    if data is not None and given:
        raise InputError(
            "pass either a table or the arrays as keywords, not both "
            f"(got a table and {sorted(given)})"
        )
    columns: dict[str, np.ndarray] = {}
    for name in (*required, *optional):
        raw = _column_from_table(data, name) if data is not None else given.get(name)
        if raw is None:
            if name in required:
                raise InputError(f"missing column {name!r}")
            continue
        columns[name] = _as_float_array(name, raw)
    lengths = {name: len(col) for name, col in columns.items()}
    first = required[0]
    if len(set(lengths.values())) > 1:
        raise InputError(f"columns have different lengths: {lengths}")
    if lengths[first] == 0:
        raise InputError("no customers: the columns are empty")
    for name, col in columns.items():
        bad = ~np.isfinite(col)
        if bad.any():
            index = int(np.argmax(bad))
            raise InputError(f"column {name!r} has a missing or infinite value at index {index}")
    return columns


def _fail(name: str, problem: str, mask: np.ndarray, values: np.ndarray) -> None:
    if mask.any():
        index = int(np.argmax(mask))
        raise InputError(f"column {name!r} {problem} at index {index} (value {values[index]!r})")


def check_summary(
    frequency: np.ndarray,
    recency: np.ndarray,
    horizon: np.ndarray,
    *,
    horizon_name: str = "T",
    integer_time: bool = False,
) -> None:
    """Check a (frequency, recency, T) summary for the transaction models.

    ``frequency`` counts repeat purchases (a non-negative integer); ``recency`` is the time of the
    last repeat purchase since the first purchase (0 when there is none); ``T`` is the customer's
    age at the end of the calibration period, so ``0 <= recency <= T`` and ``T > 0``. With
    ``integer_time`` (BG/BB) recency and the number of periods must be whole numbers too and
    ``frequency <= recency``.
    """
    freq_f = frequency.astype(np.float64, copy=False)
    _fail("frequency", "must not be negative", freq_f < 0, freq_f)
    _fail("frequency", "must be a whole number", freq_f != np.floor(freq_f), freq_f)
    _fail("recency", "must not be negative", recency < 0, recency)
    _fail(horizon_name, "must be positive", horizon <= 0, horizon)
    slack = 1e-9 * np.maximum(horizon, 1.0)
    _fail("recency", f"must not exceed {horizon_name}", recency > horizon + slack, recency)
    _fail("recency", "must be 0 when frequency is 0", (freq_f == 0) & (recency > 0), recency)
    if integer_time:
        _fail("recency", "must be a whole number", recency != np.floor(recency), recency)
        _fail(horizon_name, "must be a whole number", horizon != np.floor(horizon), horizon)
        _fail("frequency", "must not exceed recency", freq_f > recency, freq_f)
        _fail(
            "recency",
            "must be positive when frequency is positive",
            (freq_f > 0) & (recency < 1),
            recency,
        )
