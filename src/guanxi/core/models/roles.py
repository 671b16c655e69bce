"""Roles and the data scope (数据权限) each carries per module."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
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


class Role(models.Model):
    """A role: a Django group (its permissions) plus the data scopes it carries.

    Which roles exist is declared by the platform and the modules (``guanxi.core.modules``);
    a row whose code no module declares any more keeps working under its stored name.
    """

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role")
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        from guanxi.core.modules import get_role

        spec = get_role(self.code)
        return str(spec.label) if spec is not None else self.name


class RoleScope(models.Model):
    """What a role may see and change in one module (a code of the module registry, validated
    by :meth:`clean`: a new module needs no migration of this table)."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="scopes")
    module = models.CharField(_("module"), max_length=20)
    view = models.CharField(_("view scope"), max_length=20, choices=DataScope.choices)
    change = models.CharField(_("change scope"), max_length=20, choices=DataScope.choices)

    class Meta:
        verbose_name = _("role scope")
        verbose_name_plural = _("role scopes")
        constraints = [
            models.UniqueConstraint(fields=["role", "module"], name="rolescope_unique_module")
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.module_label}"

    @property
    def module_label(self) -> str:
        from guanxi.core.modules import get_module

        spec = get_module(self.module)
        return str(spec.label) if spec is not None else self.module

    def clean(self) -> None:
        from guanxi.core.modules import validate_module_code

        super().clean()
        try:
            validate_module_code(self.module)
        except ValidationError as exc:
            raise ValidationError({"module": exc.error_list}) from None
