# ruff: noqa: S608  -- SQL text is built from quoted identifiers, integers and escaped literals only
"""The two SQL engines the summary runs on: embedded DuckDB and Apache Spark.

Each engine gives the same few primitives (column types, a day-number expression, a small query,
a view, the final relation); `guanxi.analytics.summary` drives them with the same SQL
(`guanxi.analytics._sql`). Only the dialect-specific fragments live here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from guanxi.analytics._inputs import TableKind, table_kind
from guanxi.analytics._sql import transpile
from guanxi.analytics.errors import InputError

_NUMERIC_DUCKDB = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DuckDBEngine:
    """Runs the summary in a fresh in-memory DuckDB connection (nothing is cached across calls)."""

    dialect = "duckdb"

    def __init__(self, data: Any, kind: TableKind) -> None:
        import duckdb

        self.kind = kind
        # insertion order is only needed to name a bad row (`first_row` turns it back on)
        self.con = duckdb.connect(
            config={"threads": os.cpu_count() or 1, "preserve_insertion_order": False}
        )
        if kind is TableKind.PARQUET:
            self.con.execute(
                f"CREATE VIEW tx AS SELECT * FROM read_parquet({_sql_string(os.fspath(data))})"
            )
        elif kind is TableKind.CSV:
            self.con.execute(
                f"CREATE VIEW tx AS SELECT * FROM read_csv({_sql_string(os.fspath(data))})"
            )
        else:
            if kind is TableKind.MAPPING:
                from guanxi.analytics._inputs import as_arrow

                data = as_arrow(data)
            elif kind is TableKind.POLARS and type(data).__name__ == "LazyFrame":
                data = data.collect()
            self.con.register("tx_input", data)
            self.con.execute("CREATE VIEW tx AS SELECT * FROM tx_input")
        rel = self.con.sql("SELECT * FROM tx")
        self.types = {name: str(t).upper() for name, t in zip(rel.columns, rel.types, strict=True)}

    def close(self) -> None:
        self.con.close()

    @staticmethod
    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def is_numeric(self, col: str) -> bool:
        return self.types[col].startswith(_NUMERIC_DUCKDB)

    def is_string(self, col: str) -> bool:
        return self.types[col] == "VARCHAR"

    def timestamp_expr(self, col: str, tz: str | None, date_format: str | None) -> str | None:
        """A TIMESTAMP-valued expression for the column, or None if its type cannot be a date."""
        q, t = self.quote(col), self.types[col]
        if date_format is not None and (t == "VARCHAR" or self.is_numeric(col)):
            return f"try_strptime(CAST({q} AS VARCHAR), {_sql_string(date_format)})"
        if t == "VARCHAR":
            return f"TRY_CAST({q} AS TIMESTAMP)"
        if t == "DATE":
            return f"CAST({q} AS TIMESTAMP)"
        if t.startswith("TIMESTAMP WITH TIME ZONE"):
            return f"timezone({_sql_string(tz)}, {q})" if tz else f"timezone('UTC', {q})"
        if t.startswith("TIMESTAMP"):
            return q
        return None

    def day_expr(self, col: str, tz: str | None, date_format: str | None) -> str:
        """The column's local DATE (the day a purchase counts on)."""
        if self.types[col] == "DATE" and date_format is None:
            return self.quote(col)
        # casting to DATE truncates to the wall-clock day (also before 1970) and is the
        # cheapest day conversion DuckDB has (measured against epoch arithmetic)
        return f"CAST({self.timestamp_expr(col, tz, date_format)} AS DATE)"

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.sql(sql).fetchall()

    def create_view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def view_name(self, stem: str) -> str:
        return stem

    def first_row(
        self, condition: str, columns: Sequence[str]
    ) -> tuple[int | None, tuple[Any, ...]]:
        """The position and values of the first input row meeting ``condition`` (error path)."""
        cols = ", ".join(self.quote(c) for c in columns)
        self.con.execute("SET preserve_insertion_order = true")
        found = self.rows(
            f"SELECT _row, {cols} FROM (SELECT row_number() OVER () - 1 AS _row, * FROM tx) "
            f"WHERE {condition} ORDER BY _row LIMIT 1"
        )
        if not found:
            return None, ()
        return int(found[0][0]), tuple(found[0][1:])

    def fetch(self, sql: str) -> pa.Table:
        return self.con.sql(transpile(sql, self.dialect)).to_arrow_table()


