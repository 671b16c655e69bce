"""The create and edit form of a declared resource: its writable fields, from the model.

A plain resource needs no form class of its own; one with widgets or choices narrowed by scope
writes a ``RecordForm`` subclass and names it on its edit view.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.db import models

from guanxi.core.forms import RecordForm
from guanxi.core.resources import registry
from guanxi.core.resources.declaration import Resource


class DeclaredForm(RecordForm, forms.ModelForm):
    """A model form whose model validation runs without the unique checks (the services')."""


def form_for(resource: Resource) -> type[forms.BaseForm]:
    return _form(resource.name)


def _form_field(model_field: models.Field[Any, Any]) -> forms.Field:
    if isinstance(model_field, models.URLField):
        field = model_field.formfield(assume_scheme="https")  # a bare "example.cn" is https
    else:
        field = model_field.formfield()
    assert field is not None  # only concrete, editable fields are declared writable
    return field


@cache
def _form(name: str) -> type[forms.BaseForm]:
    resource = registry.get(name)
    form: type[forms.BaseForm] = forms.modelform_factory(
        resource.model,
        form=DeclaredForm,
        fields=list(resource.write),
        formfield_callback=_form_field,
    )
    return form
