"""Configuration from the environment: deploy checks and one-line start-up errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "GUANXI_MODE"}
    }
    base.update({"PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "guanxi.settings"})
    base.update(env)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=base, timeout=120
    )


PRODUCTION = {
    "GUANXI_MODE": "production",
    "SECRET_KEY": "x" * 30 + "a-long-random-production-secret-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "crm.example.com",
}


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = run(
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        GUANXI_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GUANXI_MODE": "production"}, "SECRET_KEY is required"),
        ({**PRODUCTION, "DATABASE_URL": "mysqlx://nowhere"}, "DATABASE_URL must start with"),
        ({**PRODUCTION, "DATABASE_URL": "postgres://"}, "DATABASE_URL names no database"),
        ({**PRODUCTION, "DEBUG": "maybe"}, "DEBUG must be true or false"),
    ],
)
def test_bad_configuration_is_one_clear_line(tmp_path, env, message):
    result = run(["-m", "guanxi.cli", "migrate"], GUANXI_DATA_DIR=str(tmp_path), **env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_demo_settings_generate_and_keep_a_secret_key(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"
    first = run(
        ["-c", f"import django; django.setup(); {code}"],
        GUANXI_MODE="demo",
        GUANXI_DATA_DIR=str(tmp_path),
    )
    second = run(
        ["-c", f"import django; django.setup(); {code}"],
        GUANXI_MODE="demo",
        GUANXI_DATA_DIR=str(tmp_path),
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and first.stdout.endswith("True\n")
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_proxy_header_makes_requests_secure(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


def test_every_page_carries_a_strict_csp(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_hashes_passwords_with_argon2(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.contrib.auth.hashers import make_password;"
        "print(make_password('a long enough secret 42').split('$')[0])"
    )
    result = run(["-c", code], GUANXI_DATA_DIR=str(tmp_path), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "argon2"
