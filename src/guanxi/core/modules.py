"""The module registry: each business module declares itself once, from its AppConfig.ready().

A :class:`ModuleSpec` carries the module's code (what ``RoleScope.module`` and
``Model.Scope.module`` hold), its labels and order, its navigation section, the roles it brings
and the default scopes it grants other modules' roles in itself. Core builds the navigation,
the role defaults, the role-scope validation, the home intros and ``/api/v1/me`` from it, so
core names no business module and adding a module needs no core migration.

The module's other seams stay in their own registries: demo data (``ModuleSpec.demo`` is
handed to :func:`guanxi.core.demo.register` at the module's order), background and daily jobs
(``<app>/tasks.py``, imported by :func:`guanxi.core.jobs.autodiscover`), home panels
(:func:`guanxi.core.dashboard.register`) and the API router (mounted by the app itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from guanxi.core.demo import DemoContext

#: A default (view scope, change scope) pair, values of ``DataScope``.
Grant = tuple[str, str]
Label = str | Promise

#: ``RoleScope.module`` is a CharField of this length; ``Role.code`` of the next.
MODULE_CODE_MAX = 20
ROLE_CODE_MAX = 40
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class NavItem:
    label: Label
    url_name: str
    #: Who sees the item; None means every signed-in user.
    visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class RoleSpec:
    """A role a module (or the platform) brings, with its default scopes per module code."""

    code: str
    label: Label
    #: One line on the home dashboard for members of the role.
    intro: Label = ""
    #: Module code → default (view, change) of this role there.
    scopes: Mapping[str, Grant] = field(default_factory=dict)
    #: Platform roles: this grant in every registered module (overridden by ``scopes``).
    every_module: Grant | None = None
    #: Members manage users, departments and roles in Guanxi's admin pages.
    manages_organisation: bool = False


@dataclass(frozen=True)
class ModuleSpec:
    code: str
    label: Label
    #: Sort key of the navigation section, the role-scope form and the demo generator.
    order: int = 100
    nav_items: tuple[NavItem, ...] = ()
    #: The navigation section's heading; the module's label when empty.
    nav_label: Label = ""
    roles: tuple[RoleSpec, ...] = ()
    #: Role code (declared by another module or the platform) → its default grant here.
    grants: Mapping[str, Grant] = field(default_factory=dict)
    #: The demo data generator, registered with :mod:`guanxi.core.demo` at ``order``.
    demo: Callable[[DemoContext], None] | None = None

    @property
    def section_label(self) -> Label:
        return self.nav_label or self.label


_MODULES: dict[str, ModuleSpec] = {}
_PLATFORM_ROLES: dict[str, RoleSpec] = {}


def register(spec: ModuleSpec) -> None:
    """Add (or replace, when ready() runs again) a module; refuse malformed or clashing codes."""
    _check_code(spec.code, MODULE_CODE_MAX, "module")
    for role in spec.roles:
        _check_role(role, owner=spec.code)
    for grant in spec.grants.values():
        _check_grant(grant, spec.code)
    _MODULES[spec.code] = spec
    if spec.demo is not None:
        from guanxi.core import demo

        demo.register(spec.code, spec.demo, order=spec.order)


def register_platform_role(role: RoleSpec) -> None:
    """A role core itself owns (administrator, analyst), not tied to one module."""
    _check_role(role, owner=None)
    _PLATFORM_ROLES[role.code] = role


def modules() -> list[ModuleSpec]:
    return sorted(_MODULES.values(), key=lambda m: (m.order, m.code))


def module_codes() -> list[str]:
    return [m.code for m in modules()]


def get_module(code: str) -> ModuleSpec | None:
    return _MODULES.get(code)


def roles() -> list[RoleSpec]:
    """Platform roles first, then each module's in module order."""
    return [*_PLATFORM_ROLES.values(), *(r for m in modules() for r in m.roles)]


def get_role(code: str) -> RoleSpec | None:
    return next((r for r in roles() if r.code == code), None)


def default_scopes() -> dict[str, dict[str, Grant]]:
    """Role code → module code → default grant, over registered modules only.

    Precedence, widest rule first: a platform role's ``every_module``, then the role's own
    ``scopes``, then the grant a module declares for that role in itself.
    """
    codes = set(_MODULES)
    result: dict[str, dict[str, Grant]] = {}
    for role in roles():
        scopes = {m: role.every_module for m in codes} if role.every_module else {}
        scopes.update({m: g for m, g in role.scopes.items() if m in codes})
        result[role.code] = scopes
    for spec in _MODULES.values():
        for role_code, grant in spec.grants.items():
            if role_code in result:
                result[role_code][spec.code] = grant
    return result


def organisation_manager_roles() -> set[str]:
    return {r.code for r in roles() if r.manages_organisation}


def validate_module_code(code: str) -> None:
    """The one check of a module code from a form, an API body or a database row."""
    if code not in _MODULES:
        raise ValidationError(
            _("Unknown module: %(code)s"), code="unknown_module", params={"code": code}
        )


def declaration_problems() -> list[str]:
    """Role scopes and grants naming unknown modules or roles (read by a system check)."""
    problems = []
    known_roles = {r.code for r in roles()}
    for role in roles():
        for module in role.scopes:
            if module not in _MODULES:
                problems.append(f"role {role.code} has scopes in unregistered module {module}")
    for spec in _MODULES.values():
        for role_code in spec.grants:
            if role_code not in known_roles:
                problems.append(f"module {spec.code} grants unknown role {role_code}")
    seen: dict[str, str] = {}
    for spec in modules():
        for role in spec.roles:
            if role.code in seen or role.code in _PLATFORM_ROLES:
                problems.append(f"role {role.code} is declared twice ({spec.code})")
            seen[role.code] = spec.code
    return problems


def _check_code(code: str, max_length: int, kind: str) -> None:
    if not _CODE.match(code) or len(code) > max_length:
        raise ImproperlyConfigured(
            f"{kind} code {code!r}: lower-case letters, digits and _, at most {max_length}"
        )


def _check_role(role: RoleSpec, owner: str | None) -> None:
    _check_code(role.code, ROLE_CODE_MAX, "role")
    for grant in role.scopes.values():
        _check_grant(grant, owner or role.code)
    if role.every_module is not None:
        _check_grant(role.every_module, role.code)


def _check_grant(grant: Grant, where: str) -> None:
    from guanxi.core.models.roles import DataScope

    if len(grant) != 2 or any(value not in DataScope.values for value in grant):
        raise ImproperlyConfigured(f"{where}: {grant!r} is not a (view, change) pair of scopes")
