"""The resource registry: apps register their declarations in ``AppConfig.ready()``; later
modules contribute fields to earlier modules' resources without being imported by them."""

from __future__ import annotations

from django.db import models

from guanxi.core.resources.declaration import ContributedField, Resource, ScopeKind

_RESOURCES: dict[str, Resource] = {}
#: Contributions that arrived before their resource (app order is not a contract).
_PENDING: dict[str, list[ContributedField]] = {}


def register(resource: Resource) -> Resource:
    """Add a declaration; checked against the model so a wrong scope kind fails at start-up."""
    _check(resource)
    existing = _RESOURCES.get(resource.name)
    if existing is not None and existing.model is not resource.model:
        raise ValueError(f"resource {resource.name!r} is already declared for another model")
    if existing is not None:
        return existing  # ready() may run twice in tests
    _RESOURCES[resource.name] = resource
    for contributed in _PENDING.pop(resource.name, []):
        _add_contribution(resource, contributed)
    if resource.scope_paths:
        from guanxi.core import scopes

        for scope_path in resource.scope_paths:
            scopes.add_scope_path(resource.model, scope_path.path, scope_path.actions)
    if resource.attachments:
        from guanxi.core import attachments

        attachments.enable(resource.model, resource.detail_url)
    return resource


def contribute(resource_name: str, contributed: ContributedField) -> None:
    """A later module adds a read-only field (and its filter, sort key and column) to a
    resource it does not import."""
    resource = _RESOURCES.get(resource_name)
    if resource is None:
        _PENDING.setdefault(resource_name, []).append(contributed)
    else:
        _add_contribution(resource, contributed)


def _add_contribution(resource: Resource, contributed: ContributedField) -> None:
    if any(c.name == contributed.name for c in resource.contributed):
        return
    taken = set(resource.read) | {c.name for c in resource.computed}
    if contributed.name in taken:
        raise ValueError(f"{resource.name}.{contributed.name} is already a field")
    resource.contributed.append(contributed)


def get(name: str) -> Resource:
    return _RESOURCES[name]


def all_resources() -> list[Resource]:
    return list(_RESOURCES.values())


def for_model(model: type[models.Model]) -> Resource | None:
    return next((r for r in _RESOURCES.values() if r.model is model), None)


def _check(resource: Resource) -> None:
    model = resource.model
    scope = getattr(model, "Scope", None)
    if resource.scope is ScopeKind.RELATED:
        if not hasattr(model._default_manager, "visible_to"):
            raise ValueError(f"{resource.name}: a related resource needs visible_to()")
    elif scope is None:
        raise ValueError(f"{model.__name__} has no Scope declaration")
    parent = getattr(scope, "parent", None)
    if resource.scope is ScopeKind.CHILD and not parent:
        raise ValueError(f"{resource.name}: a child resource needs Scope.parent on its model")
    if resource.scope is ScopeKind.OWNED and not hasattr(model, "owner_id"):
        raise ValueError(f"{resource.name}: an owned resource needs an owner")
    if "__all__" in resource.read or "__all__" in resource.write:
        raise ValueError(f"{resource.name}: list the fields, never __all__")
    for name in (*resource.read, *resource.write):
        if name == "id":
            continue
        model._meta.get_field(name)  # FieldDoesNotExist names the typo at start-up
