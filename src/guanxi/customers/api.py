"""The customers API: /api/v1/customers, /api/v1/contacts, /api/v1/activities.

Lists share the pages' filter sets (unknown query keys → 400 naming the key); every route
starts from the scope rule (out of view scope → 404 like missing, visible but not changeable →
403); writes carry the version (a ``version`` field or If-Match) and a stale one answers 409
naming the changed fields. Owner, department, version and timestamps are not client-writable;
the owner changes through the reassign routes.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, create_model

from guanxi.core import imports, jobs
from guanxi.core.api import paginate
from guanxi.core.errors import InvalidInput
from guanxi.core.models import ImportBatch, JobRun, User
from guanxi.core.scopes import CHANGE, VIEW
from guanxi.core.services.records import get_in_bin, get_visible
from guanxi.customers.filters import ACTIVITY_FILTERS, CONTACT_FILTERS, CUSTOMER_FILTERS
from guanxi.customers.models import Activity, Contact, Customer
from guanxi.customers.services import activities as activity_services
from guanxi.customers.services import contacts as contact_services
from guanxi.customers.services import customers as customer_services
from guanxi.customers.services import duplicates, importing
from guanxi.customers.tasks import IMPORT_JOB, import_key, run_import

router = Router(tags=["customers"])

# ------------------------------------------------------------------ schemas

_STR, _DEC, _INT = str, decimal.Decimal, int

#: The writable customer fields and their types (the same list as the service's).
CUSTOMER_FIELD_TYPES: dict[str, Any] = {
    "code": _STR, "name": _STR, "name_en": _STR, "kind": _STR, "relationship_type": _STR,
    "status": _STR, "lifecycle_status": _STR, "loyalty": _STR, "importance": _STR,
    "value_ability": _STR, "relationship_depth": _STR, "visit_frequency": _STR, "source": _STR,
    "industry": _STR, "province": _STR, "city": _STR, "district": _STR, "address": _STR,
    "phone": _STR, "email": _STR, "website": _STR, "tags": list[str], "occupation": _STR,
    "age_band": _STR, "company_size": _STR, "annual_turnover": _DEC | None,
    "family_members": _STR, "team_members": _STR, "personality": _STR, "hobbies": _STR,
    "product_categories": _STR, "main_line": _STR, "brands": _STR,
    "own_stores": _INT | None, "own_stores_revenue": _DEC | None, "franchise_stores": _INT | None,
    "franchise_stores_revenue": _DEC | None, "counters": _INT | None,
    "outlets_city": _INT | None, "outlets_county": _INT | None, "outlets_township": _INT | None,
    "logistics_company": _STR, "logistics_address": _STR, "logistics_contact": _STR,
    "logistics_price": _DEC | None, "logistics_turnaround_days": _INT | None,
    "logistics_reputation": _STR, "notes": _STR,
}  # fmt: skip
assert set(CUSTOMER_FIELD_TYPES) == set(customer_services.WRITABLE_FIELDS)

CONTACT_FIELD_TYPES: dict[str, Any] = {
    "name": _STR, "title": _STR, "mobile": _STR, "phone": _STR, "email": _STR,
    "email_other": _STR, "wechat": _STR, "birthday": dt.date | None, "notes": _STR,
    "is_primary": bool,
}  # fmt: skip
ACTIVITY_FIELD_TYPES: dict[str, Any] = {
    "kind": _STR, "occurred_at": dt.datetime, "subject": _STR, "participants": _STR,
    "contact": _INT | None, "outcome": _STR, "next_step": _STR,
    "next_contact_at": dt.datetime | None,
}  # fmt: skip

_STRICT = ConfigDict(extra="forbid")


def _schema(
    name: str, types: dict[str, Any], required: set[str], extra: dict[str, Any] | None = None
) -> Any:
    fields: dict[str, Any] = {}
    for field, kind in {**types, **(extra or {})}.items():
        fields[field] = (kind, ...) if field in required else (kind | None, None)
    model = create_model(name, __base__=Schema, **fields)
    model.model_config["extra"] = "forbid"
    model.model_rebuild(force=True)
    return model


# Built with create_model from the tables above, so mypy cannot use them as annotations: the
# routes taking them carry ``# type: ignore[valid-type]`` on that parameter.
CustomerIn = _schema("CustomerIn", CUSTOMER_FIELD_TYPES, {"name"}, {"owner": _INT})
CustomerPatch = _schema("CustomerPatch", CUSTOMER_FIELD_TYPES, set(), {"version": _INT})
ContactIn = _schema("ContactIn", CONTACT_FIELD_TYPES, {"name"}, {"customer": _INT})
ContactPatch = _schema("ContactPatch", CONTACT_FIELD_TYPES, set(), {"version": _INT})
ActivityIn = _schema(
    "ActivityIn", ACTIVITY_FIELD_TYPES, {"subject", "occurred_at"}, {"customer": _INT}
)
ActivityPatch = _schema("ActivityPatch", ACTIVITY_FIELD_TYPES, set(), {"version": _INT})


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    relationship_type: str
    status: str
    lifecycle_status: str
    loyalty: str
    importance: str
    value_ability: str
    relationship_depth: str
    visit_frequency: str
    source: str
    industry: str
    industry_name: str
    province: str
    city: str
    district: str
    region: str
    address: str
    phone: str
    email: str
    website: str
    tags: list[str]
    occupation: str
    age_band: str
    company_size: str
    annual_turnover: decimal.Decimal | None
    family_members: str
    team_members: str
    personality: str
    hobbies: str
    product_categories: str
    main_line: str
    brands: str
    own_stores: int | None
    own_stores_revenue: decimal.Decimal | None
    franchise_stores: int | None
    franchise_stores_revenue: decimal.Decimal | None
    counters: int | None
    outlets_city: int | None
    outlets_county: int | None
    outlets_township: int | None
    logistics_company: str
    logistics_address: str
    logistics_contact: str
    logistics_price: decimal.Decimal | None
    logistics_turnaround_days: int | None
    logistics_reputation: str
    notes: str
    owner: int | None
    owner_name: str
    department: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def from_customer(c: Customer) -> dict[str, Any]:
        data = {f: getattr(c, f) for f in CUSTOMER_FIELD_TYPES}
        data.update(
            id=c.pk,
            tags=c.tag_list,
            industry_name=c.industry_label,
            region=c.region_label,
            owner=c.owner_id,
            owner_name=str(c.owner) if c.owner_id else "",
            department=c.department_id,
            version=c.version,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )
        return data


class ContactOut(Schema):
    id: int
    customer: int
    customer_name: str
    name: str
    title: str
    mobile: str
    phone: str
    email: str
    email_other: str
    wechat: str
    birthday: dt.date | None
    notes: str
    is_primary: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def from_contact(c: Contact) -> dict[str, Any]:
        data = {f: getattr(c, f) for f in CONTACT_FIELD_TYPES}
        data.update(
            id=c.pk, customer=c.customer_id, customer_name=c.customer.name, version=c.version,
            created_at=c.created_at, updated_at=c.updated_at,
        )  # fmt: skip
        return data


class ActivityOut(Schema):
    id: int
    customer: int
    customer_name: str
    kind: str
    occurred_at: dt.datetime
    subject: str
    participants: str
    contact: int | None
    outcome: str
    next_step: str
    next_contact_at: dt.datetime | None
    created_by: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def from_activity(a: Activity) -> dict[str, Any]:
        data = {f: getattr(a, f) for f in ACTIVITY_FIELD_TYPES if f != "contact"}
        data.update(
            id=a.pk, customer=a.customer_id, customer_name=a.customer.name, contact=a.contact_id,
            created_by=a.created_by_id, version=a.version, created_at=a.created_at,
            updated_at=a.updated_at,
        )  # fmt: skip
        return data


class CustomerPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CustomerOut]


class ContactPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ContactOut]


class ActivityPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ActivityOut]


class ReassignIn(Schema):
    model_config = _STRICT
    owner: int


class BulkReassignIn(Schema):
    model_config = _STRICT
    ids: list[int]
    owner: int


class RowErrorOut(Schema):
    line: int
    column: str
    value: str
    reason: str


class ImportOut(Schema):
    batch_id: int | None
    job_id: int | None = None  # a background import's progress: GET /api/v1/jobs/{job_id}
    status: str
    dry_run: bool
    counts: dict[str, int]
    errors: list[RowErrorOut]


class ExistingOut(Schema):
    exists: bool
    owner: str
    reason: str
    id: int | None


class MessageOut(Schema):
    detail: str


# ------------------------------------------------------------------ helpers


def _version(request: HttpRequest, payload: dict[str, Any]) -> int:
    """The version the client's copy was read at: the body's ``version`` or If-Match."""
    version = payload.pop("version", None)
    if version is None:
        header = request.headers.get("If-Match", "").strip()
        if header.startswith("W/"):
            header = header[2:]
        header = header.strip('"')
        if header.isdigit():
            version = int(header)
    if version is None:
        raise InvalidInput(
            {"version": [_("Send the version you edited (a version field or If-Match).")]}
        )
    return int(version)


def _payload(schema: Any) -> dict[str, Any]:
    return schema.model_dump(exclude_unset=True)


def _owner(owner_id: int) -> User:
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise InvalidInput({"owner": [_("No active user with this id.")]})
    return owner


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


# ------------------------------------------------------------------ customers


@router.get("/customers", response=CustomerPage, summary="List customers (filters, search, sort)")
def list_customers(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(
        request,
        Customer.objects.visible_to(request.user, VIEW).select_related("owner", "department"),
        CUSTOMER_FILTERS,
    )
    return {**info, "items": [CustomerOut.from_customer(c) for c in rows]}


@router.get(
    "/customers/check", response=list[ExistingOut], summary="Duplicate check (查重) before creating"
)
def check_customer(
    request: HttpRequest, name: str = "", phone: str = "", email: str = ""
) -> list[dict[str, Any]]:
    found = duplicates.check_duplicates(request.user, name=name, phone=phone, email=email)
    return [
        {
            "exists": True,
            "owner": f.owner,
            "reason": f.reason,
            "id": f.customer.pk if f.customer else None,
        }
        for f in found
    ]


@router.get("/customers/{int:customer_id}", response=CustomerOut)
def get_customer(request: HttpRequest, customer_id: int, response: HttpResponse) -> dict[str, Any]:
    customer = get_visible(Customer, customer_id, request.user, VIEW)
    _etag(response, customer.version)
    return CustomerOut.from_customer(customer)


@router.post("/customers", response={201: CustomerOut})
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status:  # type: ignore[valid-type]
    values = _payload(payload)
    owner_id = values.pop("owner", None)
    customer = customer_services.create_customer(
        actor=request.user, values=values, owner=_owner(owner_id) if owner_id else None
    )
    return Status(201, CustomerOut.from_customer(customer))


@router.patch("/customers/{int:customer_id}", response=CustomerOut)
def update_customer(
    request: HttpRequest,
    customer_id: int,
    payload: CustomerPatch,  # type: ignore[valid-type]
    response: HttpResponse,
) -> dict[str, Any]:
    customer = get_visible(Customer, customer_id, request.user, CHANGE)
    values = _payload(payload)
    version = _version(request, values)
    customer = customer_services.update_customer(
        customer, actor=request.user, expected_version=version, changes=values
    )
    _etag(response, customer.version)
    return CustomerOut.from_customer(Customer.objects.select_related("owner").get(pk=customer.pk))


@router.delete("/customers/{int:customer_id}", response={204: None})
def delete_customer(request: HttpRequest, customer_id: int) -> Status:
    customer = get_visible(Customer, customer_id, request.user, CHANGE)
    customer_services.delete_customer(customer, actor=request.user)
    return Status(204, None)


@router.post("/customers/{int:customer_id}/restore", response=CustomerOut)
def restore_customer(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    customer = get_in_bin(Customer, customer_id, request.user)
    customer = customer_services.restore_customer(customer, actor=request.user)
    return CustomerOut.from_customer(customer)


@router.post("/customers/{int:customer_id}/reassign", response=MessageOut)
def reassign_customer(
    request: HttpRequest, customer_id: int, payload: ReassignIn
) -> dict[str, str]:
    customer = get_visible(Customer, customer_id, request.user, CHANGE)
    customer_services.reassign_customers(
        [customer], actor=request.user, new_owner=_owner(payload.owner)
    )
    return {"detail": _("Owner changed.")}


@router.post("/customers/reassign", response=MessageOut, summary="Bulk reassign, all or nothing")
def bulk_reassign(request: HttpRequest, payload: BulkReassignIn) -> dict[str, str]:
    if not payload.ids:
        raise InvalidInput({"ids": [_("Select at least one record.")]})
    customer_services.reassign_by_ids(
        payload.ids, actor=request.user, new_owner=_owner(payload.owner)
    )
    return {"detail": _("Owner changed.")}


@router.post(
    "/customers/import", response={200: ImportOut, 202: ImportOut}, summary="Import CSV/XLSX"
)
def import_customers(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    dry_run: bool = Form(False),
    skip_invalid: bool = Form(False),
    mapping: str = Form(""),
) -> Status:
    from guanxi.core.scopes import may_act

    if not may_act(request.user, "customers", CHANGE):
        from guanxi.core.errors import NotAllowed

        raise NotAllowed(_("You may not import customers."))
    if file.size is not None and file.size > imports.MAX_UPLOAD_BYTES:
        raise InvalidInput({"file": [_("The file is too large.")]})
    data = file.read()
    parsed_mapping = imports.parse_mapping(mapping)
    threshold = getattr(settings, "GUANXI_IMPORT_BACKGROUND_BYTES", 512 * 1024)
    if len(data) > threshold:
        # Checked now so a malformed file is refused before it is queued.
        importing.read(data, file.name or "", parsed_mapping)
        actor = request.user
        assert isinstance(actor, User)  # the API authenticates every call
        batch = ImportBatch.objects.create(
            kind="customers", actor=actor, file_name=(file.name or "")[:255],
            file_sha256=imports.sha256(data), status="queued",
        )  # fmt: skip
        jobs.queue_run(
            IMPORT_JOB, import_key(batch.pk), user=actor, batch=batch, message=_("Queued")
        )
        run_import(
            batch.pk, data, file.name or "", request.user.pk, dry_run, skip_invalid, parsed_mapping
        )
        batch.refresh_from_db()
        return Status(202, _batch_out(batch, dry_run))
    result = importing.import_customers(
        data, filename=file.name or "", actor=request.user, dry_run=dry_run,
        skip_invalid=skip_invalid, mapping=parsed_mapping,
    )  # fmt: skip
    status = "checked" if dry_run else ("done" if result.written else "failed")
    return Status(
        200,
        {
            "batch_id": result.batch_id,
            "status": status,
            "dry_run": dry_run,
            "counts": result.counts(),
            "errors": [e.as_dict() for e in result.errors],
        },
    )


def _batch_out(batch: ImportBatch, dry_run: bool = False) -> dict[str, Any]:
    counts = {k: v for k, v in batch.counts.items() if isinstance(v, int)}
    errors = [{k: e[k] for k in ("line", "column", "value", "reason")} for e in batch.errors]
    run = JobRun.objects.filter(name=IMPORT_JOB, key=import_key(batch.pk)).first()
    return {
        "batch_id": batch.pk,
        "job_id": run.pk if run is not None else None,
        "status": batch.status,
        "dry_run": dry_run,
        "counts": counts,
        "errors": errors,
    }


@router.get(
    "/customers/imports/{int:batch_id}", response=ImportOut, summary="Status of an import batch"
)
def import_status(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = get_object_or_404(ImportBatch, pk=batch_id, actor=request.user, kind="customers")
    return _batch_out(batch)


# ------------------------------------------------------------------ contacts


@router.get("/contacts", response=ContactPage)
def list_contacts(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(
        request,
        Contact.objects.visible_to(request.user, VIEW).select_related("customer"),
        CONTACT_FILTERS,
    )
    return {**info, "items": [ContactOut.from_contact(c) for c in rows]}


@router.get("/contacts/{int:contact_id}", response=ContactOut)
def get_contact(request: HttpRequest, contact_id: int, response: HttpResponse) -> dict[str, Any]:
    contact = get_visible(Contact, contact_id, request.user, VIEW)
    _etag(response, contact.version)
    return ContactOut.from_contact(contact)


@router.post("/contacts", response={201: ContactOut})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status:  # type: ignore[valid-type]
    values = _payload(payload)
    customer = get_visible(Customer, values.pop("customer"), request.user, CHANGE)
    contact = contact_services.create_contact(actor=request.user, customer=customer, values=values)
    return Status(201, ContactOut.from_contact(contact))


@router.patch("/contacts/{int:contact_id}", response=ContactOut)
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch) -> dict[str, Any]:  # type: ignore[valid-type]
    contact = get_visible(Contact, contact_id, request.user, CHANGE)
    values = _payload(payload)
    version = _version(request, values)
    contact = contact_services.update_contact(
        contact, actor=request.user, expected_version=version, changes=values
    )
    return ContactOut.from_contact(contact)


@router.delete("/contacts/{int:contact_id}", response={204: None})
def delete_contact(request: HttpRequest, contact_id: int) -> Status:
    contact = get_visible(Contact, contact_id, request.user, CHANGE)
    contact_services.delete_contact(contact, actor=request.user)
    return Status(204, None)


@router.post("/contacts/{int:contact_id}/restore", response=ContactOut)
def restore_contact(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    contact = get_in_bin(Contact, contact_id, request.user)
    return ContactOut.from_contact(contact_services.restore_contact(contact, actor=request.user))


# ------------------------------------------------------------------ activities


@router.get("/activities", response=ActivityPage)
def list_activities(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(
        request,
        Activity.objects.visible_to(request.user, VIEW).select_related("customer"),
        ACTIVITY_FILTERS,
    )
    return {**info, "items": [ActivityOut.from_activity(a) for a in rows]}


@router.get("/activities/{int:activity_id}", response=ActivityOut)
def get_activity(request: HttpRequest, activity_id: int, response: HttpResponse) -> dict[str, Any]:
    activity = get_visible(Activity, activity_id, request.user, VIEW)
    _etag(response, activity.version)
    return ActivityOut.from_activity(activity)


@router.post("/activities", response={201: ActivityOut})
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status:  # type: ignore[valid-type]
    values = _payload(payload)
    customer = get_visible(Customer, values.pop("customer"), request.user, CHANGE)
    activity = activity_services.create_activity(
        actor=request.user, customer=customer, values=values
    )
    return Status(201, ActivityOut.from_activity(activity))


@router.patch("/activities/{int:activity_id}", response=ActivityOut)
def update_activity(
    request: HttpRequest,
    activity_id: int,
    payload: ActivityPatch,  # type: ignore[valid-type]
) -> dict[str, Any]:
    activity = get_visible(Activity, activity_id, request.user, CHANGE)
    values = _payload(payload)
    version = _version(request, values)
    activity = activity_services.update_activity(
        activity, actor=request.user, expected_version=version, changes=values
    )
    return ActivityOut.from_activity(activity)


@router.delete("/activities/{int:activity_id}", response={204: None})
def delete_activity(request: HttpRequest, activity_id: int) -> Status:
    activity = get_visible(Activity, activity_id, request.user, CHANGE)
    activity_services.delete_activity(activity, actor=request.user)
    return Status(204, None)


@router.post("/activities/{int:activity_id}/restore", response=ActivityOut)
def restore_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = get_in_bin(Activity, activity_id, request.user)
    return ActivityOut.from_activity(
        activity_services.restore_activity(activity, actor=request.user)
    )


__all__ = ["router"]
