"""CSV and XLSX writers that a spreadsheet cannot turn into formulas.

A cell starting with = + - @ tab or CR is prefixed with ' (CSV); XLSX cells holding text are
written as inline strings, never formulas (openpyxl makes "=..." a formula by default;
SuiteCRM CVE-2021-25960). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell value safe for a spreadsheet: text with a dangerous first character gets a '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, so Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "data") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    for row_index, row in enumerate([headers, *rows], start=1):
        for col_index, raw in enumerate(row, start=1):
            value = neutralise(raw)
            cell = sheet.cell(row=row_index, column=col_index)
            if isinstance(value, str):
                # Assigning a str starting with "=" would make openpyxl store a formula; set the
                # value and force the string type so it is stored as text whatever it holds.
                cell._value = value
                cell.data_type = TYPE_STRING
            else:
                cell.value = float(value) if isinstance(value, decimal.Decimal) else value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_response(content: bytes, filename: str, fmt: str) -> HttpResponse:
    """Served as an attachment with nosniff; the file name is ASCII-safe."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in filename)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def write(
    fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "data"
) -> bytes:
    if fmt == "csv":
        return csv_bytes(headers, rows)
    if fmt == "xlsx":
        return xlsx_bytes(headers, rows, title)
    raise ValueError(fmt)
