"""Resources declared once: core builds their API routes, page URLs, export and access rules.

An app declares its resources in ``<app>/resources.py`` and registers them from its
``AppConfig.ready()``; see docs/development/adding-a-module.md.
"""

from guanxi.core.resources.declaration import (
    ALL_OPERATIONS,
    CREATE,
    DELETE,
    DETAIL,
    LIST,
    RESTORE,
    STAMPS,
    UPDATE,
    Action,
    Column,
    Computed,
    ContributedField,
    Ref,
    RefKind,
    Resource,
    ScopeKind,
    ScopePath,
    Services,
    owner_name,
)
from guanxi.core.resources.registry import all_resources, contribute, for_model, get, register

__all__ = [
    "ALL_OPERATIONS",
    "CREATE",
    "DELETE",
    "DETAIL",
    "LIST",
    "RESTORE",
    "STAMPS",
    "UPDATE",
    "Action",
    "Column",
    "Computed",
    "ContributedField",
    "Ref",
    "RefKind",
    "Resource",
    "ScopeKind",
    "ScopePath",
    "Services",
    "all_resources",
    "contribute",
    "for_model",
    "get",
    "owner_name",
    "register",
]
