"""Leads (线索), opportunities (商机) with their product lines and stage history, and the
round-robin state of lead assignment."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OwnedRecord, SoftDeleteRecord
from guanxi.customers.models import Source
from guanxi.sales.models.catalogue import Pipeline, Product, Stage, StageKind, money


class LeadStatus(models.TextChoices):
    NEW = "new", _("New (新线索)")
    CONTACTED = "contacted", _("Contacted (已联系)")
    QUALIFIED = "qualified", _("Qualified (已确认)")
    DISQUALIFIED = "disqualified", _("Disqualified (无效)")
    CONVERTED = "converted", _("Converted (已转化)")


class Lead(OwnedRecord):
    """A lead / prospect (潜在客户/线索) before it becomes a customer."""

    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = None

    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, blank=True, default=""
    )
    company = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True, default="")
    contact_title = models.CharField(_("title"), max_length=100, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    province = models.CharField(_("province"), max_length=6, blank=True, default="")
    city = models.CharField(_("city"), max_length=6, blank=True, default="")
    industry = models.CharField(_("industry"), max_length=2, blank=True, default="")
    estimated_value = money(_("estimated value"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=LeadStatus.choices,
        default=LeadStatus.NEW,
        db_index=True,
    )
    disqualify_reason = models.CharField(
        _("reason disqualified"), max_length=300, blank=True, default=""
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True, editable=False)
    converted_customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="sales_leads",
    )
    converted_opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(OwnedRecord.Meta):
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="disqualified") | ~Q(disqualify_reason=""),
                name="sales_lead_disqualified_has_reason",
                violation_error_message=_("A disqualified lead needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0),
                name="sales_lead_value_not_negative",
                violation_error_message=_("The estimated value cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["owner", "deleted_at"], name="sales_lead_owner_idx")]

    def __str__(self) -> str:
        return self.company


class LeadRoundRobin(models.Model):
    """Where round-robin assignment in a team stopped: the last member who got a lead."""

    department = models.OneToOneField(
        "core.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("team")
    )
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lead round robin")
        verbose_name_plural = _("lead round robins")

    def __str__(self) -> str:
        return f"{self.department_id}:{self.last_user_id}"


class Opportunity(OwnedRecord):
    """A sales opportunity (业务机会/商机) moving through the stages of one pipeline."""

    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = None

    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="opportunities"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities"
    )
    #: The stage's kind, kept by the services so constraints and reports need no join.
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=StageKind.choices,
        default=StageKind.OPEN,
        editable=False,
        db_index=True,
    )
    amount = money(_("amount"), default=Decimal("0"))
    opened_on = models.DateField(_("opened on"))
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    next_step = models.CharField(_("next step"), max_length=300, blank=True, default="")
    lost_reason = models.CharField(_("reason lost"), max_length=300, blank=True, default="")
    competitor = models.CharField(_("competitor"), max_length=200, blank=True, default="")
    notes = models.TextField(_("notes"), blank=True, default="")

    class Meta(OwnedRecord.Meta):
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="lost") | ~Q(lost_reason=""),
                name="sales_opportunity_lost_has_reason",
                violation_error_message=_("A lost opportunity needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="sales_opportunity_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(outcome="open", closed_on__isnull=True)
                | (~Q(outcome="open") & Q(closed_on__isnull=False)),
                name="sales_opportunity_closed_date",
                violation_error_message=_(
                    "A closed opportunity has a close date, an open one none."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "deleted_at"], name="sales_opp_owner_idx"),
            models.Index(fields=["outcome", "expected_close_date"], name="sales_opp_outcome_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.stage.probability / 100).quantize(Decimal("0.01"))


class LineFields(models.Model):
    """Quantity × unit price less a percentage discount; ``amount`` is computed by the services."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_price = money(_("unit price"), validators=[MinValueValidator(0)])
    discount = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = money(_("amount"), default=Decimal("0"), editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True


def line_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(quantity__gt=0),
            name=f"{prefix}_quantity_positive",
            violation_error_message=_("The quantity must be positive."),
        ),
        models.CheckConstraint(
            condition=Q(unit_price__gte=0),
            name=f"{prefix}_price_not_negative",
            violation_error_message=_("The unit price cannot be negative."),
        ),
        models.CheckConstraint(
            condition=Q(discount__gte=0, discount__lte=100),
            name=f"{prefix}_discount_range",
            violation_error_message=_("The discount is between 0 and 100%."),
        ),
    ]


class OpportunityLine(SoftDeleteRecord, LineFields):
    """A product on an opportunity; the opportunity's amount is the sum of its lines."""

    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = "opportunity"

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="lines"
    )

    class Meta(SoftDeleteRecord.Meta):
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")
        ordering = ["position", "pk"]
        constraints = line_constraints("sales_oppline")

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class StageHistory(SoftDeleteRecord):
    """When an opportunity entered and left each stage (cycle-time reports)."""

    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = "opportunity"

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="stage_history",
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(SoftDeleteRecord.Meta):
        verbose_name = _("stage history")
        verbose_name_plural = _("stage history")
        ordering = ["entered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("entered_at")),
                name="sales_stagehistory_order",
                violation_error_message=_("A stage is left after it was entered."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}@{self.stage_id}"

    @property
    def duration_days(self) -> float | None:
        if self.left_at is None:
            return None
        return round((self.left_at - self.entered_at).total_seconds() / 86400, 1)
