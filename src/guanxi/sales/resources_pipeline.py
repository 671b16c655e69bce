"""The sales pipeline's resources: leads (线索), opportunities (商机) and tasks (日程).

Each is declared once; core builds the API routes, page URLs, access rules and export from it.
The writable fields are the services' own lists, so a field is named in the model and once here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from guanxi.core import clock
from guanxi.core.models import User
from guanxi.core.resources import (
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
from guanxi.sales import filters
from guanxi.sales.line_schemas import LineIn, LineOut, line_rows
from guanxi.sales.models import Lead, Opportunity, Task
from guanxi.sales.services import leads, opportunities, products, tasks

_OWNER = ("owner", "version")


LEADS = Resource(
    model=Lead,
    name="leads",
    singular="lead",
    read=(
        "id",
        *leads.WRITABLE_FIELDS,
        "converted_customer",
        "converted_opportunity",
        *_OWNER,
        "created_at",
    ),
    write=leads.WRITABLE_FIELDS,
    required=("company",),
    create_only=("owner",),
    refs={"owner": Ref(RefKind.USER)},
    computed=(Computed("owner_name", str, owner_name),),
    filterset=filters.LEAD_FILTERS,
    services=Services(
        create=leads.create_lead,
        update=leads.update_lead,
        delete=leads.delete_lead,
        restore=leads.restore_lead,
    ),
    scope=ScopeKind.OWNED,
    actions=(
        Action("disqualify_lead", "scoped"),
        Action("lead_duplicates", "scoped"),
        Action("convert_lead", "scoped"),
        Action("assign_leads", "signed_in"),
        Action("round_robin", "signed_in"),
    ),
    columns=(
        Column(gettext_lazy("company"), lambda x: x.company),
        Column(gettext_lazy("contact person"), lambda x: x.contact_name),
        Column(gettext_lazy("phone"), lambda x: x.phone),
        Column(gettext_lazy("email"), lambda x: x.email),
        Column(gettext_lazy("source"), lambda x: x.get_source_display()),
        Column(gettext_lazy("status"), lambda x: x.get_status_display()),
        Column(gettext_lazy("estimated value"), lambda x: x.estimated_value),
        Column(gettext_lazy("owner"), owner_name),
        Column(gettext_lazy("created"), lambda x: x.created_at),
    ),
    select_related=("owner",),
    tags=("sales",),
    detail_url="sales:lead_detail",
)


def create_opportunity(*, actor: User, values: Mapping[str, Any], **refs: Any) -> Opportunity:
    """The API's create: product lines and a price list travel beside the model's fields."""
    fields, lines, price_list = products.split_lines(actor, values)
    return opportunities.create_opportunity(
        actor=actor, values=fields, lines=lines, price_list=price_list, **refs
    )


OPPORTUNITIES = Resource(
    model=Opportunity,
    name="opportunities",
    singular="opportunity",
    read=(
        "id",
        "customer",
        "pipeline",
        "stage",
        "outcome",
        "opened_on",
        "closed_on",
        "lost_reason",
        *opportunities.WRITABLE_FIELDS,
        *_OWNER,
    ),
    write=opportunities.WRITABLE_FIELDS,
    required=("customer", "name"),
    create_only=("customer", "owner", "stage"),
    create_extra={"price_list": int | None, "lines": list[LineIn] | None},
    refs={
        "customer": Ref(RefKind.RECORD),
        "owner": Ref(RefKind.USER),
        "stage": Ref(RefKind.RECORD),
    },
    computed=(
        Computed("customer_name", str, lambda o: o.customer.name),
        Computed("stage_name", str, lambda o: o.stage.name),
        Computed("probability", int, lambda o: o.stage.probability),
        Computed("weighted_amount", Decimal, lambda o: o.weighted_amount),
        Computed("owner_name", str, owner_name),
        Computed("lines", list[LineOut], lambda o: line_rows(o.lines.all())),
    ),
    filterset=filters.OPPORTUNITY_FILTERS,
    services=Services(
        create=create_opportunity,
        update=opportunities.update_opportunity,
        delete=opportunities.delete_opportunity,
        restore=opportunities.restore_opportunity,
    ),
    scope=ScopeKind.OWNED,
    actions=(
        Action("move_opportunity", "scoped"),
        Action("replace_opportunity_lines", "scoped"),
        Action("opportunity_history", "scoped"),
        Action("reassign_opportunities", "signed_in"),
    ),
    columns=(
        Column(gettext_lazy("name"), lambda o: o.name),
        Column(gettext_lazy("customer"), lambda o: o.customer.name),
        Column(gettext_lazy("stage"), lambda o: o.stage.name),
        Column(gettext_lazy("win probability (%)"), lambda o: o.stage.probability),
        Column(gettext_lazy("amount"), lambda o: o.amount),
        Column(gettext_lazy("expected close date"), lambda o: o.expected_close_date),
        Column(gettext_lazy("owner"), owner_name),
        Column(gettext_lazy("outcome"), lambda o: o.get_outcome_display()),
    ),
    select_related=("customer", "stage", "owner"),
    prefetch_related=("lines__product",),
    tags=("sales",),
    detail_url="sales:opportunity_detail",
)


def _overdue(task: Task) -> bool:
    """Open and due before today began (the list's red marker)."""
    start_of_today: dt.datetime = tasks.day_bounds(clock.today())[0]
    return task.status == "open" and task.starts_at < start_of_today


TASKS = Resource(
    model=Task,
    name="tasks",
    singular="task",
    read=("id", *tasks.WRITABLE_FIELDS, "status", "done_at", "activity", *_OWNER),
    write=tasks.WRITABLE_FIELDS,
    required=("subject", "starts_at"),
    create_only=("owner",),
    refs={"owner": Ref(RefKind.USER)},
    computed=(
        Computed("overdue", bool, _overdue),
        Computed("owner_name", str, owner_name),
    ),
    filterset=filters.TASK_FILTERS,
    services=Services(
        create=tasks.create_task,
        update=tasks.update_task,
        delete=tasks.delete_task,
        restore=tasks.restore_task,
    ),
    scope=ScopeKind.OWNED,
    actions=(
        Action("complete_task", "scoped"),
        Action("log_task_activity", "scoped"),
    ),
    select_related=("owner",),
    tags=("sales",),
    detail_url="sales:task_detail",
)


def register_all() -> None:
    for resource in (LEADS, OPPORTUNITIES, TASKS):
        register(resource)
