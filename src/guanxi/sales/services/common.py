"""Small pieces the sales services share: writable-field checks, money, line amounts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.scopes import CHANGE, VIEW
from guanxi.core.services import records

if TYPE_CHECKING:
    from guanxi.core.models import SoftDeleteRecord
    from guanxi.core.models.reference import ReferenceRecord

MODULE = "sales"
CENT = Decimal("0.01")


def currency() -> str:
    """The installation's one base currency (default CNY)."""
    return str(getattr(settings, "GUANXI_CURRENCY", "CNY"))


def to_money(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput({field: [_("Enter an amount.")]}) from None
    if not amount.is_finite():
        raise InvalidInput({field: [_("Enter an amount.")]})
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal, discount: Decimal) -> Decimal:
    """quantity × unit price × (1 − discount %), rounded half-up to the cent."""
    gross = Decimal(quantity) * Decimal(unit_price)
    return (gross * (Decimal(100) - Decimal(discount)) / Decimal(100)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def clean_values(values: Mapping[str, Any], writable: Iterable[str]) -> dict[str, Any]:
    """Refuse fields a client may not write; strip text."""
    allowed = set(writable)
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise InvalidInput({k: [_("This field cannot be written.")] for k in unknown})
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def resolve(
    model: type[SoftDeleteRecord] | type[ReferenceRecord],
    value: Any,
    user: Any,
    field: str,
    action: str = VIEW,
) -> Any:
    """A related record given as an instance or an id, read through the user's scope.

    Out of scope reads as "no such record" in the field's error, like a missing one.
    """
    if value is None or value == "":
        return None
    pk = value.pk if hasattr(value, "pk") else value
    row = model.objects.visible_to(user, action).filter(pk=pk).first() if _is_id(pk) else None
    if row is None:
        raise InvalidInput({field: [_("No such record.")]})
    return row


def _is_id(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


def check_owner(actor: Any, owner: Any) -> Any:
    """The owner of a new record: the actor, or a user the actor may hand records to."""
    if owner is None or getattr(owner, "pk", None) == getattr(actor, "pk", None):
        return actor if getattr(actor, "pk", None) else None
    if not records.may_hand_over_to(actor, owner, MODULE):
        raise NotAllowed(_("You may not make this user the owner."))
    return owner


def require_change(user: Any, record: Any) -> None:
    from guanxi.core.scopes import can

    if not can(user, record, CHANGE):
        raise NotAllowed(_("You may not change this record."))
