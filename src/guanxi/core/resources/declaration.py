"""What a resource declares, once: its fields, filters, columns, services, operations, scope
kind and extra actions. Core builds the API routes, page URLs, export and access rules from it.

A field is named once here; its type, nullability and label come from the model field, so the
API schemas, the export headers and the page columns cannot drift from the model.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise

from guanxi.core.filters import Filter, FilterSet

if TYPE_CHECKING:
    from guanxi.core.signed_in import RequestUser

#: The CRUD operations a resource may offer.
LIST, DETAIL, CREATE, UPDATE, DELETE, RESTORE = (
    "list",
    "detail",
    "create",
    "update",
    "delete",
    "restore",
)
ALL_OPERATIONS = frozenset({LIST, DETAIL, CREATE, UPDATE, DELETE, RESTORE})


#: The bookkeeping columns every versioned record shows: read, never written.
STAMPS = ("version", "created_at", "updated_at")


def owner_name(record: Any) -> str:
    """The owner as lists and exports show them ("" for a record without one)."""
    return str(record.owner) if record.owner_id else ""


class ScopeKind(enum.StrEnum):
    """How the one scope rule reaches a resource's records."""

    OWNED = "owned"  # a record with its own owner (OwnedRecord)
    CHILD = "child"  # follows its parent's scope (Scope.parent)
    REFERENCE = "reference"  # reference data: everyone reads, the module's change scope edits
    RELATED = "related"  # attached to records of several models (team members): their scope


class RefKind(enum.StrEnum):
    USER = "user"  # an active user id, e.g. the owner
    PARENT = "parent"  # the parent record, which the caller must be able to change
    RECORD = "record"  # another record, which the caller must be able to view


@dataclass(frozen=True)
class Ref:
    """An input field core resolves to an object before calling the service.

    With ``kwarg=True`` the object is passed to the create service as a keyword argument of the
    field's name (``create_contact(customer=...)``); otherwise it replaces the id in ``values``.
    """

    kind: RefKind
    kwarg: bool = True


@dataclass(frozen=True)
class Computed:
    """A read-only output field that is not a model column (a label, a related name, lines)."""

    name: str
    type: Any
    get: Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    """A list and export column: a header, how to read the cell, and its sort key if any."""

    header: str | Promise
    get: Callable[[Any], Any]
    sort: str = ""


@dataclass(frozen=True)
class Services:
    """The domain operations the generated routes call (each one typed in the app's services).

    ``create(actor=, values=, **refs)``, ``update(record, actor=, expected_version=, changes=)``,
    ``delete(record, actor=)``, ``restore(record, actor=)``.
    """

    create: Callable[..., Any] | None = None
    update: Callable[..., Any] | None = None
    delete: Callable[..., Any] | None = None
    restore: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Action:
    """A hand-written route for a non-CRUD action (convert, move stage, confirm, reverse ...).

    The route itself lives in the module's ``api.py``; naming it here puts its access rule next to
    the resource, so a route cannot ship without one."""

    name: str
    rule: str


@dataclass(frozen=True)
class ContributedField:
    """A read-only field a later module adds to an earlier module's resource.

    ``lookup`` is an ORM path from the resource's model into the contributing module's own table
    (a reverse one-to-one, say ``"insights_score__abc_class"``); the list reads it as an
    annotation, so filtering or sorting by it stays one query. ``module`` gates it: users without
    a view scope there do not see the field, and its filter and sort keys answer 400 for them.
    """

    name: str
    type: Any
    lookup: str
    label: str | Promise = ""
    module: str | None = None
    filter: Filter | None = None
    sortable: bool = True

    @property
    def annotation(self) -> str:
        return f"contributed_{self.name}"


@dataclass(frozen=True)
class ScopePath:
    """ "Also visible through ``path`` for ``actions``": a record the user may reach through the
    related record at ``path`` (a ticket through its customer, read-only)."""

    path: str
    actions: tuple[str, ...] = ("view",)


