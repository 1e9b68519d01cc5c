"""Descriptions: unescape entity-escaped HTML once, sanitize last, derive plain text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from majobs.normalize.html import clean_description, clean_text

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"

DANGEROUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<p onclick=\"steal()\">hi</p>",
    "<style>body{display:none}</style>",
    "<svg><script>alert(1)</script></svg>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;x&lt;/p&gt;",
    "&lt;img src=x onerror=alert(1)&gt;&lt;p&gt;x&lt;/p&gt;",
    "<p>ok</p><object data=\"x.swf\"></object><embed src=\"x\">",
]


@pytest.mark.parametrize("raw", DANGEROUS)
def test_safe_html_has_no_active_content(raw: str) -> None:
    safe, _ = clean_description(raw)
    lowered = safe.lower()
    for bad in ("<script", "<img", "<iframe", "<style", "<svg", "<object", "<embed",
                "onerror", "onclick", "javascript:", "data:"):
        assert bad not in lowered, (bad, safe)


@pytest.mark.parametrize(("raw", "safe", "text"), [
    ("<p>Room patients&nbsp;and take vitals.</p>", "<p>Room patients&nbsp;and take vitals.</p>",
     "Room patients and take vitals."),
    ("<ul><li>Vitals</li><li>EKG <b>and</b> phlebotomy</li></ul>",
     "<ul><li>Vitals</li><li>EKG <b>and</b> phlebotomy</li></ul>",
     "- Vitals\n- EKG and phlebotomy"),
    ("<div>One</div><div>Two<br>Three</div>", "<div>One</div><div>Two<br>Three</div>",
     "One\nTwo\nThree"),
    ("<h2>Duties</h2><p>Chart in Epic</p>", "<h2>Duties</h2><p>Chart in Epic</p>",
     "Duties\nChart in Epic"),
    ("<span style=\"color:red\">Bilingual</span> preferred", "Bilingual preferred",
     "Bilingual preferred"),
    ("<a href=\"https://example.org/apply\" target=\"_blank\">Apply</a>",
     "<a href=\"https://example.org/apply\" rel=\"nofollow noopener\">Apply</a>", "Apply"),
    ("<a href=\"mailto:jobs@example.org\">Email</a>",
     "<a href=\"mailto:jobs@example.org\" rel=\"nofollow noopener\">Email</a>", "Email"),
    ("<table><tr><th>Shift</th><th>Pay</th></tr><tr><td>Days</td><td>$20</td></tr></table>",
     "<table><tbody><tr><th>Shift</th><th>Pay</th></tr><tr><td>Days</td><td>$20</td></tr>"
     "</tbody></table>", "Shift Pay\nDays $20"),
    ("<p>Fish &amp; chips</p>", "<p>Fish &amp; chips</p>", "Fish & chips"),
    ("<p>a &lt; b</p><!-- note -->", "<p>a &lt; b</p>", "a < b"),
])
def test_html_input(raw: str, safe: str, text: str) -> None:
    assert clean_description(raw) == (safe, text)


def test_entity_escaped_html_is_unescaped_once() -> None:
    raw = "&lt;div&gt;&lt;p&gt;R&amp;amp;D &amp;amp; more&lt;/p&gt;&lt;ul&gt;&lt;li&gt;EKG" \
          "&lt;/li&gt;&lt;/ul&gt;&lt;/div&gt;"
    safe, text = clean_description(raw)
    assert safe == "<div><p>R&amp;D &amp; more</p><ul><li>EKG</li></ul></div>"
    assert text == "R&D & more\n- EKG"


@pytest.mark.parametrize(("raw", "safe", "text"), [
    ("Fish &amp; chips", "<p>Fish &amp; chips</p>", "Fish & chips"),
    # double-escaped markup in plain text stays text: decoded once, never a tag
    ("Use &amp;lt;b&amp;gt; for bold", "<p>Use &amp;lt;b&amp;gt; for bold</p>",
     "Use &lt;b&gt; for bold"),
    ("a < b and c > d", "<p>a &lt; b and c &gt; d</p>", "a < b and c > d"),
    ("Line one\nline  two\n\nSecond\u00a0paragraph",
     "<p>Line one<br>line two</p><p>Second paragraph</p>",
     "Line one\nline two\nSecond paragraph"),
])
def test_plain_text_input_becomes_escaped_paragraphs(raw: str, safe: str, text: str) -> None:
    assert clean_description(raw) == (safe, text)


@pytest.mark.parametrize("raw", [None, "", "   \n\t ", "\x00\x01", 42, ["<p>x</p>"]])
def test_empty_or_wrong_type(raw: object) -> None:
    assert clean_description(raw) == ("", "")  # type: ignore[arg-type]


def test_control_characters_and_lone_surrogates_are_dropped() -> None:
    safe, text = clean_description("<p>ok\x00\x07\u200b \ud800done</p>")
    assert "\x00" not in safe + text and "\u200b" not in text
    assert text.startswith("ok") and text.endswith("done")


def test_real_greenhouse_content() -> None:
    for name in ("greenhouse/amplitude_jobs_content.json",
                 "greenhouse/smarterdx_jobs_content.json"):
        for job in json.loads((REAL / name).read_text())["jobs"]:
            assert "&lt;" in job["content"]
            safe, text = clean_description(job["content"])
            assert safe.startswith("<") and "&lt;div" not in safe and "&lt;p" not in safe
            assert not re.search(r"</?[a-zA-Z][^>]*>", text)  # no tags left in the text
            assert "&nbsp;" not in text and "\u00a0" not in text and "  " not in text
            assert len(text) > 200


def test_real_feed_descriptions() -> None:
    channel = ElementTree.parse(REAL / "rss/weworkremotely_feed.xml").getroot()
    bodies = [d.text or "" for d in channel.iter("description")]
    assert bodies
    for body in bodies:
        safe, text = clean_description(body)
        assert "<img" not in safe and "&lt;" not in text[:50]
        assert text and "<p>" not in text


def test_real_lever_plain_and_html_agree() -> None:
    posting = json.loads((REAL / "lever/palantir_postings.json").read_text())[0]
    _, from_html = clean_description(posting["description"])
    _, from_plain = clean_description(posting["descriptionPlain"])
    assert " ".join(from_html.split()) == " ".join(from_plain.split())


@pytest.mark.parametrize(("raw", "expected"), [
    ("Amplitude ", "Amplitude"),
    ("CNA  / LPN - Consistent Hours. Start Next Week.",
     "CNA / LPN - Consistent Hours. Start Next Week."),
    ("\u00a0Medical\u00a0Assistant\n", "Medical Assistant"),
    ("Clinical Coding Specialist ", "Clinical Coding Specialist"),
    ("Smith &amp; Jones Pediatrics", "Smith & Jones Pediatrics"),
    ("Remote Clinical Pharmacist – HEDIS", "Remote Clinical Pharmacist – HEDIS"),
    ("\u200bMA\u200b", "MA"),
    ("", None), ("  \t\n ", None), ("\u00a0", None), (None, None), (12, None),
])
def test_clean_text(raw: object, expected: str | None) -> None:
    assert clean_text(raw) == expected  # type: ignore[arg-type]
