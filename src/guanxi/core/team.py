"""Records with a team (团队成员): the models the modules register, and the team panel.

    from guanxi.core import team
    team.register(Customer, "customers:customer_detail")

The panel template is ``core/_team_panel.html``; a module shows it on the record's page with
`panel_context`, and the add and remove forms post to the core views in `guanxi.core.views.team`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import RecordNotFound
from guanxi.core.models.org import User
from guanxi.core.services.collaborators import may_manage_team, team_of
from guanxi.core.signed_in import signed_in_user

#: model label ("customers.customer") -> (model, URL name of its detail page)
_MODELS: dict[str, tuple[type, str]] = {}


def register(model: type, detail_url: str) -> None:
    _MODELS[model._meta.label_lower] = (model, detail_url)  # type: ignore[attr-defined]


def registered_models() -> list[Any]:
    """The models with a team (their managers' ``visible_to`` decides who sees a member)."""
    return [model for model, _detail in _MODELS.values()]


def model_for(label: str) -> tuple[type, str]:
    """The registered model and detail URL name for a label; unknown labels are a 404."""
    try:
        return _MODELS[label]
    except KeyError:
        raise RecordNotFound(label) from None


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Colleague"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        widget=forms.Select(attrs={"id": "team-user"}),
    )
    can_change = forms.TypedChoiceField(
        label=_("Access"),
        choices=[("0", _("read-only")), ("1", _("read-write"))],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.Select(attrs={"id": "team-access"}),
    )


def panel_context(record: Any, request: HttpRequest) -> dict[str, Any]:
    """The team panel's context: members, and the forms when the viewer may manage them."""
    label = type(record)._meta.label_lower
    manage = may_manage_team(signed_in_user(request), record)
    form = TeamMemberForm() if manage else None
    if form is not None:
        owner_id = getattr(record, "owner_id", None)
        field = form.fields["user"]
        field.queryset = field.queryset.exclude(pk=owner_id)  # type: ignore[attr-defined]
    return {
        "record": record,
        "team": team_of(record),
        "may_manage": manage,
        "form": form,
        "add_url": reverse("core:team_add", args=[label, record.pk]),
        "remove_url_name": "core:team_remove",
        "label": label,
    }
