"""Guanxi's own administration pages: users, departments and roles (administrators only).

The Django admin stays a superuser's repair tool; the application is managed here, through the
organisation services, so the rules (nobody edits their own roles or active flag, deactivation
ends sessions and tokens) hold on every path.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from guanxi.core import modules
from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.forms import DepartmentForm, RoleScopeForm, UserCreateForm, UserEditForm
from guanxi.core.models import Department, Role, User
from guanxi.core.services import org


def organisation_manager(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not org.can_manage_organisation(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _form_errors(form: Any, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@organisation_manager
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.select_related("department", "superior").prefetch_related("groups__role")
    return render(request, "core/admin/user_list.html", {"users": users})


@organisation_manager
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = org.create_user(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("core:user_list")
    return render(request, "core/admin/form.html", {"form": form, "title": _("New user")})


@organisation_manager
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    editing_self = user.pk == request.user.pk
    initial = {
        "display_name": user.display_name,
        "email": user.email,
        "department": user.department,
        "superior": user.superior,
        "roles": sorted(org.role_codes(user)),
        "is_active": user.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial, editing_self=editing_self)
    if request.method == "POST" and form.is_valid():
        try:
            org.update_user(actor=request.user, user=user, **form.cleaned_data)
        except InvalidInput as exc:
            _form_errors(form, exc)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("User %(name)s saved.") % {"name": user.username})
            return redirect("core:user_list")
    return render(
        request, "core/admin/form.html", {"form": form, "title": user.username, "object": user}
    )


@organisation_manager
def department_list(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.select_related("parent")
    return render(request, "core/admin/department_list.html", {"departments": departments})


@organisation_manager
def department_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk) if pk else None
    initial = (
        {"name": department.name, "kind": department.kind, "parent": department.parent}
        if department
        else {}
    )
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if department is None:
                org.create_department(actor=request.user, **form.cleaned_data)
            else:
                org.update_department(
                    actor=request.user, department=department, **form.cleaned_data
                )
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Department saved."))
            return redirect("core:department_list")
    title = department.name if department else _("New department")
    return render(request, "core/admin/form.html", {"form": form, "title": title})


@organisation_manager
def role_list(request: HttpRequest) -> HttpResponse:
    order = {code: i for i, code in enumerate(modules.module_codes())}
    rows = []
    for role in Role.objects.prefetch_related("scopes"):
        # Rows of a module no longer (or not yet) registered have no effect: not listed.
        scopes = [s for s in role.scopes.all() if s.module in order]
        scopes.sort(key=lambda s: order[s.module])
        rows.append((role, scopes))
    return render(request, "core/admin/role_list.html", {"rows": rows})


@organisation_manager
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=pk)
    form = RoleScopeForm(request.POST or None, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            org.save_role_scopes(role, form.scopes())
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Role %(name)s saved.") % {"name": role})
            return redirect("core:role_list")
    return render(request, "core/admin/form.html", {"form": form, "title": str(role)})
