"""``analyze``: transactions in, every customer-value result out, in one call.

This is the one place that chains the library together — read the file, summarise each customer,
segment (ABC, value pyramid, RFM), fit the purchase and spend models, predict P(alive), expected
purchases, expected spend and CLV, and optionally check the predictions on a holdout period. The
CLI, the future ``insights`` app and notebooks all call :func:`analyze`, so the steps and their
defaults live here once. No Django, no printing: progress is reported through a callback.

The per-customer table (:attr:`AnalysisResult.customers`), one row per customer first seen by the
calibration end, sorted by id:

* summary (calibration period, time unit of the run): ``customer_id``, ``first_purchase``,
  ``last_purchase``, ``purchases`` (occasions), ``frequency`` (repeat occasions), ``recency``,
  ``T``, ``monetary_value`` (mean repeat spend), ``revenue``;
* segments: ``abc_class`` (A/B/C/zero), ``pyramid_tier`` (vip/major/ordinary/small/zero),
  ``r_score``/``f_score``/``m_score`` (1-5), ``rfm_cell``, ``rfm_segment`` (+ ``_zh``),
  ``eight_segment`` (+ ``_zh``);
* predictions over the horizon: ``p_alive`` (at the calibration end), ``expected_purchases``,
  ``expected_spend`` (per purchase), ``clv`` (discounted, times the margin);
* tiers: ``value_tier``, ``lifecycle_stage``, ``churn_risk``; with a holdout, ``holdout_purchases``.

Model columns are NaN (and a note says why) when a model cannot be fitted.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .errors import ConvergenceError, InputError
from .models import BetaGeo, GammaGamma, HoldoutCheck
from .segments.abc import ABC_LABELS_ZH, abc_classify
from .segments.pyramid import PYRAMID_LABELS_ZH, value_pyramid
from .segments.rfm import EIGHT_SEGMENT_LABELS, RFM_SEGMENT_LABELS, rfm_score
from .summary import SummaryInfo, summarize
from .tiers import (
    CHURN_RISK_LABELS_ZH,
    LIFECYCLE_LABELS_ZH,
    VALUE_TIER_LABELS_ZH,
    churn_risk,
    interpurchase_days,
    lifecycle_stage,
    value_tier,
)

__all__ = [
    "STEPS",
    "AnalysisResult",
    "AnalysisSettings",
    "FittedModel",
    "GroupSummary",
    "HoldoutCheck",
    "PAliveGrid",
    "analyze",
    "read_transactions",
    "summarise",
]

TimeUnit = Literal["D", "W"]
ProgressCallback = Callable[[str], None]

#: Names of the steps reported to ``progress``, in order (the CLI sizes its bar from this).
STEPS: tuple[str, ...] = (
    "read",
    "summarise",
    "segment",
    "fit purchases",
    "fit spend",
    "predict",
)

#: Days per time unit. A year is 365.25 days, so a weekly discount rate compounds 52.18 times.
UNIT_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0}
DAYS_PER_YEAR = 365.25

PARQUET_SUFFIXES = frozenset({".parquet", ".pq", ".parq"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})

#: Customers first seen on the calibration end day have T = 0, which the models' domain excludes
#: (T > 0); they are modelled as seen this long (in time units): their likelihood term and
#: predictions are those of a customer just acquired, to within 1e-6.
MIN_T = 1e-6


@dataclass(frozen=True)
class AnalysisSettings:
    """What was asked for, with every default resolved (dates filled in from the data).

    ``margin`` turns expected revenue into profit; the default 1.0 reports revenue CLV, because a
    made-up margin would silently mislabel money — pass the real gross margin to get profit CLV.
    ``discount_rate`` is per year and converted to the time unit by compounding.
    ``horizon`` is in time units (default one year: 52 weeks or 365 days).
    """

    customer: str
    date: str
    amount: str
    time_unit: TimeUnit = "W"
    calibration_end: dt.date | None = None
    observation_end: dt.date | None = None
    margin: float = 1.0
    discount_rate: float = 0.10
    horizon: float | None = None
    tz: str | None = None
    date_format: str | None = None

    @property
    def unit_days(self) -> float:
        return UNIT_DAYS[self.time_unit]

    @property
    def horizon_units(self) -> float:
        """The CLV horizon in time units (one year if not given)."""
        if self.horizon is not None:
            return self.horizon
        return 52.0 if self.time_unit == "W" else 365.0

    @property
    def holdout_length(self) -> float:
        """Length of the holdout period in time units (0 without one)."""
        if self.calibration_end is None or self.observation_end is None:
            return 0.0
        return (self.observation_end - self.calibration_end).days / self.unit_days

    @property
    def discount_rate_per_unit(self) -> float:
        """The annual rate compounded down to one time unit: (1 + d) ** (unit / year) - 1."""
        return float((1.0 + self.discount_rate) ** (self.unit_days / DAYS_PER_YEAR) - 1.0)


@dataclass(frozen=True)
class GroupSummary:
    """One row of a segment table: a class, tier or segment with its size and revenue share.

    ``key`` is the value in the per-customer output (``"A"``, ``"vip"``, ``"champions"``);
    ``label`` is for people, English with the Chinese term.
    """

    key: str
    label: str
    customers: int
    customer_share: float
    revenue: float
    revenue_share: float


@dataclass(frozen=True)
class FittedModel:
    """A fitted model as the report shows it: parameters, standard errors, log-likelihood."""

    name: str
    params: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    n_customers: int


@dataclass(frozen=True)
class PAliveGrid:
    """Model P(alive) over a frequency × recency grid at a fixed observation length ``T``."""

    frequency: list[float]
    recency: list[float]
    T: float
    probability: np.ndarray  # shape (len(frequency), len(recency))


@dataclass(frozen=True)
class AnalysisResult:
    """Everything :func:`analyze` computed. ``customers`` has one row per customer."""

    source: str
    settings: AnalysisSettings
    n_transactions: int
    customers: pa.Table
    abc: list[GroupSummary]
    pyramid: list[GroupSummary]
    rfm_segments: list[GroupSummary]
    eight_segments: list[GroupSummary]
    tiers: dict[str, list[GroupSummary]]
    models: list[FittedModel]
    total_clv: float
    palive_grid: PAliveGrid | None
    holdout: HoldoutCheck | None = None
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Per-customer summary
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerSummary:
    """Calibration-period summary per customer, in time units from the first purchase."""

    customer: pa.Array  # string ids, as the output writes them
    first_purchase: np.ndarray  # datetime64[D]
    last_purchase: np.ndarray
    purchases: np.ndarray  # purchase occasions (same-day transactions count once)
    frequency: np.ndarray  # repeat purchases x
    recency: np.ndarray  # t_x
    T: np.ndarray
    monetary_value: np.ndarray  # mean spend of the repeat purchases (0 without any)
    revenue: np.ndarray  # total spend in the calibration period
    days_since_last: np.ndarray
    holdout_purchases: np.ndarray | None


def summarise(table: pa.Table, settings: AnalysisSettings) -> tuple[CustomerSummary, SummaryInfo]:
    """Summarise each customer with :func:`guanxi.analytics.summary.summarize`.

    That function owns the definitions (purchase occasions, returns netting, time zones, date
    validation); this adapter only turns its table into arrays for segments and models.
    """
    result, info = summarize(
        table,
        settings.customer,
        settings.date,
        settings.amount,
        time_unit=settings.time_unit,
        calibration_end=settings.calibration_end,
        observation_end=settings.observation_end,
        tz=settings.tz,
        date_format=settings.date_format,
        return_info=True,
    )
    # The summary's row order is unspecified; sorted ids make the output files reproducible.
    result = result.sort_by(settings.customer)
    col = {name: result.column(name) for name in result.column_names}
    last = col["last_purchase"].to_numpy().astype("datetime64[D]")
    frequency = col["frequency"].to_numpy().astype(np.float64)
    summary = CustomerSummary(
        customer=col[settings.customer].cast(pa.string()).combine_chunks(),
        first_purchase=col["first_purchase"].to_numpy().astype("datetime64[D]"),
        last_purchase=last,
        purchases=frequency.astype(np.int64) + 1,
        frequency=frequency,
        recency=col["recency"].to_numpy(),
        T=col["T"].to_numpy(),
        monetary_value=col["monetary_value"].to_numpy(),
        revenue=col["revenue"].to_numpy(),
        days_since_last=(np.datetime64(info.calibration_end, "D") - last).astype(np.float64),
        holdout_purchases=(
            col["frequency_holdout"].to_numpy().astype(np.float64)
            if "frequency_holdout" in col
            else None
        ),
    )
    return summary, info


# --------------------------------------------------------------------------------------------
# Segments
# --------------------------------------------------------------------------------------------

#: Display labels (English with the Chinese term) of the segment keys the segments/ modules use.
ABC_DISPLAY = {key: f"{key} ({zh})" for key, zh in ABC_LABELS_ZH.items()}
PYRAMID_DISPLAY = {
    key: f"{'VIP' if key == 'vip' else key} {zh}" for key, zh in PYRAMID_LABELS_ZH.items()
}
RFM_DISPLAY = {key: f"{key.replace('_', ' ')} {zh}" for key, zh in RFM_SEGMENT_LABELS.items()}
EIGHT_ZH = dict(EIGHT_SEGMENT_LABELS.values())
EIGHT_DISPLAY = {en: f"{en.replace('_', ' ')} {zh}" for en, zh in EIGHT_SEGMENT_LABELS.values()}


@dataclass(frozen=True)
class Labels:
    """One label per customer as codes into ``names``: cheap to count, group and write.

    A million customers' labels as Python strings cost seconds to compare and convert; codes are
    one ``bincount`` per table and one dictionary array per output column.
    """

    codes: np.ndarray  # int32, index into names
    names: list[str]

    @classmethod
    def from_arrow(cls, column: pa.Array | pa.ChunkedArray) -> Labels:
        encoded = pc.dictionary_encode(column.cast(pa.string()))
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        return cls(
            codes=encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32),
            names=[str(name) for name in encoded.dictionary.to_pylist()],
        )

    @classmethod
    def from_numpy(cls, values: np.ndarray) -> Labels:
        return cls.from_arrow(pa.array(np.asarray(values), pa.string()))

    def to_arrow(self, rename: dict[str, str] | None = None) -> pa.Array:
        """The labels as a string column (``rename`` maps keys to other names, e.g. Chinese)."""
        names = [rename.get(n, n) for n in self.names] if rename else self.names
        dictionary = pa.DictionaryArray.from_arrays(
            pa.array(self.codes, pa.int32()), pa.array(names, pa.string())
        )
        return dictionary.cast(pa.string())


@dataclass(frozen=True)
class Segments:
    """Per-customer segment keys and scores, in the order of the summary's customers."""

    abc: Labels
    pyramid: Labels
    r_score: np.ndarray
    f_score: np.ndarray
    m_score: np.ndarray
    rfm_cell: pa.Array
    rfm_segment: Labels
    eight_segment: Labels


