"""``guanxi import orders FILE [--dry-run] [--skip-invalid] [--mapping ...] [--as USERNAME]``:
historical orders and payments, with the same dry run and row-error report as the customer
import."""

from __future__ import annotations

from guanxi.core import commands


def register() -> None:
    """Register ``guanxi import orders`` with core's command registry (from ready())."""
    commands.register_import(
        commands.ImportCommand(
            "orders",
            help="import historical orders, lines and payments from a CSV or XLSX file",
            mapping_example="单号=order_number",
            service="guanxi.sales.services.importing:import_orders",
            summary_keys=("total", "orders", "created", "unchanged", "payments", "bad_rows"),
        )
    )
