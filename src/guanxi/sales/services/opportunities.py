"""Opportunities (商机): create, edit, product lines, stage moves with their history, and the
won / lost / invalid rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core import clock
from guanxi.core.errors import InvalidInput, NotAllowed, StaleVersion
from guanxi.core.models import OwnedRecord
from guanxi.core.models.org import User
from guanxi.core.scopes import CHANGE
from guanxi.core.services import records
from guanxi.customers.models import Contact, Customer
from guanxi.sales.models import (
    Opportunity,
    OpportunityLine,
    Product,
    Stage,
    StageHistory,
    StageKind,
)
from guanxi.sales.services import pipelines
from guanxi.sales.services.common import (
    MODULE,
    check_owner,
    clean_values,
    line_amount,
    resolve,
    to_money,
)

WRITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "contact",
    "amount",
    "expected_close_date",
    "next_step",
    "competitor",
    "notes",
)
#: Set once at creation (the import may give historical values).
CREATE_ONLY_FIELDS: tuple[str, ...] = ("opened_on",)
LINE_FIELDS: tuple[str, ...] = ("product", "description", "quantity", "unit_price", "discount")


def _clean(
    values: Mapping[str, Any], customer: Customer, actor: User, fields: Iterable[str]
) -> dict[str, Any]:
    cleaned = clean_values(values, fields)
    if "contact" in cleaned and cleaned["contact"] is not None:
        contact = cleaned["contact"]
        pk = contact.pk if isinstance(contact, Contact) else contact
        found = (
            Contact.objects.filter(pk=pk, customer_id=customer.pk).first()
            if str(pk).isdigit()
            else None
        )
        if found is None:
            raise InvalidInput({"contact": [_("No such contact at this customer.")]})
        cleaned["contact"] = found
    if cleaned.get("amount") not in (None, ""):
        cleaned["amount"] = to_money(cleaned["amount"])
        if cleaned["amount"] < 0:
            raise InvalidInput({"amount": [_("The amount cannot be negative.")]})
    elif "amount" in cleaned:
        cleaned["amount"] = Decimal("0")
    return cleaned


def clean_lines(
    lines: Iterable[Mapping[str, Any]], actor: User, price_list: Any = None
) -> list[dict[str, Any]]:
    """Product lines given as dicts: the product (read through the catalogue scope), quantity,
    unit price (default: the price list's price, else the product's list price), discount %;
    the amount is computed here."""
    from guanxi.sales.models import PriceListItem

    cleaned_lines = []
    for index, line in enumerate(lines):
        try:
            row = clean_values(line, LINE_FIELDS)
            product = resolve(Product, row.get("product"), actor, "product")
            if product is None:
                raise InvalidInput({"product": [_("This field is required.")]})
            quantity = to_money(row.get("quantity", 1), "quantity")
            price_raw = row.get("unit_price")
            if price_raw in (None, ""):
                item = (
                    PriceListItem.objects.filter(price_list=price_list, product=product).first()
                    if price_list is not None
                    else None
                )
                unit_price = item.price if item is not None else product.list_price
            else:
                unit_price = to_money(price_raw, "unit_price")
            discount = to_money(row.get("discount") or 0, "discount")
            if quantity <= 0:
                raise InvalidInput({"quantity": [_("The quantity must be positive.")]})
            if unit_price < 0:
                raise InvalidInput({"unit_price": [_("The unit price cannot be negative.")]})
            if not Decimal(0) <= discount <= Decimal(100):
                raise InvalidInput({"discount": [_("The discount is between 0 and 100%.")]})
        except InvalidInput as exc:
            raise InvalidInput({f"lines.{index}.{k}": v for k, v in exc.errors.items()}) from None
        cleaned_lines.append(
            {
                "product": product,
                "description": row.get("description", "") or "",
                "quantity": quantity,
                "unit_price": unit_price,
                "discount": discount,
                "amount": line_amount(quantity, unit_price, discount),
                "position": index,
            }
        )
    return cleaned_lines


def create_opportunity(
    *,
    actor: User,
    customer: Customer,
    values: Mapping[str, Any],
    owner: User | None = None,
    stage: Stage | None = None,
    lines: Iterable[Mapping[str, Any]] | None = None,
    batch: Any = None,
    price_list: Any = None,
) -> Opportunity:
    """A new opportunity in the owner's pipeline (its first open stage unless ``stage``)."""
    owner = check_owner(actor, owner)
    cleaned = _clean(values, customer, actor, (*WRITABLE_FIELDS, *CREATE_ONLY_FIELDS))
    if not cleaned.get("name"):
        raise InvalidInput({"name": [_("This field is required.")]})
    pipeline = pipelines.pipeline_for(owner)
    if stage is None:
        stage = pipelines.first_open_stage(pipeline)
    elif stage.pipeline_id != pipeline.pk:
        pipeline = stage.pipeline
    cleaned_lines = clean_lines(lines or [], actor, price_list)
    if cleaned_lines:
        cleaned["amount"] = sum((line["amount"] for line in cleaned_lines), Decimal("0"))
    today = clock.today()
    cleaned.setdefault("opened_on", today)
    closed = stage.kind != StageKind.OPEN
    if stage.kind == StageKind.LOST and not cleaned.get("lost_reason"):
        raise InvalidInput({"lost_reason": [_("A lost opportunity needs a reason.")]})
    with transaction.atomic():
        opportunity = records.create_record(
            Opportunity,
            actor=actor,
            batch=batch,
            values={
                **cleaned,
                "customer": customer,
                "pipeline": pipeline,
                "stage": stage,
                "outcome": stage.kind,
                "closed_on": today if closed else None,
                "owner": owner,
            },
        )
        for line in cleaned_lines:
            records.create_record(
                OpportunityLine,
                actor=actor,
                batch=batch,
                values={**line, "opportunity": opportunity},
            )
        records.create_record(
            StageHistory,
            actor=actor,
            batch=batch,
            values={
                "opportunity": opportunity,
                "stage": stage,
                "entered_at": clock.now(),
                "moved_by": actor if getattr(actor, "pk", None) else None,
            },
        )
    return opportunity


