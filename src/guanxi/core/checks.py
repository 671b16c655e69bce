"""System checks run by ``manage.py check``: the platform's own invariants."""

from __future__ import annotations

from pathlib import Path
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
                id="guanxi.E004",
            )
        ]
    return []
