"""The REST routes core builds from each declaration, applying the scope rule itself, once.

list (a page: items, count, page, page_size), detail with an ETag, create, PATCH with ``version``
or If-Match (409 naming the changed fields), delete to the recycle bin, restore. Out of view
scope answers 404 exactly like a missing id; visible but not changeable answers 403.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema, Status
from ninja.params import functions as param_functions

from guanxi.core import access
from guanxi.core.errors import InvalidInput, RecordNotFound
from guanxi.core.models.org import User
from guanxi.core.resources import lists, registry, schemas
from guanxi.core.resources.declaration import (
    CREATE,
    DELETE,
    DETAIL,
    LIST,
    RESTORE,
    UPDATE,
    ContributedField,
    Ref,
    RefKind,
    Resource,
)
from guanxi.core.scopes import CHANGE, VIEW, may_act
from guanxi.core.services.records import get_in_bin, get_visible
from guanxi.core.signed_in import signed_in_user

if TYPE_CHECKING:
    from guanxi.core.signed_in import RequestUser

_POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD
_KEYWORD = inspect.Parameter.KEYWORD_ONLY

#: Routers of hand-written action routes, mounted beside the generated ones.
_ACTION_ROUTERS: list[Router] = []
_MOUNTED: set[int] = set()


def add_router(router: Router) -> None:
    """A module's router of hand-written (non-CRUD) routes, mounted under /api/v1 by core."""
    if all(existing is not router for existing in _ACTION_ROUTERS):
        _ACTION_ROUTERS.append(router)


def mount(api: NinjaAPI) -> None:
    """Add every declared resource's routes and every module's action router to ``api``.

    Called once by the project's URLconf, after every app's ready() has registered."""
    if id(api) in _MOUNTED:
        return
    _MOUNTED.add(id(api))
    for resource in registry.all_resources():
        api.add_router("/", resource_router(resource))
        for action in resource.actions:
            access.declare(f"api:{action.name}", action.rule)
    for router in _ACTION_ROUTERS:
        api.add_router("/", router)


# ------------------------------------------------------------------ reading


def queryset(resource: Resource, user: RequestUser | None, action: str = VIEW) -> QuerySet[Any]:
    """The resource's rows the user may ``action``, with what the output reads joined in."""
    return _joined(resource, resource.model.objects.visible_to(user, action), user)  # type: ignore[attr-defined]


def reread(resource: Resource, pk: Any, user: RequestUser | None) -> Any:
    """A record the caller just wrote, read back as the output shows it. Not re-scoped: a
    customer created for a teammate is the creator's answer even though it left their scope."""
    rows = resource.model.all_objects.filter(pk=pk)  # type: ignore[attr-defined]
    return _joined(resource, rows, user).get()


def _joined(resource: Resource, rows: QuerySet[Any], user: RequestUser | None) -> QuerySet[Any]:
    if resource.select_related:
        rows = rows.select_related(*resource.select_related)
    if resource.prefetch_related:
        rows = rows.prefetch_related(*resource.prefetch_related)
    annotations = {c.annotation: F(c.lookup) for c in visible_contributions(resource, user)}
    return rows.annotate(**annotations) if annotations else rows


def visible_contributions(resource: Resource, user: RequestUser | None) -> list[ContributedField]:
    return [c for c in resource.contributed if c.module is None or may_act(user, c.module, VIEW)]


def out(
    resource: Resource,
    record: Any,
    user: RequestUser | None,
    detail: bool = False,
    shown: list[ContributedField] | None = None,
) -> dict[str, Any]:
    """The record as the API shows it to ``user`` (gated fields left out, not nulled); with
    ``detail`` as its own answer shows it (``detail_computed`` too). A list passes ``shown``,
    the contributions the user may see, worked out once for the page."""
    data = {name: getattr(record, attribute) for name, attribute in resource.read_columns}
    for computed in resource.computed + (resource.detail_computed if detail else ()):
        data[computed.name] = computed.get(record)
    for contributed in visible_contributions(resource, user) if shown is None else shown:
        data[contributed.name] = getattr(record, contributed.annotation, None)
    for name, module in resource.gated.items():
        if not may_act(user, module, VIEW):
            data.pop(name, None)
    return data


