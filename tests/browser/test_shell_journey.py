"""Journeys through the shell: log in, switch to Chinese and back, log out; throttled login."""

from __future__ import annotations

from guanxi.core.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in


def test_login_switch_language_logout(org, page):
    sign_in(page, "rep1", DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.click("button[name=language][value=en]")
    assert page.locator("h1").inner_text().startswith("Welcome")
    assert page.locator("nav#mainnav").inner_text().count("Customers") >= 1

    page.click("button[name=language][value=zh-hans]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "欢迎" in page.locator("h1").inner_text()
    assert "客户" in page.locator("nav#mainnav").inner_text()
    # the choice is kept on the account: a fresh browser session shows Chinese too
    org.users["rep1"].refresh_from_db()
    assert org.users["rep1"].language == "zh-hans"

    page.click("form[action='/logout/'] button")
    page.wait_for_url("**/login/")
    page.goto("/")
    assert "/login/" in page.url
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


def test_failed_logins_are_throttled(org, page):
    for _ in range(5):
        sign_in(page, "rep2", "not the password")
    sign_in(page, "rep2", DEMO_PASSWORD)
    body = page.locator("main").inner_text()
    assert "Too many failed logins" in body or "登录失败次数过多" in body


def test_phone_width_menu_toggles(org, browser, live_server):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, base_url=live_server.url, locale="en-US"
    )
    page = context.new_page()
    sign_in(page, "manager1", DEMO_PASSWORD)
    page.wait_for_url("**/")
    nav = page.locator("nav#mainnav")
    assert not nav.is_visible()
    page.click(".nav-toggle")
    assert nav.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1
    context.close()


def test_api_docs_render_from_the_apps_own_files_under_the_csp(org, page):
    sign_in(page, "rep1", DEMO_PASSWORD)
    page.wait_for_url("**/")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() > 5
    assert all(url.startswith(page.url.split("/api/")[0]) for url in requests), requests
