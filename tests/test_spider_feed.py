"""Feed spider: real RSS/Atom captures, generated variants, and hostile XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import unescape
from typing import Any

import pytest
from spider_harness import FIXTURES, LocalServer, run_spiders

from majobs.spiders.feed import unsafe_reason

WWR = FIXTURES / "rss" / "weworkremotely_feed.xml"
UNC = FIXTURES / "rss" / "unc_peopleadmin_all_jobs.atom.xml"
ATOM_NS = "{http://www.w3.org/2005/Atom}"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Jobs</title>
<item><title>Medical Assistant &lol9;</title><link>https://example.org/j/1</link>
<description>&lol9;</description></item>
</channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>
<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>"""

# Malformed (an undeclared &nbsp; in the body) AND carrying a DOCTYPE: XML parsers stop
# early, but a lenient parser would go on, so the declaration must still be found.
MALFORMED_WITH_DOCTYPE = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://example.org/evil.dtd">
<rss version="2.0"><channel><item><title>MA&nbsp;I</title></item></channel></rss>"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Valley Clinic jobs</title><link>https://valley.example/jobs</link>
<item>
  <title>Certified Medical Assistant – Pediatrics</title>
  <link>https://valley.example/jobs/ma-peds</link>
  <guid isPermaLink="false">req-4411</guid>
  <pubDate>Mon, 05 Jan 2026 08:00:00 -0600</pubDate>
  <category>Full-Time</category><category>Pediatrics</category>
  <location>Austin, TX 78701</location>
  <description>Short summary</description>
  <content:encoded><![CDATA[<p>Room patients &amp; take vitals. <b>CMA (AAMA)</b>
    required.</p>]]></content:encoded>
</item>
<item>
  <title>Front Desk: Patient Access Rep</title>
  <link>https://valley.example/jobs/front</link>
  <description>&lt;p&gt;Check in patients&lt;/p&gt;</description>
  <dc:creator>Valley Clinic HR</dc:creator>
</item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:lakeside.example,2026:jobs</id><title>Lakeside careers</title>
  <updated>2026-02-01T10:00:00Z</updated>
  <entry>
    <id>tag:lakeside.example,2026:job-77</id>
    <title type="text">Medical Assistant (Per Diem)</title>
    <link rel="alternate" href="/careers/77"/>
    <updated>2026-02-01T10:00:00Z</updated>
    <author><name>Family Medicine</name></author>
    <category term="Per Diem"/>
    <content type="html">&lt;ul&gt;&lt;li&gt;Phlebotomy&lt;/li&gt;&lt;/ul&gt;</content>
  </entry>
