"""Moving columns between Arrow and numpy without pyarrow's pandas-aware conversions.

pyarrow's ``to_numpy``, ``pa.array`` and ``pa.scalar`` first ask whether pandas is installed, and
asking imports it: half a second in a fresh process, paid by a command-line analysis that never
uses pandas. The helpers here read and write the Arrow buffers directly for the fixed-width types
the analytics use (and build text columns from their UTF-8 bytes); anything else goes through
pyarrow as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

_FIXED: dict[np.dtype[Any], pa.DataType] = {
    np.dtype(np.int8): pa.int8(),
    np.dtype(np.int16): pa.int16(),
    np.dtype(np.int32): pa.int32(),
    np.dtype(np.int64): pa.int64(),
    np.dtype(np.uint8): pa.uint8(),
    np.dtype(np.uint16): pa.uint16(),
    np.dtype(np.uint32): pa.uint32(),
    np.dtype(np.uint64): pa.uint64(),
    np.dtype(np.float32): pa.float32(),
    np.dtype(np.float64): pa.float64(),
}
_NUMPY: dict[pa.DataType, np.dtype[Any]] = {arrow: dtype for dtype, arrow in _FIXED.items()}


def to_numpy(column: pa.ChunkedArray | pa.Array, dtype: Any = None) -> np.ndarray:
    """The column as one numpy array (cast to ``dtype`` when given); read-only when no copy was
    needed. Columns with nulls or of other types go through pyarrow's own conversion."""
    if dtype is not None and _FIXED.get(np.dtype(dtype)) != column.type:
        arrow_type = _FIXED.get(np.dtype(dtype))
        if arrow_type is None:
            return np.asarray(column.to_numpy(zero_copy_only=False), dtype=dtype)
        column = column.cast(arrow_type)
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 0:
            return np.empty(0, _NUMPY.get(column.type, np.dtype(np.float64)))
        column = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    numpy_type = _NUMPY.get(column.type)
    if numpy_type is None or column.null_count:
        return column.to_numpy(zero_copy_only=False)
    if len(column) == 0:
        return np.empty(0, numpy_type)
    return np.frombuffer(
        column.buffers()[1],
        dtype=numpy_type,
        count=len(column),
        offset=column.offset * numpy_type.itemsize,
    )


def to_arrow(values: np.ndarray | Sequence[Any]) -> pa.Array:
    """A numeric numpy array, or a sequence of strings, as an Arrow array."""
    if not isinstance(values, np.ndarray) or values.dtype.kind in "UO":
        return strings([str(v) for v in values])
    values = np.ascontiguousarray(values)
    arrow_type = _FIXED.get(values.dtype)
    if arrow_type is None:
        raise TypeError(f"no Arrow buffer type for numpy {values.dtype}")
    return pa.Array.from_buffers(arrow_type, len(values), [None, pa.py_buffer(values)])


def strings(values: Sequence[str]) -> pa.Array:
    """A list of strings as an Arrow string column."""
    encoded = [v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, np.int32)
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int32, count=len(encoded))
    np.cumsum(lengths, out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    )