def segment(summary: CustomerSummary) -> Segments:
    """ABC (70/20/10 of revenue), value pyramid (1/4/15/80 % of customers) and RFM scores.

    The rules live in :mod:`guanxi.analytics.segments`; RFM reads the calibration summary
    (recency in days before the calibration end, purchase occasions, total revenue), so no second
    pass over the transactions is needed.
    """
    ids = summary.customer
    values = pa.table({"customer_id": ids, "revenue": summary.revenue})
    abc = abc_classify(values, "revenue", "customer_id").classes
    pyramid = value_pyramid(values, "revenue", "customer_id").classes
    rfm = rfm_score(
        pa.table(
            {
                "customer_id": ids,
                "recency_days": summary.days_since_last,
                "frequency": summary.purchases,
                "monetary": summary.revenue,
            }
        )
    )
    return Segments(
        abc=Labels.from_arrow(abc.column("abc_class")),
        pyramid=Labels.from_arrow(pyramid.column("tier")),
        r_score=rfm.column("r_score").to_numpy().astype(np.int64),
        f_score=rfm.column("f_score").to_numpy().astype(np.int64),
        m_score=rfm.column("m_score").to_numpy().astype(np.int64),
        rfm_cell=rfm.column("rfm_cell").combine_chunks(),
        rfm_segment=Labels.from_arrow(rfm.column("segment")),
        eight_segment=Labels.from_arrow(rfm.column("eight_segment")),
    )


