"""Stored module settings: the values administrators changed, and the history of changes.

Defaults live in the declarations (``guanxi.core.module_settings``), never here, so a module
changing a default changes it for every organisation that kept it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModuleSettingValues(models.Model):
    """One module's changed settings as ``{key: JSON value}``; a key absent has its default.

    One row per module, so a write locks the row and two administrators saving the same page
    queue instead of each recording an old value the other already replaced.
    """

    module = models.CharField(_("module"), max_length=40, unique=True)
    values = models.JSONField(_("values"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("module settings")
        verbose_name_plural = _("module settings")

    def __str__(self) -> str:
        return self.module


class SettingChange(models.Model):
    """One change of one setting: who, when, the value before and after (JSON values)."""

    module = models.CharField(_("module"), max_length=40)
    key = models.CharField(_("setting"), max_length=80)
    old_value = models.JSONField(_("old value"))
    new_value = models.JSONField(_("new value"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("setting change")
        verbose_name_plural = _("setting changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["module", "at"])]

    def __str__(self) -> str:
        return f"{self.module}.{self.key}"
