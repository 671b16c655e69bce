"""Adding and removing a record's team members (团队成员), for any registered record model."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core import team
from guanxi.core.errors import InvalidInput
from guanxi.core.models.org import User
from guanxi.core.scopes import VIEW
from guanxi.core.services import collaborators, records
from guanxi.core.signed_in import signed_in_user
from guanxi.core.views.generic import as_http_errors


@login_required
@require_POST
@as_http_errors
def team_add(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    model, detail_url = team.model_for(label)
    actor = signed_in_user(request)
    record: Any = records.get_visible(model, pk, actor, VIEW)
    form = team.TeamMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a colleague and an access level."))
    else:
        user = form.cleaned_data["user"]
        try:
            collaborators.set_team_member(
                record, actor=actor, user=user, can_change=form.cleaned_data["can_change"]
            )
        except InvalidInput as exc:
            messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        else:
            messages.success(request, _("%(user)s is on the team.") % {"user": user})
    return HttpResponseRedirect(reverse(detail_url, args=[pk]))


@login_required
@require_POST
@as_http_errors
def team_remove(request: HttpRequest, label: str, pk: int, user_id: int) -> HttpResponse:
    model, detail_url = team.model_for(label)
    actor = signed_in_user(request)
    record: Any = records.get_visible(model, pk, actor, VIEW)
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        collaborators.remove_team_member(record, actor=actor, user=user)
        messages.success(request, _("%(user)s is no longer on the team.") % {"user": user})
    return HttpResponseRedirect(reverse(detail_url, args=[pk]))
