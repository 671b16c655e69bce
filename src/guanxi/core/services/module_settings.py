"""Changing module settings (administrators only) and reading their history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.models.module_settings import ModuleSettingValues, SettingChange
from guanxi.core.models.org import User
from guanxi.core.module_settings import module_settings, typed_values
from guanxi.core.services.org import can_manage_organisation


def require_settings_manager(user: User) -> None:
    if not can_manage_organisation(user):
        raise NotAllowed(_("Only administrators change module settings."))


def change_settings(
    module_code: str, values: Mapping[str, Any], *, actor: User
) -> list[SettingChange]:
    """Set the given settings of a module, all or none; ``None`` puts a setting back to its
    default. Every value is validated before anything is written; a value equal to the default
    is removed from storage. Returns the history rows written (unchanged values write none)."""
    require_settings_manager(actor)
    declared = module_settings(module_code)
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Any] = {}
    for key, raw in values.items():
        setting = declared.settings.get(key)
        if setting is None:
            errors[key] = [_("Unknown setting: %(key)s") % {"key": key}]
            continue
        try:
            parsed[key] = setting.default if raw is None else setting.parse(raw)
        except ValidationError as exc:
            errors[key] = [str(message) for message in exc.messages]
    if errors:
        raise InvalidInput(errors)

    changes: list[SettingChange] = []
    with transaction.atomic():
        # The row lock queues two administrators saving at once, so each history row's old
        # value is the one the other left, not the one both read before either wrote.
        row, _created = ModuleSettingValues.objects.select_for_update().get_or_create(
            module=module_code
        )
        stored = dict(row.values)
        before = typed_values(declared, stored)
        for key, value in parsed.items():
            setting = declared.settings[key]
            if value == before[key]:  # typed: Decimal("0.1") equals Decimal("0.10")
                continue
            old, new = setting.to_json(before[key]), setting.to_json(value)
            if value == setting.default:
                stored.pop(key, None)
            else:
                stored[key] = new
            changes.append(
                SettingChange(
                    module=module_code, key=key, old_value=old, new_value=new, actor=actor
                )
            )
        if changes:
            row.values = stored
            row.save(update_fields=["values", "updated_at"])
            SettingChange.objects.bulk_create(changes)
    return changes


def settings_history(module_code: str) -> QuerySet[SettingChange]:
    """A module's setting changes, newest first."""
    return SettingChange.objects.filter(module=module_code).select_related("actor")
