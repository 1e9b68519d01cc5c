"""The aggregator (MetroJobs): an RSS 2.0 feed re-publishing employers' postings, and the
aggregator's own page for each item.

Like the real WeWorkRemotely feed: titles "Employer: Job title", entity-escaped HTML in
``<description>``, RFC 822 ``pubDate``, a non-standard ``<location>`` element. The text is the
employer's with a prefix and suffix ("via MetroJobs"), and the pay line the aggregator shows
when the employer gave pay only as structured data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

from majobs.demoboard import urls
from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.prose import body_html, esc


def feed_title(emp: Employer, p: Posting) -> str:
    return f"{emp.name}: {p.title}"


def feed_description(emp: Employer, p: Posting) -> str:
    city = emp.clinics[p.clinic].city
    parts = [f"<p><strong>{esc(emp.name)}</strong> is hiring in {esc(city.name)}, {city.state} "
             f"(via {urls.AGGREGATOR_NAME}).</p>"]
    if p.offer and not p.offer.in_text:
        parts.append(f"<p>{esc(p.offer.text())}</p>")
    parts.append(body_html(p, emp))
    parts.append(f"<p>Found on {urls.AGGREGATOR_NAME}. Apply on the employer's site.</p>")
    return "\n".join(parts)


def _pub_date(p: Posting) -> str:
    # Local offset ("-0600") for some items, UTC ("+0000") for others: both RFC 822.
    when = p.posted if p.serial % 2 else p.posted.astimezone(UTC)
    return format_datetime(when)


def rss(base: str, name: str, items: list[tuple[Employer, Posting]], built: datetime) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0"><channel>',
           f"  <title>{urls.AGGREGATOR_NAME}: healthcare jobs near you ({name})</title>",
           f"  <link>{xml_escape(base)}/{urls.AGGREGATOR}/</link>",
           "  <description>Clinic, hospital and medical office jobs from local "
           "employers.</description>",
           "  <language>en-us</language>",
           f"  <lastBuildDate>{format_datetime(built)}</lastBuildDate>"]
    for emp, p in items:
        clinic = emp.clinics[p.clinic]
        out += ["  <item>",
                f"    <title>{xml_escape(feed_title(emp, p))}</title>",
                f"    <link>{xml_escape(base + urls.feed_item_path(p))}</link>",
                f'    <guid isPermaLink="false">{urls.AGGREGATOR}-{p.feed_id}</guid>',
                f"    <pubDate>{_pub_date(p)}</pubDate>",
                "    <category>Healthcare</category>",
                f"    <location>{xml_escape(clinic.place)}</location>",
                f"    <description>{xml_escape(feed_description(emp, p))}</description>",
                "  </item>"]
    out.append("</channel></rss>\n")
    return "\n".join(out).encode("utf-8")


def build_time(today: date) -> datetime:
    return datetime.combine(today, time(6, 0), tzinfo=UTC)


def item_page(emp: Employer, p: Posting) -> bytes:
    """The aggregator's page for one re-published posting (no structured data)."""
    clinic = emp.clinics[p.clinic]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{esc(p.title)} at {esc(emp.name)} | {urls.AGGREGATOR_NAME}</title></head>\n"
            f"<body>\n<h1>{esc(p.title)}</h1>\n<p>{esc(emp.name)} · {esc(clinic.place)}</p>\n"
            f'<div class="description">\n{feed_description(emp, p)}\n</div>\n</body></html>\n'
            ).encode()


def aggregator_home(feeds: list[str]) -> bytes:
    rows = "\n".join(f'<li><a href="{urls.feed_path(n)}">{n}</a></li>' for n in feeds)
    return (f"<!DOCTYPE html>\n<html><head><title>{urls.AGGREGATOR_NAME}</title></head>"
            f"<body><h1>{urls.AGGREGATOR_NAME} feeds</h1><ul>{rows}</ul></body></html>\n"
            ).encode()
