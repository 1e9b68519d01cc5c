"""Untrusted description HTML -> (safe HTML, plain text); short strings -> clean text.

Order matters: undo entity-escaping first (Greenhouse and RSS send ``&lt;div&gt;``,
and only once, so text that merely says "&amp;" never turns into tags), then sanitize
with nh3 last, so nothing after it can bring a ``<script>`` back.
"""

from __future__ import annotations

import html
import re

import nh3
from lxml import etree
from lxml import html as lxml_html

_ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "em", "b", "i",
    "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    # Not in the original allow-list: a bare <div> (no attributes) keeps the block
    # breaks of Greenhouse's div-only bodies, which would otherwise run together.
    "div",
}
_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript",
                        "template", "svg", "math", "textarea", "select", "title", "head"},
    attributes={"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",  # no base URL here: a relative link would point at our own site
    link_rel="nofollow noopener",
    strip_comments=True,
)

_REAL_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|<!--")
_ESCAPED_TAG_RE = re.compile(
    r"&(?:lt|#0*60|#x0*3c);/?[a-zA-Z][a-zA-Z0-9]*(?:\s|/|&(?:gt|#0*62|#x0*3e);)",
    re.IGNORECASE,
)
# C0 controls other than tab/newline/return, and zero-width marks: never wanted in text.
_JUNK_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "main", "nav",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table",
    "thead", "tbody", "tfoot", "tr", "caption", "blockquote", "pre", "hr", "address",
    "figure", "figcaption", "form", "fieldset",
})
_CELL_TAGS = frozenset({"td", "th"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title",
                        "iframe", "object", "svg", "math", "select", "textarea"})
_SPACES_RE = re.compile(r"[^\S\n]+")
_NEWLINES_RE = re.compile(r"\s*\n\s*")


def clean_description(raw: str | None) -> tuple[str, str]:
    """Return (safe_html, plain_text) for an untrusted description; ("", "") for nothing.

    safe_html keeps paragraphs, lists, emphasis, headings, tables and http(s)/mailto links
    (rel="nofollow noopener"). plain_text has one line per block, "- " before list items,
    entities decoded and whitespace folded. Plain-text input becomes escaped paragraphs.
    """
    if not isinstance(raw, str):
        return "", ""
    source = _scrub(raw)
    if not source.strip():
        return "", ""
    unescaped = _looks_escaped(source)
    if unescaped:
        source = html.unescape(source)
    if _REAL_TAG_RE.search(source):
        return _CLEANER.clean(source), _html_to_text(source)
    # Entities in plain text are decoded once in all: here, unless done just above.
    return _plain_to_html_and_text(source if unescaped else html.unescape(source))


def clean_text(s: str | None) -> str | None:
    """Fold whitespace (incl. nbsp), decode entities, strip; None when nothing is left.

    For titles and employer names: "Amplitude " -> "Amplitude", "CNA  / LPN" -> "CNA / LPN".
    """
    if not isinstance(s, str):
        return None
    folded = " ".join(html.unescape(_scrub(s)).split())
    return folded or None


def _scrub(s: str) -> str:
    """Drop lone surrogates, control characters and zero-width marks."""
    s = s.encode("utf-8", "replace").decode("utf-8")
    return _JUNK_RE.sub("", s)


def _looks_escaped(s: str) -> bool:
    """True when the markup is entity-escaped: more escaped tags than real ones."""
    escaped = len(_ESCAPED_TAG_RE.findall(s, 0, 20_000))
    return escaped > 0 and escaped >= len(_REAL_TAG_RE.findall(s, 0, 20_000))


def _plain_to_html_and_text(source: str) -> tuple[str, str]:
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    lines = [[" ".join(line.split()) for line in p.split("\n") if line.strip()]
             for p in paragraphs]
    safe = "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in para) + "</p>"
        for para in lines
    )
    plain = "\n".join(line for para in lines for line in para)
    return _CLEANER.clean(safe), plain


def _html_to_text(source: str) -> str:
    """Plain text of an HTML fragment: blocks and <br> become newlines, "- " marks <li>."""
    try:
        root = lxml_html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        return _fold(html.unescape(_REAL_TAG_RE.sub(" ", source)))
    parts: list[str] = []
    skipping = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""  # comments: not str
        tag = tag.lower()
        if event == "start":
            if skipping or tag in _SKIP_TAGS or not tag:
                skipping += 1 if (tag in _SKIP_TAGS or not tag) else 0
                continue
            if tag == "br":
                parts.append("\n")
            elif tag == "li":
                parts.append("\n- ")
            elif tag in _BLOCK_TAGS:
                parts.append("\n")
            elif tag in _CELL_TAGS:
                parts.append(" ")
            if element.text:
                parts.append(element.text)
            continue
        if tag in _SKIP_TAGS or not tag:
            skipping -= 1
        elif skipping:
            continue
        elif tag in _BLOCK_TAGS:
            parts.append("\n")
        if not skipping and element.tail and element is not root:
            parts.append(element.tail)
    return _fold("".join(parts))


def _fold(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\r", "\n")
    text = _SPACES_RE.sub(" ", text)
    return _NEWLINES_RE.sub("\n", text).strip()
