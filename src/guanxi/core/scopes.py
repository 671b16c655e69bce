"""The one record-scope rule (数据权限): which records a user may view or change.

Every list, detail, API route, export, search, report and CLI command starts from
``Model.objects.visible_to(user, action)``, which calls :func:`restrict`. Nothing else in the
code base filters by owner. A record with its own owner follows its owner's scope; a child record
declares ``Scope.parent`` and follows its parent's; collaborators (团队成员) widen both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from guanxi.core.models.org import User
from guanxi.core.models.roles import DataScope, Role
from guanxi.core.modules import module_codes

if TYPE_CHECKING:
    from guanxi.core.models.org import Department
    from guanxi.core.models.records import Collaborator
    from guanxi.core.signed_in import RequestUser

_QS = TypeVar("_QS", bound=QuerySet[Any])

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)

#: The attribute holding a user's scopes for the length of a request (see effective_scope).
_SCOPE_CACHE = "_guanxi_scope_cache"
#: The attribute holding a user's role codes, filled by the same query (read by role_codes()).
_ROLE_CODES_CACHE = "_guanxi_role_codes"


def effective_scope(user: RequestUser | None, module: str, action: str) -> str:
    """The widest scope any of the user's roles grants in ``module`` for ``action``.

    Only registered modules count. Cached on the user object for the length of one request
    (never process-wide, so a role change takes effect on the next request).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return DataScope.NONE
    if user.is_superuser:
        return DataScope.ALL
    cache: dict[tuple[str, str], str] | None = getattr(user, _SCOPE_CACHE, None)
    if cache is None:
        # One query reads the user's roles and their scopes: the role codes go to the same
        # per-request cache role_codes() reads, so a page's menu costs no query of its own.
        rows = Role.objects.filter(group__user=user).values_list(
            "code", "scopes__module", "scopes__view", "scopes__change"
        )
        # Rows of modules not registered (say, left by an uninstalled module) grant nothing.
        registered = set(module_codes())
        codes: set[str] = set()
        grants: dict[tuple[str, str], list[str]] = {}
        for code, row_module, view, change in rows:
            codes.add(code)
            if row_module in registered:
                grants.setdefault((row_module, VIEW), []).append(view)
                grants.setdefault((row_module, CHANGE), []).append(change)
        cache = {key: DataScope.widest(values) for key, values in grants.items()}
        setattr(user, _SCOPE_CACHE, cache)
        setattr(user, _ROLE_CODES_CACHE, codes)
    return cache.get((module, action), DataScope.NONE)


def may_act(user: RequestUser | None, module: str, action: str) -> bool:
    """Whether any of the user's roles reaches into ``module`` for ``action`` at all.

    The one answer to "may this user see (or change) anything in module X" — for menus,
    create and import pages, panels and assignee lists; which records, is :func:`restrict`'s.
    """
    return effective_scope(user, module, action) != DataScope.NONE


