"""``guanxi import customers FILE [--dry-run] [--skip-invalid] [--mapping ...] [--as USERNAME]``."""

from __future__ import annotations

from guanxi.core import commands


def register() -> None:
    """Register ``guanxi import customers`` with core's command registry (from ready())."""
    commands.register_import(
        commands.ImportCommand(
            "customers",
            help="import customers and their contacts from a CSV or XLSX file",
            mapping_example="客户名=name,手机=phone",
            service="guanxi.customers.services.importing:import_customers",
            summary_keys=("total", "created", "updated", "unchanged", "bad_rows"),
            with_progress=True,
        )
    )
