"""Sales event hook subscribers of the test app, a second app subscribing as credit or
insights will (sales does not import it). They do nothing until a test opens
:func:`listening`, which says what they should answer and records every call."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from guanxi.core.services import records
from guanxi.sales import hooks


class HookFailed(RuntimeError):
    """What a subscriber raises when a test asks it to fail."""


@dataclass
class Call:
    event: str
    record: Any
    actor: Any
    status: str
    releasing: bool = False


@dataclass
class Listener:
    verdict: hooks.Verdict = None
    fail_on: set[str] = field(default_factory=set)
    #: Events on which the subscriber writes a Widget named after the event (a hook's own write).
    write_on: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)

    def of(self, event: str) -> list[Call]:
        return [c for c in self.calls if c.event == event]


_active: Listener | None = None


@contextlib.contextmanager
def listening(**options: Any) -> Iterator[Listener]:
    global _active
    listener = Listener(**options)
    _active = listener
    try:
        yield listener
    finally:
        _active = None


def _heard(event: str, record: Any, actor: Any, releasing: bool = False) -> Listener | None:
    listener = _active
    if listener is None:
        return None
    listener.calls.append(Call(event, record, actor, record.status, releasing))
    if event in listener.write_on:
        from tests.testapp.models import Widget

        records.create_record(Widget, actor=actor, values={"name": event, "owner": actor})
    if event in listener.fail_on:
        raise HookFailed(event)
    return listener


def on_order_confirmed(order: Any, actor: Any, *, releasing: bool) -> hooks.Verdict:
    listener = _heard("order confirmed", order, actor, releasing)
    return listener.verdict if listener is not None else None


def on_order_delivered(order: Any, actor: Any) -> None:
    _heard("order delivered", order, actor)


def on_payment_recorded(payment: Any, actor: Any) -> None:
    _heard("payment recorded", payment, actor)


def on_payment_reversed(payment: Any, actor: Any) -> None:
    _heard("payment reversed", payment, actor)


def on_lead_converted(lead: Any, actor: Any) -> None:
    _heard("lead converted", lead, actor)


def subscribe() -> None:
    """Called from ``TestAppConfig.ready()``; idempotent (the keys replace themselves)."""
    hooks.order_confirmed.register("testapp.confirmed", on_order_confirmed)
    hooks.order_delivered.register("testapp.delivered", on_order_delivered)
    hooks.payment_recorded.register("testapp.payment_recorded", on_payment_recorded)
    hooks.payment_reversed.register("testapp.payment_reversed", on_payment_reversed)
    hooks.lead_converted.register("testapp.lead_converted", on_lead_converted)
