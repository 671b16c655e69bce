"""API of the module settings (administrators only): list, read, change, history."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Schema

from guanxi.core.errors import InvalidInput, RecordNotFound
from guanxi.core.module_settings import (
    JsonValue,
    ModuleSettings,
    Setting,
    current_values,
    module_settings,
    registered_modules,
)
from guanxi.core.services.module_settings import (
    change_settings,
    require_settings_manager,
    settings_history,
)
from guanxi.core.signed_in import signed_in_user

router = Router(tags=["platform"])

PAGE_PARAMS = frozenset({"page", "page_size"})
PageNumber = Annotated[int, Query(ge=1, description="Page number, from 1")]
PageSize = Annotated[
    int,
    Query(ge=1, le=settings.GUANXI_API_MAX_PAGE_SIZE, description="Items per page"),
]
DEFAULT_PAGE_SIZE: int = settings.GUANXI_API_PAGE_SIZE
#: PATCH body: ``{key: value, ...}``, any subset of the module's settings.
Changes = Annotated[dict[str, Any], Body()]


class ChoiceOut(Schema):
    value: str
    label: str


class SettingOut(Schema):
    key: str
    type: str
    label: str
    help_text: str
    value: JsonValue
    default: JsonValue
    is_default: bool
    min_value: JsonValue | None
    max_value: JsonValue | None
    max_length: int | None
    decimal_places: int | None
    choices: list[ChoiceOut]


class ModuleSettingsOut(Schema):
    module: str
    label: str
    settings: list[SettingOut]


class ModuleOut(Schema):
    module: str
    label: str


class ModulePage(Schema):
    items: list[ModuleOut]
    count: int
    page: int
    page_size: int


class SettingChangeOut(Schema):
    id: int
    key: str
    old_value: JsonValue
    new_value: JsonValue
    actor_id: int | None
    actor: str | None
    at: dt.datetime


class SettingChangePage(Schema):
    items: list[SettingChangeOut]
    count: int
    page: int
    page_size: int


def _only_page_params(request: HttpRequest) -> None:
    """Unknown query keys answer 400 naming them, as on every list."""
    unknown = sorted(k for k in request.GET if k not in PAGE_PARAMS)
    if unknown:
        raise InvalidInput(
            {k: [_("Unknown filter parameter: %(key)s") % {"key": k}] for k in unknown}
        )


def _declared(request: HttpRequest, module: str) -> ModuleSettings:
    require_settings_manager(signed_in_user(request))
    try:
        return module_settings(module)
    except LookupError:
        raise RecordNotFound(module) from None


def _bound(setting: Setting, value: Any) -> JsonValue | None:
    return None if value is None else setting.to_json(value)


def _module_out(declared: ModuleSettings) -> dict[str, Any]:
    values = current_values(declared.module)
    return {
        "module": declared.module,
        "label": str(declared.label),
        "settings": [
            {
                "key": s.key,
                "type": s.type.value,
                "label": str(s.label),
                "help_text": str(s.help_text),
                "value": s.to_json(values[s.key]),
                "default": s.to_json(s.default),
                "is_default": s.to_json(values[s.key]) == s.to_json(s.default),
                "min_value": _bound(s, s.min_value),
                "max_value": _bound(s, s.max_value),
                "max_length": s.max_length,
                "decimal_places": s.decimal_places,
                "choices": [{"value": v, "label": str(label)} for v, label in s.choices],
            }
            for s in declared.settings.values()
        ],
    }


@router.get("/settings", response=ModulePage, summary="Modules that declare settings")
def list_settings_modules(
    request: HttpRequest, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    require_settings_manager(signed_in_user(request))
    _only_page_params(request)
    modules = registered_modules()
    items = [{"module": m.module, "label": str(m.label)} for m in modules]
    start = (page - 1) * page_size
    return {
        "items": items[start : start + page_size],
        "count": len(items),
        "page": page,
        "page_size": page_size,
    }


@router.get(
    "/settings/{module}", response=ModuleSettingsOut, summary="A module's settings and values"
)
def get_module_settings(request: HttpRequest, module: str) -> dict[str, Any]:
    return _module_out(_declared(request, module))


@router.patch(
    "/settings/{module}",
    response=ModuleSettingsOut,
    summary="Change settings: {key: value, ...}; null puts a setting back to its default",
)
def update_module_settings(request: HttpRequest, module: str, payload: Changes) -> dict[str, Any]:
    declared = _declared(request, module)
    change_settings(module, payload, actor=signed_in_user(request))
    return _module_out(declared)


@router.get(
    "/settings/{module}/history",
    response=SettingChangePage,
    summary="A module's setting changes, newest first",
)
def module_settings_history(
    request: HttpRequest, module: str, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    _declared(request, module)
    _only_page_params(request)
    history = settings_history(module)
    rows = history[(page - 1) * page_size : page * page_size]
    return {
        "items": [
            {
                "id": c.pk,
                "key": c.key,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "actor_id": c.actor_id,
                "actor": c.actor.username if c.actor else None,
                "at": c.at,
            }
            for c in rows
        ],
        "count": history.count(),
        "page": page,
        "page_size": page_size,
    }
