"""Normalised keys: search text (name, pinyin, initials, code, phone, email) and the keys that
duplicates and re-imports are matched on. Pure functions; the services store their results."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import lazy_pinyin

_NON_DIGITS = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")
#: Company-form suffixes ignored when comparing names ("有限公司", "Co., Ltd." ...).
_NAME_NOISE = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|集团|公司|co\.?,?\s*ltd\.?|ltd\.?|inc\.?|llc|gmbh|corp\.?)",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def compact(text: str) -> str:
    """Lower case, NFKC (full-width → half-width), no whitespace: how search terms compare."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def phone_key(phone: str) -> str:
    """Digits only, without a +86/0086 country prefix: "+86 138-0013-8000" → "13800138000"."""
    digits = _NON_DIGITS.sub("", phone or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 11:
            digits = digits[len(prefix) :]
    return digits


def email_key(email: str) -> str:
    return (email or "").strip().lower()


def name_key(name: str) -> str:
    """The name without company-form suffixes, punctuation and spaces, lower case."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _NAME_NOISE.sub("", text)
    return _PUNCT.sub("", text)


def pinyin_forms(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of the Chinese characters in ``text``: 张三 → ("zhangsan", "zs")."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text or ""):
        return "", ""
    # One conversion: pypinyin's first-letter style is the first letter of the normal style,
    # and the conversion, not the joining, is what an import of thousands of names pays for.
    syllables = lazy_pinyin(text, errors="ignore")
    return compact("".join(syllables)), compact("".join(s[:1] for s in syllables))


def search_text(
    *, name: str, name_en: str = "", code: str = "", phone: str = "", email: str = ""
) -> str:
    """One column holding every form a user may type; search is one LIKE on it."""
    full, initials = pinyin_forms(name)
    parts = [
        compact(name),
        compact(name_en),
        full,
        initials,
        compact(code),
        phone_key(phone),
        email_key(email),
    ]
    return "|".join(p for p in parts if p)[:1000]


def search_term(term: str) -> str:
    """A typed search term in the form ``search_text`` stores."""
    term = compact(term)
    if re.fullmatch(r"\+?[\d()\-]{3,}", term):
        return phone_key(term)
    return term


def tags_value(tags: list[str] | str) -> str:
    """Tags stored as ",a,b," (commas inside a tag are not allowed and become spaces)."""
    if isinstance(tags, str):
        tags = re.split(r"[,，;；]", tags)
    cleaned = []
    for tag in tags:
        tag = _SPACES.sub(" ", str(tag)).strip()
        if tag and tag not in cleaned:
            cleaned.append(tag[:50])
    return f",{','.join(cleaned)}," if cleaned else ""
