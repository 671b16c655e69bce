"""Multi-row INSERTs for the audited bulk service (:func:`records.create_records`).

The statement is the one ``bulk_create`` sends (``INSERT ... VALUES (...), (...) RETURNING id``
in batches of the backend's size), without its per-value compilation, which took about as long
as the database itself. Values go through each field's own ``get_db_prep_save``; only a text
value of a plain text field, which that method returns unchanged, is passed as it is. Table and
column names come from the model and every value is a parameter: no user text in the SQL.
Nothing here writes audit rows or checks scopes: on an audited model it refuses to run outside
:func:`guanxi.core.audit_guard.audited_writes`, like the models' own bulk methods.
"""

from __future__ import annotations

import datetime as dt
import decimal
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

from guanxi.core import audit_guard
from guanxi.core.models.records import AuditedQuerySet

#: Field classes whose ``get_db_prep_save`` returns a ``str`` (or None) unchanged.
_TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.URLField)
#: Value types whose preparation depends on the value alone (safe to remember by value).
_HASHABLE = frozenset({int, bool, str, decimal.Decimal, dt.date, dt.datetime})
#: PostgreSQL's limit of parameters per statement.
_POSTGRES_PARAMS = 65535
#: Rows per statement at most: past a few hundred a bigger statement gains nothing.
_MAX_ROWS = 500


class Inserter:
    """Inserts rows of one model given as attname → value, defaults filled in."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.alias = router.db_for_write(model)
        self.connection = connections[self.alias]
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.pk = model._meta.pk
        self.returns = bool(self.connection.features.can_return_rows_from_bulk_insert)
        self.defaults = {
            f.attname: f.get_default() for f in self.fields if f.has_default() or f.null
        }
        self.preparers = [self._preparer(f) for f in self.fields]
        self.stamped = {
            f.attname
            for f in self.fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        }

    def _preparer(self, field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        """How a value of the field becomes a parameter: None for a text field (a ``str`` or
        None passes as it is); else the field's own preparation, remembered per value, since
        most columns repeat a few values (owner, version, timestamps) across the rows."""
        if type(field) in _TEXT_FIELDS:
            return None
        connection = self.connection
        known: dict[tuple[type, Any], Any] = {}
        none_is_null = not isinstance(field, models.JSONField)  # JSON stores None as null

        def prepare(value: Any) -> Any:
            if value is None and none_is_null:
                return None
            kind = type(value)
            if kind not in _HASHABLE:
                return field.get_db_prep_save(value, connection)
            key = (kind, value)
            if key not in known:
                known[key] = field.get_db_prep_save(value, connection)
            return known[key]

        return prepare

    def insert_records(self, records: Sequence[models.Model]) -> list[Any]:
        """INSERT unsaved records as ``bulk_create`` would (values from ``pre_save``), except
        that the ``auto_now`` fields get one time for the whole insert, set on the records too;
        return the new primary keys in record order."""
        now = timezone.now()
        plan = [
            (field, prepare, field.attname in self.stamped)
            for field, prepare in zip(self.fields, self.preparers, strict=True)
        ]
        params = []
        for record in records:
            for attname in self.stamped:
                setattr(record, attname, now)
            params.append(
                [
                    self._prepare(field, prepare, now if stamped else field.pre_save(record, True))
                    for field, prepare, stamped in plan
                ]
            )
        return self._execute(params, returning=True)

    def insert(self, rows: Sequence[Mapping[str, Any]], *, returning: bool) -> list[Any]:
        """INSERT rows given as attname → value; a missing field gets its default, or the time
        of the insert for an ``auto_now`` field, as ``bulk_create`` does. With ``returning``,
        the new primary keys in row order."""
        defaults = {**self.defaults, **dict.fromkeys(self.stamped, timezone.now())}
        params = []
        for row in rows:
            values = [
                row[f.attname] if f.attname in row else defaults[f.attname] for f in self.fields
            ]
            params.append(
                [
                    self._prepare(field, prepare, value)
                    for field, prepare, value in zip(
                        self.fields, self.preparers, values, strict=True
                    )
                ]
            )
        return self._execute(params, returning=returning)

    def _prepare(
        self, field: models.Field[Any, Any], prepare: Callable[[Any], Any] | None, value: Any
    ) -> Any:
        if prepare is not None:
            return prepare(value)
        if value is None or type(value) is str:
            return value
        return field.get_db_prep_save(value, self.connection)

    def _execute(self, params: list[list[Any]], *, returning: bool) -> list[Any]:
        """The INSERTs, as many rows a statement as the backend takes; with ``returning``, the
        new primary keys in row order (as ``bulk_create`` relies on for SQLite and PostgreSQL
        alike)."""
        if returning and not self.returns:
            raise RuntimeError(f"{self.connection.vendor} cannot return ids from a bulk insert")
        if isinstance(self.model._default_manager.all(), AuditedQuerySet):
            audit_guard.require_audited_write(self.model, "insert")
        ops = self.connection.ops
        quote = ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        size = max(1, min(self._rows_per_statement(), _MAX_ROWS))
        suffix, suffix_params = ops.return_insert_columns([self.pk]) if returning else ("", ())
        row_sql = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        pks: list[Any] = []
        with self.connection.cursor() as cursor:
            for start in range(0, len(params), size):
                chunk = params[start : start + size]
                flat = [value for row in chunk for value in row]
                values = ", ".join([row_sql] * len(chunk))
                sql = f"INSERT INTO {table} ({columns}) VALUES {values} {suffix}"  # noqa: S608
                cursor.execute(sql, [*flat, *suffix_params])
                if returning:
                    pks.extend(r[0] for r in cursor.fetchall())
        return pks

    def _rows_per_statement(self) -> int:
        """As many rows as the backend takes parameters. Django assumes 999 for SQLite, the
        limit of builds before 3.32; this build's own limit (32,766 since) is asked, since a
        statement of a few rows costs several times the INSERT of a few hundred."""
        if self.connection.vendor == "sqlite":
            self.connection.ensure_connection()
            limit = self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            return int(limit) // len(self.fields)
        if self.connection.vendor == "postgresql":
            return _POSTGRES_PARAMS // len(self.fields)
        return int(self.connection.ops.bulk_batch_size(self.fields, [None] * _MAX_ROWS))
