"""Login, throttling with a cool-off, session rotation, logout, password rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from guanxi.core.demo import DEMO_PASSWORD


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_rotates_the_session_and_logout_invalidates_it(org):
    client = Client()
    client.get(reverse("core:login"))
    before = client.session.session_key
    response = login(client, "rep1", DEMO_PASSWORD)
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after and after != before
    assert client.get(reverse("core:home")).status_code == 200
    client.post(reverse("core:logout"))
    replay = Client()
    replay.cookies["sessionid"] = after
    assert replay.get(reverse("core:home")).status_code == 302


def test_failed_logins_are_throttled_by_username(org):
    client = Client()
    for _ in range(4):
        assert login(client, "rep1", "wrong password!").status_code == 200
    assert login(client, "rep1", "wrong password!").status_code == 429
    response = login(client, "rep1", DEMO_PASSWORD, ip="10.0.0.2")
    assert response.status_code == 429
    # another user from another address is not affected
    assert login(Client(), "rep2", DEMO_PASSWORD, ip="10.0.0.3").status_code == 302


def test_failed_logins_are_throttled_by_ip(org):
    for i in range(5):
        login(Client(), f"nobody{i}", "wrong password!", ip="10.9.9.9")
    assert login(Client(), "rep2", DEMO_PASSWORD, ip="10.9.9.9").status_code == 429


def test_lockout_ends_after_the_cool_off(org):
    from axes.models import AccessAttempt

    for _ in range(5):
        login(Client(), "rep1", "wrong password!")
    assert login(Client(), "rep1", DEMO_PASSWORD).status_code == 429
    # age the attempts past the cool-off instead of sleeping
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert login(Client(), "rep1", DEMO_PASSWORD).status_code == 302


def test_password_change_requires_twelve_characters(org, client_for):
    client = client_for("rep1")
    response = client.post(
        reverse("core:password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "short1A!", "new_password2": "short1A!"},
    )
    assert response.status_code == 200
    assert "12" in response.content.decode()
    response = client.post(
        reverse("core:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    )
    assert response.status_code == 302
    org.users["rep1"].refresh_from_db()
    assert org.users["rep1"].check_password("a much longer passphrase 42")


@pytest.mark.parametrize("username", ["admin", "rep1", "analyst1"])
def test_home_dashboard_has_a_placeholder_per_role(org, client_for, username):
    page = client_for(username).get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    from guanxi.core.modules import get_role
    from guanxi.core.services.org import role_codes

    (code,) = role_codes(org.users[username])
    from django.utils import translation

    with translation.override("en"):
        assert str(get_role(code).intro) in page.content.decode()
