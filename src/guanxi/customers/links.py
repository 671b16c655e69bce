"""The registry of records linked to a customer, moved to the kept record by a merge.

Customers registers its contacts and activities; later modules register theirs (orders,
opportunities, tickets ...) in their AppConfig.ready():

    from guanxi.customers import links
    links.register(Order, "customer")

Each linked record is moved through ``update_record`` so the move is audited per record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guanxi.core.models import SoftDeleteRecord


@dataclass(frozen=True)
class Link:
    model: type[SoftDeleteRecord]
    field: str


LINKS: list[Link] = []


def register(model: type[SoftDeleteRecord], field: str) -> None:
    link = Link(model, field)
    if link not in LINKS:
        LINKS.append(link)
