"""The import framework: read an uploaded CSV or XLSX safely, map its columns, report bad rows.

A module's import service uses these pieces: :func:`read_table` (size limit, type checked by
content, XLSX unpacked size bounded, UTF-8 or GB18030 text), :func:`map_columns` (built-in alias
tables for Chinese and English headers plus an explicit mapping), :class:`RowError` and
:func:`error_file` (the bad rows again, with a reason column). The module validates every row
first and writes in one transaction with an :class:`~guanxi.core.models.ImportBatch`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.core import exports
from guanxi.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
ZIP_MAGIC = b"PK\x03\x04"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass
class Table:
    """The cells of an uploaded file as text, with each row's line number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    format: str  # "csv" | "xlsx"
    encoding: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class ImportResult:
    """What every import reports (the CLI and the pages read these fields); a module's result
    adds its own counts and names them in ``counts()``."""

    dry_run: bool
    total: int = 0
    created: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    batch_id: int | None = None
    written: bool = False
    error_file: bytes | None = None
    error_format: str = "csv"

    @property
    def bad_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})


def choice_words(
    choices: Sequence[tuple[str, Any]], extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Words a cell may use for a choice → its value: the value, the English label, and the
    Chinese term a label carries in brackets ("Won (赢单)"), all in lower case, plus ``extra``.
    Look a cell up with ``words.get(cell.lower())``."""
    lookup: dict[str, str] = {}
    with translation.override("en"):
        for value, label in choices:
            text = str(label)
            lookup[value.lower()] = value
            lookup[text.lower()] = value
            english, _sep, rest = text.partition(" (")
            lookup[english.strip().lower()] = value
            if rest:
                lookup[rest.rstrip(")").strip().lower()] = value
    lookup.update(extra or {})
    return lookup


@dataclass
class ColumnMap:
    """Which field each column feeds (by column index), and the headers nobody claimed."""

    fields: dict[int, str]
    ignored: list[str] = field(default_factory=list)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _bad_file(message: str) -> InvalidInput:
    return InvalidInput({"file": [message]})


def read_table(data: bytes, filename: str = "") -> Table:
    """Parse an upload; the type is decided by the content, never by the file name."""
    if len(data) > _limit("GUANXI_IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES):
        raise _bad_file(_("The file is too large."))
    if not data.strip():
        raise _bad_file(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        table = _read_xlsx(data)
    elif b"\x00" in data[:4096]:
        raise _bad_file(_("This is not a CSV or XLSX file."))
    else:
        table = _read_csv(data)
    if len(table.rows) > _limit("GUANXI_IMPORT_MAX_ROWS", MAX_ROWS):
        raise _bad_file(_("The file has too many rows."))
    return table


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without a BOM) first, then GB18030 (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _bad_file(_("The file's text encoding is neither UTF-8 nor GB18030/GBK."))


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[int, list[str]]] = []
    headers: list[str] | None = None
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if headers is None:
                headers = [h.strip() for h in record]
                continue
            if not any(cell.strip() for cell in record):
                continue
            rows.append((line, record))
    except csv.Error as exc:
        raise _bad_file(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None
    return Table(headers or [], rows, "csv", encoding)


def _read_xlsx(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise _bad_file(_("This is not a CSV or XLSX file.")) from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _bad_file(_("This is not a CSV or XLSX file."))
    # A zip bomb: the declared sizes bound what the reader would unpack.
    if sum(info.file_size for info in infos) > _limit(
        "GUANXI_IMPORT_MAX_UNPACKED", MAX_UNPACKED_BYTES
    ):
        raise _bad_file(_("The spreadsheet unpacks to more than the allowed size."))
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        cells = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise _bad_file(_("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from None
    if not cells:
        return Table([], [], "xlsx")
    headers = [cell_text(c).strip() for c in cells[0]]
    rows = [
        (index, [cell_text(c) for c in row])
        for index, row in enumerate(cells[1:], start=2)
        if any(cell_text(c).strip() for c in row)
    ]
    return Table(headers, rows, "xlsx")


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a user typed: 13800138000.0 → "13800138000"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def header_key(header: str) -> str:
    return "".join(header.split()).lower().replace("_", "").replace("-", "")


def map_columns(
    headers: Sequence[str],
    aliases: Mapping[str, str],
    mapping: Mapping[str, str] | None = None,
    fields: Sequence[str] = (),
) -> ColumnMap:
    """Map each header to a field: the explicit ``mapping`` first (header → field), then the
    alias table (keys compared without spaces, case, "_" and "-"); a field name is its own
    alias. Two columns feeding one field is an error."""
    table = {header_key(k): v for k, v in aliases.items()}
    table.update({header_key(f): f for f in fields})
    explicit = {header_key(k): v for k, v in (mapping or {}).items()}
    unknown_targets = sorted(set(explicit.values()) - set(fields)) if fields else []
    if unknown_targets:
        raise InvalidInput(
            {
                "mapping": [
                    _("Unknown field in the mapping: %(f)s") % {"f": f} for f in unknown_targets
                ]
            }
        )
    result: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        target = explicit.get(key) or table.get(key)
        if not target:
            if header:
                ignored.append(header)
            continue
        if target in result.values():
            raise InvalidInput({"file": [_("Two columns map to the field %(f)s.") % {"f": target}]})
        result[index] = target
    return ColumnMap(result, ignored)


def parse_mapping(text: str) -> dict[str, str]:
    """ "客户名=name,手机=phone" → {"客户名": "name", "手机": "phone"} (CLI and form input)."""
    mapping: dict[str, str] = {}
    for part in (text or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise InvalidInput({"mapping": [_("Write the mapping as header=field, ...")]})
        header, target = part.split("=", 1)
        mapping[header.strip()] = target.strip()
    return mapping


def error_file(fmt: str, headers: Sequence[str], table: Table, errors: Sequence[RowError]) -> bytes:
    """The bad rows of ``table`` as they were, with the line and a reason column added."""
    reasons: dict[int, list[str]] = {}
    for error in errors:
        reasons.setdefault(error.line, []).append(f"{error.column}: {error.reason}")
    rows = [
        [line, *cells, "; ".join(reasons[line])] for line, cells in table.rows if line in reasons
    ]
    return exports.write(fmt, [_("line"), *headers, _("reason")], rows, title="errors")
