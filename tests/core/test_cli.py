"""The ``guanxi`` command end to end: demo data, production serving behind a TLS proxy."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def guanxi_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "GUANXI_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "GUANXI_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "guanxi.settings",
        }
    )
    env.update(extra)
    return env


def test_demo_builds_a_reproducible_organisation_and_prints_the_logins(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", "demo", "--no-serve", "--customers", "30"],
        env=guanxi_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for login in (
        "admin",
        "manager1",
        "rep1",
        "rep2",
        "manager2",
        "rep3",
        "service1",
        "marketing1",
        "analyst1",
    ):
        assert login in result.stdout
    assert "guanxi-demo-2026" in result.stdout
    db = sqlite3.connect(tmp_path / "guanxi.sqlite3")
    departments = db.execute("select kind, count(*) from core_department group by kind").fetchall()
    assert dict(departments) == {"company": 1, "department": 4, "team": 2}
    # running it again changes nothing (idempotent per seed)
    again = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", "demo", "--no-serve", "--customers", "30"],
        env=guanxi_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert db.execute("select count(*) from core_user").fetchone()[0] == 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_serve_runs_gunicorn_and_trusts_the_proxys_https_header(tmp_path):
    env = guanxi_env(
        tmp_path,
        GUANXI_MODE="production",
        SECRET_KEY="serve-test-" + "s" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    subprocess.run(
        [sys.executable, "-m", "guanxi.cli", "migrate"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "guanxi.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                plain = opener.open(f"http://127.0.0.1:{port}/login/", timeout=5)
            except urllib.error.HTTPError as exc:
                plain = exc
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
            else:
                break
        assert plain.code == 301 and plain.headers["Location"].startswith("https://")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/login/", headers={"X-Forwarded-Proto": "https"}
        )
        secure = opener.open(request, timeout=5)
        assert secure.status == 200
        assert "Secure" in secure.headers["Set-Cookie"]
        assert "Strict-Transport-Security" in secure.headers
        css = opener.open(
            urllib.request.Request(
                f"http://127.0.0.1:{port}/static/core/guanxi.css",
                headers={"X-Forwarded-Proto": "https"},
            ),
            timeout=5,
        )
        assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
