"""Sales event hooks: the seams later modules (credit, insights, marketing) use to take part in
the sales workflows without sales importing them.

A module subscribes from its own ``AppConfig.ready()``::

    from guanxi.sales import hooks

    hooks.order_confirmed.register("credit.limit", check_credit_limit)
    hooks.payment_recorded.register("credit.exposure", update_exposure)

Hooks receive the record and the acting user and run inside the service's transaction, after
the service's own checks, in registration order: an exception a hook raises rolls the whole
operation back, the hook's own writes included. Each subscription has a key; registering the
same key again replaces the hook in its place, so a re-run ``ready()`` or a test never
subscribes twice.

Order-confirmed hooks decide as well as listen: they see the order before it is confirmed and
may return :class:`Refuse` (nothing is written; the service raises :class:`OrderRefused`) or
:class:`Hold` (the order is saved on hold with the reason until a user releases it). When a
user releases a held order the hooks run again with ``releasing=True``: a hold is then
overridden by the user's decision, a refusal still refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput

if TYPE_CHECKING:
    from guanxi.core.models import User
    from guanxi.sales.models import Lead, Order, Payment


@dataclass(frozen=True)
class Refuse:
    """An order-confirmed hook's verdict: the order may not be confirmed, for ``reason``."""

    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("A refusal needs a reason.")


@dataclass(frozen=True)
class Hold:
    """An order-confirmed hook's verdict: save the order on hold, for ``reason``, until a user
    with change scope releases it."""

    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("A hold needs a reason.")


Verdict = Refuse | Hold | None


class OrderRefused(InvalidInput):
    """An order-confirmed hook refused the confirmation; the API answers 400 naming the reason
    (under ``status``, like the service's own confirmation checks), pages show it as a message."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(
            {"status": [_("The order cannot be confirmed: %(reason)s") % {"reason": reason}]}
        )


class ConfirmationHook(Protocol):
    def __call__(self, order: Order, actor: User, *, releasing: bool) -> Verdict: ...


R = TypeVar("R")
H = TypeVar("H")


class Registry(Generic[H]):
    """Hooks by key, in registration order (a replaced key keeps its place)."""

    def __init__(self, event: str) -> None:
        self.event = event
        self._hooks: dict[str, H] = {}

    def register(self, key: str, hook: H) -> None:
        if not key:
            raise ValueError("A hook needs a key, e.g. '<module>.<what it does>'.")
        self._hooks[key] = hook

    def unregister(self, key: str) -> None:
        self._hooks.pop(key, None)

    def keys(self) -> list[str]:
        return list(self._hooks)

    def __iter__(self) -> Iterator[tuple[str, H]]:
        return iter(list(self._hooks.items()))


class EventHooks(Registry[Callable[[R, "User"], None]]):
    """Hooks told that something happened to a record; they cannot veto it except by raising."""

    def notify(self, record: R, actor: User) -> None:
        for _key, hook in self:
            hook(record, actor)


class ConfirmationHooks(Registry[ConfirmationHook]):
    def decide(self, order: Order, actor: User, *, releasing: bool = False) -> list[str]:
        """Run the hooks; raise :class:`OrderRefused` on the first refusal, else return the
        reasons of the holds (none while releasing: the releasing user overrides them)."""
        holds: list[str] = []
        for key, hook in self:
            verdict = hook(order, actor, releasing=releasing)
            if isinstance(verdict, Refuse):
                raise OrderRefused(key, verdict.reason.strip())
            if isinstance(verdict, Hold):
                if not releasing:
                    holds.append(verdict.reason.strip())
            elif verdict is not None:
                raise TypeError(f"Hook {key!r} returned {verdict!r}, not Refuse, Hold or None.")
        return holds


#: Before a draft order is confirmed (and again when a held order is released).
order_confirmed = ConfirmationHooks("order confirmed")
#: After an order is marked delivered.
order_delivered: EventHooks[Order] = EventHooks("order delivered")
#: After a payment is recorded (and its instalment updated).
payment_recorded: EventHooks[Payment] = EventHooks("payment recorded")
#: After a payment is reversed (and its instalment reopened).
payment_reversed: EventHooks[Payment] = EventHooks("payment reversed")
#: After a lead is converted (its customer, contact and opportunity created).
lead_converted: EventHooks[Lead] = EventHooks("lead converted")