def answer(resource: Resource, record: Any, user: RequestUser | None) -> dict[str, Any]:
    """A record a hand-written action just wrote, answered like the detail route answers it."""
    return out(resource, reread(resource, record.pk, user), user, detail=True)


def fetch(resource: Resource, pk: Any, user: RequestUser | None) -> Any:
    """One record through the scope rule, annotated like the list (404 outside view scope)."""
    try:
        record = queryset(resource, user).filter(pk=pk).first()
    except (ValueError, TypeError):
        record = None
    if record is None:
        raise RecordNotFound(pk)
    return record


# ------------------------------------------------------------------ writing helpers


def expected_version(request: HttpRequest, payload: dict[str, Any]) -> int:
    """The version the client's copy was read at: the body's ``version`` or If-Match."""
    version = payload.pop("version", None)
    if version is None:
        header = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
        if header.isdigit():
            version = int(header)
    if version is None:
        raise InvalidInput(
            {"version": [_("Send the version you edited (a version field or If-Match).")]}
        )
    return int(version)


def active_user(user_id: Any, field: str = "owner") -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput({field: [_("No active user with this id.")]})
    return user


def resolve(resource: Resource, name: str, ref: Ref, value: Any, user: RequestUser | None) -> Any:
    """An input id turned into the object the service takes, through the scope rule."""
    if value is None:
        return None
    if ref.kind is RefKind.USER:
        return active_user(value, name)
    related = resource.model._meta.get_field(name).related_model
    if ref.kind is RefKind.PARENT:
        return get_visible(related, value, user, CHANGE)  # type: ignore[arg-type]
    try:
        return get_visible(related, value, user, VIEW)  # type: ignore[arg-type]
    except RecordNotFound:
        raise InvalidInput({name: [_("No such record.")]}) from None


def set_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


# ------------------------------------------------------------------ the router


def _route(
    func: Callable[..., Any], params: list[tuple[str, Any, Any]], name: str
) -> Callable[..., Any]:
    """Give a generic view the typed signature ninja reads (its schemas come from the
    declaration, so they cannot be written as annotations in code)."""
    parameters = [inspect.Parameter("request", _POSITIONAL)]
    for param, annotation, default in params:
        parameters.append(
            inspect.Parameter(param, _KEYWORD, annotation=annotation, default=default)
        )
    func.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    func.__name__ = name
    return func