def update_opportunity(
    opportunity: Opportunity,
    *,
    actor: User,
    expected_version: int | None,
    changes: Mapping[str, Any],
) -> Opportunity:
    """Edit the fields; the stage moves through :func:`move_stage`, the owner through
    :func:`reassign_opportunities`. With product lines, the amount is theirs."""
    cleaned = _clean(changes, opportunity.customer, actor, WRITABLE_FIELDS)
    if "amount" in cleaned and opportunity.lines.exists():
        raise InvalidInput({"amount": [_("The amount is the sum of the product lines.")]})
    return records.update_record(
        opportunity, actor=actor, expected_version=expected_version, changes=cleaned
    )


def replace_lines(
    opportunity: Opportunity,
    *,
    actor: User,
    lines: Iterable[Mapping[str, Any]],
    expected_version: int | None,
) -> Opportunity:
    """Replace the product lines; the amount becomes their sum (in the same transaction)."""
    cleaned_lines = clean_lines(lines, actor)
    with transaction.atomic():
        current = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(["lines"], current.version)
        for old in OpportunityLine.objects.filter(opportunity=current):
            records.soft_delete(old, actor=actor)
        for line in cleaned_lines:
            records.create_record(
                OpportunityLine, actor=actor, values={**line, "opportunity": current}
            )
        total = sum((line["amount"] for line in cleaned_lines), Decimal("0"))
        return records.update_record(
            current, actor=actor, expected_version=None, changes={"amount": total}
        )


def move_stage(
    opportunity: Opportunity,
    *,
    actor: User,
    stage: Stage,
    expected_version: int | None = None,
    lost_reason: str = "",
    competitor: str = "",
) -> Opportunity:
    """Move to ``stage`` of the same pipeline, closing the current stage-history row.

    Lost needs a reason (and may name the competitor); won and lost and invalid set the close
    date, reopening clears it; a won opportunity that has orders stays won.
    """
    if stage.pipeline_id != opportunity.pipeline_id:
        raise InvalidInput({"stage": [_("This stage belongs to another pipeline.")]})
    lost_reason = (lost_reason or "").strip()
    if stage.kind == StageKind.LOST and not lost_reason:
        raise InvalidInput({"lost_reason": [_("A lost opportunity needs a reason.")]})
    with transaction.atomic():
        # Two people dragging the same card: the row lock orders them, the version check
        # refuses the second one's stale move.
        current = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(["stage"], current.version)
        if current.stage_id == stage.pk:
            return current
        if current.outcome == StageKind.WON and current.orders.exclude(status="cancelled").exists():
            raise InvalidInput({"stage": [_("This opportunity has orders; it stays won.")]})
        now = clock.now()
        changes: dict[str, Any] = {
            "stage": stage,
            "outcome": stage.kind,
            "closed_on": clock.today() if stage.kind != StageKind.OPEN else None,
        }
        if stage.kind == StageKind.LOST:
            changes["lost_reason"] = lost_reason
            changes["competitor"] = (competitor or "").strip() or current.competitor
        updated = records.update_record(
            current, actor=actor, expected_version=None, changes=changes
        )
        open_row = (
            StageHistory.objects.filter(opportunity=current, left_at__isnull=True)
            .order_by("-entered_at")
            .first()
        )
        if open_row is not None:
            # A back-dated move (an import of history) never leaves a stage before entering it.
            now = max(now, open_row.entered_at)
            records.update_record(
                open_row, actor=actor, expected_version=None, changes={"left_at": now}
            )
        records.create_record(
            StageHistory,
            actor=actor,
            values={
                "opportunity": current,
                "stage": stage,
                "entered_at": now,
                "moved_by": actor if getattr(actor, "pk", None) else None,
            },
        )
    return updated


def delete_opportunity(opportunity: Opportunity, *, actor: User) -> Opportunity:
    if opportunity.orders.exclude(status="cancelled").exists():
        raise InvalidInput({"opportunity": [_("This opportunity has orders.")]})
    return records.soft_delete(opportunity, actor=actor)


def restore_opportunity(opportunity: Opportunity, *, actor: User) -> Opportunity:
    return records.restore(opportunity, actor=actor)


def reassign_opportunities(
    ids: Iterable[Any], *, actor: User, new_owner: User | None
) -> list[Opportunity]:
    """Hand opportunities over, all or nothing (every id visible and changeable)."""
    return reassign_by_ids(Opportunity, ids, actor=actor, new_owner=new_owner)


def reassign_by_ids(
    model: type[OwnedRecord], ids: Iterable[Any], *, actor: User, new_owner: User | None
) -> list[Any]:
    ids = list(dict.fromkeys(ids))
    found = list(model.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(ids):
        raise NotAllowed(_("Some of the selected records are not available to you."))
    changeable = set(
        model.objects.visible_to(actor, CHANGE).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(changeable) != len(ids):
        raise NotAllowed(_("You may not change some of the selected records."))
    return records.reassign(found, actor=actor, new_owner=new_owner, module=MODULE)


def search(queryset: Any, term: str) -> Any:
    from django.db.models import Q

    term = term.strip()
    return queryset.filter(Q(name__icontains=term) | Q(customer__name__icontains=term))
