"""Demo data of the sales module (filled in below)."""

from __future__ import annotations

from guanxi.core.demo import DemoContext


def generate(ctx: DemoContext) -> None:
    return None
