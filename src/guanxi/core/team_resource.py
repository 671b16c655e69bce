"""Team members (团队成员) as a declared resource: core lists and shows them, each row
following the scope of the record it belongs to; adding, changing and removing a member are the
declaration's actions (``PUT`` / ``DELETE /api/v1/team/{label}/{pk}/{user_id}``)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput, RecordNotFound
from guanxi.core.filters import Filter, FilterSet, _values
from guanxi.core.models.records import Collaborator
from guanxi.core.resources import Action, Computed, Resource, ScopeKind, register
from guanxi.core.team import model_for


class TeamFilterSet(FilterSet):
    """Adds ``record=<label>:<pk>`` (``customers.customer:12``): one record's team."""

    def apply(self, queryset: QuerySet[Any], params: Any) -> QuerySet[Any]:
        queryset = super().apply(queryset, params)
        for raw in _values(params, "record"):
            label, _sep, pk = raw.partition(":")
            try:
                model, _detail = model_for(label)
                object_id = int(pk)
            except (RecordNotFound, ValueError):
                raise InvalidInput(
                    {"record": [_("Name a record as <label>:<id>, e.g. customers.customer:12.")]}
                ) from None
            content_type = ContentType.objects.get_for_model(model)
            queryset = queryset.filter(content_type=content_type, object_id=object_id)
        return queryset


TEAM_FILTERS = TeamFilterSet(
    filters={"user": Filter("user_id", int, many=True), "can_change": Filter("can_change", bool)},
    sorts={"username": "user__username", "id": "id"},
    default_sort="username",
    extra_params=frozenset({"record"}),
)


def _record(member: Collaborator) -> str:
    content_type = ContentType.objects.get_for_id(member.content_type_id)
    return f"{content_type.app_label}.{content_type.model}:{member.object_id}"


TEAM_MEMBERS = Resource(
    model=Collaborator,
    name="team_members",
    path="team-members",
    singular="team_member",
    read=("id", "can_change"),
    computed=(
        Computed("record", str, _record),
        Computed("user_id", int, lambda m: m.user_id),
        Computed("username", str, lambda m: m.user.username),
        Computed("display_name", str, lambda m: str(m.user)),
    ),
    filterset=TEAM_FILTERS,
    operations=frozenset({"list", "detail"}),
    scope=ScopeKind.RELATED,
    actions=(Action("put_team_member", "scoped"), Action("delete_team_member", "scoped")),
    select_related=("user",),
    summary="Team members of the records you may see (filter: record=customers.customer:12)",
    tags=("platform",),
)


def register_all() -> None:
    register(TEAM_MEMBERS)