def _group_table(
    labels: Labels, revenue: np.ndarray, display: dict[str, str]
) -> list[GroupSummary]:
    """Customers and revenue per segment, in ``display`` order, empty segments left out."""
    size = len(labels.names)
    counts = np.bincount(labels.codes, minlength=size)
    sums = np.bincount(labels.codes, weights=revenue, minlength=size)
    total_customers = max(labels.codes.size, 1)
    total_revenue = float(revenue[revenue > 0].sum())
    position = {name: i for i, name in enumerate(labels.names)}
    extra = sorted(set(labels.names) - set(display))
    rows = []
    for key in [*display, *extra]:
        i = position.get(key)
        if i is None or counts[i] == 0:
            continue
        value = float(sums[i])
        rows.append(
            GroupSummary(
                key=key,
                label=display.get(key, key),
                customers=int(counts[i]),
                customer_share=float(counts[i]) / total_customers,
                revenue=value,
                revenue_share=value / total_revenue if total_revenue > 0 else math.nan,
            )
        )
    return rows


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Predictions:
    """Per-customer model outputs (NaN when the model could not be fitted)."""

    p_alive: np.ndarray
    expected_purchases: np.ndarray
    expected_spend: np.ndarray
    clv: np.ndarray
    models: list[FittedModel]
    grid: PAliveGrid | None
    holdout: HoldoutCheck | None


