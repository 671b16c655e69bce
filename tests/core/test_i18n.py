"""Both languages: every msgid has a real zh-Hans translation and the .mo files are current."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "guanxi"
PO = SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

#: msgids whose zh-Hans text may equal the English (acronyms, codes, names of things).
SAME_IN_BOTH = {
    "API",
    "ABC",
    "RFM",
    "CLV",
    "VIP",
    "CSV",
    "XLSX",
    "ID",
    "URL",
    "EN",
    "AAA",
    "AA",
    "A",
    "B",
    "C",
    "WeChat ID",
    "%(module)s: view",
    "%(module)s: change",
}


def parse_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (plural forms: the first form), without the header."""
    entries: dict[str, str] = {}
    msgid = msgstr = None
    current = None
    fuzzy = fuzzy_prev = False
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if line.startswith("msgid "):
            if msgid is not None and msgid != "":
                entries[msgid] = "" if fuzzy_prev else (msgstr or "")
            msgid, msgstr, current = _unquote(line[6:]), None, "id"
            fuzzy_prev, fuzzy = fuzzy, False
        elif line.startswith("msgid_plural"):
            current = "plural"
        elif line.startswith("msgstr[0] ") or line.startswith("msgstr "):
            msgstr, current = _unquote(line.split(" ", 1)[1]), "str"
        elif line.startswith("msgstr["):
            current = "other"
        elif line.startswith('"'):
            if current == "id":
                msgid = (msgid or "") + _unquote(line)
            elif current == "str":
                msgstr = (msgstr or "") + _unquote(line)
    if msgid:
        entries[msgid] = "" if fuzzy_prev else (msgstr or "")
    return entries


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def test_every_msgid_has_a_zh_hans_translation_that_is_not_a_copy():
    entries = parse_po(PO)
    assert len(entries) > 100
    missing = [m for m, s in entries.items() if not s]
    copied = [m for m, s in entries.items() if s == m and m not in SAME_IN_BOTH]
    assert not missing, f"untranslated: {missing[:20]}"
    assert not copied, f"copied instead of translated: {copied[:20]}"


def test_compiled_catalogue_is_present_and_current(tmp_path):
    assert MO.exists()
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt (Debian's gettext) is needed: ./dev test installs it")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
    assert fresh.read_bytes() == MO.read_bytes(), "run: ./dev messages (compile the .po)"


def test_catalogue_holds_every_marked_string(tmp_path):
    """makemessages over a copy of the source finds no msgid the catalogue lacks."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (Debian's gettext) is needed: ./dev test installs it")
    copy = tmp_path / "guanxi"  # makemessages runs on a copy: the real catalogue stays as is
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "analytics"))
    import os
    import sys

    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            "-i",
            "analytics/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "guanxi.test_settings",
            "PYTHONPATH": f"{SRC.parents[1]}{os.pathsep}{SRC.parent}",
        },
    )
    extracted = set(parse_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = set(parse_po(PO))
    assert not extracted - known, f"not in the catalogue: {sorted(extracted - known)[:20]}"


def test_no_translation_function_hides_behind_an_alias_makemessages_cannot_see():
    """makemessages extracts ``_``, ``gettext``, ``gettext_lazy`` ..., not ``_l``-style aliases."""
    import re

    alias = re.compile(r"import .*\b(?:n|p)?gettext(?:_lazy|_noop)? as (?!_\b)(\w+)")
    offenders = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in SRC.rglob("*.py")
        if "analytics" not in path.parts
        for match in alias.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders
