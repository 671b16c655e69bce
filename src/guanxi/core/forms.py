"""Forms of the platform's administration pages, and the typed field lookup all forms share."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core import modules
from guanxi.core.models import Department, Role, User
from guanxi.core.models.roles import DataScope
from guanxi.core.module_settings import ModuleSettings

_F = TypeVar("_F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """``form.fields[name]`` as the field class it was built with: django-stubs types ``fields``
    as plain ``Field``, without ``choices``, ``queryset`` or ``input_formats``."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def role_choices() -> list[tuple[str, str]]:
    return [(r.code, str(r)) for r in Role.objects.all()]


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Department.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent"), queryset=Department.objects.all(), required=False
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    superior = forms.ModelChoiceField(
        label=_("Direct superior"), queryset=User.objects.filter(is_active=True), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=role_choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    superior = forms.ModelChoiceField(
        label=_("Direct superior"), queryset=User.objects.filter(is_active=True), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=role_choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, editing_self: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing_self:
            for name in ("department", "roles", "is_active"):
                self.fields[name].disabled = True


class RoleScopeForm(forms.Form):
    """One view/change pair per registered module for a role.

    A pair left out of the submission keeps the role's current scope (a module registered
    after the client built its form is not reset).
    """

    def __init__(self, *args: Any, role: Role, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = {s.module: s for s in role.scopes.all()}
        for spec in modules.modules():
            scope = self.current.get(spec.code)
            for action, label, value in (
                ("view", _("%(module)s: view"), scope.view if scope else DataScope.NONE),
                ("change", _("%(module)s: change"), scope.change if scope else DataScope.NONE),
            ):
                self.fields[f"{spec.code}_{action}"] = forms.ChoiceField(
                    label=label % {"module": spec.label},
                    choices=DataScope.choices,
                    initial=value,
                    required=False,
                )

    def scopes(self) -> dict[str, tuple[str, str]]:
        """Module code → (view, change) from the cleaned data, current values where left out."""
        result = {}
        for spec in modules.modules():
            scope = self.current.get(spec.code)
            view = self.cleaned_data.get(f"{spec.code}_view") or (
                scope.view if scope else DataScope.NONE
            )
            change = self.cleaned_data.get(f"{spec.code}_change") or (
                scope.change if scope else DataScope.NONE
            )
            result[spec.code] = (view, change)
        return result


class ModuleSettingsForm(forms.Form):
    """One field per declared setting, built from the declaration (labels, help, validation)."""

    def __init__(self, declared: ModuleSettings, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, setting in declared.settings.items():
            self.fields[key] = setting.form_field()