</feed>"""


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    feeds = {"wwr": (WWR, "application/rss+xml"), "unc": (UNC, "application/atom+xml"),
             "laughs": (BILLION_LAUGHS, "application/rss+xml"),
             "xxe": (EXTERNAL_ENTITY, "application/rss+xml"),
             "rss": (RSS, "application/rss+xml; charset=utf-8"),
             "atom": (ATOM, "application/atom+xml"),
             "html": ("<html><body>Maintenance</body></html>", "text/html")}
    with LocalServer() as srv:
        for name, (body, ctype) in feeds.items():
            srv.route(f"/feeds/{name}.xml", body, content_type=ctype)
        runs = run_spiders([({"name": name, "kind": "feed", "url": srv.url(f"/feeds/{name}.xml"),
                              "allow_local": True}, {}) for name in feeds])
        runs["base"] = srv.base
    return runs


def test_weworkremotely_rss(crawls: dict[str, Any]) -> None:
    run = crawls["wwr"]
    items = ET.parse(WWR).getroot().iter("item")
    expected = {i.findtext("link"): i for i in items}
    assert run.errors() == {}
    assert {i["url"] for i in run.items} == set(expected)
    for item in run.items:
        src = expected[item["url"]]
        company, title = src.findtext("title").split(": ", 1)
        assert (item["employer"], item["title"]) == (company, title)
        assert item["external_id"] == src.findtext("guid")
        assert item["locations_raw"] == [src.findtext("region")]
        assert item["date_posted_raw"] == src.findtext("pubDate")
        assert item["department"] == src.findtext("category")
        assert item["employment_type_raw"] is None
        # Entity-escaped HTML comes out as markup, unsanitized (feedparser re-serializes
        # it when resolving relative links: "&" in attributes becomes "&amp;").
        assert unescape(item["description_html"].strip()) == unescape(
            src.findtext("description").strip())
        assert "<p>" in item["description_html"]


def test_peopleadmin_atom(crawls: dict[str, Any]) -> None:
    run = crawls["unc"]
    entries = ET.parse(UNC).getroot().iter(f"{ATOM_NS}entry")
    expected = {e.findtext(f"{ATOM_NS}id"): e for e in entries}
    assert run.errors() == {}
    assert len(run.items) == len(expected) == 7
    for item in run.items:
        src = expected[item["external_id"]]
        assert item["url"] == src.find(f"{ATOM_NS}link").get("href")
        assert item["title"] == src.findtext(f"{ATOM_NS}title")   # no "X: Y" split here
        assert item["employer"] is None
        assert item["department"] == src.findtext(f"{ATOM_NS}author/{ATOM_NS}name")
        assert item["date_posted_raw"] == src.findtext(f"{ATOM_NS}published")
        assert item["description_html"] == src.findtext(f"{ATOM_NS}content")
        assert item["locations_raw"] == []


@pytest.mark.parametrize("name", ["laughs", "xxe"])
def test_entity_declarations_are_refused_and_nothing_expanded(crawls: dict[str, Any],
                                                              name: str) -> None:
    run = crawls[name]
    assert run.items == []
    assert run.errors() == {"unsafe_feed": 1}
    assert "lollol" not in run.log


def test_generated_rss(crawls: dict[str, Any]) -> None:
    items = {i["url"]: i for i in crawls["rss"].items}
    peds = items["https://valley.example/jobs/ma-peds"]
    assert peds["title"] == "Certified Medical Assistant – Pediatrics"
    assert peds["external_id"] == "req-4411"
    assert peds["employment_type_raw"] == "Full-Time"
    assert peds["department"] == "Pediatrics"
    assert peds["locations_raw"] == ["Austin, TX 78701"]
    assert peds["description_html"].startswith("<p>Room patients &amp; take vitals.")
    front = items["https://valley.example/jobs/front"]
    # Only one title of two has "X: Y": not the WeWorkRemotely convention, keep it whole.
    assert front["title"] == "Front Desk: Patient Access Rep" and front["employer"] is None
    assert front["external_id"] == "https://valley.example/jobs/front"   # no guid: the link
    assert front["department"] == "Valley Clinic HR"
    assert front["description_html"] == "<p>Check in patients</p>"


def test_generated_atom(crawls: dict[str, Any]) -> None:
    (item,) = crawls["atom"].items
    assert item["url"] == crawls["base"] + "/careers/77"          # relative link resolved
    assert item["external_id"] == "tag:lakeside.example,2026:job-77"
    assert item["employment_type_raw"] == "Per Diem"
    assert item["department"] == "Family Medicine"
    assert item["date_posted_raw"] == "2026-02-01T10:00:00Z"
    assert item["description_html"] == "<ul><li>Phlebotomy</li></ul>"


def test_html_instead_of_a_feed_is_reported(crawls: dict[str, Any]) -> None:
    assert crawls["html"].items == []
    assert list(crawls["html"].errors()) == ["bad_feed"]


@pytest.mark.parametrize("body", [
    BILLION_LAUGHS, EXTERNAL_ENTITY, MALFORMED_WITH_DOCTYPE,
    '<?xml version="1.0"?><!DOCTYPE rss><rss version="2.0"/>',
    '<?xml version="1.0"?>\n<!doctype rss [<!entity a "b">]><rss/>',
])
def test_unsafe_reason_finds_declarations(body: str) -> None:
    for encoding in ("utf-8", "utf-16"):
        data = body.encode(encoding) if encoding == "utf-8" else body.replace(
            'version="1.0"?>', 'version="1.0" encoding="utf-16"?>').encode(encoding)
        assert unsafe_reason(data) is not None, encoding


@pytest.mark.parametrize("path", [WWR, UNC])
def test_unsafe_reason_passes_real_feeds(path: Any) -> None:
    assert unsafe_reason(path.read_bytes()) is None
