"""The generic pages of a resource: their URL patterns and access rules come from one page set.

    CUSTOMER_PAGES = pages.PageSet("customers", "customers", root="", list=CustomerList, ...)

registers itself; the app's ``urls.py`` takes ``pages.urlpatterns("customers")`` and adds only
its non-generic pages (the board, the import, reports). Names follow one scheme:
``<singular>_list``, ``_create``, ``_detail``, ``_edit``, ``_delete``, ``_restore``, ``_bin``,
``_bulk_<action>``; the export is the list's ``?format=csv|xlsx``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, path

from guanxi.core import access
from guanxi.core.resources import registry

_PAGE_SETS: dict[str, list[PageSet]] = {}


@dataclass
class PageSet:
    """The generic views of one resource, mounted under ``root`` in the app's URL namespace."""

    namespace: str
    resource: str
    root: str
    list: Any = None
    detail: Any = None
    edit: Any = None
    delete: Any = None
    restore: Any = None
    bin: Any = None
    #: action → bulk view, mounted at ``<root><action>/`` as ``<singular>_bulk_<action>``.
    bulk: dict[str, Any] = field(default_factory=dict)
    #: Where the create form lives when it is not ``<root>new/`` (a child under its parent).
    create_path: str | None = None

    def __post_init__(self) -> None:
        sets = _PAGE_SETS.setdefault(self.namespace, [])
        if all(s.resource != self.resource for s in sets):
            sets.append(self)

    @property
    def singular(self) -> str:
        return registry.get(self.resource).singular

    def patterns(self) -> list[URLPattern]:
        one = f"{self.root}<int:pk>/"
        routes: list[tuple[str, Callable[..., Any], str]] = []
        if self.list is not None:
            routes.append((self.root, self.list.as_view(), "list"))
        if self.edit is not None:
            routes.append((self.create_path or f"{self.root}new/", self.edit.as_view(), "create"))
        if self.bin is not None:
            routes.append((f"{self.root}bin/", self.bin.as_view(), "bin"))
        for action, view in self.bulk.items():
            routes.append((f"{self.root}{action}/", view.as_view(), f"bulk_{action}"))
        if self.detail is not None:
            routes.append((one, self.detail.as_view(), "detail"))
        if self.edit is not None:
            routes.append((f"{one}edit/", self.edit.as_view(), "edit"))
        if self.delete is not None:
            routes.append((f"{one}delete/", self.delete.as_view(), "delete"))
        if self.restore is not None:
            routes.append((f"{one}restore/", self.restore.as_view(), "restore"))
        result = []
        for route, view, suffix in routes:
            name = f"{self.singular}_{suffix}"
            access.declare(f"{self.namespace}:{name}", access.SCOPED)
            result.append(path(route, view, name=name))
        return result


def urlpatterns(namespace: str) -> list[URLPattern]:
    """Every registered page set's URL patterns in ``namespace`` (the app's urls.py)."""
    return [p for page_set in _PAGE_SETS.get(namespace, []) for p in page_set.patterns()]


def page_sets() -> list[PageSet]:
    return [page_set for sets in _PAGE_SETS.values() for page_set in sets]