def _fitted(name: str, model: Any, n: int) -> FittedModel:
    return FittedModel(
        name=name,
        params={k: float(v) for k, v in model.params_.items()},
        standard_errors={k: float(v) for k, v in model.standard_errors_.items()},
        log_likelihood=float(model.log_likelihood_),
        n_customers=n,
    )


def _palive_grid(model: Any, summary: CustomerSummary, cells: int = 24) -> PAliveGrid:
    """P(alive) on a frequency × recency grid at the longest observation length.

    Frequencies run to the 99th percentile so that one extreme customer does not squeeze the
    map; recency runs from 0 to the largest T (a recency above T cannot occur and is clipped).
    """
    t_max = float(summary.T.max()) if summary.T.size else 1.0
    f_top = float(np.quantile(summary.frequency, 0.99)) if summary.frequency.size else 1.0
    f_top = max(math.ceil(f_top), 1)
    frequency = np.unique(np.linspace(0, f_top, min(f_top + 1, cells)).round()).tolist()
    recency = np.linspace(0, t_max, cells).tolist()
    f_grid, r_grid = np.meshgrid(np.asarray(frequency), np.asarray(recency), indexing="ij")
    # Zero repeat purchases means recency 0 by definition; the model ignores recency there.
    r_grid = np.where(f_grid > 0, r_grid, 0.0)
    probability = model.probability_alive(
        f_grid.ravel(), r_grid.ravel(), np.full(f_grid.size, t_max)
    ).reshape(f_grid.shape)
    return PAliveGrid(frequency=frequency, recency=recency, T=t_max, probability=probability)


