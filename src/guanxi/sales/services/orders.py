"""Orders and contracts (订单/合同): lines and totals, status changes, payment plans (回款计划),
and the customer's deal status (已成交) on the first confirmed order."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from guanxi.core import clock
from guanxi.core.errors import InvalidInput, StaleVersion
from guanxi.core.services import records
from guanxi.customers.models import Contact, Customer
from guanxi.customers.models import Status as CustomerStatus
from guanxi.sales import hooks
from guanxi.sales.models import (
    Instalment,
    Opportunity,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    StageKind,
)
from guanxi.sales.services.common import CENT, check_owner, clean_values, to_money
from guanxi.sales.services.opportunities import clean_lines

WRITABLE_FIELDS: tuple[str, ...] = (
    "order_date",
    "contact",
    "contract_number",
    "signed_on",
    "contract_start",
    "contract_end",
    "customer_signatory",
    "our_signatory",
    "expiry_reminder_days",
    "notes",
)
CREATE_ONLY_FIELDS: tuple[str, ...] = ("number", "external_ref")
INSTALMENT_FIELDS: tuple[str, ...] = ("number", "due_date", "amount", "reminder_days", "notes")


def new_number() -> str:
    """SO + date + 5 random characters: no counter to race on."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    return f"SO{clock.today():%Y%m%d}" + "".join(secrets.choice(alphabet) for _ in range(5))


def _clean(values: Mapping[str, Any], customer: Customer, fields: Iterable[str]) -> dict[str, Any]:
    cleaned = clean_values(values, fields)
    if cleaned.get("contact") is not None:
        contact = cleaned["contact"]
        pk = getattr(contact, "pk", contact)
        found = (
            Contact.objects.filter(pk=pk, customer_id=customer.pk).first()
            if str(pk).isdigit()
            else None
        )
        if found is None:
            raise InvalidInput({"contact": [_("No such contact at this customer.")]})
        cleaned["contact"] = found
    return cleaned


def _check_number_free(number: str) -> None:
    if number and Order.objects.filter(number=number).exists():
        raise InvalidInput({"number": [_("An order with this number already exists.")]})


def create_order(
    *,
    actor: Any,
    customer: Customer | None = None,
    values: Mapping[str, Any],
    lines: Iterable[Mapping[str, Any]] | None = None,
    owner: Any = None,
    opportunity: Opportunity | None = None,
    batch: Any = None,
    price_list: Any = None,
) -> Order:
    """A draft order, directly for a customer or from a won opportunity (whose customer and,
    unless ``lines`` are given, product lines it takes)."""
    owner = check_owner(actor, owner)
    if opportunity is not None:
        if opportunity.outcome != StageKind.WON:
            raise InvalidInput({"opportunity": [_("Only a won opportunity becomes an order.")]})
        customer = opportunity.customer
        if lines is None:
            lines = [
                {
                    "product": line.product_id,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "discount": line.discount,
                }
                for line in opportunity.lines.all()
            ]
    if customer is None:
        raise InvalidInput({"customer": [_("This field is required.")]})
    cleaned = _clean(values, customer, (*WRITABLE_FIELDS, *CREATE_ONLY_FIELDS))
    cleaned.setdefault("order_date", clock.today())
    cleaned["number"] = cleaned.get("number") or new_number()
    _check_number_free(cleaned["number"])
    cleaned_lines = clean_lines(lines or [], actor, price_list)
    with transaction.atomic():
        order = records.create_record(
            Order,
            actor=actor,
            batch=batch,
            values={
                **cleaned,
                "customer": customer,
                "opportunity": opportunity,
                "owner": owner,
                "total": sum((line["amount"] for line in cleaned_lines), Decimal("0")),
            },
        )
        for line in cleaned_lines:
            records.create_record(
                OrderLine, actor=actor, batch=batch, values={**line, "order": order}
            )
    return order


def update_order(
    order: Order, *, actor: Any, expected_version: int | None, changes: Mapping[str, Any]
) -> Order:
    if order.status == OrderStatus.CANCELLED:
        raise InvalidInput({"status": [_("A cancelled order cannot be changed.")]})
    cleaned = _clean(changes, order.customer, WRITABLE_FIELDS)
    return records.update_record(
        order, actor=actor, expected_version=expected_version, changes=cleaned
    )


