"""The shared shape of ``guanxi import <target> FILE``: options, acting user, summary table and
the bad-row report, so every module's import reads and answers the same way.

A module registers its target with :func:`add_import_command`, naming the service that does
the work (a function taking the file's bytes and the options, returning an import result with
``counts()``, ``errors``, ``error_file``, ``error_format``, ``batch_id`` and ``written``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def add_import_command(
    import_targets: Any,
    name: str,
    *,
    help: str,
    mapping_example: str,
    service: str,
    summary_keys: Sequence[str],
    with_progress: bool = False,
) -> None:
    """Register ``guanxi import NAME``; ``service`` is "module:function", imported on use so
    the CLI starts without loading Django."""
    parser = import_targets.add_parser(name, help=help)
    parser.add_argument("file", type=Path, help="CSV (UTF-8 or GB18030/GBK) or XLSX")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the good rows and an error file of the bad ones (default: all or nothing)",
    )
    parser.add_argument(
        "--mapping", default="", help=f'extra header mapping, e.g. "{mapping_example}"'
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
    parser.set_defaults(
        func=lambda args: run_import(
            args, service=service, summary_keys=summary_keys, with_progress=with_progress
        )
    )


def _load(service: str) -> Callable[..., Any]:
    from importlib import import_module

    module, function = service.split(":")
    return getattr(import_module(module), function)


def run_import(
    args: argparse.Namespace, *, service: str, summary_keys: Sequence[str], with_progress: bool
) -> int:
    """Exit codes: 0 written (or a clean dry run), 1 bad rows stopped the write, 2 usage."""
    from guanxi.cli import setup_django

    setup_django()
    from rich.console import Console
    from rich.table import Table

    from guanxi.core.errors import InvalidInput
    from guanxi.core.imports import parse_mapping
    from guanxi.core.models import User
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
        console.print(f"[red]guanxi: error:[/] {exc}", markup=False)
        return 2
    options: dict[str, Any] = {
        "filename": args.file.name,
        "actor": actor,
        "dry_run": args.dry_run,
        "skip_invalid": args.skip_invalid,
    }
    run = _load(service)
    try:
        options["mapping"] = parse_mapping(args.mapping)
        if with_progress:
            with progress_bar(console) as progress:
                result = run(data, progress=progress, **options)
        else:
            result = run(data, **options)
    except InvalidInput as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                console.print(f"{field}: {message}", markup=False)
        return 2
    summary = Table(title=args.file.name + (" (dry run)" if args.dry_run else ""))
    for key in summary_keys:
        summary.add_column(key)
    counts = result.counts()
    summary.add_row(*(str(counts[k]) for k in summary_keys))
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
            console.print(f"error file: {target}", markup=False)
    if result.batch_id:
        console.print(f"import batch #{result.batch_id}")
    if result.errors and not result.written:
        if not args.dry_run:
            console.print("[yellow]nothing was written[/]")
        return 1
    return 0
