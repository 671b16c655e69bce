"""Competitors (竞争对手): the firms a deal is lost to, named once and chosen from a list."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.sales.models.catalogue import CatalogueRecord


class Competitor(CatalogueRecord):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    strengths = models.TextField(_("strengths"), blank=True, default="")
    weaknesses = models.TextField(_("weaknesses"), blank=True, default="")

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(deleted_at__isnull=True),
                name="sales_competitor_name_unique_live",
                violation_error_message=_("A competitor with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name
