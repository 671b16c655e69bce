"""Catalogue data: product categories, products, price lists, pipelines and their stages.

Reference data (:class:`~guanxi.core.models.reference.ReferenceRecord`) of the sales module:
every signed-in, active user may read it (a rep needs the price list and the stages), and only
users whose sales change scope reaches at least their department subtree — sales managers and
administrators — may change it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models.reference import ReferenceRecord, may_edit_reference


def may_edit_catalogue(user: Any) -> bool:
    """Sales managers and administrators (sales change scope of a subtree or all)."""
    return may_edit_reference(user, "sales")


class CatalogueRecord(ReferenceRecord):
    """The sales module's reference data: edited through the sales change scope."""

    class Scope(ReferenceRecord.Scope):
        module: ClassVar[str] = "sales"

    class Meta(ReferenceRecord.Meta):
        abstract = True


def money(label: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=16, decimal_places=2, **kwargs)


class ProductCategory(CatalogueRecord):
    """A product category, the unit of the "product category" revenue analysis."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True, default="")

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(deleted_at__isnull=True),
                name="sales_category_name_unique_live",
                violation_error_message=_("A category with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Product(CatalogueRecord):
    """A product or service on the price list (产品): list price, and cost for profit figures."""

    code = models.CharField(_("product code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True, default="")
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True, default="")
    list_price = money(_("list price"), default=Decimal("0"))
    cost = money(_("cost"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(deleted_at__isnull=True),
                name="sales_product_code_unique_live",
                violation_error_message=_("A product with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0),
                name="sales_product_price_not_negative",
                violation_error_message=_("The list price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="sales_product_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PriceList(CatalogueRecord):
    """A price list (价格表) for a channel, region or customer group: its prices override the
    products' list prices when an order or opportunity is priced from it."""

    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True, default="")

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(deleted_at__isnull=True),
                name="sales_pricelist_name_unique_live",
                violation_error_message=_("A price list with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PriceListItem(CatalogueRecord):
    """One product's price on one price list."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    price = money(_("price"))

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        ordering = ["price_list_id", "product_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product"],
                condition=Q(deleted_at__isnull=True),
                name="sales_pricelistitem_unique_live",
                violation_error_message=_("This product already has a price on this list."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="sales_pricelistitem_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list_id}:{self.product_id}={self.price}"


class Pipeline(CatalogueRecord):
    """A stage group (商机阶段组); used by the departments it names, or by everyone if default."""

    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default pipeline"), default=False)
    departments = models.ManyToManyField(
        "core.Department", verbose_name=_("departments"), blank=True, related_name="+"
    )

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True, deleted_at__isnull=True),
                name="sales_pipeline_one_default",
                violation_error_message=_("Only one pipeline can be the default."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won (赢单)")
    LOST = "lost", _("Lost (输单)")
    INVALID = "invalid", _("Invalid (无效)")


class Stage(CatalogueRecord):
    """A stage of a pipeline (业务阶段) with its win probability."""

    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"),
        default=0,
        validators=[MaxValueValidator(100), MinValueValidator(0)],
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=StageKind.choices, default=StageKind.OPEN
    )

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100),
                name="sales_stage_probability_max_100",
                violation_error_message=_("A probability is at most 100%."),
            ),
            models.UniqueConstraint(
                fields=["pipeline", "name"],
                condition=Q(deleted_at__isnull=True),
                name="sales_stage_name_unique_live",
                violation_error_message=_("This pipeline already has a stage with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.kind != StageKind.OPEN