def fit_and_predict(
    summary: CustomerSummary,
    settings: AnalysisSettings,
    *,
    step: Callable[[str], None],
    notes: list[str],
) -> Predictions:
    """Fit BG/NBD and Gamma-Gamma, then predict P(alive), purchases, spend, CLV, holdout.

    A model that cannot be fitted (no repeat buyer, too few for the spend model, no convergence)
    leaves its outputs NaN and adds a note, instead of failing the whole analysis: the segments
    are still worth having on a young customer base.
    """
    n = len(summary.customer)
    nan = np.full(n, math.nan)
    x, tx = summary.frequency, summary.recency
    big_t = np.maximum(summary.T, MIN_T)
    just_acquired = int((summary.T <= 0).sum())
    if just_acquired:
        notes.append(
            f"{just_acquired} customer(s) first bought on the calibration end day (T = 0): "
            "predicted as customers just acquired"
        )
    horizon = settings.horizon_units

    step("fit purchases")
    try:
        purchases = BetaGeo()
        purchases.fit(frequency=x, recency=tx, T=big_t)
    except (InputError, ConvergenceError) as exc:
        notes.append(f"purchase model (BG/NBD) not fitted: {exc}")
        step("fit spend")
        step("predict")
        return Predictions(nan, nan, nan, nan, [], None, None)
    models = [_fitted("BG/NBD", purchases, n)]

    step("fit spend")
    spend_model: GammaGamma | None = None
    try:
        spend_model = GammaGamma().fit(frequency=x, monetary_value=summary.monetary_value)
        models.append(_fitted("Gamma-Gamma", spend_model, int(spend_model.n_customers_)))
    except (InputError, ConvergenceError) as exc:
        notes.append(
            f"spend model (Gamma-Gamma) not fitted: {exc}; CLV uses the mean spend per purchase"
        )

    step("predict")
    # A fit on a tiny or degenerate base can sit on a boundary (a -> 1, b < 1) where the closed
    # forms divide by zero; the results are then checked below instead of warning mid-way.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p_alive = purchases.probability_alive(x, tx, big_t)
        expected = purchases.conditional_expected_purchases(horizon, x, tx, big_t)
        if spend_model is not None:
            spend = spend_model.conditional_expected_average_spend(x, summary.monetary_value)
        else:
            spend = np.full(n, summary.revenue.sum() / max(float(summary.purchases.sum()), 1.0))
        clv = purchases.clv(
            x,
            tx,
            big_t,
            spend=spend,
            horizon=horizon,
            discount_rate=settings.discount_rate_per_unit,
            margin=settings.margin,
        )
        grid = _palive_grid(purchases, summary)
        holdout = None
        if summary.holdout_purchases is not None and settings.holdout_length > 0:
            holdout = purchases.holdout_check(
                x, tx, big_t, summary.holdout_purchases, settings.holdout_length
            )
    if not np.all(np.isfinite(clv)):
        notes.append(
            f"{int((~np.isfinite(clv)).sum())} customer(s) have no finite CLV: the fitted "
            "parameters sit on a boundary (too few customers or repeat purchases)"
        )
    return Predictions(p_alive, expected, spend, clv, models, grid, holdout)


# --------------------------------------------------------------------------------------------
# Tiers that need the predictions
# --------------------------------------------------------------------------------------------

VALUE_TIER_DISPLAY = {key: f"{key} {zh}" for key, zh in VALUE_TIER_LABELS_ZH.items()}
LIFECYCLE_DISPLAY = {key: f"{key} {zh}" for key, zh in LIFECYCLE_LABELS_ZH.items()}
CHURN_RISK_DISPLAY = {key: f"{key} {zh}" for key, zh in CHURN_RISK_LABELS_ZH.items()}