@dataclass
class Resource:
    """One declared resource. ``name`` is the plural used in URLs and route names."""

    model: type[models.Model]
    name: str
    singular: str
    read: tuple[str, ...]
    filterset: FilterSet
    write: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    refs: dict[str, Ref] = field(default_factory=dict)
    computed: tuple[Computed, ...] = ()
    #: Output fields only a single record's answer carries (detail, create, update, restore and
    #: the module's actions): child rows and sums that cost a query each, never the list's.
    detail_computed: tuple[Computed, ...] = ()
    types: dict[str, Any] = field(default_factory=dict)
    services: Services = field(default_factory=Services)
    operations: frozenset[str] = ALL_OPERATIONS
    scope: ScopeKind = ScopeKind.OWNED
    actions: tuple[Action, ...] = ()
    columns: tuple[Column, ...] = ()
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    #: Input fields accepted on create only (the parent, the owner); never in PATCH.
    create_only: tuple[str, ...] = ()
    #: Extra create-only input fields that are not model columns (order lines), name → type.
    create_extra: dict[str, Any] = field(default_factory=dict)
    #: Output fields gated by another module's view scope: field name → module code.
    gated: dict[str, str] = field(default_factory=dict)
    scope_paths: tuple[ScopePath, ...] = ()
    attachments: bool = False
    summary: str = ""
    tags: tuple[str, ...] = ()
    contributed: list[ContributedField] = field(default_factory=list)
    #: URL name of the record's page, for links from search, exports and panels.
    detail_url: str = ""
    #: The URL segment under /api/v1 when it is not ``name`` ("price-lists").
    path: str = ""

    @property
    def url_segment(self) -> str:
        return self.path or self.name

    @property
    def module(self) -> str:
        if self.scope is ScopeKind.RELATED:
            return ""  # no module of its own: each row follows the record it belongs to
        scope = getattr(self.model, "Scope", None)
        module = getattr(scope, "module", None)
        if module:
            return str(module)
        parent = getattr(scope, "parent", None)
        if parent:
            related = self.model._meta.get_field(parent).related_model
            return str(related.Scope.module)  # type: ignore[union-attr]
        raise ValueError(f"{self.model.__name__} declares no scope module")

    @property
    def parent(self) -> str | None:
        scope = getattr(self.model, "Scope", None)
        return getattr(scope, "parent", None)

    @cached_property
    def read_columns(self) -> tuple[tuple[str, str], ...]:
        """(output name, model attribute) of the read fields, worked out once: a foreign key
        is read as its id column, without loading the related row."""
        pairs = []
        for name in self.read:
            field = self.model._meta.get_field(name) if name != "id" else None
            pairs.append((name, getattr(field, "attname", name) if field else "pk"))
        return tuple(pairs)

    def may_write(self, user: RequestUser | None) -> bool:
        """Whether ``user`` may create here at all (which records they may change is the
        scope rule's answer): reference data needs the module's editors, others a change
        scope in the module."""
        if self.scope is ScopeKind.REFERENCE:
            from guanxi.core.models.reference import may_edit_reference

            return may_edit_reference(user, self.module)
        from guanxi.core.scopes import CHANGE, may_act

        return may_act(user, self.module, CHANGE)

    def offers(self, operation: str) -> bool:
        return operation in self.operations

    def writable(self) -> tuple[str, ...]:
        return self.write + tuple(f for f in self.create_only if f not in self.write)

    def with_filters(self, user_modules: Callable[[str], bool]) -> FilterSet:
        """The filter set for one user: contributed keys added, gated keys dropped.

        A gated key the user may not use is simply unknown to their list (400 like any unknown
        key), so counts never reveal what the gate hides."""
        filters = dict(self.filterset.filters)
        sorts = dict(self.filterset.sorts)
        for contributed in self.contributed:
            allowed = contributed.module is None or user_modules(contributed.module)
            if not allowed:
                filters.pop(contributed.name, None)
                sorts.pop(contributed.name, None)
                continue
            if contributed.filter is not None:
                filters[contributed.name] = contributed.filter
            if contributed.sortable:
                sorts[contributed.name] = contributed.annotation
        for name, module in self.gated.items():
            if not user_modules(module):
                filters.pop(name, None)
                sorts.pop(name, None)
        return replace(self.filterset, filters=filters, sorts=sorts)


def column_names(resource: Resource) -> Sequence[str]:
    return [str(c.header) for c in resource.columns]
