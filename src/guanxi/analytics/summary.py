# ruff: noqa: S608  -- SQL text is built from quoted identifiers, integers and escaped literals only
"""Per-customer purchase summaries: the input of the lifetime-value models and of the segments.

`summarize` turns a transactions table into one row per customer with the statistics of the
"buy till you die" literature (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way";
Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"):

* a *purchase occasion* is a customer-day: several transactions of one customer on one day are
  one occasion (the CDNOW convention), their amounts netted (returns are negative rows);
* ``frequency`` x is the number of *repeat* occasions in the calibration period (occasions - 1);
* ``recency`` t_x is the time from the first to the last occasion in the calibration period;
* ``T`` is the time from the first occasion to the end of the calibration period (inclusive);
* ``monetary_value`` is the mean net amount of the repeat occasions (0 when x = 0), the
  Gamma-Gamma model's z-bar; the first occasion is left out, as in Fader & Hardie (2013).

Times are in days (``time_unit="D"``) or weeks (``"W"``, days / 7, as in the published CDNOW
summaries). The summary is defined once as SQL (`guanxi.analytics._sql`), which Spark runs when
the transactions are a Spark DataFrame. On one machine DuckDB reads and checks the input and
normalises it (dates to local days, amounts to doubles) in SQL; the per-customer grouping is then
done by a compiled kernel (`guanxi.analytics._kernel`), several times faster than the same SQL,
and tested to give the same rows. With ``order_col`` DuckDB runs the whole SQL.

Rules the numbers depend on
---------------------------
* ``calibration_end`` is inclusive and defaults to the last transaction date; customers first seen
  after it are left out of the result and counted (`SummaryInfo.n_excluded`).
* Transactions after ``observation_end`` are ignored; when ``observation_end`` is later than
  ``calibration_end`` the holdout columns are added.
* Zero-value occasions count as purchases (CDNOW has $0.00 first purchases). A customer-day whose
  returns exceed its purchases is an error naming the customer and the date: the summary would
  otherwise carry a negative purchase.
* ``n_orders`` counts the non-negative transaction rows of the calibration period (or their
  distinct ``order_col`` values per day); return rows are not orders.
* Timestamps: a naive timestamp's day is its wall-clock date; a zone-aware timestamp's day is its
  date in ``tz`` (UTC when ``tz`` is not given). A date later than today (in ``tz``) is an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guanxi.analytics._engines import DuckDBEngine, SparkEngine, engine_for
from guanxi.analytics._inputs import TableKind, from_arrow, require_columns, table_kind
from guanxi.analytics._sql import (
    NEGATIVE_TOLERANCE,
    SummaryPlan,
    date_literal,
    negative_occasion_sql,
    summary_sql,
    transpile,
)
from guanxi.analytics.errors import InputError

__all__ = ["SummaryInfo", "summarize"]

_EPOCH = dt.date(1970, 1, 1)
_UNIT_DAYS = {"D": 1.0, "W": 7.0}
#: Group with the compiled kernel on the DuckDB engine (`guanxi.analytics._kernel_summary`); the
#: tests turn it off to compare with the SQL definition.
USE_KERNEL = True


@dataclass(frozen=True)
class SummaryInfo:
    """What `summarize` left out and the periods it used.

    Attributes
    ----------
    n_customers : int
        Customers in the result.
    n_excluded : int
        Customers whose first purchase falls after ``calibration_end`` (left out).
    calibration_end, observation_end : datetime.date
        The period ends actually used (inclusive).
    """

    n_customers: int
    n_excluded: int
    calibration_end: dt.date
    observation_end: dt.date


def _day_of(value: Any, name: str) -> int:
    """Day number (since 1970-01-01) of a date-like parameter."""
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError as exc:
            raise InputError(f"{name} {value!r} is not an ISO date (YYYY-MM-DD)") from exc
    elif isinstance(value, np.datetime64):
        return int(value.astype("datetime64[D]").astype(np.int64))
    elif hasattr(value, "date") and callable(value.date):  # pandas.Timestamp and friends
        value = value.date()
    if not isinstance(value, dt.date):
        raise InputError(f"{name} must be a date, got {type(value).__name__}")
    return (value - _EPOCH).days


def _date_of(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day))


def _check_tz(tz: str | None) -> dt.tzinfo:
    if tz is None:
        return dt.UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {tz!r}") from exc


def _today(tzinfo: dt.tzinfo) -> int:
    return (dt.datetime.now(tzinfo).date() - _EPOCH).days


def _where(row: int | None) -> str:
    return f"row {row}" if row is not None else "a row"


def _check_types(engine: DuckDBEngine | SparkEngine, cols: dict[str, str | None]) -> None:
    """Money columns must be numeric; a text column gets the first row that is not a number."""
    q = engine.quote
    cust = cols["customer"]
    assert cust is not None
    for role in ("amount", "profit", "cost"):
        col = cols.get(role)
        if col is None or engine.is_numeric(col):
            continue
        if engine.is_string(col):
            row, values = engine.first_row(
                f"{q(col)} IS NOT NULL AND try_cast({q(col)} AS DOUBLE) IS NULL", [cust, col]
            )
            if values:
                raise InputError(
                    f"{role} column {col!r} is not numeric: {_where(row)} "
                    f"(customer {values[0]!r}) has {values[1]!r}"
                )
        raise InputError(
            f"{role} column {col!r} is not numeric (type {engine.types[col]}); "
            "convert it to numbers first"
        )


def _validate(
    engine: DuckDBEngine | SparkEngine,
    cols: dict[str, str | None],
    day: str,
    tzinfo: dt.tzinfo,
) -> tuple[int, int, bool]:
    """Check nulls and dates in one scan; return the first and last day numbers and whether
    there are returns (negative amounts)."""
    q = engine.quote
    cust, date_col, amount = cols["customer"], cols["date"], cols["amount"]
    assert cust is not None and date_col is not None and amount is not None
    checked = [c for c in (cust, date_col, amount, cols.get("profit"), cols.get("cost")) if c]
    counts = ", ".join(f"COUNT({q(c)})" for c in checked)
    n, *non_null, n_days, first, last, min_amount = engine.rows(
        f"SELECT COUNT(*), {counts}, COUNT({day}), MIN({day}), MAX({day}), "
        f"MIN(CAST({q(amount)} AS DOUBLE)) FROM {engine_tx(engine)}"
    )[0]
    if n == 0:
        raise InputError("the transactions table is empty")
    for col, count in zip(checked, non_null, strict=True):
        if count < n:
            row, _ = engine.first_row(f"{q(col)} IS NULL", checked)
            raise InputError(
                f"column {col!r} has {n - count} null value(s), first at {_where(row)}"
            )
    if n_days < n:
        row, values = engine.first_row(f"{day} IS NULL", [cust, date_col])
        raise InputError(
            f"date column {date_col!r} has an unparseable value {values[1]!r} at {_where(row)} "
            f"(customer {values[0]!r})"
        )
    today = _today(tzinfo)
    first, last = _day_of(first, "first date"), _day_of(last, "last date")
    if last > today:
        row, values = engine.first_row(f"{day} > {date_literal(today)}", [cust, date_col])
        raise InputError(
            f"date column {date_col!r} has a future date {values[1]!s} at {_where(row)} "
            f"(customer {values[0]!r})"
        )
    return int(first), int(last), min_amount < 0


def engine_tx(engine: DuckDBEngine | SparkEngine) -> str:
    return engine.tx if isinstance(engine, SparkEngine) else "tx"


def summarize(
    transactions: Any,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    *,
    time_unit: Literal["D", "W"] = "D",
    calibration_end: Any = None,
    observation_end: Any = None,
    profit_col: str | None = None,
    cost_col: str | None = None,
    order_col: str | None = None,
    tz: str | None = None,
    date_format: str | None = None,
    return_info: bool = False,
) -> Any:
    """One row per customer: first and last purchase, frequency, recency, T, spend and totals.

    Parameters
    ----------
    transactions : pandas or polars DataFrame, pyarrow.Table, str or path, or Spark DataFrame
        One row per transaction. A path ending in ``.csv`` or ``.parquet`` is read by DuckDB.
    customer_col, date_col, amount_col : str
        Customer id, date (DATE, TIMESTAMP, zone-aware TIMESTAMP, or ISO / ``date_format``
        strings) and amount (numeric; returns are negative rows) columns.
    time_unit : {"D", "W"}
        Unit of ``recency``, ``T`` and ``duration_holdout``: days, or weeks (days / 7).
    calibration_end : date-like, optional
        Last day (inclusive) of the calibration period; defaults to the last transaction date.
    observation_end : date-like, optional
        Last day (inclusive) of the holdout period; later transactions are ignored. Defaults to
        ``calibration_end`` (no holdout columns).
    profit_col, cost_col : str, optional
        Profit per row, or cost per row (profit = amount - cost); adds a ``profit`` total.
    order_col : str, optional
        Order id: ``n_orders`` counts distinct ids per day instead of rows.
    tz : str, optional
        IANA time zone in which a zone-aware timestamp's day is taken (default UTC); also the
        zone of "today" for the future-date check.
    date_format : str, optional
        strptime format (``%Y%m%d`` ...) for dates stored as text or integers.
    return_info : bool
        Also return a `SummaryInfo` (customers left out, periods used).

    Returns
    -------
    table : same kind as the input
        A Spark DataFrame for Spark input, a pandas / polars DataFrame for those, else a
        ``pyarrow.Table``. Columns: ``customer_col``, ``first_purchase``, ``last_purchase``
        (dates), ``frequency`` (int), ``recency``, ``T``, ``monetary_value``, ``revenue``,
        [``profit``], ``n_orders``, and with a holdout ``frequency_holdout``,
        ``revenue_holdout``, ``duration_holdout``. Row order is unspecified.
    info : SummaryInfo
        Only with ``return_info=True``.

    Raises
    ------
    InputError
        Missing columns, non-numeric amounts, nulls, unparseable or future dates, empty input,
        a customer-day netting below zero, ``observation_end`` before ``calibration_end``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting Your Customers" the Easy Way:
    An Alternative to the Pareto/NBD Model. Marketing Science 24(2), 275-284.
    """
    if time_unit not in _UNIT_DAYS:
        raise InputError(f"time_unit must be 'D' or 'W', got {time_unit!r}")
    if profit_col is not None and cost_col is not None:
        raise InputError("give profit_col or cost_col, not both")
    tzinfo = _check_tz(tz)
    kind = table_kind(transactions)
    engine = engine_for(transactions)
    try:
        cols: dict[str, str | None] = {
            "customer": customer_col,
            "date": date_col,
            "amount": amount_col,
            "profit": profit_col,
            "cost": cost_col,
            "order": order_col,
        }
        require_columns(list(engine.types), cols)
        if engine.timestamp_expr(date_col, tz, date_format) is None:
            raise InputError(
                f"date column {date_col!r} has type {engine.types[date_col]}, not a date: give "
                "dates, timestamps or text with date_format"
            )
        day = engine.day_expr(date_col, tz, date_format)
        _check_types(engine, cols)
        q = engine.quote
        src_cols = [
            f"{q(customer_col)} AS c",
            f"{day} AS d",
            f"CAST({q(amount_col)} AS DOUBLE) AS a",
        ]
        if profit_col is not None:
            src_cols.append(f"CAST({q(profit_col)} AS DOUBLE) AS p")
        elif cost_col is not None:
            src_cols.append(f"CAST({q(amount_col)} AS DOUBLE) - CAST({q(cost_col)} AS DOUBLE) AS p")
        if order_col is not None:
            src_cols.append(f"{q(order_col)} AS o")
        src = engine.view_name("src")
        engine.create_view(src, f"SELECT {', '.join(src_cols)} FROM {engine_tx(engine)}")
        rows = None
        if isinstance(engine, DuckDBEngine) and USE_KERNEL and order_col is None:
            # one read of the normalised rows serves the checks and the kernel
            from guanxi.analytics import _kernel_summary

            loading = _kernel_summary.load_kernel_in_background()
            rows = _kernel_summary.fetch_rows(engine, src, has_profit=len(src_cols) > 3)
            found = _kernel_summary.day_range(rows)
            if found is None or found[1] > _today(tzinfo):
                _validate(engine, cols, day, tzinfo)  # raises, naming the bad row
                raise AssertionError("the checks found nothing wrong in bad input")
            first_day, last_day, has_returns = found
        else:
            first_day, last_day, has_returns = _validate(engine, cols, day, tzinfo)

        cal = last_day if calibration_end is None else _day_of(calibration_end, "calibration_end")
        obs = cal if observation_end is None else _day_of(observation_end, "observation_end")
        if obs < cal:
            raise InputError(
                f"observation_end {_date_of(obs)} is before calibration_end {_date_of(cal)}"
            )
        if cal < first_day:
            raise InputError(
                f"calibration_end {_date_of(cal)} is before the first transaction "
                f"({_date_of(first_day)}): no customer to summarise"
            )
        plan = SummaryPlan(
            source=src,
            calibration_day=cal,
            observation_day=obs,
            unit_days=_UNIT_DAYS[time_unit],
            has_profit=profit_col is not None or cost_col is not None,
            has_order=order_col is not None,
            has_returns=has_returns,
        )
        if isinstance(engine, SparkEngine):
            return _summarize_spark(engine, plan, customer_col, return_info)
        if rows is not None:
            loading.join()
            try:
                table, n_all = _kernel_summary.summary_table(rows, plan, customer_col)
            except _kernel_summary.NegativeOccasion:
                _raise_negative(engine, plan, customer_col)
                raise AssertionError("no customer-day nets below zero") from None
        else:
            table, n_all = _summarize_duckdb_sql(engine, plan, customer_col)
        info = SummaryInfo(
            n_customers=table.num_rows,
            n_excluded=n_all - table.num_rows,
            calibration_end=_date_of(plan.calibration_day),
            observation_end=_date_of(plan.observation_day),
        )
    finally:
        # Spark's result stays valid: its plan was resolved when it was made
        engine.close()
    out = from_arrow(
        table, kind if kind in (TableKind.PANDAS, TableKind.POLARS) else TableKind.ARROW
    )
    return (out, info) if return_info else out


def _raise_negative(
    engine: DuckDBEngine | SparkEngine, plan: SummaryPlan, customer_col: str
) -> None:
    found = engine.rows(transpile(negative_occasion_sql(plan), engine.dialect))
    if found:
        c, d, a = found[0]
        raise InputError(
            f"customer {c!r} ({customer_col}) has returns exceeding purchases on {d} "
            f"(net {a:.2f}); fix the data or net the return against its purchase"
        )


def _summarize_duckdb_sql(
    engine: DuckDBEngine, plan: SummaryPlan, customer_col: str
) -> tuple[pa.Table, int]:
    """The whole summary as one DuckDB query (the definition the kernel is tested against);
    also the number of customers with any row up to the observation end."""
    raw = engine.fetch(summary_sql(plan))
    min_occasion = pc.min(raw["min_occasion"]).as_py()
    if min_occasion is not None and min_occasion < -NEGATIVE_TOLERANCE:
        _raise_negative(engine, plan, customer_col)
    keep = pc.greater(raw["n_occasions"], 0)
    n_all = raw.num_rows
    table = raw.filter(keep)
    out: dict[str, Any] = {customer_col: table["c"]}
    out["first_purchase"] = table["first_day"]
    out["last_purchase"] = table["last_day"]
    for name in table.column_names:
        if name in {"c", "first_day", "last_day", "n_occasions", "min_occasion"}:
            continue
        column = table[name]
        if name in {"frequency", "n_orders", "frequency_holdout"}:
            column = column.cast(pa.int64())
        out[name] = column
    return pa.table(out), n_all


def _summarize_spark(
    engine: SparkEngine, plan: SummaryPlan, customer_col: str, return_info: bool
) -> Any:
    if plan.has_returns:
        _raise_negative(engine, plan, customer_col)
    summary = engine.view_name("summary")
    engine.create_view(summary, transpile(summary_sql(plan), engine.dialect))
    names = ["frequency", "recency", "T", "monetary_value", "revenue"]
    if plan.has_profit:
        names.append("profit")
    names.append("n_orders")
    if plan.holdout:
        names += ["frequency_holdout", "revenue_holdout", "duration_holdout"]
    casts = {"frequency": "BIGINT", "n_orders": "BIGINT", "frequency_holdout": "BIGINT"}
    select = [
        f"c AS {engine.quote(customer_col)}",
        "first_day AS first_purchase",
        "last_day AS last_purchase",
    ] + [f"CAST({n} AS {casts[n]}) AS {n}" if n in casts else f"`{n}`" for n in names]
    result = engine.spark.sql(f"SELECT {', '.join(select)} FROM {summary} WHERE n_occasions > 0")
    if not return_info:
        return result
    n_customers, n_all = engine.rows(
        f"SELECT SUM(CASE WHEN n_occasions > 0 THEN 1 ELSE 0 END), COUNT(*) FROM {summary}"
    )[0]
    info = SummaryInfo(
        n_customers=int(n_customers or 0),
        n_excluded=int(n_all - (n_customers or 0)),
        calibration_end=_date_of(plan.calibration_day),
        observation_end=_date_of(plan.observation_day),
    )
    return result, info