def predicted_tiers(
    summary: CustomerSummary, settings: AnalysisSettings, pred: Predictions, notes: list[str]
) -> dict[str, Labels]:
    """Value matrix (current revenue vs CLV), lifecycle stage and churn risk, per customer.

    The rules are :mod:`guanxi.analytics.tiers`'; without a fitted purchase model there is no
    P(alive) or CLV, so only the columns that do not need them are returned.
    """
    out: dict[str, Labels] = {}
    gap = interpurchase_days(summary.recency * settings.unit_days, summary.frequency)
    has_model = bool(np.all(np.isfinite(pred.p_alive)))
    try:
        if has_model and np.all(np.isfinite(pred.clv)):
            out["value_tier"] = Labels.from_numpy(value_tier(summary.revenue, pred.clv))
        if has_model:
            out["lifecycle_stage"] = Labels.from_numpy(
                lifecycle_stage(summary.frequency, summary.T * settings.unit_days, pred.p_alive)
            )
        out["churn_risk"] = Labels.from_numpy(
            churn_risk(pred.p_alive if has_model else None, summary.days_since_last, gap)
        )
    except InputError as exc:
        notes.append(f"tiers not computed: {exc}")
    return out


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------


def analyze(
    source: str | Path | pa.Table,
    *,
    customer: str,
    date: str,
    amount: str,
    time_unit: TimeUnit = "W",
    calibration_end: dt.date | None = None,
    observation_end: dt.date | None = None,
    margin: float = 1.0,
    discount_rate: float = 0.10,
    horizon: float | None = None,
    tz: str | None = None,
    date_format: str | None = None,
    progress: ProgressCallback | None = None,
) -> AnalysisResult:
    """Run the whole customer-value analysis on a transaction file or table.

    Parameters
    ----------
    source
        A CSV or Parquet path, or a ``pyarrow.Table``; one row per transaction.
    customer, date, amount
        Column names of the customer id, the transaction date and the amount.
    time_unit
        ``"W"`` (weeks) or ``"D"`` (days): the unit of recency, T, the horizon and the models.
    calibration_end
        Last day (inclusive) used to summarise, segment and fit (default: the last transaction).
        Customers first seen after it are left out; so are later transactions unless
        ``observation_end`` is given.
    observation_end
        Last day (inclusive) of a holdout period after ``calibration_end``: the purchases in it
        are compared with the predictions (default: no holdout).
    margin, discount_rate, horizon
        CLV settings: gross margin, yearly discount rate, horizon in time units (default a year).
    tz
        Time zone in which timezone-aware timestamps are turned into calendar days (UTC).
    date_format
        ``strptime`` format of dates stored as text or integers (``%Y%m%d`` ...); ISO 8601
        text, dates and timestamps need none.
    progress
        Called with each name of :data:`STEPS` as the step starts.

    Returns
    -------
    AnalysisResult
        Segment tables, fitted models, totals and a per-customer ``pyarrow.Table``.

    Raises
    ------
    InputError
        A missing or unreadable file, a missing column, values that are not dates or numbers,
        inconsistent dates or settings. The message names the file, column or setting.
    """
    _check_settings(time_unit, margin, discount_rate, horizon)
    notes: list[str] = []

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("read")
    settings = AnalysisSettings(
        customer=customer,
        date=date,
        amount=amount,
        time_unit=time_unit,
        calibration_end=calibration_end,
        observation_end=observation_end,
        margin=margin,
        discount_rate=discount_rate,
        horizon=horizon,
        tz=tz,
        date_format=date_format,
    )
    table = read_transactions(source, customer=customer, date=date, amount=amount)
    if table.num_rows == 0:
        raise InputError("the input holds no transactions")

    step("summarise")
    summary, info = summarise(table, settings)
    settings = replace(
        settings, calibration_end=info.calibration_end, observation_end=info.observation_end
    )
    if info.n_excluded:
        notes.append(
            f"{info.n_excluded} customer(s) first seen after the calibration end are left out"
        )

    step("segment")
    seg = segment(summary)

    predictions = fit_and_predict(summary, settings, step=step, notes=notes)
    tiers = predicted_tiers(summary, settings, predictions, notes)

    return AnalysisResult(
        source="table" if isinstance(source, pa.Table) else Path(source).name,
        settings=settings,
        n_transactions=int(table.num_rows),
        customers=_customer_table(summary, seg, predictions, tiers).replace_schema_metadata(
            _metadata(settings)
        ),
        abc=_group_table(seg.abc, summary.revenue, ABC_DISPLAY),
        pyramid=_group_table(seg.pyramid, summary.revenue, PYRAMID_DISPLAY),
        rfm_segments=_group_table(seg.rfm_segment, summary.revenue, RFM_DISPLAY),
        eight_segments=_group_table(seg.eight_segment, summary.revenue, EIGHT_DISPLAY),
        tiers={
            name: _group_table(tiers[name], summary.revenue, display)
            for name, display in (
                ("value_tier", VALUE_TIER_DISPLAY),
                ("lifecycle_stage", LIFECYCLE_DISPLAY),
                ("churn_risk", CHURN_RISK_DISPLAY),
            )
            if name in tiers
        },
        models=predictions.models,
        total_clv=float(np.sum(predictions.clv)),
        palive_grid=predictions.grid,
        holdout=predictions.holdout,
        notes=notes,
    )


