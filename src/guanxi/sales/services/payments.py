"""Payments received (回款单): recorded against an instalment or the order, partial payments,
reversal (the payment stays, marked reversed) — without ever overpaying."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from guanxi.core import clock
from guanxi.core.errors import InvalidInput
from guanxi.core.services import records
from guanxi.sales import hooks
from guanxi.sales.models import REVENUE_STATUSES, Instalment, Order, Payment, PaymentStatus
from guanxi.sales.services.common import check_owner, clean_values, to_money
from guanxi.sales.services.orders import paid_total, planned_total, refresh_instalment_status

WRITABLE_FIELDS: tuple[str, ...] = (
    "received_on",
    "amount",
    "method",
    "reference",
    "notes",
    "instalment",
    "external_ref",
)


def unplanned_paid(order: Order) -> Decimal:
    """Valid payments recorded against the order itself (no instalment)."""
    return Payment.objects.filter(
        order=order, status=PaymentStatus.VALID, instalment__isnull=True
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0")


def record_payment(
    *, actor: Any, order: Order, values: Mapping[str, Any], owner: Any = None, batch: Any = None
) -> Payment:
    """Record money received. Against an instalment it may not exceed what is still open on
    that instalment; against the order itself, what is open outside the payment plan."""
    cleaned = clean_values(values, WRITABLE_FIELDS)
    if cleaned.get("amount") in (None, ""):
        raise InvalidInput({"amount": [_("This field is required.")]})
    amount = to_money(cleaned["amount"])
    if amount <= 0:
        raise InvalidInput({"amount": [_("A payment amount must be positive.")]})
    cleaned["amount"] = amount
    cleaned.setdefault("received_on", clock.today())
    owner = check_owner(actor, owner if owner is not None else None)
    instalment_id = cleaned.pop("instalment", None)
    instalment_id = getattr(instalment_id, "pk", instalment_id)
    with transaction.atomic():
        # The race: two payments recorded at once against the same order or instalment, each
        # checking "open amount" before the other is saved, would together overpay. Locking the
        # order row (and the instalment row) serialises them; the second sees the first.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in REVENUE_STATUSES:
            raise InvalidInput(
                {"order": [_("Payments are recorded against confirmed or delivered orders.")]}
            )
        if paid_total(locked) + amount > locked.total:
            raise InvalidInput({"amount": [_("This payment would pay more than the order total.")]})
        instalment = None
        if instalment_id not in (None, ""):
            instalment = (
                Instalment.objects.select_for_update()
                .filter(pk=instalment_id, order=locked)
                .first()
                if str(instalment_id).isdigit()
                else None
            )
            if instalment is None:
                raise InvalidInput({"instalment": [_("No such instalment on this order.")]})
            if instalment.paid_amount + amount > instalment.amount:
                raise InvalidInput(
                    {
                        "amount": [
                            _("This payment would pay more than the instalment's open amount.")
                        ]
                    }
                )
        elif unplanned_paid(locked) + amount > locked.total - planned_total(locked):
            raise InvalidInput(
                {"instalment": [_("The order is fully planned: choose the instalment this pays.")]}
            )
        payment = records.create_record(
            Payment,
            actor=actor,
            batch=batch,
            values={
                **cleaned,
                "order": locked,
                "instalment": instalment,
                "customer_id": locked.customer_id,
                "owner": owner,
            },
        )
        if instalment is not None:
            _set_paid(instalment, instalment.paid_amount + amount, actor, batch)
        hooks.payment_recorded.notify(payment, actor)
    return payment


def _set_paid(instalment: Instalment, paid: Decimal, actor: Any, batch: Any = None) -> None:
    updated = records.update_record(
        instalment, actor=actor, expected_version=None, changes={"paid_amount": paid}, batch=batch
    )
    refresh_instalment_status(updated)


def reverse_payment(
    payment: Payment, *, actor: Any, reason: str, expected_version: int | None = None
) -> Payment:
    """Mark a payment reversed (冲销): it stays in the history, stops counting, and its
    instalment is open again by that amount."""
    if not (reason or "").strip():
        raise InvalidInput({"reversal_reason": [_("Give a reason.")]})
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=payment.order_id)  # same lock order as recording
        current = Payment.objects.select_for_update().get(pk=payment.pk)
        if current.status == PaymentStatus.REVERSED:
            raise InvalidInput({"status": [_("This payment is reversed already.")]})
        reversed_payment = records.update_record(
            current,
            actor=actor,
            expected_version=expected_version,
            changes={
                "status": PaymentStatus.REVERSED,
                "reversed_on": clock.today(),
                "reversal_reason": reason.strip(),
            },
        )
        if current.instalment_id:
            instalment = Instalment.objects.select_for_update().get(pk=current.instalment_id)
            _set_paid(instalment, instalment.paid_amount - current.amount, actor)
        hooks.payment_reversed.notify(reversed_payment, actor)
    return reversed_payment


def update_payment(
    payment: Payment, *, actor: Any, expected_version: int | None, changes: Mapping[str, Any]
) -> Payment:
    """Only the descriptive fields change; a wrong amount is reversed and recorded again."""
    cleaned = clean_values(changes, ("method", "reference", "notes", "received_on"))
    return records.update_record(
        payment, actor=actor, expected_version=expected_version, changes=cleaned
    )
