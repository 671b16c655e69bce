"""Users, departments and roles: the organisation services behind the admin pages and CLI."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core import modules
from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.models import ApiToken, Department, Role, RoleScope, User
from guanxi.core.models.roles import DataScope


def install_default_roles() -> None:
    """Create the registered roles and their default scopes (:mod:`guanxi.core.modules`).

    Idempotent: an existing role keeps its group and name, an existing scope stays as an
    administrator edited it; only what is missing (a new module's roles and grants) is added.
    """
    defaults = modules.default_scopes()
    with translation.override(None):  # group names in the source language, stable
        names = {role.code: str(role.label) for role in modules.roles()}
    for code, scopes in defaults.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            group, _created = Group.objects.get_or_create(name=names[code])
            role = Role.objects.create(code=code, group=group, name=names[code])
        for module, (view, change) in scopes.items():
            RoleScope.objects.get_or_create(
                role=role, module=module, defaults={"view": view, "change": change}
            )


def install_default_roles_after_migrate(apps: Any = None, **_signal: Any) -> None:
    """``post_migrate`` receiver: skipped when core's tables are not (or no longer) there."""
    try:
        if apps is not None:
            apps.get_model("core", "RoleScope")
    except LookupError:
        return
    install_default_roles()


def save_role_scopes(role: Role, scopes: dict[str, tuple[str, str]]) -> None:
    """Set a role's (view, change) scope per registered module, and its group's permissions."""
    from guanxi.core.services.role_permissions import sync_role_permissions

    errors: dict[str, list[str]] = {}
    for module, pair in scopes.items():
        try:
            modules.validate_module_code(module)
        except ValidationError as exc:
            errors.setdefault(module, []).extend(exc.messages)
            continue
        if any(value not in DataScope.values for value in pair):
            errors.setdefault(module, []).append(_("Unknown data scope."))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        for module, (view, change) in scopes.items():
            RoleScope.objects.update_or_create(
                role=role, module=module, defaults={"view": view, "change": change}
            )
        sync_role_permissions(role)


def role_codes(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_guanxi_role_codes", None)
    if cached is None:
        cached = set(Role.objects.filter(group__user=user).values_list("code", flat=True))
        user._guanxi_role_codes = cached
    return cached


def can_manage_organisation(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or role_codes(user) & modules.organisation_manager_roles())


def _require_manager(actor: Any) -> None:
    if not can_manage_organisation(actor):
        raise NotAllowed(_("Only administrators manage users and departments."))


def create_department(*, actor: Any, name: str, kind: str, parent: Department | None) -> Department:
    _require_manager(actor)
    if not name.strip():
        raise InvalidInput({"name": [_("This field is required.")]})
    if parent is None and Department.objects.exists():
        raise InvalidInput({"parent": [_("Only the company node has no parent.")]})
    with transaction.atomic():
        department = Department(name=name.strip(), kind=kind, parent=parent)
        try:
            department.full_clean(exclude=["path"])
        except ValidationError as exc:
            raise InvalidInput(exc.message_dict) from None
        department.save()
        department.path = f"{parent.path if parent else '/'}{department.pk}/"
        department.save(update_fields=["path"])
    return department


def update_department(
    *, actor: Any, department: Department, name: str, kind: str, parent: Department | None
) -> Department:
    _require_manager(actor)
    if parent is not None and parent.is_within(department):
        raise InvalidInput({"parent": [_("A department cannot move below itself.")]})
    if department.parent_id is None and parent is not None:
        raise InvalidInput({"parent": [_("The company node stays at the top.")]})
    with transaction.atomic():
        old_path = department.path
        department.name, department.kind, department.parent = name.strip(), kind, parent
        try:
            department.full_clean(exclude=["path"])
        except ValidationError as exc:
            raise InvalidInput(exc.message_dict) from None
        new_path = f"{parent.path if parent else '/'}{department.pk}/"
        department.path = new_path
        department.save()
        if new_path != old_path:
            # Move the whole subtree: one update per descendant keeps the paths consistent.
            for child in Department.objects.filter(path__startswith=old_path).exclude(
                pk=department.pk
            ):
                child.path = new_path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
    return department


def create_user(
    *,
    actor: Any,
    username: str,
    password: str,
    department: Department | None,
    roles: Iterable[str] = (),
    superior: User | None = None,
    display_name: str = "",
    email: str = "",
    language: str = "",
    check_actor: bool = True,
) -> User:
    if check_actor:
        _require_manager(actor)
    user = User(
        username=username,
        department=department,
        superior=superior,
        display_name=display_name,
        email=email,
        language=language,
    )
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        set_roles(actor=actor, user=user, codes=roles, check_actor=check_actor)
    return user


def set_roles(*, actor: Any, user: User, codes: Iterable[str], check_actor: bool = True) -> None:
    if check_actor:
        _require_manager(actor)
        if actor.pk == user.pk:
            raise NotAllowed(_("You cannot change your own roles."))
    roles = list(Role.objects.filter(code__in=list(codes)).select_related("group"))
    unknown = set(codes) - {r.code for r in roles}
    if unknown:
        raise InvalidInput(
            {"roles": [_("Unknown role: %(r)s") % {"r": ", ".join(sorted(unknown))}]}
        )
    user.groups.set([r.group for r in roles])


def update_user(
    *,
    actor: Any,
    user: User,
    department: Department | None,
    superior: User | None,
    roles: Iterable[str],
    is_active: bool,
    display_name: str,
    email: str,
) -> User:
    """Administrators edit users; nobody edits their own active flag, roles or department."""
    _require_manager(actor)
    roles = list(roles)
    if actor.pk == user.pk and (
        is_active != user.is_active
        or department != user.department
        or set(roles) != role_codes(user)
    ):
        raise NotAllowed(_("You cannot change your own active flag, roles or department."))
    if superior is not None and superior.pk == user.pk:
        raise InvalidInput({"superior": [_("A user cannot be their own superior.")]})
    with transaction.atomic():
        was_active = user.is_active
        user.department, user.superior = department, superior
        user.display_name, user.email, user.is_active = display_name, email, is_active
        user.save()
        if actor.pk != user.pk:
            set_roles(actor=actor, user=user, codes=roles)
        if was_active and not is_active:
            end_sessions_and_tokens(user)
    return user


def end_sessions_and_tokens(user: User) -> None:
    """Revoke every API token and delete every database session of ``user`` at once."""
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    stale = [
        s.pk
        for s in Session.objects.filter(expire_date__gte=timezone.now())
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=stale).delete()
