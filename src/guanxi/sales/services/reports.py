"""Sales reports (报表统计图). Every figure is aggregated over ``Model.objects.visible_to(user)``
— the viewer's scope — never over all rows and then filtered.

Definitions (stated on each report page):
- revenue: confirmed and delivered orders, by order date (cancelled orders never count);
  receipts (回款) are reported apart, by the date received, reversed payments excluded;
- win rate (成单率) = won / (won + lost) among opportunities closed in the period, invalid excluded;
- sales cycle (销售周期) = days from the opportunity's opening to its win;
- a new customer is one whose first confirmed order (among the orders the viewer can see) falls
  in the period; revenue from the others is returning;
- weighted forecast = open amount × the stage's win probability, by expected close month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core import clock
from guanxi.core.errors import InvalidInput
from guanxi.core.filters import _values
from guanxi.core.models import Department, User
from guanxi.sales.models import (
    REVENUE_STATUSES,
    Lead,
    Opportunity,
    Order,
    OrderLine,
    Payment,
    PaymentStatus,
    Product,
    ProductCategory,
    Stage,
    StageHistory,
    StageKind,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")
PARAMS = frozenset({"start", "end", "format", "limit"})


@dataclass
class Report:
    name: str
    title: Any
    definition: Any
    start: dt.date
    end: dt.date
    columns: list[Any]
    rows: list[list[Any]]
    #: Which column labels the chart's bars and which columns it draws.
    chart_label: int = 0
    chart_values: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: Any
    definition: Any
    build: Callable[
        [Any, dt.date, dt.date, dict[str, Any]], tuple[list[Any], list[list[Any]], list[int]]
    ]


REPORTS: dict[str, ReportSpec] = {}


def report(name: str, title: Promise, definition: Promise) -> Callable:
    def register(func: Callable) -> Callable:
        REPORTS[name] = ReportSpec(name, title, definition, func)
        return func

    return register


def period(params: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    """[start, end] from the query (ISO dates); default: this calendar year up to today."""
    today = clock.today()
    errors: dict[str, list[str]] = {}
    bounds = []
    for name, default in (("start", today.replace(month=1, day=1)), ("end", today)):
        raw = (_values(params, name) or [""])[0]
        try:
            bounds.append(dt.date.fromisoformat(raw) if raw else default)
        except ValueError:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            bounds.append(default)
    if not errors and bounds[0] > bounds[1]:
        errors["end"] = [_("The end is before the start.")]
    if errors:
        raise InvalidInput(errors)
    return bounds[0], bounds[1]


def run(name: str, user: User, params: Mapping[str, Any]) -> Report:
    """Run report ``name`` for ``user`` with the query ``params`` (an allow-list)."""
    spec = REPORTS.get(name)
    if spec is None:
        from guanxi.core.errors import RecordNotFound

        raise RecordNotFound(name)
    unknown = sorted(k for k in params if k not in PARAMS)
    if unknown:
        raise InvalidInput(
            {k: [_("Unknown filter parameter: %(key)s") % {"key": k}] for k in unknown}
        )
    start, end = period(params)
    options: dict[str, Any] = {}
    raw_limit = (_values(params, "limit") or ["20"])[0]
    try:
        options["limit"] = max(1, min(int(raw_limit), 200))
    except ValueError:
        raise InvalidInput({"limit": [_("Enter a whole number.")]}) from None
    columns, rows, chart = spec.build(user, start, end, options)
    return Report(spec.name, spec.title, spec.definition, start, end, columns, rows, 0, chart)


def json_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- scoped querysets


def revenue_orders(user: User, start: dt.date, end: dt.date) -> QuerySet:
    return Order.objects.visible_to(user).filter(
        status__in=REVENUE_STATUSES, order_date__gte=start, order_date__lte=end
    )


def revenue_lines(user: User, start: dt.date, end: dt.date) -> QuerySet:
    """The lines of the viewer's revenue orders (the order's scope, via the subquery)."""
    return OrderLine.objects.filter(order__in=revenue_orders(user, start, end).values("pk"))


def _names(model: type[models.Model], ids: Any, attr: str = "name") -> dict[Any, str]:
    ids = {i for i in ids if i is not None}
    return (
        {
            o.pk: str(o) if attr == "__str__" else getattr(o, attr)
            for o in model._default_manager.filter(pk__in=ids)
        }
        if ids
        else {}
    )


def _user_names(ids: Any) -> dict[Any, str]:
    ids = {i for i in ids if i is not None}
    return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}


def _money(value: Any) -> Decimal:
    return (value or ZERO).quantize(CENT)


def _rate(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else ZERO


def _month(value: dt.date) -> str:
    return f"{value:%Y-%m}"


# ---------------------------------------------------------------- revenue


@report(
    "revenue_by_period",
    gettext_lazy("Revenue by month"),
    gettext_lazy("Confirmed and delivered orders by order date; cancelled orders never count."),
)
def revenue_by_period(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = (
        revenue_orders(user, start, end)
        .annotate(month=TruncMonth("order_date"))
        .values("month")
        .annotate(n=Count("pk"), revenue=Sum("total"))
        .order_by("month")
    )
    return (
        [_("Month"), _("Orders"), _("Revenue")],
        [[_month(r["month"]), r["n"], _money(r["revenue"])] for r in rows],
        [2],
    )


def _revenue_by(user: User, start: dt.date, end: dt.date, key: str) -> list[dict[str, Any]]:
    return list(
        revenue_orders(user, start, end)
        .values(key)
        .annotate(n=Count("pk"), revenue=Sum("total"))
        .order_by("-revenue", key)
    )


@report(
    "revenue_by_rep",
    gettext_lazy("Revenue by sales rep"),
    gettext_lazy("Confirmed and delivered orders by order date, by the order's owner."),
)
def revenue_by_rep(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = _revenue_by(user, start, end, "owner")
    names = _user_names(r["owner"] for r in rows)
    return (
        [_("Sales rep"), _("Orders"), _("Revenue")],
        [[names.get(r["owner"], _("nobody")), r["n"], _money(r["revenue"])] for r in rows],
        [2],
    )


@report(
    "revenue_by_team",
    gettext_lazy("Revenue by team"),
    gettext_lazy("Confirmed and delivered orders by order date, by the owner's department."),
)
def revenue_by_team(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = _revenue_by(user, start, end, "department")
    names = _names(Department, (r["department"] for r in rows))
    return (
        [_("Team"), _("Orders"), _("Revenue")],
        [[names.get(r["department"], _("none")), r["n"], _money(r["revenue"])] for r in rows],
        [2],
    )


@report(
    "revenue_by_region",
    gettext_lazy("Revenue by region"),
    gettext_lazy("Confirmed and delivered orders by order date, by the customer's province."),
)
def revenue_by_region(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    from guanxi.customers import reference

    rows = _revenue_by(user, start, end, "customer__province")
    return (
        [_("Region"), _("Orders"), _("Revenue")],
        [
            [
                reference.region_name(r["customer__province"]) or _("unknown"),
                r["n"],
                _money(r["revenue"]),
            ]
            for r in rows
        ],
        [2],
    )


def _line_totals(user: User, start: dt.date, end: dt.date, key: str) -> list[dict[str, Any]]:
    return list(
        revenue_lines(user, start, end)
        .values(key)
        .annotate(quantity=Sum("quantity"), revenue=Sum("amount"))
        .order_by("-revenue", key)
    )


@report(
    "revenue_by_product",
    gettext_lazy("Revenue and profit by product"),
    gettext_lazy(
        "Order lines of confirmed and delivered orders by order date; "
        "profit = line amount − quantity × cost."
    ),
)
def revenue_by_product(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = _line_totals(user, start, end, "product")
    found = Product.all_objects.in_bulk({r["product"] for r in rows})
    out = []
    for r in rows:
        product = found.get(r["product"])
        cost = product.cost if product is not None else None
        profit = _money(r["revenue"] - r["quantity"] * cost) if cost is not None else None
        out.append([str(product) if product else "-", r["quantity"], _money(r["revenue"]), profit])
    return [_("Product"), _("Quantity"), _("Revenue"), _("Profit")], out, [2]


@report(
    "revenue_by_category",
    gettext_lazy("Revenue by product category"),
    gettext_lazy("Order lines of confirmed and delivered orders by order date."),
)
def revenue_by_category(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = _line_totals(user, start, end, "product__category")
    names = {
        c.pk: c.name
        for c in ProductCategory.all_objects.filter(pk__in={r["product__category"] for r in rows})
    }
    return (
        [_("Category"), _("Quantity"), _("Revenue")],
        [
            [
                names.get(r["product__category"], _("uncategorised")),
                r["quantity"],
                _money(r["revenue"]),
            ]
            for r in rows
        ],
        [2],
    )


@report(
    "receipts_by_period",
    gettext_lazy("Receipts (回款) by month"),
    gettext_lazy("Valid payments by the date received; reversed payments excluded."),
)
def receipts_by_period(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = (
        Payment.objects.visible_to(user)
        .filter(status=PaymentStatus.VALID, received_on__gte=start, received_on__lte=end)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by("month")
    )
    return (
        [_("Month"), _("Payments"), _("Received")],
        [[_month(r["month"]), r["n"], _money(r["amount"])] for r in rows],
        [2],
    )


@report(
    "top_customers",
    gettext_lazy("Top customers"),
    gettext_lazy("Customers by revenue from confirmed and delivered orders in the period."),
)
def top_customers(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = (
        revenue_orders(user, start, end)
        .values("customer", "customer__name")
        .annotate(n=Count("pk"), revenue=Sum("total"))
        .order_by("-revenue", "customer")[: options["limit"]]
    )
    return (
        [_("Customer"), _("Orders"), _("Revenue")],
        [[r["customer__name"], r["n"], _money(r["revenue"])] for r in rows],
        [2],
    )


# ---------------------------------------------------------------- pipeline


def _open(user: User) -> QuerySet:
    return Opportunity.objects.visible_to(user).filter(outcome=StageKind.OPEN)


@report(
    "pipeline_by_stage",
    gettext_lazy("Pipeline by stage"),
    gettext_lazy(
        "Open opportunities now, by stage; weighted amount = amount × the stage's win probability."
    ),
)
def pipeline_by_stage(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = _open(user).values("stage").annotate(n=Count("pk"), amount=Sum("amount"))
    stages = Stage.all_objects.select_related("pipeline").in_bulk({r["stage"] for r in rows})
    ordered = sorted(
        rows, key=lambda r: (stages[r["stage"]].pipeline_id, stages[r["stage"]].position)
    )
    out = []
    for r in ordered:
        stage = stages[r["stage"]]
        weighted = _money(r["amount"] * stage.probability / 100)
        out.append([f"{stage.name} ({stage.probability}%)", r["n"], _money(r["amount"]), weighted])
    return [_("Stage"), _("Opportunities"), _("Amount"), _("Weighted amount")], out, [2, 3]


@report(
    "forecast",
    gettext_lazy("Weighted forecast"),
    gettext_lazy(
        "Open opportunities by expected close month: amount and amount × stage probability."
    ),
)
def forecast(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    rows = (
        _open(user)
        .filter(expected_close_date__isnull=False)
        .annotate(month=TruncMonth("expected_close_date"))
        .values("month", "stage__probability")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    months: dict[dt.date, list[Any]] = defaultdict(lambda: [0, ZERO, ZERO])
    for r in rows:
        month = months[r["month"]]
        month[0] += r["n"]
        month[1] += r["amount"]
        month[2] += r["amount"] * r["stage__probability"] / 100
    return (
        [_("Expected close month"), _("Opportunities"), _("Amount"), _("Weighted forecast")],
        [[_month(m), v[0], _money(v[1]), _money(v[2])] for m, v in sorted(months.items())],
        [3],
    )


def _closed(user: User, start: dt.date, end: dt.date) -> QuerySet:
    return Opportunity.objects.visible_to(user).filter(
        outcome__in=[StageKind.WON, StageKind.LOST], closed_on__gte=start, closed_on__lte=end
    )


def _win_rows(groups: dict[Any, dict[str, Any]], label: Callable[[Any], str]) -> list[list[Any]]:
    out = []
    for key, g in groups.items():
        cycle = (
            (Decimal(sum(g["cycles"])) / len(g["cycles"])).quantize(Decimal("0.1"))
            if g["cycles"]
            else None
        )
        out.append([label(key), g["won"], g["lost"], _rate(g["won"], g["won"] + g["lost"]), cycle])
    return out


def _win_groups(user: User, start: dt.date, end: dt.date, key: str) -> dict[Any, dict[str, Any]]:
    groups: dict[Any, dict[str, Any]] = {}
    rows = _closed(user, start, end).values_list(key, "outcome", "opened_on", "closed_on")
    for group, outcome, opened, closed in rows.order_by(key):
        g = groups.setdefault(group, {"won": 0, "lost": 0, "cycles": []})
        if outcome == StageKind.WON:
            g["won"] += 1
            g["cycles"].append((closed - opened).days)
        else:
            g["lost"] += 1
    return groups


WIN_COLUMNS = (
    gettext_lazy("Won"),
    gettext_lazy("Lost"),
    gettext_lazy("Win rate (%)"),
    gettext_lazy("Average sales cycle (days)"),
)


@report(
    "win_rate_by_rep",
    gettext_lazy("Win rate and sales cycle by rep"),
    gettext_lazy(
        "Win rate = won / (won + lost) among opportunities closed in the period, invalid excluded; "
        "sales cycle = days from opening to winning."
    ),
)
def win_rate_by_rep(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    groups = _win_groups(user, start, end, "owner")
    names = _user_names(groups)
    return (
        [_("Sales rep"), *[str(c) for c in WIN_COLUMNS]],
        _win_rows(groups, lambda k: names.get(k, _("nobody"))),
        [3],
    )


@report(
    "win_rate_by_period",
    gettext_lazy("Win rate and sales cycle by month"),
    gettext_lazy(
        "Win rate = won / (won + lost) among opportunities closed in each month, invalid excluded; "
        "sales cycle = days from opening to winning."
    ),
)
def win_rate_by_period(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    groups: dict[str, dict[str, Any]] = {}
    for outcome, opened, closed in _closed(user, start, end).values_list(
        "outcome", "opened_on", "closed_on"
    ):
        g = groups.setdefault(_month(closed), {"won": 0, "lost": 0, "cycles": []})
        if outcome == StageKind.WON:
            g["won"] += 1
            g["cycles"].append((closed - opened).days)
        else:
            g["lost"] += 1
    ordered = dict(sorted(groups.items()))
    return [_("Month"), *[str(c) for c in WIN_COLUMNS]], _win_rows(ordered, str), [3]


@report(
    "funnel",
    gettext_lazy("Conversion funnel"),
    gettext_lazy(
        "Leads created in the period → converted into an opportunity → "
        "that opportunity won (so far)."
    ),
)
def funnel(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    leads = Lead.objects.visible_to(user).filter(
        created_at__date__gte=start, created_at__date__lte=end
    )
    counts = leads.aggregate(
        total=Count("pk"),
        converted=Count("pk", filter=Q(converted_opportunity__isnull=False)),
        won=Count("pk", filter=Q(converted_opportunity__outcome=StageKind.WON)),
    )
    total = counts["total"]
    return (
        [_("Step"), _("Count"), _("Of leads (%)")],
        [
            [_("Leads"), total, _rate(total, total)],
            [_("Opportunities"), counts["converted"], _rate(counts["converted"], total)],
            [_("Won"), counts["won"], _rate(counts["won"], total)],
        ],
        [1],
    )


@report(
    "new_vs_returning",
    gettext_lazy("Revenue from new and returning customers by rep"),
    gettext_lazy(
        "A new customer is one whose first confirmed order (among the orders you can see) "
        "falls in the period; revenue from the others is returning."
    ),
)
def new_vs_returning(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    visible = Order.objects.visible_to(user).filter(status__in=REVENUE_STATUSES)
    in_period = visible.filter(order_date__gte=start, order_date__lte=end)
    first = dict(
        visible.filter(customer__in=in_period.values("customer"))
        .values("customer")
        .annotate(first=Min("order_date"))
        .values_list("customer", "first")
    )
    groups: dict[Any, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for owner, customer, total in in_period.values_list("owner", "customer", "total"):
        is_new = start <= first[customer] <= end
        groups[owner][0 if is_new else 1] += total
    names = _user_names(groups)
    rows: list[list[Any]] = sorted(
        (
            [names.get(k, _("nobody")), _money(v[0]), _money(v[1]), _money(v[0] + v[1])]
            for k, v in groups.items()
        ),
        key=lambda r: -r[3],
    )
    return (
        [_("Sales rep"), _("New customers"), _("Returning customers"), _("Revenue")],
        rows,
        [1, 2],
    )


@report(
    "stage_durations",
    gettext_lazy("Time spent in each stage"),
    gettext_lazy(
        "From the stage history: the average and longest days an opportunity stayed in a stage, "
        "over the stays that ended in the period."
    ),
)
def stage_durations(user: User, start: dt.date, end: dt.date, options: dict) -> Any:
    stays = StageHistory.objects.filter(
        opportunity__in=Opportunity.objects.visible_to(user).values("pk"),
        left_at__date__gte=start,
        left_at__date__lte=end,
    ).values_list("stage", "entered_at", "left_at")
    days: dict[int, list[Decimal]] = defaultdict(list)
    for stage_id, entered, left in stays:
        days[stage_id].append(Decimal((left - entered).total_seconds()) / 86400)
    stages = Stage.all_objects.in_bulk(days)
    ordered = sorted(days, key=lambda pk: (stages[pk].pipeline_id, stages[pk].position))
    tenth = Decimal("0.1")
    return (
        [_("Stage"), _("Stays"), _("Average days"), _("Longest days")],
        [
            [stages[pk].name, len(days[pk]), (sum(days[pk], ZERO) / len(days[pk])).quantize(tenth),
             max(days[pk]).quantize(tenth)]
            for pk in ordered
        ],
        [2],
    )  # fmt: skip
