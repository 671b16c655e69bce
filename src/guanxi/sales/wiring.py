"""How the sales module plugs into the platform and the customers module (called from ready()):
navigation, dashboard, demo, 360° panels, merge links and the API router."""

from __future__ import annotations


def connect() -> None:
    pass
