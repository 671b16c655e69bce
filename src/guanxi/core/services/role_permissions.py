"""Django model permissions of the role groups, kept in step with the roles' data scopes.

The scope table (`guanxi.core.scopes`) is what Guanxi's pages and API enforce. The groups also
carry the matching Django permissions: ``view_<model>`` where the role may view the module, add,
change and delete where it may change it. Code that asks Django (``user.has_perm``), such as the
Django admin or a third-party integration, then gets the same answer as the roles. They are
recomputed after every migration and whenever an administrator edits a role.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Q

from guanxi.core.models import Role
from guanxi.core.models.roles import DataScope

__all__ = ["module_models", "sync_all_role_permissions", "sync_role_permissions"]


def module_models(module: str) -> list[Any]:
    """The record models whose scope rule belongs to ``module`` (customers, sales, ...)."""
    return [
        model
        for model in apps.get_models()
        if getattr(getattr(model, "Scope", None), "module", None) == module
    ]


def sync_role_permissions(role: Role) -> None:
    """Set the role group's model permissions from its scopes (replacing any others)."""
    wanted: set[tuple[str, str]] = set()
    for scope in role.scopes.all():
        for model in module_models(scope.module):
            meta = model._meta
            if scope.view != DataScope.NONE:
                wanted.add((meta.app_label, f"view_{meta.model_name}"))
            if scope.change != DataScope.NONE:
                for action in ("add", "change", "delete"):
                    wanted.add((meta.app_label, f"{action}_{meta.model_name}"))
    condition = Q(pk__in=[])
    for app_label, codename in wanted:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    role.group.permissions.set(Permission.objects.filter(condition))


def sync_all_role_permissions(**_signal: Any) -> None:
    """Every role (connected to ``post_migrate``: the permissions exist by then)."""
    for role in Role.objects.select_related("group").prefetch_related("scopes"):
        sync_role_permissions(role)
