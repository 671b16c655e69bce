"""Checking many unsaved records at once: ``full_clean`` without a query per record.

``Model.full_clean`` checks each foreign key with a query; for an import of thousands of rows
that is thousands of queries. Here the field and model checks run per record as Django runs
them, and the foreign keys are checked for all records together, one query per field and 500
values, with the message Django's own check gives.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, router

#: Values per existence query (well under SQLite's 999 parameters).
_CHUNK = 500


def errors_of_many(
    model: type[models.Model], records: list[Any], *, later: Collection[str] = ()
) -> list[dict[str, list[str]]]:
    """What ``full_clean`` (without unique and constraint checks) finds wrong with each record:
    field and model checks per record, foreign keys for all records together. The foreign keys
    named in ``later`` are left out (their parents do not exist yet; see
    :func:`relation_errors`)."""
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    names = [f.name for f in relations]
    errors: list[dict[str, list[str]]] = []
    for record in records:
        try:
            record.full_clean(exclude=names, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.append({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        else:
            errors.append({})
    _check_relations(records, [f for f in relations if f.name not in later], errors)
    return errors


def relation_errors(
    model: type[models.Model], records: list[Any], names: Collection[str]
) -> list[dict[str, list[str]]]:
    """The checks of the foreign keys ``names`` alone, for each record."""
    relations = [f for f in model._meta.concrete_fields if f.is_relation and f.name in names]
    errors: list[dict[str, list[str]]] = [{} for _record in records]
    _check_relations(records, relations, errors)
    return errors


def _check_relations(
    records: list[Any], relations: list[models.Field[Any, Any]], errors: list[dict[str, list[str]]]
) -> None:
    """Django's checks of a foreign key (null, blank, choices, validators, then existence),
    with the existence of all records' values asked in one query per field."""
    wanted: dict[str, set[Any]] = {f.name: set() for f in relations}
    for record, found in zip(records, errors, strict=True):
        for field in relations:
            raw = getattr(record, field.attname)
            if field.blank and raw in field.empty_values:
                continue
            try:
                value = field.to_python(raw)
                # The plain field checks (null, blank, choices); the existence query is below.
                models.Field.validate(field, value, record)
                field.run_validators(value)
            except ValidationError as exc:
                found.setdefault(field.name, []).extend(str(m) for m in exc.messages)
                continue
            setattr(record, field.attname, value)
            if value is not None:
                wanted[field.name].add(value)
    for field in relations:
        missing = wanted[field.name] - _existing(field, wanted[field.name])
        for record, found in zip(records, errors, strict=True):
            value = getattr(record, field.attname)
            if value in missing and field.name not in found:
                found[field.name] = _missing_message(field, value)


def _target(field: models.Field[Any, Any]) -> tuple[type[models.Model], str]:
    """The related model of a foreign key and the field it points at."""
    relation = cast("models.ForeignKey[Any, Any]", field)
    related = cast(type[models.Model], relation.related_model)
    return related, relation.remote_field.field_name or "pk"


def _missing_message(field: models.Field[Any, Any], value: Any) -> list[str]:
    related, target = _target(field)
    error = ValidationError(
        field.error_messages["invalid"],
        code="invalid",
        params={
            "model": related._meta.verbose_name,
            "pk": value,
            "field": target,
            "value": value,
        },
    )
    return list(error.messages)


def _existing(field: models.Field[Any, Any], values: set[Any]) -> set[Any]:
    """Which of ``values`` the related model has (as ForeignKey.validate checks one value)."""
    if not values:
        return set()
    related, target = _target(field)
    rows = related._base_manager.using(router.db_for_read(related)).complex_filter(
        cast("models.ForeignKey[Any, Any]", field).get_limit_choices_to()
    )
    found: set[Any] = set()
    listed = sorted(values)
    for start in range(0, len(listed), _CHUNK):
        chunk = listed[start : start + _CHUNK]
        found.update(rows.filter(**{f"{target}__in": chunk}).values_list(target, flat=True))
    return found
