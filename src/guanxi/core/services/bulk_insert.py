"""Multi-row INSERTs: the one bulk-insert mechanism, used by the audited bulk service
(:func:`records.create_records`), the audit trail's own rows and the demo generators.

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
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils import timezone

from guanxi.core import audit_guard
from guanxi.core.models.records import AuditedQuerySet

#: Field classes whose ``get_db_prep_save`` returns a ``str`` (or None) unchanged.
_TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.URLField)
#: Field classes whose ``get_db_prep_save`` returns an ``int`` (or None) unchanged.
_INTEGER_FIELDS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
    models.AutoField,
    models.BigAutoField,
)
#: Value types whose preparation depends on the value alone (safe to remember by value).
_HASHABLE = frozenset({int, bool, str, decimal.Decimal, dt.date, dt.datetime})
#: PostgreSQL's limit of parameters per statement.
_POSTGRES_PARAMS = 65535
#: Rows per statement at most: past a few hundred a bigger statement gains nothing.
_MAX_ROWS = 500

_Prepare = Callable[[Any], Any]


class Inserter:
    """Inserts rows of one model, given as attname → value or as unsaved records, defaults
    filled in."""

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

    def _preparer(self, field: models.Field) -> tuple[frozenset[type], _Prepare]:
        """How a value of the field becomes a parameter: the value types that pass as they
        are (a ``str`` for a text field, an ``int`` for an integer column or a foreign key to
        one, a ``bool`` for a boolean; None where it means NULL), and for any other value the
        field's own preparation, remembered per value, since most columns repeat a few values
        (version, timestamps, amounts) across the rows."""
        connection = self.connection
        none_is_null = not isinstance(field, models.JSONField)  # JSON stores None as null
        column: Any = field.target_field if isinstance(field, models.ForeignKey) else field
        kinds: set[type] = {type(None)} if none_is_null else set()
        if type(column) in _TEXT_FIELDS:
            kinds.add(str)
        elif type(column) in _INTEGER_FIELDS:
            kinds.add(int)
        elif type(column) is models.BooleanField:
            kinds.add(bool)
        known: dict[tuple[type, Any], Any] = {}

        def prepare(value: Any) -> Any:
            kind = type(value)
            if kind not in _HASHABLE:
                return field.get_db_prep_save(value, connection)
            key = (kind, value)
            if key not in known:
                known[key] = field.get_db_prep_save(value, connection)
            return known[key]

        return frozenset(kinds), prepare

    def create(self, records: Sequence[models.Model]) -> None:
        """Write unsaved records and mark them saved, their primary keys set, as
        ``bulk_create`` does; a backend that cannot return the new ids of a multi-row INSERT
        saves them one by one."""
        if not self.returns:
            for record in records:
                record.save()
            return
        for record, pk in zip(records, self.insert_records(records), strict=True):
            record.pk = pk
            record._state.adding = False
            record._state.db = self.alias

    def insert_records(self, records: Sequence[models.Model]) -> list[Any]:
        """INSERT unsaved records as ``bulk_create`` would (values from ``pre_save``), except
        that the ``auto_now`` fields get one time for the whole insert, set on the records too;
        return the new primary keys in record order."""
        now = timezone.now()
        plan = [
            (field, field.attname in self.stamped, passing, prepare)
            for field, (passing, prepare) in zip(self.fields, self.preparers, strict=True)
        ]
        params = []
        for record in records:
            for attname in self.stamped:
                setattr(record, attname, now)
            values = []
            for field, stamped, passing, prepare in plan:
                value = now if stamped else field.pre_save(record, True)
                values.append(value if type(value) in passing else prepare(value))
            params.append(values)
        return self._execute(params, returning=True)

    def insert(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        returning: bool,
        now: dt.datetime | None = None,
    ) -> list[Any]:
        """INSERT rows given as attname → value (no model instances: the fastest path); a
        missing field gets its default, or ``now`` (by default the time of the insert) for an
        ``auto_now`` field, as ``bulk_create`` does. With ``returning``, the new primary keys
        in row order."""
        if not rows:
            return []
        stamp = now if now is not None else timezone.now()
        defaults = {**self.defaults, **dict.fromkeys(self.stamped, stamp)}
        plan = [
            (field.attname, passing, prepare)
            for field, (passing, prepare) in zip(self.fields, self.preparers, strict=True)
        ]
        params = []
        for row in rows:
            values = []
            for attname, passing, prepare in plan:
                value = row[attname] if attname in row else defaults[attname]
                values.append(value if type(value) in passing else prepare(value))
            params.append(values)
        return self._execute(params, returning=returning)

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
                _execute_logged(cursor, sql, [*flat, *suffix_params])
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


def _execute_logged(cursor: CursorWrapper, sql: str, params: list[Any]) -> None:
    """Execute one INSERT. Under the query log (DEBUG, as in the demo, or a test counting
    queries) it is logged with its SQL alone: for the log line the SQLite backend would quote
    every parameter with a second query, which took as long as the INSERT itself."""
    if isinstance(cursor, CursorDebugWrapper):
        with cursor.debug_sql(sql, params):
            CursorWrapper.execute(cursor, sql, params)
    else:
        cursor.execute(sql, params)
