"""Accepting tables of every kind the library takes, and handing results back in the same kind.

Arrow is the core format: pandas and polars DataFrames are converted to Arrow (zero-copy where
the types allow) and results are converted back only when the caller gave that library's frame.
pandas, polars and pyspark are optional dependencies, so they are never imported here: a frame's
kind is recognised by its class's module name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pyarrow as pa

from guanxi.analytics.errors import InputError

__all__ = ["TableKind", "as_arrow", "from_arrow", "table_kind"]


class TableKind(StrEnum):
    """The kinds of table the analytics functions accept."""

    ARROW = "arrow"
    PANDAS = "pandas"
    POLARS = "polars"
    SPARK = "spark"
    CSV = "csv"
    PARQUET = "parquet"
    MAPPING = "mapping"


def _module_root(obj: Any) -> str:
    return type(obj).__module__.split(".", 1)[0]


def table_kind(data: Any) -> TableKind:
    """Say which kind of table ``data`` is, or raise `InputError` naming what was given."""
    if isinstance(data, pa.Table | pa.RecordBatch):
        return TableKind.ARROW
    if isinstance(data, str | os.PathLike):
        path = os.fspath(data)
        lower = path.lower()
        if lower.endswith((".parquet", ".parq", ".pq")):
            return TableKind.PARQUET
        if lower.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
            return TableKind.CSV
        if os.path.isdir(path):
            return TableKind.PARQUET
        raise InputError(f"cannot tell the format of {path!r}: expected a .csv or .parquet path")
    root = _module_root(data)
    if root == "pandas" and type(data).__name__ == "DataFrame":
        return TableKind.PANDAS
    if root == "polars" and type(data).__name__ in {"DataFrame", "LazyFrame"}:
        return TableKind.POLARS
    if root == "pyspark" and type(data).__name__ == "DataFrame":
        return TableKind.SPARK
    if isinstance(data, Mapping):
        return TableKind.MAPPING
    raise InputError(
        f"unsupported input of type {type(data).__name__}: give a pandas or polars DataFrame, "
        "an Arrow table, a CSV or Parquet path, a Spark DataFrame or a mapping of columns"
    )


def as_arrow(data: Any) -> pa.Table:
    """Return ``data`` as an Arrow table (a Spark frame is collected: per-customer tables only)."""
    kind = table_kind(data)
    if kind is TableKind.ARROW:
        return data if isinstance(data, pa.Table) else pa.Table.from_batches([data])
    if kind is TableKind.PANDAS:
        return pa.Table.from_pandas(data, preserve_index=False)
    if kind is TableKind.POLARS:
        frame = data.collect() if type(data).__name__ == "LazyFrame" else data
        return frame.to_arrow()
    if kind is TableKind.SPARK:
        return data.toArrow()
    if kind is TableKind.MAPPING:
        return pa.table({name: _column_array(name, values) for name, values in data.items()})
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    if kind is TableKind.PARQUET:
        return pq.read_table(os.fspath(data))
    return pcsv.read_csv(os.fspath(data))


def _column_array(name: str, values: Any) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    try:
        return pa.array(np.asarray(values) if isinstance(values, Sequence) else values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise InputError(f"column {name!r} cannot be read as one typed column: {exc}") from exc


def from_arrow(table: pa.Table, like: TableKind) -> Any:
    """Hand ``table`` back in the caller's DataFrame library (Arrow for paths and mappings)."""
    if like is TableKind.PANDAS:
        return table.to_pandas()
    if like is TableKind.POLARS:
        import polars as pl

        return pl.from_arrow(table)
    return table


def require_columns(available: Sequence[str], wanted: Mapping[str, str | None]) -> None:
    """Raise one `InputError` listing every wanted column that is absent, with near misses."""
    missing = [
        (role, col) for role, col in wanted.items() if col is not None and col not in available
    ]
    if not missing:
        return
    lowered = {c.lower(): c for c in available}
    parts = []
    for role, col in missing:
        hint = lowered.get(col.lower())
        extra = f" (did you mean {hint!r}?)" if hint else ""
        parts.append(f"{role} column {col!r} not found{extra}")
    raise InputError("; ".join(parts) + f"; the table has columns {list(available)}")
