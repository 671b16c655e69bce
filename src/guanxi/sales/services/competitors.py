"""Competitors: reference data the sales managers and administrators keep."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guanxi.core.models import User
from guanxi.core.services import records
from guanxi.sales.models.competitors import Competitor
from guanxi.sales.services.common import clean_values
from guanxi.sales.services.products import require_catalogue_editor

FIELDS: tuple[str, ...] = ("name", "name_en", "website", "strengths", "weaknesses")


def create_competitor(*, actor: User, values: Mapping[str, Any]) -> Competitor:
    require_catalogue_editor(actor)
    return records.create_record(Competitor, actor=actor, values=clean_values(values, FIELDS))


def update_competitor(
    competitor: Competitor, *, actor: User, expected_version: int | None, changes: Mapping[str, Any]
) -> Competitor:
    require_catalogue_editor(actor)
    cleaned = clean_values(changes, FIELDS)
    return records.update_record(
        competitor, actor=actor, expected_version=expected_version, changes=cleaned
    )


def delete_competitor(competitor: Competitor, *, actor: User) -> Competitor:
    require_catalogue_editor(actor)
    return records.soft_delete(competitor, actor=actor)


def restore_competitor(competitor: Competitor, *, actor: User) -> Competitor:
    require_catalogue_editor(actor)
    return records.restore(competitor, actor=actor)
