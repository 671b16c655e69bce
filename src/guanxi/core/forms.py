"""The base of every record form, the typed field lookup all forms share, and the forms of the
platform's administration pages."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core import modules
from guanxi.core.models import Department, Role, User
from guanxi.core.models.records import AuditedQuerySet
from guanxi.core.models.roles import DataScope
from guanxi.core.module_settings import ModuleSettings
from guanxi.core.scopes import VIEW

_F = TypeVar("_F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """``form.fields[name]`` as the field class it was built with: django-stubs types ``fields``
    as plain ``Field``, without ``choices``, ``queryset`` or ``input_formats``."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def handover_choices(actor: Any, module: str) -> list[tuple[int, str]]:
    """Users the actor may hand a record of ``module`` to (the department rule), for owner
    selects."""
    from guanxi.core.services.records import may_hand_over_to

    users = User.objects.filter(is_active=True).select_related("department")
    return [(u.pk, str(u)) for u in users if may_hand_over_to(actor, u, module)]


class RecordForm(forms.Form):
    """The base of the forms that create and edit business records. They validate input only;
    saving goes through the services, which get :meth:`values`.

    The form knows the acting user and the record edited (None on create), so related-record
    choices are narrowed through the scope rule (:meth:`narrow`) and the owner select offers
    only the users the actor may hand records to (:meth:`offer_owners`). Fields are declared on
    the form (initial values read from the instance), or, mixed with ``forms.ModelForm``
    (``class F(RecordForm, forms.ModelForm)``), taken from the model, whose own validation then
    runs without the unique checks: the services check those against live rows, and the
    database constraints decide any race.
    """

    #: The cleaned fields :meth:`values` hands to the service (default: every field).
    service_fields: tuple[str, ...] = ()
    #: Model-form fields the model's validation skips: the service checks them (a generated
    #: code, a parent that is not on the form).
    service_checked: tuple[str, ...] = ()

    def __init__(
        self, data: Any = None, *, instance: Any = None, user: Any = None, **kwargs: Any
    ) -> None:
        if isinstance(self, forms.BaseModelForm):
            super().__init__(data, instance=instance, **kwargs)
        else:
            initial = {}
            if instance is not None:
                for name in self.base_fields:
                    value: Any = getattr(instance, name, None)
                    initial[name] = value.pk if hasattr(value, "pk") else value
            initial.update(kwargs.pop("initial", {}) or {})
            super().__init__(data, initial=initial, **kwargs)
            self.instance = instance
        #: the record edited; a model form keeps ModelForm's unsaved instance on create
        self.editing = instance is not None
        self.user = user

    def narrow(self, name: str, queryset: AuditedQuerySet, action: str = VIEW) -> None:
        """Offer in the choice field ``name`` only the records of ``queryset`` the user may
        ``action``: one outside the scope is refused like a missing one."""
        field = form_field(self, name, forms.ModelChoiceField)
        field.queryset = queryset.visible_to(self.user, action)

    def offer_owners(self, module: str) -> None:
        """A new record's owner: the actor ("Me") or a user they may hand ``module`` records
        to. An edit has no owner field: the owner changes through the reassign action."""
        if self.editing:
            del self.fields["owner"]
        else:
            owner = form_field(self, "owner", forms.ChoiceField)
            owner.choices = [("", _("Me")), *handover_choices(self.user, module)]

    def values(self) -> dict[str, Any]:
        """The cleaned fields the service writes."""
        names = self.service_fields or tuple(self.fields)
        return {
            n: self.cleaned_data[n] for n in names if n in self.cleaned_data and n in self.fields
        }

    def _post_clean(self) -> None:
        if not isinstance(self, forms.BaseModelForm):
            return
        # BaseModelForm's own _post_clean, without its unique checks and without the
        # service_checked fields; its private helpers are not in django-stubs.
        exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
        exclude.update(self.service_checked)
        try:
            self.instance = forms.models.construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
            self.instance.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except forms.ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]


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
