"""Customers: create, update, delete, restore, reassign, search."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.core import audit_guard
from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.models.audit import AuditEvent, ImportBatch
from guanxi.core.models.org import User
from guanxi.core.scopes import CHANGE
from guanxi.core.services import records
from guanxi.customers.models import Customer
from guanxi.customers.services import normalise

MODULE = "customers"

#: Fields a client may write on a customer (forms, API, import). Owner goes through
#: :func:`reassign_customers`; department, version, timestamps and derived keys never.
WRITABLE_FIELDS: tuple[str, ...] = (
    "code", "name", "name_en", "kind", "relationship_type", "status", "lifecycle_status",
    "loyalty", "importance", "value_ability", "relationship_depth", "visit_frequency", "source",
    "industry", "province", "city", "district", "address", "phone", "email", "website", "tags",
    "occupation", "age_band", "company_size", "annual_turnover",
    "family_members", "team_members", "personality", "hobbies",
    "product_categories", "main_line", "brands",
    "own_stores", "own_stores_revenue", "franchise_stores", "franchise_stores_revenue",
    "counters", "outlets_city", "outlets_county", "outlets_township",
    "logistics_company", "logistics_address", "logistics_contact", "logistics_price",
    "logistics_turnaround_days", "logistics_reputation",
    "notes",
)  # fmt: skip


def derived_keys(values: Mapping[str, Any]) -> dict[str, str]:
    """The search text and the duplicate-matching keys of a customer's values."""
    return {
        "search_text": normalise.search_text(
            name=values.get("name", ""),
            name_en=values.get("name_en", ""),
            code=values.get("code", ""),
            phone=values.get("phone", ""),
            email=values.get("email", ""),
        ),
        "phone_key": normalise.phone_key(values.get("phone", "")),
        "email_key": normalise.email_key(values.get("email", "")),
        "name_key": normalise.name_key(values.get("name", "")),
    }


def new_code() -> str:
    """A fresh customer code, "C" + 10 random base-32 characters: no counter to race on."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    # 32 letters: a random byte modulo 32 is uniform, one system call for the ten of them.
    return "C" + "".join(alphabet[byte % 32] for byte in secrets.token_bytes(10))


def _clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(WRITABLE_FIELDS))
    if unknown:
        raise InvalidInput({k: [_("This field cannot be written.")] for k in unknown})
    cleaned = dict(values)
    if "tags" in cleaned:
        cleaned["tags"] = normalise.tags_value(cleaned["tags"] or "")
    for name in ("name", "name_en", "code", "phone", "email"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip()
    return cleaned


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    # Checked before writing so the message is a field error rather than an IntegrityError; the
    # partial unique constraint still decides a race between two writers.
    rows = Customer.objects.filter(code=code)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if code and rows.exists():
        raise InvalidInput({"code": [_("A customer with this code already exists.")]})


def create_customer(
    *,
    actor: User,
    values: Mapping[str, Any],
    owner: User | None = None,
    batch: ImportBatch | None = None,
) -> Customer:
    """Create a customer owned by ``owner`` (default: the actor), who must be within the
    actor's reach under the hand-over rule."""
    cleaned = _clean_values(values)
    if not cleaned.get("name"):
        raise InvalidInput({"name": [_("This field is required.")]})
    cleaned["code"] = cleaned.get("code") or new_code()
    owner = owner if owner is not None else actor
    if owner is not None and getattr(owner, "pk", None) != getattr(actor, "pk", None):
        if not records.may_hand_over_to(actor, owner, MODULE):
            raise NotAllowed(_("You may not make this user the owner."))
    _check_code_free(cleaned["code"])
    actor_owner = actor if getattr(actor, "pk", None) else None
    full = {**cleaned, **derived_keys(cleaned), "owner": actor_owner}
    with transaction.atomic():
        customer = records.create_record(Customer, actor=actor, values=full, batch=batch)
        if owner is not None and getattr(owner, "pk", None) != getattr(actor_owner, "pk", None):
            # Created in the actor's own scope, then handed over: the hand-over rule (and its
            # audit row) applies to a customer created for someone else too.
            customer = records.update_record(
                customer,
                actor=actor,
                expected_version=None,
                changes={"owner": owner},
                batch=batch,
                action=AuditEvent.Action.REASSIGN,
                check_scope=False,
            )
        return customer


def update_customer(
    customer: Customer,
    *,
    actor: User,
    expected_version: int | None,
    changes: Mapping[str, Any],
    batch: ImportBatch | None = None,
) -> Customer:
    """Change a customer's fields (optimistic locking on ``expected_version``)."""
    cleaned = _clean_values(changes)
    if "code" in cleaned:
        if not cleaned["code"]:
            raise InvalidInput({"code": [_("This field is required.")]})
        _check_code_free(cleaned["code"], exclude_pk=customer.pk)
    with transaction.atomic():
        updated = records.update_record(
            customer, actor=actor, expected_version=expected_version, changes=cleaned, batch=batch
        )
        refresh_derived_keys(updated)
    return updated


def refresh_derived_keys(customer: Customer) -> None:
    """Rewrite the derived columns if the audited fields they come from changed.

    They are bookkeeping (excluded from the audit trail), so ``update_record`` does not write
    them; this runs inside the caller's transaction right after it.
    """
    keys = derived_keys(
        {f: getattr(customer, f) for f in ("name", "name_en", "code", "phone", "email")}
    )
    if all(getattr(customer, k) == v for k, v in keys.items()):
        return
    with audit_guard.audited_writes():
        Customer.all_objects.filter(pk=customer.pk).update(**keys)
    for key, value in keys.items():
        setattr(customer, key, value)


def delete_customer(
    customer: Customer, *, actor: User, batch: ImportBatch | None = None
) -> Customer:
    """Move a customer to the recycle bin (its contacts and activities go out of sight with it)."""
    return records.soft_delete(customer, actor=actor, batch=batch)


def restore_customer(customer: Customer, *, actor: User) -> Customer:
    """Bring a customer back, unless a live customer has taken its code meanwhile."""
    with transaction.atomic():
        _check_code_free(customer.code, exclude_pk=customer.pk)
        return records.restore(customer, actor=actor)


def reassign_customers(
    customers: Iterable[Customer], *, actor: User, new_owner: User | None
) -> list[Customer]:
    """Hand customers over to ``new_owner``, all or nothing (department rule in core)."""
    return records.reassign(customers, actor=actor, new_owner=new_owner, module=MODULE)


def reassign_by_ids(ids: Iterable[Any], *, actor: User, new_owner: User | None) -> list[Customer]:
    """Bulk reassign by id: every id must be visible and changeable, or nothing happens."""
    ids = list(dict.fromkeys(ids))
    found = list(Customer.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(ids):
        raise NotAllowed(_("Some of the selected customers are not available to you."))
    changeable = set(
        Customer.objects.visible_to(actor, CHANGE).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(changeable) != len(ids):
        raise NotAllowed(_("You may not change some of the selected customers."))
    return reassign_customers(found, actor=actor, new_owner=new_owner)


def search(queryset: QuerySet, term: str) -> QuerySet:
    """Name (Chinese, Latin, pinyin, initials), code, phone and email: one LIKE."""
    return queryset.filter(search_text__contains=normalise.search_term(term))
