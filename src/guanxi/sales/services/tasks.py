"""Schedules (日程安排): tasks and appointments, completing them, and logging a communication
record (沟通记录) from a task, which completes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from guanxi.core import clock
from guanxi.core.errors import InvalidInput
from guanxi.core.models.org import User
from guanxi.core.services import records
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services import activities as activity_services
from guanxi.sales.models import Lead, Opportunity, Task, TaskStatus
from guanxi.sales.services.common import check_owner, clean_values, resolve

WRITABLE_FIELDS: tuple[str, ...] = (
    "kind",
    "subject",
    "starts_at",
    "ends_at",
    "location",
    "notes",
    "customer",
    "contact",
    "lead",
    "opportunity",
)


def _clean(values: Mapping[str, Any], actor: User, current: Task | None = None) -> dict[str, Any]:
    cleaned = clean_values(values, WRITABLE_FIELDS)
    for name, model in (("customer", Customer), ("lead", Lead), ("opportunity", Opportunity)):
        if name in cleaned:
            cleaned[name] = resolve(model, cleaned[name], actor, name)
    opportunity = cleaned.get("opportunity", current.opportunity if current else None)
    if (
        opportunity is not None
        and not cleaned.get("customer")
        and not (current and current.customer_id)
    ):
        cleaned["customer"] = opportunity.customer
    customer = cleaned.get("customer", current.customer if current else None)
    if cleaned.get("contact") is not None:
        contact = cleaned["contact"]
        pk = getattr(contact, "pk", contact)
        found = (
            Contact.objects.visible_to(actor).filter(pk=pk).first() if str(pk).isdigit() else None
        )
        if found is None or (customer is not None and found.customer_id != customer.pk):
            raise InvalidInput({"contact": [_("No such contact at this customer.")]})
        cleaned["contact"] = found
        if customer is None:
            cleaned["customer"] = found.customer
    return cleaned


def create_task(*, actor: User, values: Mapping[str, Any], owner: User | None = None) -> Task:
    cleaned = _clean(values, actor)
    if not cleaned.get("subject"):
        raise InvalidInput({"subject": [_("This field is required.")]})
    if not cleaned.get("starts_at"):
        raise InvalidInput({"starts_at": [_("This field is required.")]})
    owner = check_owner(actor, owner)
    return records.create_record(Task, actor=actor, values={**cleaned, "owner": owner})


def update_task(
    task: Task, *, actor: User, expected_version: int | None, changes: Mapping[str, Any]
) -> Task:
    cleaned = _clean(changes, actor, task)
    return records.update_record(
        task, actor=actor, expected_version=expected_version, changes=cleaned
    )


def complete_task(
    task: Task, *, actor: User, expected_version: int | None = None, activity: Any = None
) -> Task:
    changes: dict[str, Any] = {"status": TaskStatus.DONE, "done_at": clock.now()}
    if activity is not None:
        changes["activity"] = activity
    return records.update_record(
        task, actor=actor, expected_version=expected_version, changes=changes
    )


def cancel_task(task: Task, *, actor: User, expected_version: int | None = None) -> Task:
    return records.update_record(
        task,
        actor=actor,
        expected_version=expected_version,
        changes={"status": TaskStatus.CANCELLED},
    )


def reopen_task(task: Task, *, actor: User, expected_version: int | None = None) -> Task:
    return records.update_record(
        task,
        actor=actor,
        expected_version=expected_version,
        changes={"status": TaskStatus.OPEN, "done_at": None},
    )


def log_activity(
    task: Task, *, actor: User, values: Mapping[str, Any], expected_version: int | None = None
) -> Task:
    """Record what happened (a call, a visit ...) on the task's customer and complete the task."""
    if task.status == TaskStatus.DONE:
        raise InvalidInput({"status": [_("This task is done already.")]})
    customer = task.customer
    if customer is None:
        raise InvalidInput(
            {"customer": [_("Link the task to a customer to log a communication record.")]}
        )
    activity_values = {
        "kind": values.get("kind") or "call",
        "occurred_at": values.get("occurred_at") or clock.now(),
        "subject": values.get("subject") or task.subject,
        "outcome": values.get("outcome", ""),
        "next_step": values.get("next_step", ""),
        "next_contact_at": values.get("next_contact_at"),
        "contact": task.contact,
    }
    with transaction.atomic():
        activity = activity_services.create_activity(
            actor=actor, customer=customer, values=activity_values
        )
        return complete_task(
            task, actor=actor, expected_version=expected_version, activity=activity
        )


def delete_task(task: Task, *, actor: User) -> Task:
    return records.soft_delete(task, actor=actor)


def restore_task(task: Task, *, actor: User) -> Task:
    return records.restore(task, actor=actor)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def overdue(queryset: QuerySet) -> QuerySet:
    """Open tasks whose time is before today (computed now, never stored)."""
    start, _end = day_bounds(clock.today())
    return queryset.filter(status=TaskStatus.OPEN, starts_at__lt=start)


def due_today(queryset: QuerySet) -> QuerySet:
    start, end = day_bounds(clock.today())
    return queryset.filter(status=TaskStatus.OPEN, starts_at__gte=start, starts_at__lt=end)


def in_range(queryset: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    """Tasks and appointments touching the days [start, end) (the calendar)."""
    begin, _ = day_bounds(start)
    finish, _ = day_bounds(end)
    return queryset.filter(
        Q(starts_at__gte=begin, starts_at__lt=finish) | Q(ends_at__gte=begin, starts_at__lt=finish)
    )


def search(queryset: Any, term: str) -> Any:
    return queryset.filter(subject__icontains=term.strip())
