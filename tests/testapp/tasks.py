"""An interval job registered by a second app, the way a business module registers one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from guanxi.core import jobs


@jobs.every("testapp.count_widgets", minutes=15)
def count_widgets(slot: dt.datetime) -> dict[str, Any]:
    from tests.testapp.models import Widget

    return {"widgets": Widget.objects.count(), "slot": slot.isoformat()}
