"""Leads: CRUD, disqualify, duplicate check, conversion, bulk and round-robin assignment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema

from guanxi.core.api import paginate
from guanxi.core.errors import InvalidInput
from guanxi.core.models import Department
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_in_bin, get_visible
from guanxi.core.signed_in import signed_in_user
from guanxi.sales import filters
from guanxi.sales.api import router
from guanxi.sales.api.common import (
    BulkAssignIn,
    MessageOut,
    PageInfo,
    Strict,
    _etag,
    _name,
    _set,
    _user,
    _version,
)
from guanxi.sales.models import (
    Lead,
)
from guanxi.sales.services import (
    leads,
)


class LeadOut(Schema):
    id: int
    source: str
    company: str
    contact_name: str
    contact_title: str
    phone: str
    email: str
    province: str
    city: str
    industry: str
    estimated_value: Decimal | None
    status: str
    disqualify_reason: str
    notes: str
    owner: int | None
    owner_name: str
    converted_customer: int | None
    converted_opportunity: int | None
    version: int
    created_at: dt.datetime

    @staticmethod
    def of(lead: Lead) -> dict[str, Any]:
        data = {f: getattr(lead, f) for f in leads.WRITABLE_FIELDS}
        data.update(
            id=lead.pk,
            owner=lead.owner_id,
            owner_name=_name(lead.owner),
            converted_customer=lead.converted_customer_id,
            converted_opportunity=lead.converted_opportunity_id,
            version=lead.version,
            created_at=lead.created_at,
        )
        return data


class LeadIn(Strict):
    company: str
    source: str = ""
    contact_name: str = ""
    contact_title: str = ""
    phone: str = ""
    email: str = ""
    province: str = ""
    city: str = ""
    industry: str = ""
    estimated_value: Decimal | None = None
    status: str = "new"
    notes: str = ""
    owner: int | None = None


class LeadPatch(Strict):
    company: str | None = None
    source: str | None = None
    contact_name: str | None = None
    contact_title: str | None = None
    phone: str | None = None
    email: str | None = None
    province: str | None = None
    city: str | None = None
    industry: str | None = None
    estimated_value: Decimal | None = None
    status: str | None = None
    disqualify_reason: str | None = None
    notes: str | None = None
    version: int | None = None


class LeadPage(PageInfo):
    items: list[LeadOut]


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


@router.get("/leads", response=LeadPage)
def list_leads(request: HttpRequest) -> dict[str, Any]:
    user = signed_in_user(request)
    rows, info = paginate(
        request, Lead.objects.visible_to(user).select_related("owner"), filters.LEAD_FILTERS
    )
    return {**info, "items": [LeadOut.of(x) for x in rows]}


@router.get("/leads/{lead_id}", response=LeadOut)
def get_lead(request: HttpRequest, lead_id: int, response: HttpResponse) -> dict[str, Any]:
    user = signed_in_user(request)
    lead = get_visible(Lead, lead_id, user)
    _etag(response, lead.version)
    return LeadOut.of(lead)


@router.post("/leads", response={201: LeadOut})
def create_lead(request: HttpRequest, payload: LeadIn) -> tuple[int, dict[str, Any]]:
    user = signed_in_user(request)
    values = _set(payload)
    owner = _user(values.pop("owner", None))
    return 201, LeadOut.of(leads.create_lead(actor=user, values=values, owner=owner))


@router.patch("/leads/{lead_id}", response=LeadOut)
def update_lead(request: HttpRequest, lead_id: int, payload: LeadPatch) -> dict[str, Any]:
    user = signed_in_user(request)
    lead = get_visible(Lead, lead_id, user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    return LeadOut.of(leads.update_lead(lead, actor=user, expected_version=version, changes=values))


@router.delete("/leads/{lead_id}", response={204: None})
def delete_lead(request: HttpRequest, lead_id: int) -> tuple[int, None]:
    user = signed_in_user(request)
    leads.delete_lead(get_visible(Lead, lead_id, user, CHANGE), actor=user)
    return 204, None


@router.post("/leads/{lead_id}/restore", response=LeadOut)
def restore_lead(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    user = signed_in_user(request)
    return LeadOut.of(leads.restore_lead(get_in_bin(Lead, lead_id, user), actor=user))


@router.post("/leads/{lead_id}/disqualify", response=LeadOut)
def disqualify_lead(request: HttpRequest, lead_id: int, payload: DisqualifyIn) -> dict[str, Any]:
    user = signed_in_user(request)
    lead = get_visible(Lead, lead_id, user, CHANGE)
    return LeadOut.of(
        leads.disqualify_lead(
            lead, actor=user, reason=payload.reason, expected_version=payload.version
        )
    )


@router.get(
    "/leads/{lead_id}/duplicates", response=list[DuplicateOut], summary="查重 before converting"
)
def lead_duplicates(request: HttpRequest, lead_id: int) -> Any:
    user = signed_in_user(request)
    lead = get_visible(Lead, lead_id, user)
    return [
        {
            "exists": True,
            "owner": f.owner,
            "reason": f.reason,
            "id": f.customer.pk if f.customer else None,
        }
        for f in leads.duplicates_for(lead, user)
    ]


@router.post(
    "/leads/{lead_id}/convert",
    response={200: LeadOut, 409: Any},
    summary="Convert a qualified lead",
)
def convert_lead(request: HttpRequest, lead_id: int, payload: ConvertIn) -> Any:
    user = signed_in_user(request)
    lead = get_visible(Lead, lead_id, user, CHANGE)
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
            actor=user,
            existing_customer=payload.existing_customer,
            create_new_customer=payload.create_new_customer,
            create_opportunity=payload.create_opportunity,
            opportunity=opportunity,
            expected_version=payload.version,
        )
    except leads.DuplicateCustomers as exc:
        return 409, {
            "code": "duplicate_customer",
            "detail": _(
                "Matching customers exist: attach the lead to one (existing_customer) or "
                "create a new customer anyway (create_new_customer)."
            ),
            "matches": [
                {"owner": f.owner, "reason": f.reason, "id": f.customer.pk if f.customer else None}
                for f in exc.found
            ],
        }
    return 200, LeadOut.of(lead)


@router.post("/leads/assign", response=MessageOut, summary="Bulk assignment, all or nothing")
def assign_leads(request: HttpRequest, payload: BulkAssignIn) -> dict[str, str]:
    user = signed_in_user(request)
    if not payload.ids:
        raise InvalidInput({"ids": [_("Select at least one record.")]})
    leads.assign_leads(payload.ids, actor=user, new_owner=_user(payload.owner))
    return {"detail": _("Owner changed.")}


@router.post(
    "/leads/round-robin", response=list[LeadOut], summary="Deal leads out in turn within a team"
)
def round_robin(request: HttpRequest, payload: RoundRobinIn) -> Any:
    user = signed_in_user(request)
    team = Department.objects.filter(pk=payload.team).first()
    if team is None:
        raise InvalidInput({"team": [_("No such team.")]})
    done = leads.assign_round_robin(payload.ids, actor=user, team=team)
    return [LeadOut.of(x) for x in done]
