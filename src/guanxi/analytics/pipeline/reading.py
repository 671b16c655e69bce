"""Reading the transaction file: CSV or Parquet, told apart by content, errors that name things.

Only the file boundary lives here (format, delimiter, unreadable bytes, missing columns); the
meaning of the values (dates, amounts, time zones) is checked once, by
:func:`guanxi.analytics.summary.summarize`.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ..errors import InputError

__all__ = ["EXCEL_SUFFIXES", "PARQUET_SUFFIXES", "read_transactions"]

PARQUET_SUFFIXES = frozenset({".parquet", ".pq", ".parq"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


def read_transactions(
    source: str | Path | pa.Table,
    *,
    customer: str,
    date: str,
    amount: str,
) -> pa.Table:
    """Read a CSV or Parquet file (or take a table) and keep the three named columns.

    CSV versus Parquet is decided by the suffix, then by the ``PAR1`` magic bytes. The customer
    column is read as text so that ids like ``00042`` keep their zeros. Raises
    :class:`InputError` naming the file or the column on every bad input.
    """
    if isinstance(source, pa.Table):
        table = source
        name = "the table"
    else:
        path = Path(source)
        name = path.name
        if not path.exists():
            raise InputError(f"file not found: {path}")
        if not path.is_file():
            raise InputError(f"not a file: {path}")
        table = _read_file(path, customer, (customer, date, amount))
    missing = [
        f"{role} column {column!r}"
        for role, column in (("customer", customer), ("date", date), ("amount", amount))
        if column not in table.column_names
    ]
    if missing:
        available = ", ".join(repr(c) for c in table.column_names[:20])
        raise InputError(f"{' and '.join(missing)} not found in {name} (columns: {available})")
    return table.select([customer, date, amount])


def _read_file(path: Path, customer: str, wanted: tuple[str, ...]) -> pa.Table:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PAR1":
        suffix = ".parquet"
    elif magic.startswith(b"PK") or suffix in EXCEL_SUFFIXES:
        raise InputError(
            f"{path.name} looks like a spreadsheet or zip file: save it as CSV or Parquet first"
        )
    elif suffix not in PARQUET_SUFFIXES:
        suffix = ".csv"  # .csv, .txt, .tsv, .csv.gz (decompressed by its suffix), or no suffix
    try:
        if suffix in PARQUET_SUFFIXES:
            # Read only the columns needed when they are all there (wide exports are common);
            # otherwise the whole schema, so the caller can name what is missing.
            names = pq.read_schema(path).names
            columns = list(dict.fromkeys(wanted)) if set(wanted) <= set(names) else None
            return pq.read_table(path, columns=columns)
        return pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=_sniff_delimiter(path)),
            convert_options=pacsv.ConvertOptions(column_types={customer: pa.string()}),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
        kind = "Parquet" if suffix in PARQUET_SUFFIXES else "CSV"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read {path.name} as {kind}: {first_line}") from exc


def _sniff_delimiter(path: Path) -> str:
    """The header line's most frequent of , ; tab | (spreadsheet exports often use ; or tab)."""
    try:
        with pa.input_stream(str(path)) as stream:  # decompresses .gz/.bz2 by suffix
            header = stream.read(64 * 1024).split(b"\n", 1)[0].decode("utf-8", "replace")
    except (OSError, pa.ArrowInvalid):
        return ","
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","