def subordinate_ids(user: User) -> set[int]:
    """The user and everyone below them on the reporting line (直属上级), any depth."""
    found = {user.pk}
    frontier = {user.pk}
    while frontier:
        frontier = (
            set(User.objects.filter(superior_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def owner_q(user: User, scope: str, prefix: str = "") -> Q | None:
    """The filter that ``scope`` puts on an owned record; None means no filter (all)."""
    if scope == DataScope.ALL:
        return None
    if scope == DataScope.OWN:
        return Q(**{f"{prefix}owner": user})
    if scope == DataScope.SUBORDINATES:
        return Q(**{f"{prefix}owner__in": subordinate_ids(user)})
    if scope == DataScope.DEPARTMENT:
        if user.department_id is None:
            return Q(**{f"{prefix}owner": user})
        return Q(**{f"{prefix}department_id": user.department_id}) | Q(**{f"{prefix}owner": user})
    if scope == DataScope.DEPARTMENT_TREE:
        if user.department_id is None:
            return Q(**{f"{prefix}owner": user})
        department = cast("Department", user.department)  # department_id is set
        return Q(**{f"{prefix}department__path__startswith": department.path}) | Q(
            **{f"{prefix}owner": user}
        )
    return Q(pk__in=[])


#: model -> [(path, actions)]: "also visible through <path> for <action>" (declared by resources).
_SCOPE_PATHS: dict[type, list[tuple[str, tuple[str, ...]]]] = {}


def add_scope_path(model: type, path: str, actions: tuple[str, ...]) -> None:
    """Let ``model``'s records also be reached through the related record at ``path``: a user
    who may ``action`` that record may ``action`` this one (a ticket through its customer)."""
    if any(a not in ACTIONS for a in actions):
        raise ValueError(f"unknown action in {actions!r}")
    paths = _SCOPE_PATHS.setdefault(model, [])
    if (path, actions) not in paths:
        paths.append((path, actions))


def _through_paths(model: type[Model], user: RequestUser | None, action: str) -> Q | None:
    condition: Q | None = None
    for path, actions in _SCOPE_PATHS.get(model, []):
        if action not in actions:
            continue
        related = _related_model(model, path)
        reachable = restrict(related.objects.all(), user, action)
        part = Q(**{f"{path}__in": reachable.values("pk")})
        condition = part if condition is None else condition | part
    return condition


def _related_model(model: type, path: str) -> Any:
    current: Any = model
    for step in path.split("__"):
        current = current._meta.get_field(step).related_model
    return current


def restrict(queryset: _QS, user: RequestUser | None, action: str = VIEW) -> _QS:
    """Narrow ``queryset`` to the records ``user`` may ``action`` (view or change)."""
    model = queryset.model
    through = _through_paths(model, user, action) if model in _SCOPE_PATHS else None
    if through is not None:
        own = _restrict_own(queryset.model.all_objects.all(), user, action)
        return queryset.filter(Q(pk__in=own.values("pk")) | through).distinct()
    return _restrict_own(queryset, user, action)


def _restrict_own(queryset: _QS, user: RequestUser | None, action: str) -> _QS:
    model = queryset.model
    parent_path = getattr(model.Scope, "parent", None)
    if parent_path:
        parent_model = model._meta.get_field(parent_path).related_model
        visible_parents = restrict(parent_model.objects.all(), user, action)
        return queryset.filter(**{f"{parent_path}__in": visible_parents.values("pk")})

    scope = effective_scope(user, model.Scope.module, action)
    if scope == DataScope.ALL:
        return queryset
    # a missing or anonymous user has scope NONE, so only a signed-in user gets an owner filter
    condition = owner_q(user, scope) if isinstance(user, User) and scope != DataScope.NONE else None
    collaborations = _collaborator_ids(model, user, action)
    if condition is None:
        condition = Q(pk__in=collaborations)
    else:
        condition |= Q(pk__in=collaborations)
    return queryset.filter(condition)


def _collaborator_ids(
    model: type[Model], user: RequestUser | None, action: str
) -> QuerySet[Collaborator, Any]:
    from guanxi.core.models.records import Collaborator

    if user is None or not user.is_authenticated or not user.is_active:
        return Collaborator.objects.none().values("object_id")
    rows = Collaborator.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(model)
    )
    if action == CHANGE:
        rows = rows.filter(can_change=True)
    return rows.values("object_id")


def can(user: RequestUser | None, record: Any, action: str) -> bool:
    """Whether ``user`` may ``action`` this one record (re-reads it through the rule)."""
    model = type(record)
    if not getattr(model.Scope, "parent", None) and (
        effective_scope(user, model.Scope.module, action) == DataScope.ALL
    ):
        return True  # nothing to narrow: spare the query (imports call this once per row)
    return bool(type(record).all_objects.filter(pk=record.pk).visible_to(user, action).exists())


def within_role_scope(user: User, record: Any, action: str) -> bool:
    """Whether the user's roles alone (not a team membership) reach this owned record."""
    model = type(record)
    scope = effective_scope(user, model.Scope.module, action)
    if scope == DataScope.NONE:
        return False
    condition = owner_q(user, scope)
    if condition is None:
        return True
    return bool(model.all_objects.filter(condition, pk=record.pk).exists())
