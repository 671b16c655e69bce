"""System checks run by ``manage.py check``: the platform's own invariants."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import Error, register


@register()
def scoped_models_declare_scope(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Every record model declares how the scope rule reaches it (a module or a parent)."""
    from guanxi.core.models.records import SoftDeleteRecord

    errors = []
    for model in apps.get_models():
        if not issubclass(model, SoftDeleteRecord):
            continue
        parent = getattr(model.Scope, "parent", None)
        if parent:
            try:
                model._meta.get_field(parent)
            except Exception:
                errors.append(
                    Error(f"{model.__name__}.Scope.parent names no field", id="guanxi.E001")
                )
        elif not hasattr(model, "owner_id"):
            errors.append(
                Error(
                    f"{model.__name__} has no owner and no Scope.parent", id="guanxi.E002"
                )
            )
    return errors
