"""A second app using core's extension points on the customers module without customers
importing it: a contributed, gated field and a resource with an extra scope path."""

from __future__ import annotations

from typing import Any

from guanxi.core.filters import Filter, FilterSet
from guanxi.core.resources import (
    ContributedField,
    Ref,
    RefKind,
    Resource,
    ScopeKind,
    ScopePath,
    Services,
    contribute,
    register,
)
from guanxi.core.services import records
from tests.testapp.models import Ticket


def _create_ticket(*, actor: Any, values: dict[str, Any], **refs: Any) -> Ticket:
    return records.create_record(Ticket, actor=actor, values={**values, "owner": actor})


TICKETS = Resource(
    model=Ticket,
    name="test_tickets",
    singular="test_ticket",
    read=("id", "customer", "title", "owner", "version"),
    write=("title",),
    create_only=("customer",),
    required=("title", "customer"),
    refs={"customer": Ref(RefKind.RECORD, kwarg=False)},
    filterset=FilterSet(filters={}, sorts={"title": "title"}, default_sort="title"),
    services=Services(create=_create_ticket),
    operations=frozenset({"list", "detail", "create"}),
    scope=ScopeKind.OWNED,
    scope_paths=(ScopePath("customer", ("view",)),),
    attachments=True,
    detail_url="core:home",
)


def register_all() -> None:
    register(TICKETS)
    contribute(
        "customers",
        ContributedField(
            "test_score",
            int,
            "testapp_score__score",
            label="test score",
            module="widgets",
            filter=Filter("testapp_score__score__gte", int),
        ),
    )
