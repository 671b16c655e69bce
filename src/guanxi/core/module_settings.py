"""Module settings: a module declares typed settings once; core stores, validates and serves them.

A module calls :func:`register_settings` in its ``AppConfig.ready()``; core gives the admin page,
the API and the history of changes. :func:`get_setting` reads the database on every call (one
query; :func:`current_values` reads a whole module in one): no worker keeps a copy, so every
gunicorn worker and every job sees a change the moment it is committed.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

#: A setting's value as the API and the database hold it (decimals as strings).
JsonValue = bool | int | str

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


class SettingType(StrEnum):
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    STR = "str"
    CHOICE = "choice"


@dataclass(frozen=True)
class Setting:
    """One typed setting: its default, bilingual label and help text, and its validation.

    ``validators`` are callables taking the typed value and raising ``ValidationError``.
    """

    key: str
    type: SettingType
    default: Any
    label: str | Promise
    help_text: str | Promise = ""
    min_value: int | decimal.Decimal | None = None
    max_value: int | decimal.Decimal | None = None
    max_length: int | None = None
    decimal_places: int | None = None
    choices: tuple[tuple[str, str | Promise], ...] = ()
    allow_blank: bool = False
    validators: tuple[Callable[[Any], None], ...] = field(default=())

    def form_field(self) -> forms.Field:
        """The form field that validates this setting, on the page and behind the API alike."""
        common: dict[str, Any] = {
            "label": self.label,
            "help_text": self.help_text,
            "validators": list(self.validators),
        }
        if self.type is SettingType.INT:
            return forms.IntegerField(
                min_value=_whole(self.min_value), max_value=_whole(self.max_value), **common
            )
        if self.type is SettingType.DECIMAL:
            return forms.DecimalField(
                min_value=self.min_value,
                max_value=self.max_value,
                decimal_places=self.decimal_places,
                **common,
            )
        if self.type is SettingType.BOOL:
            return forms.BooleanField(required=False, **common)
        if self.type is SettingType.CHOICE:
            return forms.ChoiceField(choices=self.choices, **common)
        return forms.CharField(max_length=self.max_length, required=not self.allow_blank, **common)

    def parse(self, raw: Any) -> Any:
        """The typed value of API or form input; ``ValidationError`` naming what is wrong.

        JSON types are checked strictly first (``"5"`` is not an int, ``1`` is not a bool),
        then the form field's own validation runs.
        """
        if self.type is SettingType.INT and (type(raw) is not int):
            raise ValidationError(_("Expected a whole number."))
        if self.type is SettingType.DECIMAL:
            if type(raw) not in (int, str, float, decimal.Decimal):
                raise ValidationError(_('Expected a decimal number, such as "0.13".'))
            raw = str(raw)
        if self.type is SettingType.BOOL and type(raw) is not bool:
            raise ValidationError(_("Expected true or false."))
        if self.type in (SettingType.STR, SettingType.CHOICE) and type(raw) is not str:
            raise ValidationError(_("Expected a string."))
        value = self.form_field().clean(raw)
        if self.type is SettingType.DECIMAL and self.decimal_places is not None:
            value = value.quantize(decimal.Decimal(1).scaleb(-self.decimal_places))
        return value

    def to_json(self, value: Any) -> JsonValue:
        if self.type is SettingType.DECIMAL:
            return str(value)
        if isinstance(value, bool | int | str):
            return value
        raise TypeError(f"{self.key}: {value!r} is not a {self.type} value")

    def from_json(self, raw: Any) -> Any:
        """The typed value of a stored one; the default if it no longer passes validation
        (a module narrowed the bounds or dropped a choice since it was saved)."""
        try:
            return self.parse(raw)
        except ValidationError:
            return self.default

    def display(self, raw: Any) -> str:
        """A stored (JSON) value as a reader sees it: Yes/No, a choice's label, the number."""
        if self.type is SettingType.BOOL:
            return _("Yes") if raw else _("No")
        if self.type is SettingType.CHOICE:
            return str(dict(self.choices).get(raw, raw))
        return str(raw)


def _whole(bound: int | decimal.Decimal | None) -> int | None:
    return None if bound is None else int(bound)


@dataclass(frozen=True)
class ModuleSettings:
    """The settings one module declared, in declaration order."""

    module: str
    label: str | Promise
    settings: dict[str, Setting]


_REGISTRY: dict[str, ModuleSettings] = {}


def register_settings(
    module_code: str, settings: Iterable[Setting], *, label: str | Promise | None = None
) -> None:
    """Declare ``module_code``'s settings (call from ``AppConfig.ready()``); a second call for
    the same module replaces the first. Each default must pass its own validation."""
    declared: dict[str, Setting] = {}
    for setting in settings:
        if not _KEY.match(setting.key):
            raise ImproperlyConfigured(f"{module_code}: setting key {setting.key!r} is not a name")
        if setting.key in declared:
            raise ImproperlyConfigured(f"{module_code}: setting {setting.key!r} declared twice")
        if setting.type is SettingType.CHOICE and not setting.choices:
            raise ImproperlyConfigured(f"{module_code}.{setting.key}: a choice needs choices")
        try:
            setting.parse(setting.default)
        except ValidationError as exc:
            raise ImproperlyConfigured(
                f"{module_code}.{setting.key}: default {setting.default!r} is invalid: {exc}"
            ) from exc
        declared[setting.key] = setting
    _REGISTRY[module_code] = ModuleSettings(module_code, label or module_code, declared)


def registered_modules() -> list[ModuleSettings]:
    """Every module with settings, in the order they registered."""
    return list(_REGISTRY.values())


def module_settings(module_code: str) -> ModuleSettings:
    """The declaration of ``module_code``; ``LookupError`` if it declared no settings."""
    try:
        return _REGISTRY[module_code]
    except KeyError:
        raise LookupError(f"module {module_code!r} declares no settings") from None


def stored_values(module_code: str) -> dict[str, Any]:
    """The changed values of a module as stored (JSON), one query."""
    from guanxi.core.models.module_settings import ModuleSettingValues

    row = ModuleSettingValues.objects.filter(module=module_code).values_list("values", flat=True)
    return dict(row.first() or {})


def typed_values(declared: ModuleSettings, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared setting's typed value: the stored one, else the default."""
    return {
        key: setting.from_json(stored[key]) if key in stored else setting.default
        for key, setting in declared.settings.items()
    }


def current_values(module_code: str) -> dict[str, Any]:
    """Every setting of a module, typed, in one query (for code that reads several)."""
    return typed_values(module_settings(module_code), stored_values(module_code))


def get_setting(module_code: str, key: str) -> Any:
    """The typed value of one setting (int, Decimal, bool or str), read now from the database."""
    declared = module_settings(module_code)
    if key not in declared.settings:
        raise LookupError(f"module {module_code!r} declares no setting {key!r}")
    setting = declared.settings[key]
    stored = stored_values(module_code)
    return setting.from_json(stored[key]) if key in stored else setting.default