def _lock(order: Order, expected_version: int | None) -> Order:
    current = Order.objects.select_for_update().get(pk=order.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(["lines"], current.version)
    return current


def planned_total(order: Order) -> Decimal:
    total = Instalment.objects.filter(order=order).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return total.quantize(CENT)


def paid_total(order: Order) -> Decimal:
    rows = Payment.objects.filter(order=order, status=PaymentStatus.VALID)
    return (rows.aggregate(s=Sum("amount"))["s"] or Decimal("0")).quantize(CENT)


def replace_lines(
    order: Order,
    *,
    actor: Any,
    lines: Iterable[Mapping[str, Any]],
    expected_version: int | None,
    price_list: Any = None,
) -> Order:
    """Replace a draft order's lines; the total becomes their sum in the same transaction.

    Confirmed orders keep their lines: they are changed by cancelling and re-issuing, so a
    confirmed amount never moves under the payments recorded against it.
    """
    cleaned_lines = clean_lines(lines, actor, price_list)
    with transaction.atomic():
        current = _lock(order, expected_version)
        if current.status != OrderStatus.DRAFT:
            raise InvalidInput({"lines": [_("Only a draft order's lines can change.")]})
        total = sum((line["amount"] for line in cleaned_lines), Decimal("0"))
        if planned_total(current) > total:
            raise InvalidInput(
                {"lines": [_("The payment plan would add up to more than the order.")]}
            )
        for old in OrderLine.objects.filter(order=current):
            records.soft_delete(old, actor=actor)
        for line in cleaned_lines:
            records.create_record(OrderLine, actor=actor, values={**line, "order": current})
        return records.update_record(
            current, actor=actor, expected_version=None, changes={"total": total}
        )


def recomputed_total(order: Order) -> Decimal:
    """The sum of the live lines (what ``total`` must equal)."""
    total = OrderLine.objects.filter(order=order).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return total.quantize(CENT)


def confirm_order(
    order: Order, *, actor: Any, expected_version: int | None = None, on: Any = None
) -> Order:
    """Draft → confirmed, unless an order-confirmed hook refuses (:class:`OrderRefused`, nothing
    written) or holds it (saved on hold with the hooks' reasons, see :func:`release_order`).
    The customer becomes current (现有) and dealt (已成交) with its first confirmed order."""
    with transaction.atomic():
        current = _lock(order, expected_version)
        if current.status != OrderStatus.DRAFT:
            raise InvalidInput({"status": [_("Only a draft order can be confirmed.")]})
        _check_confirmable(current)
        holds = hooks.order_confirmed.decide(current, actor)
        if holds:
            return records.update_record(
                current,
                actor=actor,
                expected_version=None,
                changes={"status": OrderStatus.ON_HOLD, "hold_reason": "\n".join(holds)},
            )
        return _confirm(current, actor=actor, on=on)


def release_order(
    order: Order, *, actor: Any, expected_version: int | None = None, on: Any = None
) -> Order:
    """On hold → confirmed: a user with change scope overrides the hooks' holds. The hooks run
    again (``releasing=True``), so one may still refuse if things changed since the hold."""
    with transaction.atomic():
        current = _lock(order, expected_version)
        if current.status != OrderStatus.ON_HOLD:
            raise InvalidInput({"status": [_("Only an order on hold can be released.")]})
        _check_confirmable(current)
        hooks.order_confirmed.decide(current, actor, releasing=True)
        return _confirm(current, actor=actor, on=on, clear_hold=True)


def _check_confirmable(order: Order) -> None:
    if not order.lines.exists():
        raise InvalidInput({"lines": [_("An order needs at least one line.")]})
    if order.total != recomputed_total(order):  # a guard: totals never drift
        raise InvalidInput({"total": [_("The total does not match the lines.")]})


def _confirm(order: Order, *, actor: Any, on: Any, clear_hold: bool = False) -> Order:
    changes: dict[str, Any] = {"status": OrderStatus.CONFIRMED, "confirmed_on": on or clock.today()}
    if clear_hold:
        changes["hold_reason"] = ""  # the audit trail keeps why it was held
    confirmed = records.update_record(order, actor=actor, expected_version=None, changes=changes)
    mark_customer_dealt(confirmed.customer, actor=actor, on=confirmed.order_date)
    return confirmed


def mark_customer_dealt(customer: Customer, *, actor: Any, on: Any = None) -> None:
    """Status current (现有) on a confirmed order. It is a consequence of the order, so it is
    written even when the actor may not edit the customer (audited under the actor's name)."""
    changes: dict[str, Any] = {}
    if customer.status != CustomerStatus.CURRENT:
        changes["status"] = CustomerStatus.CURRENT
    # The deal date (已成交) is that of the earliest confirmed order; an imported historical
    # order older than the one that set it moves it back.
    day = on or clock.today()
    if customer.dealt_on is None or day < customer.dealt_on:
        changes["dealt_on"] = day
    if not changes:
        return
    records.update_record(
        customer, actor=actor, expected_version=None, changes=changes, check_scope=False
    )


def deal_date(customer: Customer) -> Any:
    """The date the customer was dealt (已成交): set by its first confirmed order (cancelled
    later or not — the deal happened)."""
    return customer.dealt_on


def mark_customer_terminated(
    customer: Customer, *, actor: Any, expected_version: int | None = None
) -> Customer:
    """End the cooperation (已终止合作): a change of the customer, in the actor's scope."""
    return records.update_record(
        customer,
        actor=actor,
        expected_version=expected_version,
        changes={"status": CustomerStatus.TERMINATED},
    )


def deliver_order(
    order: Order, *, actor: Any, expected_version: int | None = None, on: Any = None
) -> Order:
    with transaction.atomic():
        current = _lock(order, expected_version)
        if current.status != OrderStatus.CONFIRMED:
            raise InvalidInput({"status": [_("Only a confirmed order can be delivered.")]})
        delivered = records.update_record(
            current,
            actor=actor,
            expected_version=None,
            changes={"status": OrderStatus.DELIVERED, "delivered_on": on or clock.today()},
        )
        hooks.order_delivered.notify(delivered, actor)
    return delivered


def cancel_order(
    order: Order, *, actor: Any, reason: str, expected_version: int | None = None
) -> Order:
    """Cancel, keeping the order, its lines and plan as history; payments must be reversed first."""
    if not (reason or "").strip():
        raise InvalidInput({"cancel_reason": [_("Give a reason.")]})
    with transaction.atomic():
        current = _lock(order, expected_version)
        if current.status == OrderStatus.CANCELLED:
            raise InvalidInput({"status": [_("This order is cancelled already.")]})
        if paid_total(current) > 0:
            raise InvalidInput(
                {"status": [_("Reverse the order's payments before cancelling it.")]}
            )
        return records.update_record(
            current,
            actor=actor,
            expected_version=None,
            changes={
                "status": OrderStatus.CANCELLED,
                "cancelled_on": clock.today(),
                "cancel_reason": reason.strip(),
            },
        )


def delete_order(order: Order, *, actor: Any) -> Order:
    """Only a draft goes to the recycle bin; a confirmed order is cancelled instead."""
    if order.status != OrderStatus.DRAFT:
        raise InvalidInput({"status": [_("Only a draft order can be deleted; cancel it instead.")]})
    return records.soft_delete(order, actor=actor)


def restore_order(order: Order, *, actor: Any) -> Order:
    with transaction.atomic():
        if Order.objects.filter(number=order.number).exclude(pk=order.pk).exists():
            raise InvalidInput({"number": [_("An order with this number already exists.")]})
        return records.restore(order, actor=actor)


# ---------------------------------------------------------------- payment plan


def _instalment_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = clean_values(values, INSTALMENT_FIELDS)
    if "amount" in cleaned:
        cleaned["amount"] = to_money(cleaned["amount"])
        if cleaned["amount"] <= 0:
            raise InvalidInput({"amount": [_("An instalment amount must be positive.")]})
    return cleaned


def add_instalment(order: Order, *, actor: Any, values: Mapping[str, Any]) -> Instalment:
    """Add an instalment; the plan may not add up to more than the order."""
    cleaned = _instalment_values(values)
    for name in ("due_date", "amount"):
        if not cleaned.get(name):
            raise InvalidInput({name: [_("This field is required.")]})
    with transaction.atomic():
        # Two instalments added at once: the order row lock makes the second see the first.
        current = _lock(order, None)
        if current.status == OrderStatus.CANCELLED:
            raise InvalidInput({"order": [_("A cancelled order cannot be changed.")]})
        if planned_total(current) + cleaned["amount"] > current.total:
            raise InvalidInput(
                {"amount": [_("The payment plan would add up to more than the order.")]}
            )
        if not cleaned.get("number"):
            last = (
                Instalment.all_objects.filter(order=current)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            cleaned["number"] = (last or 0) + 1
        return records.create_record(Instalment, actor=actor, values={**cleaned, "order": current})


def update_instalment(
    instalment: Instalment, *, actor: Any, expected_version: int | None, changes: Mapping[str, Any]
) -> Instalment:
    cleaned = _instalment_values(changes)
    with transaction.atomic():
        order = _lock(instalment.order, None)
        if "amount" in cleaned:
            others = planned_total(order) - instalment.amount
            if others + cleaned["amount"] > order.total:
                raise InvalidInput(
                    {"amount": [_("The payment plan would add up to more than the order.")]}
                )
            if cleaned["amount"] < instalment.paid_amount:
                raise InvalidInput({"amount": [_("More than this has been paid already.")]})
        updated = records.update_record(
            instalment, actor=actor, expected_version=expected_version, changes=cleaned
        )
        refresh_instalment_status(updated)
        return updated


def delete_instalment(instalment: Instalment, *, actor: Any) -> Instalment:
    if instalment.payments.filter(status=PaymentStatus.VALID).exists():
        raise InvalidInput({"instalment": [_("Payments were recorded against this instalment.")]})
    return records.soft_delete(instalment, actor=actor)


def restore_instalment(instalment: Instalment, *, actor: Any) -> Instalment:
    """Back from the bin while the plan still fits the order and the number is still free."""
    with transaction.atomic():
        # Restored while another instalment is added: the order row lock orders the two checks.
        order = _lock(instalment.order, None)
        if order.status == OrderStatus.CANCELLED:
            raise InvalidInput({"order": [_("A cancelled order cannot be changed.")]})
        if planned_total(order) + instalment.amount > order.total:
            raise InvalidInput(
                {"amount": [_("The payment plan would add up to more than the order.")]}
            )
        if Instalment.objects.filter(order=order, number=instalment.number).exists():
            raise InvalidInput(
                {"number": [_("This order already has an instalment with this number.")]}
            )
        return records.restore(instalment, actor=actor)


def refresh_instalment_status(instalment: Instalment, day: Any = None) -> bool:
    """Store the status of ``day`` (today) if it changed; True if it did. Bookkeeping only (the
    status is derived from amounts and dates, excluded from the audit trail)."""
    from guanxi.core import audit_guard

    status = instalment.status_on(day or clock.today())
    if status == instalment.status:
        return False
    with audit_guard.audited_writes():
        Instalment.all_objects.filter(pk=instalment.pk).update(status=status)
    instalment.status = status
    return True


def search(queryset: Any, term: str) -> Any:
    term = term.strip()
    return queryset.filter(
        Q(number__icontains=term)
        | Q(contract_number__icontains=term)
        | Q(customer__name__icontains=term)
    )


def line_amount_of(item: Mapping[str, Any]) -> Decimal:
    """The amount a line dict would get (the import's pre-check of payments against totals)."""
    from guanxi.sales.services.common import line_amount

    product = item["product"]
    price = item.get("unit_price")
    return line_amount(
        item.get("quantity", Decimal(1)),
        product.list_price if price is None else price,
        item.get("discount", Decimal(0)),
    )
