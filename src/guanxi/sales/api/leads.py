"""Leads: the actions the declaration names (disqualify, duplicate check, conversion, bulk and
round-robin assignment). List, detail, create, PATCH, delete and restore are built by core from
``sales/resources_pipeline.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import GenericAlias
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema, Status

from guanxi.core.errors import InvalidInput
from guanxi.core.models import Department
from guanxi.core.resources.api_routes import active_user, answer, out
from guanxi.core.resources.schemas import out_schema
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.sales.api import router
from guanxi.sales.api.common import BulkAssignIn, MessageOut, Strict
from guanxi.sales.models import Lead
from guanxi.sales.resources_pipeline import LEADS
from guanxi.sales.services import leads

LeadOut = out_schema(LEADS)
#: ``list[LeadOut]``, spelt as a call: the schema is built at run time from the declaration.
LeadsOut = GenericAlias(list, (LeadOut,))


class DisqualifyIn(Strict):
    reason: str
    version: int | None = None


class ConvertIn(Strict):
    existing_customer: int | None = None
    create_new_customer: bool = False
    create_opportunity: bool = True
    opportunity_name: str | None = None
    opportunity_amount: Decimal | None = None
    expected_close_date: dt.date | None = None
    version: int | None = None


class DuplicateOut(Schema):
    exists: bool
    owner: str
    reason: str
    id: int | None


class RoundRobinIn(Strict):
    ids: list[int]
    team: int


@router.post("/leads/{int:lead_id}/disqualify", response=LeadOut)
def disqualify_lead(request: HttpRequest, lead_id: int, payload: DisqualifyIn) -> dict[str, Any]:
    lead = get_visible(Lead, lead_id, request.user, CHANGE)
    done = leads.disqualify_lead(
        lead, actor=request.user, reason=payload.reason, expected_version=payload.version
    )
    return answer(LEADS, done, request.user)


@router.get(
    "/leads/{int:lead_id}/duplicates", response=list[DuplicateOut], summary="查重 before converting"
)
def lead_duplicates(request: HttpRequest, lead_id: int) -> Any:
    lead = get_visible(Lead, lead_id, request.user)
    return [
        {
            "exists": True,
            "owner": f.owner,
            "reason": f.reason,
            "id": f.customer.pk if f.customer else None,
        }
        for f in leads.duplicates_for(lead, request.user)
    ]


@router.post(
    "/leads/{int:lead_id}/convert",
    response={200: LeadOut, 409: Any},
    summary="Convert a qualified lead",
)
def convert_lead(request: HttpRequest, lead_id: int, payload: ConvertIn) -> Any:
    lead = get_visible(Lead, lead_id, request.user, CHANGE)
    opportunity: dict[str, Any] = {}
    if payload.opportunity_name:
        opportunity["name"] = payload.opportunity_name
    if payload.opportunity_amount is not None:
        opportunity["amount"] = payload.opportunity_amount
    if payload.expected_close_date is not None:
        opportunity["expected_close_date"] = payload.expected_close_date
    try:
        lead = leads.convert_lead(
            lead,
            actor=request.user,
            existing_customer=payload.existing_customer,
            create_new_customer=payload.create_new_customer,
            create_opportunity=payload.create_opportunity,
            opportunity=opportunity,
            expected_version=payload.version,
        )
    except leads.DuplicateCustomers as exc:
        return Status(
            409,
            {
                "code": "duplicate_customer",
                "detail": _(
                    "Matching customers exist: attach the lead to one (existing_customer) or "
                    "create a new customer anyway (create_new_customer)."
                ),
                "matches": [
                    {
                        "owner": f.owner,
                        "reason": f.reason,
                        "id": f.customer.pk if f.customer else None,
                    }
                    for f in exc.found
                ],
            },
        )
    return Status(200, answer(LEADS, lead, request.user))


@router.post("/leads/assign", response=MessageOut, summary="Bulk assignment, all or nothing")
def assign_leads(request: HttpRequest, payload: BulkAssignIn) -> dict[str, str]:
    if not payload.ids:
        raise InvalidInput({"ids": [_("Select at least one record.")]})
    leads.assign_leads(payload.ids, actor=request.user, new_owner=active_user(payload.owner))
    return {"detail": _("Owner changed.")}


@router.post(
    "/leads/round-robin", response=LeadsOut, summary="Deal leads out in turn within a team"
)
def round_robin(request: HttpRequest, payload: RoundRobinIn) -> Any:
    team = Department.objects.filter(pk=payload.team).first()
    if team is None:
        raise InvalidInput({"team": [_("No such team.")]})
    done = leads.assign_round_robin(payload.ids, actor=request.user, team=team)
    return [out(LEADS, x, request.user) for x in done]
