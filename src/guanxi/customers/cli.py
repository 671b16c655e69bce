"""CLI commands of the customers module (placeholder until the import lands)."""

from __future__ import annotations

from typing import Any


def add_import_parser(import_targets: Any) -> None:
    """Register ``guanxi import customers`` (filled in by the customers module)."""
