"""Roles and the data scope (数据权限) each carries per module."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataScope(models.TextChoices):
    """How far a role reaches, narrowest first; the order is used to pick the widest scope."""

    NONE = "none", _("None")
    OWN = "own", _("Own (本人)")
    SUBORDINATES = "subordinates", _("Own and subordinates (本人及下属)")
    DEPARTMENT = "department", _("Own department (本部门)")
    DEPARTMENT_TREE = "department_tree", _("Department and sub-departments (本部门及下属)")
    ALL = "all", _("All (全部)")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)

    @classmethod
    def widest(cls, values: list[str]) -> str:
        return max(values, key=cls.rank, default=cls.NONE)


class Module(models.TextChoices):
    """The business modules a scope applies to."""

    CUSTOMERS = "customers", _("Customers")
    SALES = "sales", _("Sales")
    SERVICE = "service", _("Service")
    MARKETING = "marketing", _("Marketing")


class Role(models.Model):
    """A role: a Django group (its permissions) plus the data scopes it carries."""

    class Code(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        SALES_MANAGER = "sales_manager", _("Sales manager")
        SALES_REP = "sales_rep", _("Sales representative")
        SERVICE_AGENT = "service_agent", _("Service agent")
        MARKETING = "marketing", _("Marketing specialist")
        ANALYST = "analyst", _("Analyst")

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role")
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        if self.code in Role.Code.values:
            return str(Role.Code(self.code).label)
        return self.name


class RoleScope(models.Model):
    """What a role may see and change in one module."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="scopes")
    module = models.CharField(_("module"), max_length=20, choices=Module.choices)
    view = models.CharField(_("view scope"), max_length=20, choices=DataScope.choices)
    change = models.CharField(_("change scope"), max_length=20, choices=DataScope.choices)

    class Meta:
        verbose_name = _("role scope")
        verbose_name_plural = _("role scopes")
        constraints = [
            models.UniqueConstraint(fields=["role", "module"], name="rolescope_unique_module")
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.module}"
