"""``guanxi analyze``: run the customer-value analysis on a transaction file from the shell.

The project's ``guanxi`` dispatcher calls :func:`add_arguments` and :func:`run`;
``python -m guanxi.analytics`` calls :func:`main`. Everything printed goes through rich
consoles — tables on stdout, the progress bar and errors on stderr — and user-derived text is
passed as :class:`rich.text.Text`, never as markup, so a customer id like ``[red]x`` prints as is.
Bad input ends with one error line and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from .errors import AnalyticsError, InputError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from .pipeline import AnalysisResult, GroupSummary

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "add_arguments", "main", "run"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

OUTPUT_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}

#: A CSV cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: str) -> Text:
    """User-derived text for the terminal: no rich markup, control characters made visible.

    File names, column names and messages quoting data may hold ``[bold]`` (rich markup) or
    ``\\x1b[...`` (terminal escape sequences); both are shown literally, never interpreted.
    """
    from rich.text import Text

    return Text(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value))


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number: {value!r}")
    return number


def _rate(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise argparse.ArgumentTypeError(f"must be zero or positive: {value!r}")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``analyze`` options on ``parser`` (the lead's sub-parser or our own)."""
    parser.add_argument("file", metavar="FILE", type=Path, help="transactions, CSV or Parquet")
    parser.add_argument("--customer", required=True, metavar="COL", help="customer id column")
    parser.add_argument("--date", required=True, metavar="COL", help="transaction date column")
    parser.add_argument("--amount", required=True, metavar="COL", help="amount column")
    parser.add_argument(
        "--time-unit",
        choices=("D", "W"),
        default="W",
        help="unit of recency, T and the horizon: D days or W weeks (default W)",
    )
    parser.add_argument(
        "--calibration-end",
        type=_iso_date,
        metavar="DATE",
        help="last day (inclusive) used to summarise, segment and fit (default: the last "
        "transaction); later transactions are ignored unless --observation-end is given",
    )
    parser.add_argument(
        "--observation-end",
        type=_iso_date,
        metavar="DATE",
        help="end (inclusive) of a holdout period after --calibration-end: its purchases are "
        "compared with the predictions (default: no holdout)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="per-customer results, .csv or .parquet (default: <FILE stem>_analysis.csv in "
        "the current directory)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="PATH",
        help="HTML report (default: next to --out as <stem>.html)",
    )
    parser.add_argument(
        "--margin",
        type=_positive_float,
        default=1.0,
        metavar="SHARE",
        help="gross margin applied to expected spend (default 1.0: CLV as revenue)",
    )
    parser.add_argument(
        "--discount-rate",
        type=_rate,
        default=0.10,
        metavar="RATE",
        help="yearly discount rate for CLV, compounded to the time unit (default 0.10)",
    )
    parser.add_argument(
        "--horizon",
        type=_positive_float,
        metavar="UNITS",
        help="CLV horizon in time units (default one year: 52 W or 365 D)",
    )
    parser.add_argument(
        "--date-format",
        metavar="FMT",
        help="strptime format of dates stored as text or numbers, e.g. %%Y%%m%%d "
        "(ISO dates and timestamps need none)",
    )
    parser.add_argument(
        "--tz",
        metavar="ZONE",
        help="time zone for turning timezone-aware timestamps into days (default UTC)",
    )
    parser.add_argument(
        "--lang",
        choices=("both", "en", "zh"),
        default="both",
        help="language of the printed labels: both (default), en or zh; the report is bilingual",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar (errors are still printed)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guanxi analyze",
        description="Customer-value analysis 客户价值分析: ABC, value pyramid, RFM, BG/NBD, CLV.",
    )
    add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m guanxi.analytics``; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line error
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    return run(args)


def _output_paths(args: argparse.Namespace) -> tuple[Path, str, Path]:
    out: Path = args.out or Path.cwd() / f"{Path(args.file).stem}_analysis.csv"
    kind = OUTPUT_SUFFIXES.get(out.suffix.lower())
    if kind is None:
        raise InputError(f"--out must end in .csv or .parquet, not {out.name!r}")
    report: Path = args.report or out.with_suffix(".html")
    for path in (out, report):
        if not path.parent.is_dir():
            raise InputError(f"output directory does not exist: {path.parent}")
    if report.resolve() == out.resolve():
        raise InputError("--report and --out name the same file")
    source = Path(args.file).resolve()
    for option, path in (("--out", out), ("--report", report)):
        if path.resolve() == source:
            raise InputError(f"{option} {path.name!r} would overwrite the input file")
    return out, kind, report


def run(args: argparse.Namespace) -> int:
    """Run ``guanxi analyze`` with parsed ``args``; returns the exit code."""
    from rich.console import Console

    from . import pipeline
    from .report import write_report

    out_console = Console(highlight=False)
    err_console = Console(stderr=True, highlight=False)

    def fail(message: str, code: int) -> int:
        one_line = " ".join(message.split())
        err_console.print(plain(f"guanxi analyze: error: {one_line}"), soft_wrap=True)
        return code

    try:
        out, kind, report = _output_paths(args)
        with _progress(err_console, quiet=args.quiet) as advance:
            result = pipeline.analyze(
                args.file,
                customer=args.customer,
                date=args.date,
                amount=args.amount,
                time_unit=args.time_unit,
                calibration_end=args.calibration_end,
                observation_end=args.observation_end,
                margin=args.margin,
                discount_rate=args.discount_rate,
                horizon=args.horizon,
                tz=args.tz,
                date_format=args.date_format,
                progress=advance,
            )
    except InputError as exc:
        return fail(str(exc), EXIT_BAD_INPUT)
    except AnalyticsError as exc:
        return fail(str(exc), EXIT_FAILED)
    try:
        write_customers(result.customers, out, kind)
        write_report(result, report)
    except OSError as exc:
        return fail(f"cannot write output: {exc}", EXIT_BAD_INPUT)

    print_summary(out_console, result, lang=args.lang)
    say = _Words(args.lang)
    out_console.print(plain(f"{say('customers', '客户结果')}: {out}"), soft_wrap=True)
    out_console.print(plain(f"{say('report', '报告')}: {report}"), soft_wrap=True)
    return EXIT_OK


def write_customers(table: pa.Table, path: Path, kind: str) -> None:
    """Write the per-customer table; in CSV, text cells that look like formulas get a ``'``.

    Parquet keeps values as they are (it has no formulas); CSV is opened by spreadsheet programs,
    which run ``=cmd|...`` cells (security.md, SuiteCRM CVE-2021-25960).
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if kind == "parquet":
        pq.write_table(table, path)
        return
    pacsv.write_csv(neutralise_formulas(table), path)


def neutralise_formulas(table: pa.Table) -> pa.Table:
    """Prefix ``'`` to every text cell starting with = + - @ tab or CR."""
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, r"^[=+\-@\t\r]")
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


@contextmanager
def _progress(console: Console, *, quiet: bool) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on stderr, one tick per pipeline step; yields the step callback."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .pipeline import STEPS

    if quiet or not console.is_terminal:
        # A live bar on a pipe or log file is only noise (and a stray blank line).
        yield lambda step: None
        return
    with Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("analyze", total=len(STEPS))

        def advance(step: str) -> None:
            done = STEPS.index(step) if step in STEPS else 0
            progress.update(task, description=step, completed=done)

        yield advance
        progress.update(task, completed=len(STEPS))


def _pct(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{value:.1%}"


def _money(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{value:,.2f}"


class _Words:
    """Printed labels in English, Chinese or both (``--lang``); data values are never translated."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, en: str, zh: str) -> str:
        if self.lang == "en":
            return en
        if self.lang == "zh":
            return zh
        return f"{en} {zh}"


def _group_table(title: str, groups: Sequence[GroupSummary], say: _Words) -> object:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column(say("group", "组别"))
    for header in (
        say("customers", "客户数"),
        say("share", "占比"),
        say("revenue", "收入"),
        say("revenue share", "收入占比"),
    ):
        table.add_column(header, justify="right")
    for g in groups:
        table.add_row(
            plain(g.label_in(say.lang)),
            f"{g.customers:,}",
            _pct(g.customer_share),
            _money(g.revenue),
            _pct(g.revenue_share),
        )
    return table


def print_summary(console: Console, result: AnalysisResult, *, lang: str = "both") -> None:
    """Print the segment tables, fitted parameters and CLV totals as rich tables."""
    from rich.table import Table

    say = _Words(lang)
    s = result.settings
    unit = {"W": say("weeks", "周"), "D": say("days", "天")}[s.time_unit]
    console.print(
        plain(
            say(
                f"{result.source}: {result.n_transactions:,} transactions, "
                f"{result.customers.num_rows:,} customers; calibration to {s.calibration_end}, "
                f"observation to {s.observation_end}, time unit {unit}",
                f"{result.source}: {result.n_transactions:,} 笔交易, "
                f"{result.customers.num_rows:,} 位客户; 校准期截至 {s.calibration_end}, "
                f"观察期截至 {s.observation_end}, 时间单位 {unit}",
            )
            if lang != "both"
            else f"{result.source}: {result.n_transactions:,} transactions 交易, "
            f"{result.customers.num_rows:,} customers 客户; calibration to 校准期截至 "
            f"{s.calibration_end}, observation to 观察期截至 {s.observation_end}, "
            f"time unit 时间单位 {unit}"
        ),
        soft_wrap=True,
    )
    tables = [
        (say("ABC classification", "ABC分类法"), result.abc),
        (say("Value pyramid", "客户金字塔"), result.pyramid),
        (say("RFM segments", "RFM 分析 客户细分"), result.rfm_segments),
        (say("RFM eight segments", "RFM 八类客户"), result.eight_segments),
        (say("Customer value matrix", "客户价值矩阵"), result.tiers.get("value_tier", [])),
        (say("Churn risk", "流失风险"), result.tiers.get("churn_risk", [])),
    ]
    for title, groups in tables:
        if groups:
            console.print(_group_table(title, groups, say))
    models = Table(title=say("Fitted models", "模型参数"), title_justify="left")
    for header, justify in (
        (say("model", "模型"), "left"),
        (say("parameter", "参数"), "left"),
        (say("estimate", "估计值"), "right"),
        (say("std. error", "标准误"), "right"),
    ):
        models.add_column(header, justify=justify)  # type: ignore[arg-type]
    for model in result.models:
        for name, value in model.params.items():
            se = model.standard_errors.get(name, math.nan)
            models.add_row(
                model.name, name, f"{value:.4f}", "–" if not math.isfinite(se) else f"{se:.4f}"
            )
        models.add_row(
            model.name, say("log-likelihood", "对数似然"), f"{model.log_likelihood:.1f}", ""
        )
    console.print(models)
    if result.holdout is not None:
        h = result.holdout
        console.print(
            plain(
                f"{say('Holdout check', '预测检验')} ({s.holdout_length:g} {unit}, "
                f"{s.calibration_end} – {s.observation_end}): "
                f"{say('actual', '实际')} {h.total_actual:,.0f}, "
                f"{say('predicted', '预测')} {h.total_predicted:,.1f} "
                f"({h.relative_error:+.1%}), MAE {h.mean_absolute_error:.3f}"
            ),
            soft_wrap=True,
        )
    for note in result.notes:
        console.print(plain(f"{say('note', '注意')}: {note}"), soft_wrap=True)
    console.print(
        plain(
            f"{say('Total predicted CLV', '客户终身价值合计')} ({s.horizon_units:g} {unit}, "
            f"{say('margin', '毛利率')} {s.margin:g}, "
            f"{say('discount', '折现率')} {s.discount_rate:.0%}/{say('year', '年')}): "
            f"{_money(result.total_clv)}"
        ),
        soft_wrap=True,
    )
