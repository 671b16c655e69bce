"""Contacts (联系人): people at a customer. They follow the customer's scope, so every write
first fetches the customer through the scope rule with the "change" action."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput
from guanxi.core.models.audit import ImportBatch
from guanxi.core.models.org import User
from guanxi.core.services import records
from guanxi.customers.models import Contact, Customer

WRITABLE_FIELDS: tuple[str, ...] = (
    "name", "title", "mobile", "phone", "email", "email_other", "wechat", "birthday", "notes",
    "is_primary",
)  # fmt: skip


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(WRITABLE_FIELDS))
    if unknown:
        raise InvalidInput({k: [_("This field cannot be written.")] for k in unknown})
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _demote_other_primaries(contact: Contact, actor: User, batch: ImportBatch | None) -> None:
    others = Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(
        pk=contact.pk
    )
    for other in others:
        records.update_record(
            other, actor=actor, expected_version=None, changes={"is_primary": False}, batch=batch
        )


def create_contact(
    *, actor: User, customer: Customer, values: Mapping[str, Any], batch: ImportBatch | None = None
) -> Contact:
    cleaned = _clean(values)
    with transaction.atomic():
        contact = records.create_record(
            Contact, actor=actor, values={**cleaned, "customer": customer}, batch=batch
        )
        if contact.is_primary:
            _demote_other_primaries(contact, actor, batch)
    return contact


def update_contact(
    contact: Contact,
    *,
    actor: User,
    expected_version: int | None,
    changes: Mapping[str, Any],
    batch: ImportBatch | None = None,
) -> Contact:
    cleaned = _clean(changes)
    with transaction.atomic():
        contact = records.update_record(
            contact, actor=actor, expected_version=expected_version, changes=cleaned, batch=batch
        )
        if contact.is_primary and cleaned.get("is_primary"):
            _demote_other_primaries(contact, actor, batch)
    return contact


def delete_contact(contact: Contact, *, actor: User) -> Contact:
    return records.soft_delete(contact, actor=actor)


def restore_contact(contact: Contact, *, actor: User) -> Contact:
    return records.restore(contact, actor=actor)
