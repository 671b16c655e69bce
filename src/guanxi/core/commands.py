"""The ``guanxi`` command's registry of module subcommands, and what they share.

A module registers its ``guanxi import <target>`` with :func:`register_import` from its
``AppConfig.ready()``; the project CLI (``guanxi.cli``) builds the subcommands from this
registry after setting Django up, so it never imports a module's CLI and no module imports the
project CLI. Every import reads and answers the same way: options, acting user, summary table
and the bad-row report. Nothing here imports Django at module level: the CLI starts without it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def setup_django(mode: str | None = None) -> None:
    """Configure Django for a command (``mode`` sets GUANXI_MODE first, as ``demo`` does)."""
    if mode:
        os.environ["GUANXI_MODE"] = mode
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()


@dataclass(frozen=True)
class ImportCommand:
    """``guanxi import NAME``: ``service`` is "module:function", imported on use, a function
    taking the file's bytes and the options and returning an import result with ``counts()``,
    ``errors``, ``error_file``, ``error_format``, ``batch_id`` and ``written``."""

    name: str
    help: str
    mapping_example: str
    service: str
    summary_keys: tuple[str, ...]
    with_progress: bool = False


_IMPORTS: dict[str, ImportCommand] = {}


def register_import(command: ImportCommand) -> None:
    _IMPORTS[command.name] = command


def import_commands() -> list[ImportCommand]:
    return sorted(_IMPORTS.values(), key=lambda c: c.name)


def add_import_parsers(import_targets: Any) -> None:
    """One subparser per registered import target."""
    for command in import_commands():
        _add_import_parser(import_targets, command)


def _add_import_parser(import_targets: Any, command: ImportCommand) -> None:
    parser = import_targets.add_parser(command.name, help=command.help)
    parser.add_argument("file", type=Path, help="CSV (UTF-8 or GB18030/GBK) or XLSX")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the good rows and an error file of the bad ones (default: all or nothing)",
    )
    parser.add_argument(
        "--mapping", default="", help=f'extra header mapping, e.g. "{command.mapping_example}"'
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
    parser.set_defaults(func=lambda args: run_import(args, command))


def _load(service: str) -> Callable[..., Any]:
    from importlib import import_module

    module, function = service.split(":")
    return getattr(import_module(module), function)


def run_import(args: argparse.Namespace, command: ImportCommand) -> int:
    """Exit codes: 0 written (or a clean dry run), 1 bad rows stopped the write, 2 usage."""
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
    run = _load(command.service)
    try:
        options["mapping"] = parse_mapping(args.mapping)
        if command.with_progress:
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
    for key in command.summary_keys:
        summary.add_column(key)
    counts = result.counts()
    summary.add_row(*(str(counts[k]) for k in command.summary_keys))
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
