"""Sales journey: a rep opens the pipeline board and moves a card one stage by keyboard."""

from __future__ import annotations

from playwright.sync_api import expect

from guanxi.core.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in


def test_move_a_kanban_card_by_keyboard(org, page):
    from guanxi.customers.services.customers import create_customer
    from guanxi.sales.models import Opportunity, StageHistory
    from guanxi.sales.services import opportunities

    rep = org.users["rep1"]
    customer = create_customer(
        actor=rep, values={"name": "Keyboard Co", "kind": "person", "phone": "13800000099"}
    )
    deal = opportunities.create_opportunity(
        actor=rep, customer=customer, values={"name": "Keyboard deal", "amount": 1000}
    )
    first_stage = deal.stage

    sign_in(page, "rep1", DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/sales/opportunities/board/")
    card = page.locator(f".board-card[data-id='{deal.pk}']")
    assert card.locator("xpath=ancestor::section").get_attribute("data-stage") == str(
        first_stage.pk
    )
    card.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#board-status")).to_contain_text("Needs analysis")
    # Focus stays on the moved card, now in the next column.
    assert page.evaluate("document.activeElement.dataset.id") == str(deal.pk)

    deal = Opportunity.objects.get(pk=deal.pk)
    assert deal.stage.position == first_stage.position + 1
    assert StageHistory.objects.filter(opportunity=deal).count() == 2

    page.reload()
    column = page.locator(f".board-card[data-id='{deal.pk}']").locator("xpath=ancestor::section")
    assert column.get_attribute("data-stage") == str(deal.stage_id)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
