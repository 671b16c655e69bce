"""The team members' actions (团队成员): add or change a member's access, remove one.

Listing and reading them are the declared ``team_members`` resource (``core/team_resource.py``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from guanxi.core.errors import InvalidInput
from guanxi.core.models.org import User
from guanxi.core.scopes import VIEW
from guanxi.core.services import collaborators, records
from guanxi.core.signed_in import signed_in_user
from guanxi.core.team import model_for

router = Router(tags=["platform"])


class TeamMemberOut(Schema):
    user_id: int
    username: str
    display_name: str
    can_change: bool


class TeamMemberIn(Schema):
    can_change: bool = False


def _record(request: HttpRequest, label: str, pk: int) -> object:
    model, _detail = model_for(label)
    return records.get_visible(model, pk, signed_in_user(request), VIEW)


def _out(record: object) -> list[dict]:
    return [
        {
            "user_id": m.user_id,
            "username": m.user.username,
            "display_name": str(m.user),
            "can_change": m.can_change,
        }
        for m in collaborators.team_of(record)
    ]


@router.put(
    "/team/{label}/{pk}/{user_id}",
    response=list[TeamMemberOut],
    summary="Add a colleague to a record's team, or change their access",
)
def put_team_member(
    request: HttpRequest, label: str, pk: int, user_id: int, payload: TeamMemberIn
) -> list[dict]:
    record = _record(request, label, pk)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput({"user_id": [_("No active user with this id.")]})
    collaborators.set_team_member(
        record, actor=signed_in_user(request), user=user, can_change=payload.can_change
    )
    return _out(record)


@router.delete(
    "/team/{label}/{pk}/{user_id}",
    response=list[TeamMemberOut],
    summary="Take a colleague off a record's team",
)
def delete_team_member(request: HttpRequest, label: str, pk: int, user_id: int) -> list[dict]:
    record = _record(request, label, pk)
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        collaborators.remove_team_member(record, actor=signed_in_user(request), user=user)
    return _out(record)
