"""Turn whatever a source sent into plain text the classifier's patterns can read.

Never raises: None, bytes, numbers and lists become text; entity-escaped HTML is
unescaped and its tags dropped; compatibility characters (full-width letters, NBSP),
unicode dashes and curly apostrophes are folded; whitespace is collapsed.
"""

from __future__ import annotations

import html
import re
import unicodedata

# A title longer than this is not a title; the body's first part carries the role.
MAX_TITLE_CHARS = 400
MAX_BODY_CHARS = 30_000

_FOLD = str.maketrans({
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys("\u2018\u2019\u02bc\u2032\u00b4`", "'"),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
})
_TAG = re.compile(r"<[^<>]{0,2000}>")


def as_text(value: object) -> str:
    """Any value a spider might put in a field, as a string ("" for nothing)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, list | tuple):
        return " ".join(as_text(v) for v in value)
    return str(value)


def clean(value: object, limit: int) -> str:
    """Readable single-spaced text, at most about ``limit`` characters of the input."""
    text = as_text(value)[:limit]
    # Greenhouse-style double escaping ("&amp;lt;p&amp;gt;") needs two passes.
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.translate(_FOLD).split())


def clean_title(value: object) -> str:
    return clean(value, MAX_TITLE_CHARS)


def clean_body(value: object) -> str:
    return clean(value, MAX_BODY_CHARS)
