"""The demo board's route table: request path (+ the query keys that matter) -> response.

Built once per (market, base URL); bodies are rendered on first use and kept, and
``prerender()`` renders them all up front so serving is a dictionary lookup. Unknown query
parameters (tracking ``utm_*``) are ignored, as real sites do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import NamedTuple

from majobs.demoboard import render_ats, render_feed, render_site, urls
from majobs.demoboard.market import Market
from majobs.demoboard.model import Employer, Posting

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


class Response(NamedTuple):
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


NOT_FOUND = Response(404, TEXT, b"not found\n")
Handler = Callable[[Mapping[str, str]], Response]


class _Route(NamedTuple):
    handler: Handler
    params: tuple[str, ...]          # query keys that change the response
    warm: bool                       # rendered by prerender(): what crawlers fetch


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class Routes:
    def __init__(self, market: Market, base_url: str) -> None:
        self.market, self.base = market, base_url.rstrip("/")
        self._routes: dict[str, _Route] = {}
        self._cache: dict[str, Response] = {}
        self._listing_pages: dict[str, int] = {}     # careers path -> number of pages
        self._build()

    # ---- lookup -------------------------------------------------------------------------
    def resolve(self, path: str, query: Mapping[str, str]) -> Response:
        route = self._routes.get(path)
        if route is None:
            return NOT_FOUND
        key = path + "?" + "&".join(f"{k}={query[k]}" for k in route.params if k in query)
        resp = self._cache.get(key)
        if resp is None:
            resp = route.handler({k: query[k] for k in route.params if k in query})
            if len(self._cache) < 4 * len(self._routes):   # odd skip/limit values: no hoard
                self._cache[key] = resp
        return resp

    def prerender(self) -> int:
        """Render every page a crawler asks for (default queries); returns bytes held.

        Hosted pages, apply pages and single-job API answers stay lazy (rendered on first
        request): crawlers do not fetch them, tests only sample them.
        """
        defaults = {"content": "true", "mode": "json"}
        for path, route in list(self._routes.items()):
            if not route.warm:
                continue
            self.resolve(path, {k: v for k, v in defaults.items() if k in route.params})
            if path in self._listing_pages:
                for page in range(2, self._listing_pages[path] + 1):
                    self.resolve(path, {"page": str(page)})
        return sum(len(r.body) for r in self._cache.values())

    def paths(self) -> list[str]:
        return list(self._routes)


    # ---- table --------------------------------------------------------------------------
    def _add(self, path: str, handler: Handler, *params: str, warm: bool = True) -> None:
        self._routes[path] = _Route(handler, params, warm)

    def _static(self, path: str, render: Callable[[], bytes], ctype: str,
                warm: bool = True) -> None:
        self._add(path, lambda _q, r=render, c=ctype: Response(200, c, r()), warm=warm)

    def _build(self) -> None:
        m, base = self.market, self.base
        by_emp = m.by_employer()
        sites = {e.index for e in m.site_employers()}
        front: list[tuple[Employer, list[str]]] = []
        for emp in m.employers:
            own = by_emp[emp.index]
            hrefs = self._employer_routes(emp, own)
            if emp.index in sites:
                on_site = own if emp.channel == "jsonld" else [p for p in own if p.on_site]
                self._site_routes(emp, on_site)
                hrefs.append(urls.careers_path(emp))
            front.append((emp, hrefs))
        feeds: dict[str, list[tuple[Employer, Posting]]] = {n: [] for n in m.feed_names()}
        for p in m.postings:
            if p.in_feed:
                emp = m.employer_of(p)
                feeds[urls.feed_name(p, m.feeds)].append((emp, p))
                self._static(urls.feed_item_path(p),
                             functools.partial(render_feed.item_page, emp, p), HTML, warm=False)
        built = render_feed.build_time(m.today)
        for name, items in feeds.items():
            self._static(urls.feed_path(name),
                         functools.partial(render_feed.rss, base, name, items, built), RSS)
        self._static(f"/{urls.AGGREGATOR}/",
                     functools.partial(render_feed.aggregator_home, list(feeds)), HTML)
        self._static("/robots.txt", lambda: b"User-agent: *\nAllow: /\n", TEXT)
        self._static("/", functools.partial(render_site.index_page, front, list(feeds)), HTML)

    def _employer_routes(self, emp: Employer, own: list[Posting]) -> list[str]:
        base = self.base
        if emp.channel == "greenhouse":
            api = urls.greenhouse_api_path(emp)
            self._add(api, lambda q, e=emp, o=own: Response(200, JSON, render_ats.greenhouse_list(
                base, e, o, content=q.get("content", "").lower() in ("true", "1"))), "content")
            for p in own:
                self._add(f"{api}/{p.gh_id}", lambda _q, e=emp, p=p: Response(
                    200, JSON, render_ats.dumps(render_ats.greenhouse_job(base, e, p))),
                    warm=False)
                self._static(urls.primary_path(emp, p),
                             functools.partial(render_site.hosted_page, emp, p), HTML, warm=False)
            return [f"{api}?content=true"]
        if emp.channel == "lever":
            api = urls.lever_api_path(emp)
            self._add(api, lambda q, e=emp, o=own: Response(200, JSON, render_ats.lever_list(
                base, e, o, max(0, _int(q.get("skip"), 0)),
                None if "limit" not in q else max(0, _int(q.get("limit"), 0)))),
                "mode", "skip", "limit")
            for p in own:
                self._add(f"{api}/{p.lever_id}", lambda _q, e=emp, p=p: Response(
                    200, JSON, render_ats.dumps(render_ats.lever_posting(base, e, p))),
                    warm=False)
                hosted = urls.primary_path(emp, p)
                self._static(hosted, functools.partial(render_site.hosted_page, emp, p), HTML,
                             warm=False)
                self._static(hosted + "/apply", functools.partial(
                    render_site.hosted_page, emp, p, True), HTML, warm=False)
            return [f"{api}?mode=json"]
        return []

    def _site_routes(self, emp: Employer, listed: list[Posting]) -> None:
        def careers(q: Mapping[str, str], e: Employer = emp) -> Response:
            body = render_site.listing_page(e, listed, _int(q.get("page"), 1))
            return NOT_FOUND if body is None else Response(200, HTML, body)

        self._add(urls.careers_path(emp), careers, "page")
        self._listing_pages[urls.careers_path(emp)] = render_site.listing_pages(listed)
        self._static(urls.sitemap_path(emp),
                     functools.partial(render_site.sitemap, self.base, emp, listed), XML)
        for p in listed:
            self._static(urls.site_path(emp, p),
                         functools.partial(render_site.detail_page, self.base, emp, p), HTML)
