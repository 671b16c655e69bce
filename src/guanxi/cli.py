"""The ``guanxi`` command: demo, serve, worker, migrate, createsuperuser, token, import, analyze.

Configuration problems (a malformed DATABASE_URL, a missing SECRET_KEY in production) end the
command with one clear line on stderr and exit code 2, not a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from guanxi.config import ConfigError
from guanxi.core import commands as module_commands
from guanxi.core.commands import setup_django


def _fail(message: str) -> int:
    print(f"guanxi: error: {message}", file=sys.stderr)
    return 2


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django("demo")
    from django.conf import settings
    from rich.console import Console
    from rich.table import Table

    from guanxi.core import demo
    from guanxi.progress import progress_bar

    console = Console(stderr=True)
    console.print(f"[bold]Guanxi demo[/] · data folder {settings.DATA_DIR}")
    _manage("migrate", "--noinput", "--verbosity", "0")
    options = {"customers": args.customers}
    with progress_bar(console) as progress:
        demo.build(seed=args.seed, options=options, progress=progress)
    table = Table(title="Demo logins (password for all: " + demo.DEMO_PASSWORD + ")")
    table.add_column("username")
    table.add_column("who")
    for username, _password, description in demo.logins():
        table.add_row(username, description)
    Console().print(table)
    if args.no_serve:
        return 0
    url = f"http://127.0.0.1:{args.port}"
    Console().print(f"Serving Guanxi at [bold]{url}[/]  (Ctrl+C to stop)")
    return _run_children(
        [
            _gunicorn_command(f"127.0.0.1:{args.port}", workers=2),
            [sys.executable, "-m", "guanxi.cli", "worker"],
        ]
    )


def _gunicorn_command(bind: str, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "guanxi.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-" if os.environ.get("GUANXI_ACCESS_LOG") else "/dev/null",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def _run_children(commands: list[list[str]]) -> int:
    """Run the demo's processes (web and job consumer); a signal to us stops them all."""
    children = [subprocess.Popen(command, env=os.environ.copy()) for command in commands]

    def stop(signum: int, frame: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        return children[0].wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop(signal.SIGTERM, None)
        for child in children:
            child.wait(timeout=30)


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django(os.environ.get("GUANXI_MODE", "production"))
    _manage("collectstatic", "--noinput", "--verbosity", "0")
    # Become gunicorn: signals from a supervisor reach it directly, and no child is left behind.
    command = _gunicorn_command(args.bind, workers=args.workers)
    os.execve(command[0], command, os.environ.copy())  # noqa: S606


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    from guanxi.core.jobs import get_huey

    consumer = get_huey().create_consumer(workers=args.workers, periodic=True)
    consumer.run()
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    _manage("migrate", "--noinput")
    return 0


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("createsuperuser")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    setup_django()
    from guanxi.core.models import User
    from guanxi.core.services.tokens import create_token

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        return _fail(f"no active user named {args.username!r}")
    _token, raw = create_token(user, args.name)
    print(raw)
    print("Store it now: it is shown only once.", file=sys.stderr)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["guanxi manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guanxi", description="Guanxi CRM")
    commands = parser.add_subparsers(dest="command", required=True)

    demo_p = commands.add_parser("demo", help="create demo data and serve the app (demo mode)")
    demo_p.add_argument("--port", type=int, default=8000)
    demo_p.add_argument("--no-serve", action="store_true", help="build the data and stop")
    demo_p.add_argument("--seed", type=int, default=2026)
    demo_p.add_argument("--customers", type=int, default=2000, help="number of demo customers")
    demo_p.set_defaults(func=cmd_demo)

    serve_p = commands.add_parser("serve", help="serve under gunicorn (production mode)")
    serve_p.add_argument("--bind", default=os.environ.get("GUANXI_BIND", "127.0.0.1:8000"))
    serve_p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    serve_p.set_defaults(func=cmd_serve)

    worker_p = commands.add_parser("worker", help="run the background job consumer")
    worker_p.add_argument("--workers", type=int, default=1)
    worker_p.set_defaults(func=cmd_worker)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    commands.add_parser("createsuperuser", help="create a superuser").set_defaults(
        func=cmd_createsuperuser
    )

    token_p = commands.add_parser("token", help="API tokens")
    token_cmds = token_p.add_subparsers(dest="token_command", required=True)
    create_p = token_cmds.add_parser("create", help="create a token for USERNAME and print it")
    create_p.add_argument("username")
    create_p.add_argument("--name", default="cli")
    create_p.set_defaults(func=cmd_token_create)

    import_p = commands.add_parser("import", help="import data from CSV or XLSX")
    import_targets = import_p.add_subparsers(dest="import_target", required=True)
    # the targets the modules registered in ready(): main() sets Django up for "import"
    module_commands.add_import_parsers(import_targets)

    from guanxi.analytics import cli as analytics_cli

    analyze_p = commands.add_parser(
        "analyze", help="customer-value analysis of a transactions file (no database needed)"
    )
    analytics_cli.add_arguments(analyze_p)
    analyze_p.set_defaults(func=analytics_cli.run)

    manage_p = commands.add_parser("manage", help="run a Django management command")
    manage_p.add_argument("rest", nargs=argparse.REMAINDER)
    manage_p.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["import"]:
            setup_django()  # the modules register their import targets in ready()
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except ConfigError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
