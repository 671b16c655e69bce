"""The sales module's order resources: orders and contracts (订单/合同) with their lines, payment
plans (回款计划) and payments (回款单).

Each is declared once; core builds the API routes, page URLs, access rules and export from it.
What is not CRUD (confirm, release, deliver, cancel, replace lines, reverse a payment) stays
hand-written in ``sales/api/orders.py`` and ``payments.py`` and is named here as an action.
Payments are reversed, never deleted; only a draft order goes to the recycle bin (the service
refuses the others).
"""

from __future__ import annotations

from decimal import Decimal
from types import GenericAlias
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import ModelSchema
from pydantic import ConfigDict

from guanxi.core import access, clock
from guanxi.core.models import User
from guanxi.core.resources import (
    CREATE,
    DETAIL,
    LIST,
    STAMPS,
    UPDATE,
    Action,
    Column,
    Computed,
    Ref,
    RefKind,
    Resource,
    ScopeKind,
    Services,
    owner_name,
    register,
)
from guanxi.core.resources import schemas as resource_schemas
from guanxi.sales import filters
from guanxi.sales.models import Instalment, Order, OrderLine, Payment
from guanxi.sales.services import orders, payments, products
from guanxi.sales.services.common import currency


class OrderLineIn(ModelSchema):
    """One line of a new order or of a draft's new lines; price from the price list if omitted."""

    model_config = ConfigDict(extra="forbid")
    product: int
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = None

    class Meta:
        model = OrderLine
        fields = ["discount", "description"]


class OrderLineOut(ModelSchema):
    product: int
    product_name: str

    class Meta:
        model = OrderLine
        fields = ["id", "description", "quantity", "unit_price", "discount", "amount"]

    @staticmethod
    def resolve_product(line: OrderLine) -> int:
        return line.product_id

    @staticmethod
    def resolve_product_name(line: OrderLine) -> str:
        return line.product.name


def _line_rows(order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("product"))


# ---------------------------------------------------------------- payment plan

INSTALMENTS = Resource(
    model=Instalment,
    name="instalments",
    singular="instalment",
    read=("id", "order", "number", "due_date", "amount", "paid_amount", "reminder_days", "notes",
          *STAMPS),
    write=("due_date", "amount", "reminder_days", "notes"),
    required=("order", "due_date", "amount"),
    create_only=("order", "number"),
    refs={"order": Ref(RefKind.PARENT)},
    computed=(
        Computed("outstanding", Decimal, lambda i: i.outstanding),
        # Derived from amounts and the due date, so never stale (the stored one is bookkeeping).
        Computed("status", str, lambda i: i.status_on(clock.today())),
    ),
    filterset=filters.INSTALMENT_FILTERS,
    services=Services(
        create=orders.add_instalment,
        update=orders.update_instalment,
        delete=orders.delete_instalment,
        restore=orders.restore_instalment,
    ),
    scope=ScopeKind.CHILD,
    summary="List payment plan instalments (回款计划)",
    tags=("sales",),
    detail_url="sales:order_detail",
)  # fmt: skip


#: The plan inside an order's answer: the instalments resource's own output schema.
_INSTALMENT_LIST = GenericAlias(list, (resource_schemas.out_schema(INSTALMENTS),))


def _instalment_rows(order: Order) -> list[dict[str, Any]]:
    from guanxi.core.resources.api_routes import out

    return [out(INSTALMENTS, i, None) for i in order.instalments.all()]


# ---------------------------------------------------------------- orders


def _paid(order: Order) -> Decimal:
    return orders.paid_total(order)


def _outstanding(order: Order) -> Decimal:
    return order.total - orders.paid_total(order) if order.is_revenue else Decimal("0")


def _create_order(*, actor: User, values: dict[str, Any], **refs: Any) -> Order:
    """The API's create: lines and a price list travel in the body beside the order's fields."""
    fields, lines, price_list = products.split_lines(actor, values)
    return orders.create_order(
        actor=actor, values=fields, lines=lines, price_list=price_list, **refs
    )


