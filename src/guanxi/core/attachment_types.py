"""Which files may be attached: the type is sniffed from the bytes, against an allow-list.

A file is accepted only when its first bytes (and, for zip and OLE containers, their member
names) match one of the allowed kinds *and* its name ends with one of that kind's extensions.
Anything else is refused — HTML, SVG, scripts and executables among them — so a browser is never
handed markup we called an image or a text file. The client's Content-Type is never read.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileKind:
    mime_type: str
    extensions: tuple[str, ...]


PNG = FileKind("image/png", (".png",))
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"))
GIF = FileKind("image/gif", (".gif",))
WEBP = FileKind("image/webp", (".webp",))
PDF = FileKind("application/pdf", (".pdf",))
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)
)
XLS = FileKind("application/vnd.ms-excel", (".xls",))
DOC = FileKind("application/msword", (".doc",))
ZIP = FileKind("application/zip", (".zip",))
CSV = FileKind("text/csv", (".csv",))
TEXT = FileKind("text/plain", (".txt",))

ALLOWED = (PNG, JPEG, GIF, WEBP, PDF, XLSX, DOCX, PPTX, XLS, DOC, ZIP, CSV, TEXT)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Markup that makes a "text" file something a browser would render or run.
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")
_SAMPLE = 64 * 1024


def sniff(stream: IO[bytes], file_name: str) -> FileKind | None:
    """The allowed kind the bytes of ``stream`` are, if their name agrees; None to refuse.

    Reads from the start of a seekable stream and leaves it at the start.
    """
    stream.seek(0)
    head = stream.read(_SAMPLE)
    stream.seek(0)
    kind = _kind_of(stream, head, file_name.lower())
    stream.seek(0)
    if kind is None or not file_name.lower().endswith(kind.extensions):
        return None
    return kind


def _kind_of(stream: IO[bytes], head: bytes, name: str) -> FileKind | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(stream)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(stream)
    if _is_plain_text(head):
        return CSV if name.endswith(".csv") else TEXT
    return None


def _zip_kind(stream: IO[bytes]) -> FileKind | None:
    """An Office Open XML document by its parts, else a plain zip (names only: nothing is
    unpacked, so a zip bomb costs nothing here)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
            if any(n.startswith(prefix) for n in names):
                return kind
    return ZIP


def _ole_kind(stream: IO[bytes]) -> FileKind | None:
    """A legacy Word or Excel file by the name of its main stream (an OLE compound file can
    also be an installer, which is refused). Names are UTF-16LE in the directory sectors."""
    content = stream.read()
    if "WordDocument".encode("utf-16-le") in content:
        return DOC
    if "Workbook".encode("utf-16-le") in content or "Book\x00".encode("utf-16-le") in content:
        return XLS
    return None


def _is_plain_text(head: bytes) -> bool:
    """UTF-8 (with or without a BOM) or GB18030 text without NUL bytes and without markup."""
    if not head or b"\x00" in head:
        return False
    sample = head.removeprefix(b"\xef\xbb\xbf")
    whole = len(head) < _SAMPLE  # else a character cut at the sample's end is no error
    if not any(_decodes(sample, encoding, whole) for encoding in ("utf-8", "gb18030")):
        return False
    lowered = sample.lower()
    return not any(marker in lowered for marker in _MARKUP)


def _decodes(sample: bytes, encoding: str, whole: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=whole)
    except UnicodeDecodeError:
        return False
    return True
