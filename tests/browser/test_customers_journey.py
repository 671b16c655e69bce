"""A rep's day with customers: create one (cascading region selects, duplicate check), add a
contact, find it again by pinyin initials, with no CSP violation on the way."""

from __future__ import annotations

from typing import Any

from guanxi.core.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in


def test_create_find_and_extend_a_customer(org: Any, page: Any) -> None:
    from guanxi.customers.services.customers import create_customer

    create_customer(actor=org.users["rep3"], values={"name": "张三实业", "phone": "13700137000"})
    sign_in(page, "rep1", DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/customers/new/")
    page.fill("#id_name", "张三贸易有限公司")
    page.fill("#id_phone", "13700137000")
    page.locator("#id_phone").dispatch_event("change")
    # 查重: a customer with this phone exists outside rep1's scope; only its owner is named
    page.wait_for_selector("#duplicate-check .card")
    assert "刘洋" in page.locator("#duplicate-check").inner_text()
    page.fill("#id_phone", "13800138000")
    page.select_option("#id_industry", "51")
    page.select_option("#id_province", "440000")
    page.wait_for_selector("#id_city option[value='440100']", state="attached")
    page.select_option("#id_city", "440100")
    page.wait_for_selector("#id_district option[value='440106']", state="attached")
    page.select_option("#id_district", "440106")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/customers/*/")
    assert "张三贸易有限公司" in page.locator("h1").inner_text()
    assert "天河区" in page.locator("main").inner_text()

    page.click("text=Add contact")
    page.fill("#id_name", "王五")
    page.fill("#id_mobile", "13900139000")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/customers/*/")
    assert "王五" in page.locator("main").inner_text()

    page.goto("/customers/")
    page.fill("input[name=q]", "zsmy")
    page.wait_for_function(
        "document.querySelectorAll('#customer-table tbody tr').length === 1"
        " && document.querySelector('#customer-table').innerText.includes('张三贸易')"
    )
    assert "张三实业" not in page.locator("#customer-table").inner_text()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
