"""System checks run by ``manage.py check``: the platform's own invariants."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register


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
                Error(f"{model.__name__} has no owner and no Scope.parent", id="guanxi.E002")
            )
    return errors


@register()
def reference_models_name_their_module(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Reference data is edited through one module's change scope, which it must name."""
    return reference_module_errors(apps.get_models())


def reference_module_errors(models: Iterable[type]) -> list[Error]:
    from guanxi.core.models.reference import ReferenceRecord

    return [
        Error(f"{model.__name__} has no Scope.module", id="guanxi.E004")
        for model in models
        if issubclass(model, ReferenceRecord) and not getattr(model.Scope, "module", "")
    ]


@register(Tags.database, deploy=True)
def no_demo_logins_in_production(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[Error]:
    """In production no account may still accept the demo's well-known password."""
    if not databases or not settings.PRODUCTION:
        return []
    from guanxi.core.demo import DEMO_PASSWORD, DEMO_USERS
    from guanxi.core.models import User

    found = [
        user.username
        for user in User.objects.filter(username__in=[u[0] for u in DEMO_USERS], is_active=True)
        if user.check_password(DEMO_PASSWORD)
    ]
    if found:
        return [
            Error(
                "demo logins with the demo password exist: " + ", ".join(found),
                hint="deactivate these users or change their passwords",
                id="guanxi.E003",
            )
        ]
    return []
