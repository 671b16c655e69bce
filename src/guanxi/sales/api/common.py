"""Shared pieces of the sales API: strict input schemas, version handling, line schemas."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict

from guanxi.core.errors import InvalidInput
from guanxi.core.models import User
from guanxi.sales.line_schemas import LineIn as LineIn
from guanxi.sales.line_schemas import LineOut as LineOut
from guanxi.sales.line_schemas import line_rows
from guanxi.sales.models import (
    PriceList,
)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _version(request: HttpRequest, payload: dict[str, Any]) -> int:
    """The version the client's copy was read at: the body's ``version`` or If-Match."""
    version = payload.pop("version", None)
    if version is None:
        header = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
        if header.isdigit():
            version = int(header)
    if version is None:
        raise InvalidInput(
            {"version": [_("Send the version you edited (a version field or If-Match).")]}
        )
    return int(version)


def _set(schema: Any) -> dict[str, Any]:
    return schema.model_dump(exclude_unset=True)


def _user(user_id: int | None, field: str = "owner") -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput({field: [_("No active user with this id.")]})
    return user


def _price_list_of(request: HttpRequest, price_list_id: int | None) -> PriceList | None:
    if price_list_id is None:
        return None
    found = PriceList.objects.visible_to(request.user).filter(pk=price_list_id, active=True).first()
    if found is None:
        raise InvalidInput({"price_list": [_("No such active price list.")]})
    return found


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


class PageInfo(Schema):
    count: int
    page: int
    page_size: int


class MessageOut(Schema):
    detail: str


class BulkAssignIn(Strict):
    ids: list[int]
    owner: int


#: The order routes' name for the lines as the API shows them.
_lines = line_rows


class LinesIn(Strict):
    lines: list[LineIn]
    version: int | None = None


class VersionIn(Strict):
    version: int | None = None
