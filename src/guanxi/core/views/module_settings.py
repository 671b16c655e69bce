"""The module settings pages (administrators only): one page per module, its history below."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput
from guanxi.core.forms import ModuleSettingsForm
from guanxi.core.models.module_settings import SettingChange
from guanxi.core.module_settings import (
    ModuleSettings,
    current_values,
    module_settings,
    registered_modules,
)
from guanxi.core.services.module_settings import change_settings, settings_history
from guanxi.core.signed_in import signed_in_user
from guanxi.core.views.admin import organisation_manager

HISTORY_PAGE_SIZE = 25


@organisation_manager
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/admin/settings_index.html", {"modules": registered_modules()})


@organisation_manager
def settings_module(request: HttpRequest, module: str) -> HttpResponse:
    try:
        declared = module_settings(module)
    except LookupError:
        raise Http404 from None
    data = request.POST if request.method == "POST" else None
    form = ModuleSettingsForm(declared, data, initial=current_values(module))
    if form.is_bound and form.is_valid():
        try:
            changes = change_settings(module, form.cleaned_data, actor=signed_in_user(request))
        except InvalidInput as exc:
            for key, errors in exc.errors.items():
                for error in errors:
                    form.add_error(key if key in form.fields else None, error)
        else:
            if changes:
                messages.success(request, _("Settings saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("core:settings_module", module=module)
    history = Paginator(settings_history(module), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/admin/settings_module.html",
        {
            "declared": declared,
            "form": form,
            "history": history,
            "history_rows": [_history_row(declared, change) for change in history],
        },
    )


def _history_row(declared: ModuleSettings, change: SettingChange) -> dict[str, Any]:
    """A history row for the page: the setting's label and both values as a reader sees them
    (a setting the module no longer declares shows its key and the raw values)."""
    setting = declared.settings.get(change.key)
    show = setting.display if setting else str
    return {
        "at": change.at,
        "actor": change.actor,
        "label": setting.label if setting else change.key,
        "old": show(change.old_value),
        "new": show(change.new_value),
    }
