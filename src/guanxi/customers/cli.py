"""``guanxi import customers FILE [--dry-run] [--skip-invalid] [--mapping ...] [--as USERNAME]``."""

from __future__ import annotations

from typing import Any

from guanxi.import_cli import add_import_command


def add_import_parser(import_targets: Any) -> None:
    """Register ``guanxi import customers`` on the project CLI."""
    add_import_command(
        import_targets,
        "customers",
        help="import customers and their contacts from a CSV or XLSX file",
        mapping_example="客户名=name,手机=phone",
        service="guanxi.customers.services.importing:import_customers",
        summary_keys=("total", "created", "updated", "unchanged", "bad_rows"),
        with_progress=True,
    )
