"""Shared input schemas of the sales API's action routes (strict: unknown fields are a 400)."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict

from guanxi.sales.line_schemas import LineIn


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class MessageOut(Schema):
    detail: str


class BulkAssignIn(Strict):
    ids: list[int]
    owner: int


class LinesIn(Strict):
    lines: list[LineIn]
    version: int | None = None


class VersionIn(Strict):
    version: int | None = None
