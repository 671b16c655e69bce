"""System checks run by ``manage.py check``: the platform's own invariants."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model

from guanxi.core.modules import declaration_problems, module_codes


@register()
def scoped_models_declare_scope(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Every record model declares how the scope rule reaches it (a module or a parent)."""
    return record_scope_errors(apps.get_models())


def record_scope_errors(models: Iterable[type[Model]]) -> list[Error]:
    """The scope declaration problems of the concrete record models among ``models``."""
    from guanxi.core.models.records import SoftDeleteRecord

    registered = set(module_codes())
    errors = []
    for model in models:
        if not issubclass(model, SoftDeleteRecord) or model._meta.abstract:
            continue
        name = model.__name__
        parent = getattr(model.Scope, "parent", None)
        module = getattr(model.Scope, "module", None)
        if module is not None and module not in registered:
            errors.append(
                Error(
                    f"{name}.Scope.module {module!r} is not a registered module",
                    hint="register the module with guanxi.core.modules.register()",
                    id="guanxi.E004",
                )
            )
        if parent:
            try:
                model._meta.get_field(parent)
            except FieldDoesNotExist:
                errors.append(Error(f"{name}.Scope.parent names no field", id="guanxi.E001"))
        elif module is None:
            errors.append(
                Error(
                    f"{name}.Scope declares neither a module nor a parent",
                    hint="declare class Scope: module = '<module code>' (or parent = '<field>')",
                    id="guanxi.E004",
                )
            )
        elif not hasattr(model, "owner_id"):
            errors.append(Error(f"{name} has no owner and no Scope.parent", id="guanxi.E002"))
    return errors


@register()
def module_declarations_agree(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Role scopes and grants name registered modules and roles; no role is declared twice."""
    return [Error(problem, id="guanxi.E005") for problem in declaration_problems()]


@register()
def reference_models_name_their_module(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Reference data is edited through one module's change scope, which it must name."""
    return reference_module_errors(apps.get_models())


def reference_module_errors(models: Iterable[type]) -> list[Error]:
    from guanxi.core.models.reference import ReferenceRecord

    registered = set(module_codes())
    errors = []
    for model in models:
        if not issubclass(model, ReferenceRecord):
            continue
        module = getattr(model.Scope, "module", "")
        if not module:
            errors.append(Error(f"{model.__name__} has no Scope.module", id="guanxi.E004"))
        elif module not in registered:
            errors.append(
                Error(
                    f"{model.__name__}.Scope.module {module!r} is not a registered module",
                    id="guanxi.E004",
                )
            )
    return errors


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


@register()
def attachments_outside_web_roots(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The private attachments folder is not inside a folder the web server publishes."""
    from guanxi.core.services.attachments import web_roots_containing

    roots = web_roots_containing(Path(settings.GUANXI_ATTACHMENTS_ROOT))
    if roots:
        return [
            Error(
                "GUANXI_ATTACHMENTS_ROOT lies inside a public folder: "
                + ", ".join(str(r) for r in roots),
                hint="point ATTACHMENTS_ROOT at a folder outside STATIC_ROOT, MEDIA_ROOT "
                "and every static files folder",
                id="guanxi.E006",
            )
        ]
    return []
