"""Importing historical orders and their payments from CSV or XLSX (``guanxi import orders``).

One row per order line and/or payment; rows sharing an order number form one order. Customers
and products must exist (the customer import brings customers); the customer is matched by
code, else by exact name, among the customers the importing user may see. Every row is
validated before anything is written; the write is one transaction with an import batch. By
default one bad row writes nothing; with ``skip_invalid`` the orders with a bad row are left
out and reported in the error file. An order whose number was imported before is left as it
is, so re-running a file changes nothing.

Uses the platform's import machinery (``core.imports``: safe reading, header aliases, row
errors and the error file), as the customer import does.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core import exports, imports
from guanxi.core.errors import GuanxiError, InvalidInput
from guanxi.core.imports import RowError, Table
from guanxi.core.models import ImportBatch, User
from guanxi.core.services.records import may_hand_over_to
from guanxi.customers.models import Customer
from guanxi.customers.services import normalise
from guanxi.sales.models import Order, OrderStatus, PaymentMethod, Product
from guanxi.sales.services import orders as order_services
from guanxi.sales.services import payments as payment_services
from guanxi.sales.services.common import CENT

FIELDS: tuple[str, ...] = (
    "order_number",
    "customer",
    "order_date",
    "status",
    "product",
    "quantity",
    "unit_price",
    "discount",
    "owner",
    "contract_number",
    "contract_end",
    "payment_date",
    "payment_amount",
    "payment_method",
    "payment_reference",
)
REQUIRED = ("order_number", "customer", "order_date")
ALIASES: dict[str, str] = {
    "订单号": "order_number",
    "订单编号": "order_number",
    "单号": "order_number",
    "order": "order_number",
    "order no": "order_number",
    "客户": "customer",
    "客户名称": "customer",
    "客户编号": "customer",
    "customer name": "customer",
    "customer code": "customer",
    "下单日期": "order_date",
    "订单日期": "order_date",
    "日期": "order_date",
    "date": "order_date",
    "状态": "status",
    "订单状态": "status",
    "产品": "product",
    "产品编码": "product",
    "产品编号": "product",
    "product code": "product",
    "sku": "product",
    "数量": "quantity",
    "qty": "quantity",
    "单价": "unit_price",
    "price": "unit_price",
    "折扣": "discount",
    "折扣率": "discount",
    "负责人": "owner",
    "销售": "owner",
    "合同编号": "contract_number",
    "合同号": "contract_number",
    "合同结束": "contract_end",
    "合同到期": "contract_end",
    "回款日期": "payment_date",
    "回款金额": "payment_amount",
    "回款方式": "payment_method",
    "付款方式": "payment_method",
    "回款单号": "payment_reference",
    "流水号": "payment_reference",
}
STATUS_WORDS = {
    "confirmed": OrderStatus.CONFIRMED,
    "已确认": OrderStatus.CONFIRMED,
    "确认": OrderStatus.CONFIRMED,
    "delivered": OrderStatus.DELIVERED,
    "已交付": OrderStatus.DELIVERED,
    "已发货": OrderStatus.DELIVERED,
    "完成": OrderStatus.DELIVERED,
    "cancelled": OrderStatus.CANCELLED,
    "canceled": OrderStatus.CANCELLED,
    "已取消": OrderStatus.CANCELLED,
    "取消": OrderStatus.CANCELLED,
    "draft": OrderStatus.DRAFT,
    "草稿": OrderStatus.DRAFT,
}


def _method_lookup() -> dict[str, str]:
    extra = {"银行": "bank", "转账": "bank", "微信": "wechat", "支付宝": "alipay"}
    return imports.choice_words(PaymentMethod.choices, extra)


@dataclass
class ImportResult(imports.ImportResult):
    orders: int = 0
    payments: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "orders": self.orders,
            "created": self.created,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "payments": self.payments,
            "bad_rows": len(self.bad_lines),
        }


@dataclass
class _Order:
    number: str
    lines: list[int] = field(default_factory=list)  # file line numbers
    customer: Customer | None = None
    order_date: dt.date | None = None
    status: str = OrderStatus.CONFIRMED
    owner: User | None = None
    contract_number: str = ""
    contract_end: dt.date | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    existing: bool = False


def _date(text: str) -> dt.date:
    text = text.strip().replace("/", "-").replace(".", "-")
    return (
        dt.datetime.fromisoformat(text).date()
        if " " in text or "T" in text
        else dt.date.fromisoformat(text)
    )


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", "").replace("¥", "").replace("%", "").strip())
    if not value.is_finite():
        raise InvalidOperation
    return value


def read(
    data: bytes, filename: str, mapping: Mapping[str, str] | None = None
) -> tuple[Table, imports.ColumnMap]:
    table = imports.read_table(data, filename)
    colmap = imports.map_columns(table.headers, ALIASES, mapping, FIELDS)
    missing = [f for f in REQUIRED if f not in colmap.fields.values()]
    if missing:
        raise InvalidInput(
            {"file": [_("The file needs the columns: %(cols)s") % {"cols": ", ".join(missing)}]}
        )
    return table, colmap


class _Lookups:
    """Customers, products, users and existing orders loaded once (no query per row)."""

    def __init__(self, actor: Any, table: Table, colmap: imports.ColumnMap) -> None:
        index = {f: i for i, f in colmap.fields.items()}

        def column(name: str) -> set[str]:
            if name not in index:
                return set()
            return {
                cells[index[name]].strip()
                for _line, cells in table.rows
                if index[name] < len(cells)
            }

        keys = column("customer") - {""}
        name_keys = {normalise.name_key(k) for k in keys}
        visible = Customer.objects.visible_to(actor).filter(
            Q(code__in=keys) | Q(name_key__in=name_keys)
        )
        self.by_code: dict[str, Customer] = {}
        self.by_name: dict[str, list[Customer]] = {}
        for c in visible:
            self.by_code[c.code] = c
            self.by_name.setdefault(c.name_key, []).append(c)
        self.products = {
            p.code: p for p in Product.objects.filter(code__in=column("product") - {""})
        }
        self.users = {
            u.username: u
            for u in User.objects.filter(username__in=column("owner") - {""}, is_active=True)
        }
        numbers = column("order_number") - {""}
        self.existing = set(
            Order.all_objects.filter(
                Q(external_ref__in=numbers) | Q(number__in=numbers)
            ).values_list("number", flat=True)
        ) | set(
            Order.all_objects.filter(external_ref__in=numbers).values_list(
                "external_ref", flat=True
            )
        )

    def customer(self, text: str) -> Customer | str | None:
        if text in self.by_code:
            return self.by_code[text]
        found = self.by_name.get(normalise.name_key(text), [])
        if len(found) > 1:
            return "ambiguous"
        return found[0] if found else None


def _parse(table: Table, colmap: imports.ColumnMap, actor: Any) -> list[_Order]:
    headers = {f: table.headers[i] for i, f in colmap.fields.items()}
    lookups = _Lookups(actor, table, colmap)
    methods = _method_lookup()
    grouped: OrderedDict[str, _Order] = OrderedDict()
    for line, cells in table.rows:
        raw = {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in colmap.fields.items()
        }
        number = raw.get("order_number", "")
        errors: list[RowError] = []

        def bad(
            name: str,
            reason: str,
            raw: dict[str, str] = raw,
            errors: list[RowError] = errors,
            line: int = line,
        ) -> None:
            errors.append(RowError(line, headers.get(name, name), raw.get(name, ""), reason))

        if not number:
            bad("order_number", _("This field is required."))
            grouped.setdefault(f"#line{line}", _Order(number="")).errors.extend(errors)
            grouped[f"#line{line}"].lines.append(line)
            continue
        order = grouped.setdefault(
            number, _Order(number=number, existing=number in lookups.existing)
        )
        order.lines.append(line)
        if raw.get("customer") and order.customer is None:
            found = lookups.customer(raw["customer"])
            if found == "ambiguous":
                bad("customer", _("Several customers have this name; use the customer code."))
            elif found is None:
                bad("customer", _("No such customer (or not in your scope)."))
            else:
                order.customer = found  # type: ignore[assignment]
        if raw.get("order_date") and order.order_date is None:
            try:
                order.order_date = _date(raw["order_date"])
            except ValueError:
                bad("order_date", _("Enter a date as YYYY-MM-DD."))
        if raw.get("status"):
            status = STATUS_WORDS.get(raw["status"].lower())
            if status is None:
                bad("status", _("Not one of the allowed values."))
            else:
                order.status = status
        if raw.get("owner"):
            owner = lookups.users.get(raw["owner"])
            if owner is None:
                bad("owner", _("No active user with this username."))
            elif owner.pk != getattr(actor, "pk", None) and not may_hand_over_to(
                actor, owner, "sales"
            ):
                bad("owner", _("You may not make this user the owner."))
            else:
                order.owner = owner
        if raw.get("contract_number"):
            order.contract_number = raw["contract_number"]
        if raw.get("contract_end"):
            try:
                order.contract_end = _date(raw["contract_end"])
            except ValueError:
                bad("contract_end", _("Enter a date as YYYY-MM-DD."))
        if raw.get("product"):
            product = lookups.products.get(raw["product"])
            item: dict[str, Any] = {"product": product}
            if product is None:
                bad("product", _("No such product code."))
            for name, default in (("quantity", "1"), ("unit_price", ""), ("discount", "0")):
                text = raw.get(name, "") or default
                if not text:
                    continue
                try:
                    item[name] = _decimal(text).quantize(CENT)
                except InvalidOperation:
                    bad(name, _("Enter a number."))
            if item.get("quantity", Decimal(1)) <= 0:
                bad("quantity", _("The quantity must be positive."))
            if not Decimal(0) <= item.get("discount", Decimal(0)) <= Decimal(100):
                bad("discount", _("The discount is between 0 and 100%."))
            if product is not None:
                order.items.append(item)
        if raw.get("payment_amount"):
            payment: dict[str, Any] = {"reference": raw.get("payment_reference", ""), "line": line}
            try:
                payment["amount"] = _decimal(raw["payment_amount"]).quantize(CENT)
                if payment["amount"] <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                bad("payment_amount", _("Enter a positive amount."))
            try:
                payment["received_on"] = (
                    _date(raw["payment_date"]) if raw.get("payment_date") else None
                )
            except ValueError:
                bad("payment_date", _("Enter a date as YYYY-MM-DD."))
            method = raw.get("payment_method", "")
            payment["method"] = methods.get(method.lower()) if method else "bank"
            if payment["method"] is None:
                bad("payment_method", _("Not one of the allowed values."))
            order.payments.append(payment)
        order.errors.extend(errors)
    result = list(grouped.values())
    for order in result:
        if not order.number or order.existing:
            continue
        first = order.lines[0]
        if order.customer is None and not any(
            e.column == headers.get("customer") for e in order.errors
        ):
            order.errors.append(
                RowError(first, headers["customer"], "", _("This field is required."))
            )
        if order.order_date is None and not any(
            e.column == headers.get("order_date") for e in order.errors
        ):
            order.errors.append(
                RowError(first, headers["order_date"], "", _("This field is required."))
            )
        if not order.items and not order.errors:
            order.errors.append(
                RowError(
                    first,
                    headers.get("product", "product"),
                    "",
                    _("An order needs at least one line."),
                )
            )
        if order.errors:
            continue
        total = sum((order_services.line_amount_of(i) for i in order.items), Decimal("0"))
        paid = sum((p.get("amount", Decimal(0)) for p in order.payments), Decimal("0"))
        if order.payments and order.status not in (OrderStatus.CONFIRMED, OrderStatus.DELIVERED):
            order.errors.append(
                RowError(
                    order.payments[0]["line"],
                    headers.get("payment_amount", ""),
                    "",
                    _("Payments need a confirmed or delivered order."),
                )
            )
        elif paid > total:
            order.errors.append(
                RowError(
                    order.payments[-1]["line"],
                    headers.get("payment_amount", ""),
                    str(paid),
                    _("The payments add up to more than the order total."),
                )
            )
    return result


def import_orders(
    data: bytes,
    *,
    filename: str,
    actor: Any,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """Validate every row, then (unless a dry run) write the orders in one transaction."""
    table, colmap = read(data, filename, mapping)
    result = ImportResult(dry_run=dry_run, total=len(table.rows), ignored_columns=colmap.ignored)
    result.error_format = table.format
    parsed = _parse(table, colmap, actor)
    result.orders = len([o for o in parsed if o.number])
    for order in parsed:
        result.errors.extend(order.errors)
    good = [o for o in parsed if not o.errors and o.number]
    result.skipped = len([o for o in parsed if o.errors])
    result.unchanged = len([o for o in good if o.existing])
    fresh = [o for o in good if not o.existing]
    if dry_run:
        result.created = len(fresh)
        return _with_error_file(result, table)
    batch = ImportBatch.objects.create(
        kind="orders",
        actor=actor if getattr(actor, "pk", None) else None,
        file_name=filename[:255],
        file_sha256=imports.sha256(data),
        status="running",
    )
    result.batch_id = batch.pk
    if result.errors and not skip_invalid:
        _finish(batch, result, "failed", table)
        return _with_error_file(result, table)
    try:
        with transaction.atomic():
            for order in fresh:
                _write(order, actor, batch, result)
    except GuanxiError as exc:
        result.created = result.payments = 0
        result.errors.append(RowError(0, "", "", str(exc)))
        _finish(batch, result, "failed", table)
        return _with_error_file(result, table)
    result.written = True
    _finish(batch, result, "done", table)
    return _with_error_file(result, table)


def _write(order: _Order, actor: Any, batch: ImportBatch, result: ImportResult) -> None:
    values: dict[str, Any] = {"order_date": order.order_date, "external_ref": order.number[:64]}
    if not Order.all_objects.filter(number=order.number).exists() and len(order.number) <= 32:
        values["number"] = order.number
    if order.contract_number:
        values["contract_number"] = order.contract_number
    if order.contract_end:
        values["contract_end"] = order.contract_end
    created = order_services.create_order(
        actor=actor,
        customer=order.customer,
        values=values,
        owner=order.owner,
        batch=batch,
        lines=[
            {
                k: v
                for k, v in item.items()
                if k in {"product", "quantity", "unit_price", "discount"}
            }
            for item in order.items
        ],
    )
    if order.status in (OrderStatus.CONFIRMED, OrderStatus.DELIVERED):
        created = order_services.confirm_order(created, actor=actor, on=order.order_date)
        if created.status == OrderStatus.ON_HOLD and (
            order.status == OrderStatus.DELIVERED or order.payments
        ):
            # A hook held the confirmation: the order may stay imported on hold, but it cannot
            # be delivered or paid before someone releases it.
            raise InvalidInput(
                {
                    "status": [
                        _("Order %(number)s was put on hold: %(reason)s")
                        % {"number": order.number, "reason": created.hold_reason}
                    ]
                }
            )
        if order.status == OrderStatus.DELIVERED:
            created = order_services.deliver_order(created, actor=actor, on=order.order_date)
    elif order.status == OrderStatus.CANCELLED:
        created = order_services.cancel_order(
            created, actor=actor, reason=_("Imported as cancelled")
        )
    for payment in order.payments:
        payment_services.record_payment(
            actor=actor,
            order=created,
            owner=order.owner,
            batch=batch,
            values={
                "amount": payment["amount"],
                "received_on": payment["received_on"] or order.order_date,
                "method": payment["method"],
                "reference": payment["reference"],
            },
        )
        result.payments += 1
    result.created += 1


def _finish(batch: ImportBatch, result: ImportResult, status: str, table: Table) -> None:
    cells = dict(table.rows)
    errors = []
    for error in result.errors[:2000]:
        item = error.as_dict()
        item["cells"] = cells.get(error.line, [])
        errors.append(item)
    batch.status = status
    batch.finished_at = timezone.now()
    batch.counts = {**result.counts(), "headers": table.headers}
    batch.errors = errors
    batch.save(update_fields=["status", "finished_at", "counts", "errors"])


def _with_error_file(result: ImportResult, table: Table) -> ImportResult:
    if result.errors:
        result.error_file = imports.error_file(
            result.error_format, table.headers, table, result.errors
        )
    return result


def error_file_from_batch(batch: ImportBatch, fmt: str) -> bytes:
    headers = list(batch.counts.get("headers", []))
    table = Table(headers, [], fmt)
    seen: set[int] = set()
    errors = []
    for item in batch.errors:
        errors.append(RowError(item["line"], item["column"], item["value"], item["reason"]))
        if item["line"] not in seen:
            seen.add(item["line"])
            table.rows.append((item["line"], list(item.get("cells", []))))
    return imports.error_file(fmt, headers, table, errors)


def template_file(fmt: str) -> bytes:
    """An import template: the headers and two example rows (one line with a payment)."""
    examples = [
        {
            "order_number": "SO-2025-001",
            "customer": "C00000001",
            "order_date": "2025-03-15",
            "status": "delivered",
            "product": "P-100",
            "quantity": "2",
            "unit_price": "1000",
            "discount": "5",
            "payment_date": "2025-04-01",
            "payment_amount": "1900",
            "payment_method": "bank",
            "payment_reference": "TX-1",
        },
        {"order_number": "SO-2025-001", "product": "S-1", "quantity": "1"},
    ]
    return exports.write(
        fmt, list(FIELDS), [[e.get(f, "") for f in FIELDS] for e in examples], "orders"
    )
