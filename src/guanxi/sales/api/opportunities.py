"""Opportunities: the actions the declaration names (stage moves, product lines, the stage
history, bulk reassignment). List, detail, create, PATCH, delete and restore are built by core
from ``sales/resources_pipeline.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

from guanxi.core.errors import InvalidInput
from guanxi.core.resources.api_routes import active_user, answer
from guanxi.core.resources.schemas import out_schema
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.sales.api import router
from guanxi.sales.api.common import BulkAssignIn, LinesIn, MessageOut, Strict
from guanxi.sales.models import Opportunity, Stage, StageHistory
from guanxi.sales.resources_pipeline import OPPORTUNITIES
from guanxi.sales.services import opportunities

OpportunityOut = out_schema(OPPORTUNITIES)


class StageMoveIn(Strict):
    stage: int
    version: int | None = None
    lost_reason: str = ""
    competitor: str = ""


class HistoryOut(Schema):
    stage: int
    stage_name: str
    entered_at: dt.datetime
    left_at: dt.datetime | None
    days: float | None


@router.post(
    "/opportunities/{int:opportunity_id}/stage", response=OpportunityOut, summary="Move to a stage"
)
def move_opportunity(
    request: HttpRequest, opportunity_id: int, payload: StageMoveIn
) -> dict[str, Any]:
    o = get_visible(Opportunity, opportunity_id, request.user, CHANGE)
    stage = Stage.objects.filter(pk=payload.stage).first()
    if stage is None:
        raise InvalidInput({"stage": [_("No such stage.")]})
    o = opportunities.move_stage(
        o,
        actor=request.user,
        stage=stage,
        expected_version=payload.version,
        lost_reason=payload.lost_reason,
        competitor=payload.competitor,
    )
    return answer(OPPORTUNITIES, o, request.user)


@router.put("/opportunities/{int:opportunity_id}/lines", response=OpportunityOut)
def replace_opportunity_lines(
    request: HttpRequest, opportunity_id: int, payload: LinesIn
) -> dict[str, Any]:
    o = get_visible(Opportunity, opportunity_id, request.user, CHANGE)
    o = opportunities.replace_lines(
        o,
        actor=request.user,
        lines=[line.model_dump() for line in payload.lines],
        expected_version=payload.version,
    )
    return answer(OPPORTUNITIES, o, request.user)


@router.get(
    "/opportunities/{int:opportunity_id}/history",
    response=list[HistoryOut],
    summary="Stage history",
)
def opportunity_history(request: HttpRequest, opportunity_id: int) -> Any:
    o = get_visible(Opportunity, opportunity_id, request.user)
    rows = StageHistory.objects.filter(opportunity=o).select_related("stage")
    return [
        {
            "stage": h.stage_id,
            "stage_name": h.stage.name,
            "entered_at": h.entered_at,
            "left_at": h.left_at,
            "days": h.duration_days,
        }
        for h in rows
    ]


@router.post(
    "/opportunities/reassign", response=MessageOut, summary="Bulk reassign, all or nothing"
)
def reassign_opportunities(request: HttpRequest, payload: BulkAssignIn) -> dict[str, str]:
    if not payload.ids:
        raise InvalidInput({"ids": [_("Select at least one record.")]})
    opportunities.reassign_opportunities(
        payload.ids, actor=request.user, new_owner=active_user(payload.owner)
    )
    return {"detail": _("Owner changed.")}
