"""Lever postings API: a bare JSON array of every published posting.

Lever returns all postings when no ``limit`` is given, so by default one request
(``?mode=json``, the real API's query) is enough. ``page_size`` (spider argument or
setting ``MAJOBS_LEVER_PAGE_SIZE``) switches to the documented ``skip``/``limit`` paging.
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response
from w3lib.html import remove_tags, replace_entities

from majobs.items import JobPostingItem
from majobs.spiders.base import SourceSpider
from majobs.spiders.values import as_list, dicts, passable, text, unique

ORIGIN = "https://api.lever.co"


class LeverSpider(SourceSpider):
    name = "lever"
    # Each page is one hop deeper than the last; paging must not be cut by DEPTH_LIMIT.
    custom_settings = {"DEPTH_LIMIT": 0}

    def __init__(self, source: Any, page_size: int | str | None = None, **kw: Any) -> None:
        super().__init__(source, **kw)
        self.page_size = int(page_size) if page_size else None
        self.seen_ids: set[str] = set()

    def page_url(self, skip: int) -> str:
        url = f"{self.source.origin(ORIGIN)}/v0/postings/{quote(self.source.board or '', safe='')}"
        url += "?mode=json"
        return url if self.page_size is None else f"{url}&skip={skip}&limit={self.page_size}"

    async def start(self) -> AsyncIterator[Any]:
        if self.page_size is None:
            self.page_size = self.settings.getint("MAJOBS_LEVER_PAGE_SIZE") or None
        yield scrapy.Request(self.page_url(0), callback=self.parse, cb_kwargs={"skip": 0})

    def parse(self, response: Response, skip: int = 0, **kwargs: Any) -> Iterator[Any]:
        data = self.json_body(response)
        if data is None:
            return
        if not isinstance(data, list):  # e.g. {"ok": false, "error": "Document not found"}
            self.count_error("bad_payload", f"{response.url}: not a list of postings")
            return
        fresh = []
        for posting in data:
            pid = text(posting.get("id")) if isinstance(posting, dict) else None
            if pid and pid in self.seen_ids:
                continue
            if pid:
                self.seen_ids.add(pid)
            fresh.append(posting)
        yield from self.map_records(fresh, self.posting_item)
        # A full page with new postings may have a next page; a server that ignores
        # skip/limit sends the same postings again, which ends the paging.
        if self.page_size and len(data) >= self.page_size and fresh:
            nxt = skip + len(data)
            yield scrapy.Request(self.page_url(nxt), callback=self.parse, cb_kwargs={"skip": nxt})

    def posting_item(self, p: dict[str, Any]) -> JobPostingItem:
        cats = p.get("categories") if isinstance(p.get("categories"), dict) else {}
        lists = dicts(p.get("lists"))
        body = text(p.get("description")) or "".join(
            t for k in ("opening", "descriptionBody") if (t := text(p.get(k))))
        list_html = "".join(
            f"<h3>{html.escape(text(entry.get('text')) or '')}</h3>"
            f"<ul>{text(entry.get('content')) or ''}</ul>" for entry in lists)
        plain = [text(p.get("descriptionPlain")), *map(_list_text, lists),
                 text(p.get("additionalPlain"))]
        return self.new_item(
            external_id=text(p.get("id")),
            url=text(p.get("hostedUrl")),
            apply_url=text(p.get("applyUrl")),
            title=text(p.get("text")),
            employer=self.source.employer or self.source.board,
            description_html=(body or "") + list_html + (text(p.get("additional")) or ""),
            description_text="\n\n".join(t for t in plain if t and t.strip()) or None,
            locations_raw=unique([text(cats.get("location")),
                                  *map(text, as_list(cats.get("allLocations")))]),
            remote_raw=text(p.get("workplaceType")),
            employment_type_raw=text(cats.get("commitment")),
            pay_raw=_salary_range(p) or text(p.get("salaryDescriptionPlain")),
            date_posted_raw=_epoch_or_text(p.get("createdAt")),
            department=text(cats.get("department")) or text(cats.get("team")),
        )


def _list_text(entry: dict[str, Any]) -> str:
    """A Lever list as plain text: its heading, then one "- item" line per <li>."""
    items = (replace_entities(remove_tags(li)).strip()
             for li in (text(entry.get("content")) or "").split("</li>"))
    lines = [text(entry.get("text")) or "", *(f"- {li}" for li in items if li)]
    return "\n".join(line for line in lines if line)


def _epoch_or_text(value: Any) -> int | str | None:
    """``createdAt`` is epoch milliseconds; keep it an int for the date normalizer."""
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int | str) else None


def _salary_range(p: dict[str, Any]) -> dict[str, Any] | None:
    """``salaryRange`` {currency, interval, min, max} when it is an object."""
    salary = p.get("salaryRange")
    return passable(salary) if isinstance(salary, dict) else None
