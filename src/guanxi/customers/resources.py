"""The customers module's resources: customers, contacts and communication records (沟通记录).

Each is declared once; core builds the API routes, page URLs, access rules and export from it.
The writable fields are the services' own lists, so a field is named in the model and once here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guanxi.core.resources import (
    STAMPS,
    Action,
    Column,
    Computed,
    Ref,
    RefKind,
    Resource,
    ScopeKind,
    Services,
    owner_name,
    register,
)
from guanxi.customers.filters import ACTIVITY_FILTERS, CONTACT_FILTERS, CUSTOMER_FILTERS
from guanxi.customers.models import Activity, Contact, Customer
from guanxi.customers.services import activities, contacts, customers

CUSTOMERS = Resource(
    model=Customer,
    name="customers",
    singular="customer",
    read=(
        "id",
        *(f for f in customers.WRITABLE_FIELDS if f != "tags"),
        "owner",
        "department",
        *STAMPS,
    ),
    write=customers.WRITABLE_FIELDS,
    required=("name",),
    create_only=("owner",),
    refs={"owner": Ref(RefKind.USER)},
    types={"tags": list[str]},
    computed=(
        Computed("tags", list[str], lambda c: c.tag_list),
        Computed("industry_name", str, lambda c: c.industry_label),
        Computed("region", str, lambda c: c.region_label),
        Computed("owner_name", str, owner_name),
    ),
    filterset=CUSTOMER_FILTERS,
    services=Services(
        create=customers.create_customer,
        update=customers.update_customer,
        delete=customers.delete_customer,
        restore=customers.restore_customer,
    ),
    scope=ScopeKind.OWNED,
    actions=(
        Action("check_customer", "signed_in"),
        Action("reassign_customer", "scoped"),
        Action("bulk_reassign", "scoped"),
        Action("import_customers", "scoped"),
        Action("import_status", "signed_in"),
    ),
    columns=(
        Column(_("customer code"), lambda c: c.code),
        Column(_("name"), lambda c: c.name),
        Column(_("Latin name"), lambda c: c.name_en),
        Column(_("kind"), lambda c: c.get_kind_display()),
        Column(_("relationship type"), lambda c: c.get_relationship_type_display()),
        Column(_("status"), lambda c: c.get_status_display()),
        Column(_("lifecycle status"), lambda c: c.get_lifecycle_status_display()),
        Column(_("loyalty"), lambda c: c.get_loyalty_display()),
        Column(_("importance"), lambda c: c.get_importance_display()),
        Column(_("value-providing ability"), lambda c: c.get_value_ability_display()),
        Column(_("relationship depth"), lambda c: c.get_relationship_depth_display()),
        Column(_("industry"), lambda c: c.industry_label),
        Column(_("region"), lambda c: c.region_label),
        Column(_("address"), lambda c: c.address),
        Column(_("phone"), lambda c: c.phone),
        Column(_("email"), lambda c: c.email),
        Column(_("tags"), lambda c: ", ".join(c.tag_list)),
        Column(_("source"), lambda c: c.get_source_display()),
        Column(_("annual turnover (CNY)"), lambda c: c.annual_turnover),
        Column(_("owner"), owner_name),
        Column(_("department"), lambda c: str(c.department) if c.department_id else ""),
        Column(_("updated"), lambda c: c.updated_at),
    ),
    select_related=("owner", "department"),
    summary="List customers (filters, search, sort)",
    tags=("customers",),
    detail_url="customers:customer_detail",
)

CONTACTS = Resource(
    model=Contact,
    name="contacts",
    singular="contact",
    read=("id", "customer", *contacts.WRITABLE_FIELDS, *STAMPS),
    write=contacts.WRITABLE_FIELDS,
    required=("name", "customer"),
    create_only=("customer",),
    refs={"customer": Ref(RefKind.PARENT)},
    computed=(Computed("customer_name", str, lambda c: c.customer.name),),
    filterset=CONTACT_FILTERS,
    services=Services(
        create=contacts.create_contact,
        update=contacts.update_contact,
        delete=contacts.delete_contact,
        restore=contacts.restore_contact,
    ),
    scope=ScopeKind.CHILD,
    select_related=("customer",),
    tags=("customers",),
    detail_url="customers:contact_detail",
)

ACTIVITIES = Resource(
    model=Activity,
    name="activities",
    singular="activity",
    read=("id", "customer", *activities.WRITABLE_FIELDS, "created_by", *STAMPS),
    write=activities.WRITABLE_FIELDS,
    required=("subject", "occurred_at", "customer"),
    create_only=("customer",),
    refs={"customer": Ref(RefKind.PARENT)},
    computed=(Computed("customer_name", str, lambda a: a.customer.name),),
    filterset=ACTIVITY_FILTERS,
    services=Services(
        create=activities.create_activity,
        update=activities.update_activity,
        delete=activities.delete_activity,
        restore=activities.restore_activity,
    ),
    scope=ScopeKind.CHILD,
    select_related=("customer",),
    tags=("customers",),
    detail_url="customers:activity_detail",
)


def register_all() -> None:
    for resource in (CUSTOMERS, CONTACTS, ACTIVITIES):
        register(resource)
