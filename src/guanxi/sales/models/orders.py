"""Orders and contracts (订单/合同), their lines, payment plans (回款计划) and payments (回款单).

Money is Decimal in the installation's one base currency. An order's ``total`` is the sum of
its lines' amounts, rewritten by the services in the same transaction as any line change, so
it never drifts; instalments' ``paid_amount`` is the sum of their valid payments, likewise.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OwnedRecord, SoftDeleteRecord
from guanxi.sales.models.catalogue import money
from guanxi.sales.models.pipeline import LineFields, line_constraints


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (草稿)")
    #: A sales event hook held the confirmation (e.g. over the credit limit) until a user
    #: releases it, which confirms the order.
    ON_HOLD = "on_hold", _("On hold (挂起)")
    CONFIRMED = "confirmed", _("Confirmed (已确认)")
    DELIVERED = "delivered", _("Delivered (已交付)")
    CANCELLED = "cancelled", _("Cancelled (已取消)")


#: Orders that count as revenue.
REVENUE_STATUSES = (OrderStatus.CONFIRMED, OrderStatus.DELIVERED)


class Order(OwnedRecord):
    """An order, optionally carrying a contract's details."""

    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = None

    number = models.CharField(_("order number"), max_length=32)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    order_date = models.DateField(_("order date"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OrderStatus.choices,
        default=OrderStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    total = money(_("total"), default=Decimal("0"), editable=False)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True, editable=False)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True, editable=False)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(
        _("reason cancelled"), max_length=300, blank=True, default="", editable=False
    )
    #: Why the order is on hold: the reasons the order-confirmed hooks gave, one per line.
    hold_reason = models.TextField(_("reason on hold"), blank=True, default="", editable=False)
    # Contract details (合同).
    contract_number = models.CharField(_("contract number"), max_length=64, blank=True, default="")
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    customer_signatory = models.CharField(
        _("customer's signatory"), max_length=100, blank=True, default=""
    )
    our_signatory = models.CharField(_("our signatory"), max_length=100, blank=True, default="")
    expiry_reminder_days = models.PositiveSmallIntegerField(
        _("remind days before expiry"), default=30
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    #: Set by the import, so re-importing the same file matches instead of duplicating.
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True, default="")

    class Meta(OwnedRecord.Meta):
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(deleted_at__isnull=True),
                name="sales_order_number_unique_live",
                violation_error_message=_("An order with this number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0),
                name="sales_order_total_not_negative",
                violation_error_message=_("An order total cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=F("contract_start")),
                name="sales_order_contract_dates",
                violation_error_message=_("The contract ends after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_on__isnull=False),
                name="sales_order_cancelled_date",
                violation_error_message=_("A cancelled order has a cancellation date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="on_hold") | ~Q(hold_reason=""),
                name="sales_order_on_hold_reason",
                violation_error_message=_("An order on hold has a reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "deleted_at"], name="sales_order_owner_idx"),
            models.Index(
                fields=["customer", "status", "order_date"], name="sales_order_customer_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revenue(self) -> bool:
        return self.status in REVENUE_STATUSES

    @property
    def has_contract(self) -> bool:
        return bool(self.contract_number)


class OrderLine(SoftDeleteRecord, LineFields):
    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = "order"

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )

    class Meta(SoftDeleteRecord.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["position", "pk"]
        constraints = line_constraints("sales_orderline")

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class InstalmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending (待回款)")
    PARTLY_PAID = "partly_paid", _("Partly paid (部分回款)")
    PAID = "paid", _("Paid (已回款)")
    OVERDUE = "overdue", _("Overdue (逾期)")


class Instalment(SoftDeleteRecord):
    """One numbered instalment of an order's payment plan (回款计划)."""

    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = "order"

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="instalments"
    )
    number = models.PositiveSmallIntegerField(_("instalment"))
    due_date = models.DateField(_("due date"), db_index=True)
    amount = money(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    reminder_days = models.PositiveSmallIntegerField(_("remind days before"), default=3)
    paid_amount = money(_("paid"), default=Decimal("0"), editable=False)
    #: Kept current by the payments and the daily job; :meth:`status_on` is the truth on any day.
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InstalmentStatus.choices,
        default=InstalmentStatus.PENDING,
        editable=False,
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True, default="")

    audit_exclude = SoftDeleteRecord.audit_exclude | {"status"}

    class Meta(SoftDeleteRecord.Meta):
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["order_id", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "number"],
                condition=Q(deleted_at__isnull=True),
                name="sales_instalment_number_unique_live",
                violation_error_message=_("This order already has an instalment with this number."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="sales_instalment_amount_positive",
                violation_error_message=_("An instalment amount must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0, paid_amount__lte=F("amount")),
                name="sales_instalment_not_overpaid",
                violation_error_message=_("An instalment cannot be paid more than its amount."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.number}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    def status_on(self, day: dt.date) -> str:
        """The status on ``day``, computed from what was paid and the due date (never stale)."""
        if self.paid_amount >= self.amount:
            return InstalmentStatus.PAID
        if day > self.due_date:
            return InstalmentStatus.OVERDUE
        if self.paid_amount > 0:
            return InstalmentStatus.PARTLY_PAID
        return InstalmentStatus.PENDING


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("Bank transfer (银行转账)")
    CASH = "cash", _("Cash (现金)")
    CHEQUE = "cheque", _("Cheque (支票)")
    ALIPAY = "alipay", _("Alipay (支付宝)")
    WECHAT = "wechat", _("WeChat Pay (微信支付)")
    OTHER = "other", _("Other (其他)")


class PaymentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVERSED = "reversed", _("Reversed (已冲销)")


class Payment(OwnedRecord):
    """A payment received (回款单) against an order, optionally against one instalment."""

    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = None

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments"
    )
    instalment = models.ForeignKey(
        Instalment,
        verbose_name=_("instalment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    #: The order's customer, kept so the 360° page and a merge find payments directly.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="payments",
        editable=False,
    )
    received_on = models.DateField(_("date received"), db_index=True)
    amount = money(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    method = models.CharField(
        _("method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.BANK
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.VALID,
        editable=False,
        db_index=True,
    )
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True, editable=False)
    reversal_reason = models.CharField(
        _("reason reversed"), max_length=300, blank=True, default="", editable=False
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True, default="")
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True, default="")

    class Meta(OwnedRecord.Meta):
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="sales_payment_amount_positive",
                violation_error_message=_("A payment amount must be positive."),
            ),
            models.CheckConstraint(
                condition=~Q(status="reversed") | Q(reversed_on__isnull=False),
                name="sales_payment_reversed_date",
                violation_error_message=_("A reversed payment has a reversal date."),
            ),
        ]
        indexes = [models.Index(fields=["owner", "deleted_at"], name="sales_payment_owner_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.amount}"
