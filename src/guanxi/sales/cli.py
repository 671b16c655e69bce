"""``guanxi import orders FILE [--dry-run] [--skip-invalid] [--mapping ...] [--as USERNAME]``:
historical orders and payments, with the same dry run and row-error report as the customer
import."""

from __future__ import annotations

from typing import Any

from guanxi.import_cli import add_import_command


def add_import_parser(import_targets: Any) -> None:
    """Register ``guanxi import orders`` on the project CLI."""
    add_import_command(
        import_targets,
        "orders",
        help="import historical orders, lines and payments from a CSV or XLSX file",
        mapping_example="单号=order_number",
        service="guanxi.sales.services.importing:import_orders",
        summary_keys=("total", "orders", "created", "unchanged", "payments", "bad_rows"),
    )