ORDERS = Resource(
    model=Order,
    name="orders",
    singular="order",
    read=(
        "id", "number", "customer", "contact", "opportunity", "order_date", "status", "total",
        "confirmed_on", "delivered_on", "cancelled_on", "cancel_reason", "hold_reason",
        *(f for f in orders.WRITABLE_FIELDS if f not in ("order_date", "contact")),
        "owner", "department", *STAMPS,
    ),
    write=orders.WRITABLE_FIELDS,
    # A draft comes for a customer or from a won opportunity (whose customer it takes).
    create_only=("customer", "opportunity", "number", "owner"),
    create_extra={"lines": list[OrderLineIn] | None, "price_list": int | None},
    refs={
        "customer": Ref(RefKind.RECORD),
        "opportunity": Ref(RefKind.RECORD),
        "owner": Ref(RefKind.USER),
    },
    computed=(
        Computed("customer_name", str, lambda o: o.customer.name),
        Computed("currency", str, lambda o: currency()),
        Computed("owner_name", str, owner_name),
    ),
    detail_computed=(
        Computed("lines", list[OrderLineOut], _line_rows),
        Computed("instalments", _INSTALMENT_LIST, _instalment_rows),
        Computed("paid", Decimal, _paid),
        Computed("outstanding", Decimal, _outstanding),
    ),
    filterset=filters.ORDER_FILTERS,
    services=Services(
        create=_create_order,
        update=orders.update_order,
        delete=orders.delete_order,
        restore=orders.restore_order,
    ),
    scope=ScopeKind.OWNED,
    actions=(
        Action("replace_order_lines", access.SCOPED),
        Action("confirm_order", access.SCOPED),
        Action("release_order", access.SCOPED),
        Action("deliver_order", access.SCOPED),
        Action("cancel_order", access.SCOPED),
    ),
    columns=(
        Column(_("order number"), lambda o: o.number),
        Column(_("customer"), lambda o: o.customer.name),
        Column(_("order date"), lambda o: o.order_date),
        Column(_("status"), lambda o: o.get_status_display()),
        Column(_("total"), lambda o: o.total),
        Column(_("contract number"), lambda o: o.contract_number),
        Column(_("contract end"), lambda o: o.contract_end),
        Column(_("owner"), owner_name),
    ),
    select_related=("customer", "owner"),
    summary="List orders and contracts (订单/合同)",
    tags=("sales",),
    detail_url="sales:order_detail",
)  # fmt: skip


# ---------------------------------------------------------------- payments

PAYMENTS = Resource(
    model=Payment,
    name="payments",
    singular="payment",
    read=("id", "order", "instalment", "customer", "received_on", "amount", "method",
          "reference", "status", "reversed_on", "reversal_reason", "notes", "owner", *STAMPS),
    # A wrong amount is reversed and recorded again, so only the descriptive fields change.
    write=("received_on", "method", "reference", "notes"),
    required=("order", "amount"),
    create_only=("order", "amount", "instalment", "owner"),
    refs={"order": Ref(RefKind.RECORD), "owner": Ref(RefKind.USER)},
    computed=(
        Computed("order_number", str, lambda p: p.order.number),
        Computed("owner_name", str, owner_name),
    ),
    filterset=filters.PAYMENT_FILTERS,
    services=Services(create=payments.record_payment, update=payments.update_payment),
    # Reversed (冲销), never deleted: no delete or restore route.
    operations=frozenset({LIST, DETAIL, CREATE, UPDATE}),
    scope=ScopeKind.OWNED,
    actions=(Action("reverse_payment", access.SCOPED),),
    columns=(
        Column(_("date received"), lambda p: p.received_on),
        Column(_("order"), lambda p: p.order.number),
        Column(_("customer"), lambda p: p.customer.name),
        Column(_("amount"), lambda p: p.amount),
        Column(_("method"), lambda p: p.get_method_display()),
        Column(_("reference"), lambda p: p.reference),
        Column(_("status"), lambda p: p.get_status_display()),
    ),
    select_related=("order", "customer", "owner"),
    summary="List payments received (回款)",
    tags=("sales",),
    detail_url="sales:order_detail",
)  # fmt: skip


def register_all() -> None:
    for resource in (INSTALMENTS, ORDERS, PAYMENTS):
        register(resource)


__all__ = ["INSTALMENTS", "ORDERS", "PAYMENTS", "OrderLineIn", "OrderLineOut", "register_all"]