def resource_router(resource: Resource) -> Router:
    router = Router(tags=list(resource.tags) or [resource.module])
    item = schemas.out_schema(resource)
    one_item = schemas.detail_schema(resource)
    base = f"/{resource.url_segment}"
    one = f"{base}/{{int:pk}}"
    label = str(resource.model._meta.verbose_name)

    def declare(name: str, rule: str) -> str:
        access.declare(f"api:{name}", rule)
        return name

    if resource.offers(LIST):
        page = schemas.page_schema(resource, item)
        query_schema = schemas.query_schema(resource)

        def list_view(request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
            user = signed_in_user(request)
            filterset = resource.with_filters(lambda module: may_act(user, module, VIEW))
            rows = filterset.apply(queryset(resource, user), request.GET)
            shown = visible_contributions(resource, user)
            return lists.page(request, rows, lambda r: out(resource, r, user, shown=shown))

        name = declare(f"list_{resource.name}", access.SIGNED_IN)
        router.get(
            base,
            response=page,
            url_name=name,
            operation_id=name,
            summary=resource.summary or f"List {resource.model._meta.verbose_name_plural}",
            exclude_unset=True,
        )(_route(list_view, [("filters", query_schema, param_functions.Query(...))], name))

    if resource.offers(DETAIL):

        def detail_view(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
            user = signed_in_user(request)
            record = fetch(resource, pk, user)
            if hasattr(record, "version"):  # versioned records; team members are not
                set_etag(response, record.version)
            return out(resource, record, user, detail=True)

        name = declare(f"get_{resource.singular}", access.SCOPED)
        router.get(
            one,
            response=one_item,
            url_name=name,
            operation_id=name,
            summary=f"One {label} (ETag: its version)",
            exclude_unset=True,
        )(_route(detail_view, [("pk", int, inspect.Parameter.empty), _RESPONSE], name))

    if resource.offers(CREATE) and resource.services.create is not None:
        create_in = schemas.create_schema(resource)
        create = resource.services.create

        def create_view(request: HttpRequest, payload: Schema) -> Status[dict[str, Any]]:
            user = signed_in_user(request)
            values = payload.model_dump(exclude_unset=True)
            extra: dict[str, Any] = {}
            for field_name, ref in resource.refs.items():
                if field_name not in values:
                    continue
                resolved = resolve(resource, field_name, ref, values.pop(field_name), user)
                if ref.kwarg:
                    extra[field_name] = resolved
                else:
                    values[field_name] = resolved
            record = create(actor=user, values=values, **extra)
            return Status(201, answer(resource, record, user))

        name = declare(f"create_{resource.singular}", access.SIGNED_IN)
        router.post(
            base,
            response={201: one_item},
            url_name=name,
            operation_id=name,
            summary=f"Create a {label}",
            exclude_unset=True,
        )(_route(create_view, [("payload", create_in, inspect.Parameter.empty)], name))

    if resource.offers(UPDATE) and resource.services.update is not None:
        patch_in = schemas.patch_schema(resource)
        update = resource.services.update

        def update_view(
            request: HttpRequest, pk: int, payload: Schema, response: HttpResponse
        ) -> dict[str, Any]:
            user = signed_in_user(request)
            record = get_visible(resource.model, pk, user, CHANGE)
            values = payload.model_dump(exclude_unset=True)
            version = expected_version(request, values)
            for field_name, ref in resource.refs.items():
                if field_name in values and not ref.kwarg:
                    values[field_name] = resolve(
                        resource, field_name, ref, values[field_name], user
                    )
            saved = update(record, actor=user, expected_version=version, changes=values)
            set_etag(response, saved.version)
            return answer(resource, saved, user)

        name = declare(f"update_{resource.singular}", access.SCOPED)
        router.patch(
            one,
            response=one_item,
            url_name=name,
            operation_id=name,
            summary=f"Change a {label} (send its version; 409 names what changed)",
            exclude_unset=True,
        )(
            _route(
                update_view,
                [
                    ("pk", int, inspect.Parameter.empty),
                    ("payload", patch_in, inspect.Parameter.empty),
                    _RESPONSE,
                ],
                name,
            )
        )

    if resource.offers(DELETE) and resource.services.delete is not None:
        delete = resource.services.delete

        def delete_view(request: HttpRequest, pk: int) -> Status[None]:
            user = signed_in_user(request)
            record = get_visible(resource.model, pk, user, CHANGE)
            delete(record, actor=user)
            return Status(204, None)

        name = declare(f"delete_{resource.singular}", access.SCOPED)
        router.delete(
            one,
            response={204: None},
            url_name=name,
            operation_id=name,
            summary=f"Move a {label} to the recycle bin",
        )(_route(delete_view, [("pk", int, inspect.Parameter.empty)], name))

    if resource.offers(RESTORE) and resource.services.restore is not None:
        restore = resource.services.restore

        def restore_view(request: HttpRequest, pk: int) -> dict[str, Any]:
            user = signed_in_user(request)
            record = get_in_bin(resource.model, pk, user)
            restored = restore(record, actor=user)
            return answer(resource, restored, user)

        name = declare(f"restore_{resource.singular}", access.SCOPED)
        router.post(
            f"{one}/restore",
            response=one_item,
            url_name=name,
            operation_id=name,
            summary=f"Bring a {label} back from the recycle bin",
            exclude_unset=True,
        )(_route(restore_view, [("pk", int, inspect.Parameter.empty)], name))
    return router


_RESPONSE = ("response", HttpResponse, inspect.Parameter.empty)