class SparkEngine:
    """Runs the summary as Spark SQL in the DataFrame's own session; results stay in Spark."""

    dialect = "spark"

    def __init__(self, data: Any) -> None:
        self.df = data
        self.spark = data.sparkSession
        self._suffix = uuid.uuid4().hex[:12]
        self._views: list[str] = []
        self.tx = self.view_name("tx")
        data.createOrReplaceTempView(self.tx)
        self._views.append(self.tx)
        self.types = {f.name: f.dataType.simpleString().upper() for f in data.schema.fields}

    def close(self) -> None:
        for name in self._views:
            self.spark.catalog.dropTempView(name)

    @staticmethod
    def quote(name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def is_numeric(self, col: str) -> bool:
        return self.types[col].startswith(
            ("TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL")
        )

    def is_string(self, col: str) -> bool:
        return self.types[col] == "STRING"

    def timestamp_expr(self, col: str, tz: str | None, date_format: str | None) -> str | None:
        q, t = self.quote(col), self.types[col]
        if date_format is not None and (t == "STRING" or self.is_numeric(col)):
            java_fmt = _java_date_format(date_format)
            return f"try_to_timestamp(CAST({q} AS STRING), {_sql_string(java_fmt)})"
        if t == "STRING":
            return f"try_cast({q} AS TIMESTAMP)"
        if t == "DATE":
            return f"CAST({q} AS TIMESTAMP_NTZ)"
        if t == "TIMESTAMP":
            # An instant: take its wall-clock date in ``tz`` (UTC when not given), whatever the
            # session time zone is.
            zone = _sql_string(tz or "UTC")
            return f"from_utc_timestamp(to_utc_timestamp({q}, current_timezone()), {zone})"
        if t == "TIMESTAMP_NTZ":
            return q
        return None

    def day_expr(self, col: str, tz: str | None, date_format: str | None) -> str:
        if self.types[col] == "DATE" and date_format is None:
            return self.quote(col)
        return f"CAST({self.timestamp_expr(col, tz, date_format)} AS DATE)"

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def view_name(self, stem: str) -> str:
        return f"guanxi_{stem}_{self._suffix}"

    def create_view(self, name: str, sql: str) -> None:
        self.spark.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
        self._views.append(name)

    def first_row(
        self, condition: str, columns: Sequence[str]
    ) -> tuple[int | None, tuple[Any, ...]]:
        # Spark has no stable input row number; the error names the row by its values instead.
        cols = ", ".join(self.quote(c) for c in columns)
        found = self.rows(f"SELECT {cols} FROM {self.tx} WHERE {condition} LIMIT 1")
        return None, (tuple(found[0]) if found else ())

    def relation(self, sql: str) -> Any:
        return self.spark.sql(transpile(sql, self.dialect))


def _java_date_format(fmt: str) -> str:
    """Translate the strptime codes the library documents into Spark's datetime pattern."""
    table = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss", "%y": "yy"}
    out = fmt
    for code, pattern in table.items():
        out = out.replace(code, pattern)
    if "%" in out:
        raise InputError(
            f"date_format {fmt!r} uses codes Spark cannot translate; use %Y %m %d %H %M %S"
        )
    return out


def engine_for(data: Any) -> DuckDBEngine | SparkEngine:
    """The engine that runs on ``data``'s kind: Spark for Spark frames, DuckDB for all else."""
    kind = table_kind(data)
    if kind is TableKind.SPARK:
        return SparkEngine(data)
    return DuckDBEngine(data, kind)