def _metadata(settings: AnalysisSettings) -> dict[str, str]:
    """What the numbers mean, kept with them in Parquet output (``guanxi.*`` keys)."""
    return {
        "guanxi.time_unit": settings.time_unit,
        "guanxi.calibration_end": str(settings.calibration_end),
        "guanxi.observation_end": str(settings.observation_end),
        "guanxi.horizon": f"{settings.horizon_units:g}",
        "guanxi.margin": f"{settings.margin:g}",
        "guanxi.discount_rate_per_year": f"{settings.discount_rate:g}",
    }


def _check_settings(
    time_unit: str, margin: float, discount_rate: float, horizon: float | None
) -> None:
    if time_unit not in UNIT_DAYS:
        raise InputError(f"time unit must be D or W, not {time_unit!r}")
    if not (math.isfinite(margin) and 0 < margin <= 1.0):
        raise InputError(f"margin must be in (0, 1], not {margin}")
    if not (math.isfinite(discount_rate) and 0 <= discount_rate < 10):
        raise InputError(f"discount rate must be a yearly rate in [0, 10), not {discount_rate}")
    if horizon is not None and not (math.isfinite(horizon) and 0 < horizon < 1e6):
        raise InputError(f"horizon must be a positive number of time units, not {horizon}")


def _customer_table(
    summary: CustomerSummary, seg: Segments, pred: Predictions, tiers: dict[str, Labels]
) -> pa.Table:
    """The per-customer output: summary, segments and predictions, one row per customer."""
    columns: dict[str, Any] = {
        "customer_id": summary.customer,
        "first_purchase": pa.array(summary.first_purchase),
        "last_purchase": pa.array(summary.last_purchase),
        "purchases": summary.purchases.astype(np.int64),
        "frequency": summary.frequency,
        "recency": summary.recency,
        "T": summary.T,
        "monetary_value": summary.monetary_value,
        "revenue": summary.revenue,
        "abc_class": seg.abc.to_arrow(),
        "pyramid_tier": seg.pyramid.to_arrow(),
        "r_score": seg.r_score.astype(np.int64),
        "f_score": seg.f_score.astype(np.int64),
        "m_score": seg.m_score.astype(np.int64),
        "rfm_cell": seg.rfm_cell,
        "rfm_segment": seg.rfm_segment.to_arrow(),
        "rfm_segment_zh": seg.rfm_segment.to_arrow(RFM_SEGMENT_LABELS),
        "eight_segment": seg.eight_segment.to_arrow(),
        "eight_segment_zh": seg.eight_segment.to_arrow(EIGHT_ZH),
        "p_alive": pred.p_alive,
        "expected_purchases": pred.expected_purchases,
        "expected_spend": pred.expected_spend,
        "clv": pred.clv,
    }
    for name, labels in tiers.items():
        columns[name] = labels.to_arrow()
    if summary.holdout_purchases is not None:
        columns["holdout_purchases"] = summary.holdout_purchases
    return pa.table(columns)
