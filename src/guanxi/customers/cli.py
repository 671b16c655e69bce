"""``guanxi import customers FILE [--dry-run] [--skip-invalid] [--mapping ...] [--as USERNAME]``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_import_parser(import_targets: Any) -> None:
    """Register ``guanxi import customers`` on the project CLI."""
    parser = import_targets.add_parser(
        "customers", help="import customers and their contacts from a CSV or XLSX file"
    )
    parser.add_argument("file", type=Path, help="CSV (UTF-8 or GB18030/GBK) or XLSX")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the good rows and an error file of the bad ones (default: all or nothing)",
    )
    parser.add_argument(
        "--mapping", default="", help='extra header mapping, e.g. "客户名=name,手机=phone"'
    )
    parser.add_argument(
        "--as", dest="username", default="", help="the acting user (default: the only superuser)"
    )
    parser.add_argument(
        "--errors",
        type=Path,
        default=None,
        help="where to write the error file (default: FILE.errors.csv|xlsx)",
    )
    parser.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    from guanxi.cli import setup_django

    setup_django()
    from rich.console import Console
    from rich.table import Table

    from guanxi.core.errors import InvalidInput
    from guanxi.core.imports import parse_mapping
    from guanxi.core.models import User
    from guanxi.customers.services.importing import import_customers
    from guanxi.progress import progress_bar

    console = Console(stderr=True)
    if args.username:
        actor = User.objects.filter(username=args.username, is_active=True).first()
    else:
        superusers = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
        actor = superusers[0] if len(superusers) == 1 else None
    if actor is None:
        console.print("[red]guanxi: error:[/] name the acting user with --as USERNAME")
        return 2
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        console.print(f"[red]guanxi: error:[/] {exc}")
        return 2
    try:
        with progress_bar(console) as progress:
            result = import_customers(
                data,
                filename=args.file.name,
                actor=actor,
                dry_run=args.dry_run,
                skip_invalid=args.skip_invalid,
                mapping=parse_mapping(args.mapping),
                progress=progress,
            )
    except InvalidInput as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                console.print(f"[red]{field}:[/] {message}")
        return 2
    summary = Table(title=f"{args.file.name}" + (" (dry run)" if args.dry_run else ""))
    for key in ("total", "created", "updated", "unchanged", "bad_rows"):
        summary.add_column(key)
    counts = result.counts()
    summary.add_row(
        *(str(counts[k]) for k in ("total", "created", "updated", "unchanged", "bad_rows"))
    )
    Console().print(summary)
    if result.errors:
        errors = Table(title="bad rows")
        for column in ("line", "column", "value", "reason"):
            errors.add_column(column)
        for error in result.errors:
            errors.add_row(str(error.line), error.column, error.value, error.reason)
        Console().print(errors)
        if result.error_file:
            target = args.errors or args.file.with_name(
                f"{args.file.stem}.errors.{result.error_format}"
            )
            target.write_bytes(result.error_file)
            console.print(f"error file: {target}")
    if result.batch_id:
        console.print(f"import batch #{result.batch_id}")
    if result.errors and not result.written:
        console.print("[yellow]nothing was written[/]" if not args.dry_run else "")
        return 1
    return 0
