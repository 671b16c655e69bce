"""Communication records (沟通记录): calls, visits, emails, meetings and notes on a timeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput
from guanxi.core.models.org import User
from guanxi.core.services import records
from guanxi.customers.models import Activity, Contact, Customer

WRITABLE_FIELDS: tuple[str, ...] = (
    "kind", "occurred_at", "subject", "participants", "contact", "outcome", "next_step",
    "next_contact_at",
)  # fmt: skip


def _clean(values: Mapping[str, Any], customer_id: int) -> dict[str, Any]:
    unknown = sorted(set(values) - set(WRITABLE_FIELDS))
    if unknown:
        raise InvalidInput({k: [_("This field cannot be written.")] for k in unknown})
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    contact = cleaned.get("contact")
    if contact is not None and not isinstance(contact, Contact):
        # An id from the API: only a live contact of the same customer is acceptable.
        contact = Contact.objects.filter(pk=contact, customer_id=customer_id).first()
        if contact is None:
            raise InvalidInput({"contact": [_("No such contact at this customer.")]})
        cleaned["contact"] = contact
    return cleaned


def create_activity(*, actor: User, customer: Customer, values: Mapping[str, Any]) -> Activity:
    cleaned = _clean(values, customer.pk)
    return records.create_record(
        Activity,
        actor=actor,
        values={
            **cleaned,
            "customer": customer,
            "created_by": actor if getattr(actor, "pk", None) else None,
        },
    )


def update_activity(
    activity: Activity, *, actor: User, expected_version: int | None, changes: Mapping[str, Any]
) -> Activity:
    cleaned = _clean(changes, activity.customer_id)
    return records.update_record(
        activity, actor=actor, expected_version=expected_version, changes=cleaned
    )


def delete_activity(activity: Activity, *, actor: User) -> Activity:
    return records.soft_delete(activity, actor=actor)


def restore_activity(activity: Activity, *, actor: User) -> Activity:
    return records.restore(activity, actor=actor)
