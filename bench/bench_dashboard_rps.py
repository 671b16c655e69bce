"""Requests per second of the logged-in home dashboard under ``guanxi serve`` (gunicorn, 2
workers, production settings, SQLite) beside a minimal Django view served the same way, in the
same run, alternating, median of 3 rounds of 10 s each with wrk (Debian's package).

    .venv/bin/python bench/bench_dashboard_rps.py [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def wrk(url: str, seconds: int, headers: list[str]) -> float:
    args = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} non-2xx answers\n{out}")
    return float(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("install Debian's wrk: apt-get install wrk", file=sys.stderr)
        return 2

    data = Path(tempfile.mkdtemp(prefix="guanxi-bench-"))
    env = {
        **os.environ,
        "GUANXI_MODE": "production",
        "GUANXI_DATA_DIR": str(data),
        "SECRET_KEY": "bench-" + "k" * 60,
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "guanxi.settings",
    }
    setup = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "import random; from guanxi.core.demo import DemoContext, build_organisation;"
        "ctx = DemoContext(rng=random.Random(1), seed=1, options={}); build_organisation(ctx);"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "u = ctx.users['rep1']; s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk);"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    prepared = subprocess.run(
        [sys.executable, "-c", setup], env=env, capture_output=True, text=True
    )
    if prepared.returncode != 0:
        print(prepared.stderr, file=sys.stderr)
        return 1
    session = prepared.stdout.strip().splitlines()[-1]

    app_port, min_port = free_port(), free_port()
    guanxi = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "guanxi.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{app_port}",
            "--workers",
            "2",
        ],
        env=env,
    )
    minimal = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "minimal_django:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{min_port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT / "bench",
        env={**os.environ},
    )
    try:
        wait_for(app_port)
        wait_for(min_port)
        headers = [f"Cookie: sessionid={session}", "X-Forwarded-Proto: https"]
        # a request to check we get the dashboard, not a redirect to the login page
        check = subprocess.run(
            [
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-H",
                headers[0],
                "-H",
                headers[1],
                f"http://127.0.0.1:{app_port}/",
            ],
            capture_output=True,
            text=True,
        ).stdout
        if check != "200":
            raise RuntimeError(f"dashboard answered {check}, not 200")
        wrk(f"http://127.0.0.1:{app_port}/", 2, headers)  # warm up
        wrk(f"http://127.0.0.1:{min_port}/", 2, [])
        dash, mini = [], []
        for _ in range(args.rounds):
            mini.append(wrk(f"http://127.0.0.1:{min_port}/", args.seconds, []))
            dash.append(wrk(f"http://127.0.0.1:{app_port}/", args.seconds, headers))
        d, m = statistics.median(dash), statistics.median(mini)
        print(
            f"minimal Django view : {m:8.0f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in mini)})"
        )
        print(
            f"guanxi dashboard    : {d:8.0f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in dash)})"
        )
        print(f"ratio dashboard/minimal: {d / m:.2f}")
    finally:
        for proc in (guanxi, minimal):
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
