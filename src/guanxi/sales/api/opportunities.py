"""Opportunities: CRUD, product lines, stage moves and the stage history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema

from guanxi.core.api import paginate
from guanxi.core.errors import InvalidInput
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_in_bin, get_visible
from guanxi.core.signed_in import signed_in_user
from guanxi.customers.models import Customer
from guanxi.sales import filters
from guanxi.sales.api import router
from guanxi.sales.api.common import (
    BulkAssignIn,
    LineIn,
    LineOut,
    LinesIn,
    MessageOut,
    PageInfo,
    Strict,
    _etag,
    _lines,
    _name,
    _price_list_of,
    _set,
    _user,
    _version,
)
from guanxi.sales.models import (
    Opportunity,
    Stage,
    StageHistory,
)
from guanxi.sales.services import (
    opportunities,
)


class OpportunityOut(Schema):
    id: int
    name: str
    customer: int
    customer_name: str
    contact: int | None
    pipeline: int
    stage: int
    stage_name: str
    probability: int
    outcome: str
    amount: Decimal
    weighted_amount: Decimal
    opened_on: dt.date
    expected_close_date: dt.date | None
    closed_on: dt.date | None
    next_step: str
    lost_reason: str
    competitor: str
    notes: str
    owner: int | None
    owner_name: str
    version: int

    @staticmethod
    def of(o: Opportunity) -> dict[str, Any]:
        return {
            "id": o.pk,
            "name": o.name,
            "customer": o.customer_id,
            "customer_name": o.customer.name,
            "contact": o.contact_id,
            "pipeline": o.pipeline_id,
            "stage": o.stage_id,
            "stage_name": o.stage.name,
            "probability": o.stage.probability,
            "outcome": o.outcome,
            "amount": o.amount,
            "weighted_amount": o.weighted_amount,
            "opened_on": o.opened_on,
            "expected_close_date": o.expected_close_date,
            "closed_on": o.closed_on,
            "next_step": o.next_step,
            "lost_reason": o.lost_reason,
            "competitor": o.competitor,
            "notes": o.notes,
            "owner": o.owner_id,
            "owner_name": _name(o.owner),
            "version": o.version,
        }


class OpportunityDetailOut(OpportunityOut):
    lines: list[LineOut]


class OpportunityIn(Strict):
    customer: int
    name: str
    contact: int | None = None
    amount: Decimal | None = None
    expected_close_date: dt.date | None = None
    next_step: str = ""
    competitor: str = ""
    notes: str = ""
    owner: int | None = None
    stage: int | None = None
    price_list: int | None = None
    lines: list[LineIn] | None = None


class OpportunityPatch(Strict):
    name: str | None = None
    contact: int | None = None
    amount: Decimal | None = None
    expected_close_date: dt.date | None = None
    next_step: str | None = None
    competitor: str | None = None
    notes: str | None = None
    version: int | None = None


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


class OpportunityPage(PageInfo):
    items: list[OpportunityOut]


def _opportunity_rows(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    return Opportunity.objects.visible_to(user).select_related("customer", "stage", "owner")


@router.get("/opportunities", response=OpportunityPage)
def list_opportunities(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(request, _opportunity_rows(request), filters.OPPORTUNITY_FILTERS)
    return {**info, "items": [OpportunityOut.of(o) for o in rows]}


def _opportunity_detail(o: Opportunity) -> dict[str, Any]:
    return {**OpportunityOut.of(o), "lines": _lines(o.lines.select_related("product"))}


@router.get("/opportunities/{opportunity_id}", response=OpportunityDetailOut)
def get_opportunity(
    request: HttpRequest, opportunity_id: int, response: HttpResponse
) -> dict[str, Any]:
    user = signed_in_user(request)
    o = get_visible(Opportunity, opportunity_id, user)
    _etag(response, o.version)
    return _opportunity_detail(o)


@router.post("/opportunities", response={201: OpportunityDetailOut})
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> tuple[int, dict[str, Any]]:
    user = signed_in_user(request)
    values = _set(payload)
    customer = get_visible(Customer, values.pop("customer"), user)
    owner = _user(values.pop("owner", None))
    stage_id = values.pop("stage", None)
    stage = Stage.objects.filter(pk=stage_id).first() if stage_id else None
    if stage_id and stage is None:
        raise InvalidInput({"stage": [_("No such stage.")]})
    lines = values.pop("lines", None)
    price_list = _price_list_of(request, values.pop("price_list", None))
    o = opportunities.create_opportunity(
        actor=user,
        customer=customer,
        values=values,
        owner=owner,
        stage=stage,
        lines=lines,
        price_list=price_list,
    )
    return 201, _opportunity_detail(o)


@router.patch("/opportunities/{opportunity_id}", response=OpportunityDetailOut)
def update_opportunity(
    request: HttpRequest, opportunity_id: int, payload: OpportunityPatch
) -> dict[str, Any]:
    user = signed_in_user(request)
    o = get_visible(Opportunity, opportunity_id, user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    o = opportunities.update_opportunity(o, actor=user, expected_version=version, changes=values)
    return _opportunity_detail(o)


@router.delete("/opportunities/{opportunity_id}", response={204: None})
def delete_opportunity(request: HttpRequest, opportunity_id: int) -> tuple[int, None]:
    user = signed_in_user(request)
    o = get_visible(Opportunity, opportunity_id, user, CHANGE)
    opportunities.delete_opportunity(o, actor=user)
    return 204, None


@router.post("/opportunities/{opportunity_id}/restore", response=OpportunityOut)
def restore_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    user = signed_in_user(request)
    o = get_in_bin(Opportunity, opportunity_id, user)
    return OpportunityOut.of(opportunities.restore_opportunity(o, actor=user))


@router.post(
    "/opportunities/{opportunity_id}/stage", response=OpportunityOut, summary="Move to a stage"
)
def move_opportunity(
    request: HttpRequest, opportunity_id: int, payload: StageMoveIn
) -> dict[str, Any]:
    user = signed_in_user(request)
    o = get_visible(Opportunity, opportunity_id, user, CHANGE)
    stage = Stage.objects.filter(pk=payload.stage).first()
    if stage is None:
        raise InvalidInput({"stage": [_("No such stage.")]})
    o = opportunities.move_stage(
        o,
        actor=user,
        stage=stage,
        expected_version=payload.version,
        lost_reason=payload.lost_reason,
        competitor=payload.competitor,
    )
    return OpportunityOut.of(o)


@router.put("/opportunities/{opportunity_id}/lines", response=OpportunityDetailOut)
def replace_opportunity_lines(
    request: HttpRequest, opportunity_id: int, payload: LinesIn
) -> dict[str, Any]:
    user = signed_in_user(request)
    o = get_visible(Opportunity, opportunity_id, user, CHANGE)
    o = opportunities.replace_lines(
        o,
        actor=user,
        lines=[line.model_dump() for line in payload.lines],
        expected_version=payload.version,
    )
    return _opportunity_detail(o)


@router.get(
    "/opportunities/{opportunity_id}/history", response=list[HistoryOut], summary="Stage history"
)
def opportunity_history(request: HttpRequest, opportunity_id: int) -> Any:
    user = signed_in_user(request)
    o = get_visible(Opportunity, opportunity_id, user)
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
    user = signed_in_user(request)
    if not payload.ids:
        raise InvalidInput({"ids": [_("Select at least one record.")]})
    opportunities.reassign_opportunities(payload.ids, actor=user, new_owner=_user(payload.owner))
    return {"detail": _("Owner changed.")}
