"""Sales event hooks, subscribed from a second app (tests/testapp/hooks.py) that sales does not
import: an order-confirmed hook refuses or holds, a held order is released; the delivered,
payment and lead hooks are told once, inside the service's transaction."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from guanxi.core.models import AuditEvent
from guanxi.customers.models import Customer
from guanxi.sales import hooks
from guanxi.sales.models import Instalment, Lead, Opportunity, Order, Payment
from guanxi.sales.services import leads, orders, payments
from tests.sales.conftest import make_order
from tests.testapp.hooks import HookFailed, listening
from tests.testapp.models import Widget

REASON = "Over the credit limit by 1,000"


def audit_rows(record):
    return AuditEvent.objects.filter(
        object_id=record.pk, content_type__model="order", content_type__app_label="sales"
    )


def confirm_api(client, order, action="confirm"):
    return client.post(
        f"/api/v1/orders/{order.pk}/{action}", data="{}", content_type="application/json"
    )


@pytest.fixture
def draft(org, catalogue, customers):
    return make_order(
        org.users["rep1"],
        customers["rep1"],
        [(catalogue["router"], "2", "1000", "0")],
        confirm=False,
    )


@pytest.fixture
def extra_hook():
    """Register hooks under test-only keys on a registry; removed afterwards."""
    added = []

    def add(registry, key, hook):
        registry.register(key, hook)
        added.append((registry, key))

    yield add
    for registry, key in added:
        registry.unregister(key)


# ---------------------------------------------------------------- the registries


def test_hooks_run_in_registration_order_and_a_key_registers_once():
    registry: hooks.EventHooks[str] = hooks.EventHooks("test")
    heard = []
    registry.register("a", lambda record, actor: heard.append(("a", record)))
    registry.register("b", lambda record, actor: heard.append(("b", record)))
    registry.register("a", lambda record, actor: heard.append(("a2", record)))  # replaced in place
    registry.notify("r", None)
    assert heard == [("a2", "r"), ("b", "r")] and registry.keys() == ["a", "b"]
    with pytest.raises(ValueError):
        registry.register("", lambda record, actor: None)


def test_the_test_app_subscribes_without_sales_importing_it():
    """Subscribing again (a second ready()) changes nothing; sales names no later module."""
    from tests.testapp.hooks import subscribe

    before = hooks.order_confirmed.keys()
    subscribe()
    assert hooks.order_confirmed.keys() == before and "testapp.confirmed" in before
    for registry in (
        hooks.order_delivered,
        hooks.payment_recorded,
        hooks.payment_reversed,
        hooks.lead_converted,
    ):
        assert [k for k in registry.keys() if k.startswith("testapp.")] != [], registry.event
    sales = Path(hooks.__file__).parent
    for source in sales.rglob("*.py"):
        assert "tests." not in source.read_text(encoding="utf-8"), source


def test_a_verdict_needs_a_reason_and_a_hook_must_answer_a_verdict(draft, org, extra_hook):
    with pytest.raises(ValueError):
        hooks.Hold("  ")
    extra_hook(hooks.order_confirmed, "test.bad", lambda order, actor, *, releasing: True)
    with pytest.raises(TypeError):
        orders.confirm_order(draft, actor=org.users["rep1"])
    assert Order.objects.get(pk=draft.pk).status == "draft"


# ---------------------------------------------------------------- refusing


def test_a_refusing_hook_keeps_the_order_a_draft_and_audits_nothing(draft, org):
    rep = org.users["rep1"]
    before = audit_rows(draft).count()
    with listening(verdict=hooks.Refuse(REASON)) as listener:
        with pytest.raises(hooks.OrderRefused) as refused:
            orders.confirm_order(draft, actor=rep, expected_version=draft.version)
    assert refused.value.key == "testapp.confirmed" and refused.value.reason == REASON
    assert REASON in refused.value.errors["status"][0]
    [call] = listener.of("order confirmed")
    assert call.record.pk == draft.pk and call.actor == rep and call.status == "draft"
    assert not call.releasing
    stored = Order.objects.get(pk=draft.pk)
    assert (stored.status, stored.version, stored.confirmed_on) == ("draft", draft.version, None)
    assert audit_rows(draft).count() == before
    assert Customer.objects.get(pk=draft.customer_id).dealt_on is None


def test_a_refusal_answers_400_naming_the_reason_and_a_page_message(draft, api_for, client_for):
    with listening(verdict=hooks.Refuse(REASON)):
        answer = confirm_api(api_for("rep1"), draft)
        page = client_for("rep1").post(
            f"/sales/orders/{draft.pk}/confirm/", {"version": draft.version}, follow=True
        )
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid" and REASON in body["fields"]["status"][0]
    assert page.status_code == 200 and REASON in page.content.decode()
    assert Order.objects.get(pk=draft.pk).status == "draft"


def test_the_first_refusal_wins_over_earlier_holds(draft, org, extra_hook):
    extra_hook(
        hooks.order_confirmed, "test.refuse", lambda order, actor, *, releasing: hooks.Refuse("No")
    )
    with listening(verdict=hooks.Hold(REASON)):
        with pytest.raises(hooks.OrderRefused) as refused:
            orders.confirm_order(draft, actor=org.users["rep1"])
    assert refused.value.key == "test.refuse"
    assert Order.objects.get(pk=draft.pk).status == "draft"


# ---------------------------------------------------------------- holding and releasing


def test_a_held_order_keeps_the_reason_is_audited_and_release_confirms_it(draft, org):
    rep = org.users["rep1"]
    with listening(verdict=hooks.Hold(REASON)) as listener:
        held = orders.confirm_order(draft, actor=rep, expected_version=draft.version)
        assert (held.status, held.hold_reason, held.confirmed_on) == ("on_hold", REASON, None)
        assert not held.is_revenue
        event = audit_rows(draft).order_by("-pk").first()
        assert event.changes["status"] == ["draft", "on_hold"]
        assert event.changes["hold_reason"] == ["", REASON]
        # A held order is not revenue yet: no payment, no deal for the customer.
        assert Customer.objects.get(pk=draft.customer_id).dealt_on is None
        with pytest.raises(orders.InvalidInput):
            payments.record_payment(actor=rep, order=held, values={"amount": "10"})
        with pytest.raises(orders.InvalidInput):
            orders.confirm_order(held, actor=rep)

        released = orders.release_order(held, actor=rep, expected_version=held.version)
    assert (released.status, released.hold_reason) == ("confirmed", "")
    assert released.confirmed_on == dt.date(2026, 3, 20)
    assert Customer.objects.get(pk=draft.customer_id).dealt_on == draft.order_date
    first, second = listener.of("order confirmed")
    assert (first.releasing, second.releasing) == (False, True)  # the hold is overridden
    event = audit_rows(draft).order_by("-pk").first()
    assert event.changes["status"] == ["on_hold", "confirmed"] and event.actor == rep


def test_two_holds_keep_both_reasons(draft, org, extra_hook):
    extra_hook(
        hooks.order_confirmed,
        "test.hold",
        lambda order, actor, *, releasing: hooks.Hold("Customer overdue"),
    )
    with listening(verdict=hooks.Hold(REASON)):
        held = orders.confirm_order(draft, actor=org.users["rep1"])
    assert held.hold_reason == f"{REASON}\nCustomer overdue"


def test_a_hook_may_still_refuse_the_release(draft, org):
    rep = org.users["rep1"]
    with listening(verdict=hooks.Hold(REASON)):
        held = orders.confirm_order(draft, actor=rep)
    with listening(verdict=hooks.Refuse("Customer blocked")):
        with pytest.raises(hooks.OrderRefused):
            orders.release_order(held, actor=rep)
    stored = Order.objects.get(pk=draft.pk)
    assert (stored.status, stored.hold_reason) == ("on_hold", REASON)
    with pytest.raises(orders.InvalidInput) as caught:
        orders.release_order(make_order(rep, draft.customer, [], confirm=False), actor=rep)
    assert "status" in caught.value.errors


def test_hold_and_release_through_the_api(draft, api_for):
    with listening(verdict=hooks.Hold(REASON)):
        held = confirm_api(api_for("rep1"), draft)
        assert held.status_code == 200, held.content
        assert (held.json()["status"], held.json()["hold_reason"]) == ("on_hold", REASON)
        assert api_for("rep1").get(f"/api/v1/orders/{draft.pk}").json()["hold_reason"] == REASON
        # The release needs change scope: 404 outside the view scope, 403 read-only.
        assert confirm_api(api_for("rep3"), draft, "release").status_code == 404
        assert confirm_api(api_for("service1"), draft, "release").status_code == 403
        stale = api_for("rep1").post(
            f"/api/v1/orders/{draft.pk}/release",
            data=json.dumps({"version": draft.version}),
            content_type="application/json",
        )
        assert stale.status_code == 409
        released = confirm_api(api_for("manager1"), draft, "release")
    assert released.status_code == 200, released.content
    assert (released.json()["status"], released.json()["hold_reason"]) == ("confirmed", "")
    again = confirm_api(api_for("rep1"), draft, "release")
    assert again.status_code == 400 and "status" in again.json()["fields"]


def test_the_order_page_shows_the_hold_reason_and_releases(draft, client_for):
    client = client_for("rep1")
    release_url = f"/sales/orders/{draft.pk}/release/"
    with listening(verdict=hooks.Hold(REASON)):
        page = client.post(
            f"/sales/orders/{draft.pk}/confirm/", {"version": draft.version}, follow=True
        )
        html = page.content.decode()
        assert f'<dd class="hold-reason">{REASON}</dd>' in html and release_url in html
        readonly = client_for("service1").get(f"/sales/orders/{draft.pk}/").content.decode()
        assert "hold-reason" in readonly and release_url not in readonly
        held = Order.objects.get(pk=draft.pk)
        page = client.post(release_url, {"version": held.version}, follow=True)
    assert page.status_code == 200 and "hold-reason" not in page.content.decode()
    stored = Order.objects.get(pk=draft.pk)
    assert (stored.status, stored.hold_reason) == ("confirmed", "")


# ---------------------------------------------------------------- the other events


def test_delivered_payment_and_lead_hooks_are_told_once_with_the_record(draft, org):
    rep = org.users["rep1"]
    order = orders.confirm_order(draft, actor=rep)
    lead = leads.create_lead(actor=rep, values={"company": "钩子公司 Hook Co"})
    lead = leads.update_lead(
        lead, actor=rep, expected_version=lead.version, changes={"status": "qualified"}
    )
    with listening() as listener:
        payment = payments.record_payment(actor=rep, order=order, values={"amount": "300"})
        payments.reverse_payment(payment, actor=rep, reason="Bounced")
        orders.deliver_order(order, actor=rep)
        converted = leads.convert_lead(lead, actor=rep, create_new_customer=True)
    assert [c.event for c in listener.calls] == [
        "payment recorded",
        "payment reversed",
        "order delivered",
        "lead converted",
    ]
    recorded, reversed_, delivered, lead_call = listener.calls
    assert isinstance(recorded.record, Payment) and recorded.record.pk == payment.pk
    assert (recorded.status, reversed_.status) == ("valid", "reversed")
    assert reversed_.record.pk == payment.pk
    assert isinstance(delivered.record, Order) and delivered.record.pk == order.pk
    assert delivered.status == "delivered"
    assert lead_call.record.pk == converted.pk and lead_call.status == "converted"
    assert lead_call.record.converted_customer_id is not None
    assert all(c.actor == rep for c in listener.calls)


def test_a_hooks_own_writes_commit_with_the_operation(draft, org):
    rep = org.users["rep1"]
    order = orders.confirm_order(draft, actor=rep)
    with listening(write_on={"payment recorded"}):
        payments.record_payment(actor=rep, order=order, values={"amount": "300"})
    assert Widget.objects.filter(name="payment recorded", owner=rep).count() == 1


# ---------------------------------------------------------------- a failing hook


def test_a_failing_confirmation_hook_rolls_back_its_own_writes_too(draft, org):
    rep = org.users["rep1"]
    before = audit_rows(draft).count()
    with listening(write_on={"order confirmed"}, fail_on={"order confirmed"}):
        with pytest.raises(HookFailed):
            orders.confirm_order(draft, actor=rep)
    assert Order.objects.get(pk=draft.pk).status == "draft"
    assert audit_rows(draft).count() == before
    assert not Widget.all_objects.exists()


def test_a_failing_hook_rolls_back_delivery_payments_and_conversion(draft, org):
    rep = org.users["rep1"]
    order = orders.confirm_order(draft, actor=rep)
    instalment = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 4, 1), "amount": "1000"}
    )
    payment = payments.record_payment(
        actor=rep, order=order, values={"amount": "200", "instalment": instalment.pk}
    )
    lead = leads.create_lead(actor=rep, values={"company": "钩子公司 Hook Co"})
    lead = leads.update_lead(
        lead, actor=rep, expected_version=lead.version, changes={"status": "qualified"}
    )
    customers_before = Customer.objects.count()
    every = {"order delivered", "payment recorded", "payment reversed", "lead converted"}
    with listening(fail_on=every, write_on=every):
        with pytest.raises(HookFailed):
            orders.deliver_order(order, actor=rep)
        with pytest.raises(HookFailed):
            payments.record_payment(
                actor=rep, order=order, values={"amount": "300", "instalment": instalment.pk}
            )
        with pytest.raises(HookFailed):
            payments.reverse_payment(payment, actor=rep, reason="Bounced")
        with pytest.raises(HookFailed):
            leads.convert_lead(lead, actor=rep, create_new_customer=True)
    stored = Order.objects.get(pk=order.pk)
    assert (stored.status, stored.delivered_on) == ("confirmed", None)
    assert list(Payment.objects.filter(order=order).values_list("pk", "status")) == [
        (payment.pk, "valid")
    ]
    assert Instalment.objects.get(pk=instalment.pk).paid_amount == Decimal("200.00")
    assert Lead.objects.get(pk=lead.pk).status == "qualified"
    assert Customer.objects.count() == customers_before
    assert not Opportunity.objects.filter(name="钩子公司 Hook Co").exists()
    assert not Widget.all_objects.exists()


def test_an_import_cannot_deliver_or_pay_an_order_a_hook_holds(org, catalogue, customers):
    from guanxi.sales.services.importing import import_orders

    rep = org.users["rep1"]
    header = (
        "订单号,客户,下单日期,状态,产品编码,数量,单价,折扣,回款日期,回款金额,回款方式,回款单号\n"
    )
    name = customers["rep1"].name
    held_only = f"H-9,{name},2025-03-15,confirmed,P-100,1,1000,0,,,,\n"
    delivered = f"H-8,{name},2025-03-15,delivered,P-100,1,1000,0,,,,\n"
    with listening(verdict=hooks.Hold(REASON)):
        failed = import_orders((header + delivered).encode(), filename="h.csv", actor=rep)
        done = import_orders((header + held_only).encode(), filename="h.csv", actor=rep)
    assert not failed.written and any(REASON in e.reason for e in failed.errors), failed.errors
    assert done.written and Order.objects.get(external_ref="H-9").status == "on_hold"
    assert not Order.objects.filter(external_ref="H-8").exists()
