"""The demo board's route table: request path (+ the query keys that matter) -> response.

Built once per (market, base URL); bodies are rendered on first use and kept, and
``prerender()`` renders them all up front so serving is a dictionary lookup. Unknown query
parameters (tracking ``utm_*``) are ignored, as real sites do. A route may want another
method (Workday's search is a POST: its JSON body's values count as query values), a
credential check run before every answer (USAJOBS, CareerOneStop), or the rest of the path
(``prefix`` routes: CareerOneStop's search puts its arguments in the path, as ``_path``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from majobs.demoboard import render_ats, render_feed, render_site, routes_apis, urls
from majobs.demoboard.market import Market
from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.responses import (
    HTML,
    JSON,
    NOT_ALLOWED,
    NOT_FOUND,
    RSS,
    TEXT,
    XML,
    Response,
)

__all__ = ["HTML", "JSON", "NOT_FOUND", "RSS", "TEXT", "XML", "Response", "Routes"]

Handler = Callable[[Mapping[str, str]], Response]
Guard = Callable[[Mapping[str, str]], Response | None]    # request headers -> refusal


class _Route(NamedTuple):
    handler: Handler
    params: tuple[str, ...]          # query keys that change the response
    warm: bool                       # rendered by prerender(): what crawlers fetch
    method: str = "GET"
    guard: Guard | None = None


def _body_values(body: bytes, params: tuple[str, ...]) -> dict[str, str]:
    """A POSTed JSON object's values as query strings (objects as canonical JSON)."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        return {"_bad": "1"}
    if not isinstance(data, dict):
        return {"_bad": "1"}
    return {k: v if isinstance(v, str) else json.dumps(v, sort_keys=True)
            for k, v in data.items() if k in params}


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
        self._prefixes: dict[str, _Route] = {}       # path prefix -> route (rest: "_path")
        self._warm: list[tuple[str, dict[str, str]]] = []   # crawl requests to prerender
        self._build()

    # ---- lookup -------------------------------------------------------------------------
    def resolve(self, path: str, query: Mapping[str, str], method: str = "GET",
                headers: Mapping[str, str] | None = None, body: bytes = b"") -> Response:
        """The answer to one request (``headers`` with lower-case names)."""
        route = self._routes.get(path)
        values = {k: v for k, v in query.items() if not k.startswith("_")}   # ours: _path
        if route is None:
            prefix = next((p for p in self._prefixes if path.startswith(p)), None)
            if prefix is None:
                return NOT_FOUND
            route, values["_path"] = self._prefixes[prefix], path[len(prefix):]
        if (method if method != "HEAD" else "GET") != route.method:
            return NOT_ALLOWED
        if route.guard is not None:
            refused = route.guard(headers or {})
            if refused is not None:
                return refused
        if route.method == "POST":
            values.update(_body_values(body, route.params))
        return self._render(path, route, values)

    def _render(self, path: str, route: _Route, values: Mapping[str, str]) -> Response:
        keys = [k for k in (*route.params, "_path", "_bad") if k in values]
        key = path + "?" + "&".join(f"{k}={values[k]}" for k in keys)
        resp = self._cache.get(key)
        if resp is None:
            resp = route.handler({k: values[k] for k in keys})
            if len(self._cache) < 4 * (len(self._routes) + len(self._warm)):   # no hoard
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
        for path, values in self._warm:      # API answers as the demo sources ask for them
            route = self._routes.get(path) or next(
                r for p, r in self._prefixes.items() if path.startswith(p))
            self._render(path, route, values)
        return sum(len(r.body) for r in self._cache.values())

    def paths(self) -> list[str]:
        return list(self._routes)

    def open_paths(self) -> list[str]:
        """Paths a plain GET is answered at (no POST-only or keyed APIs)."""
        return [p for p, r in self._routes.items() if r.method == "GET" and r.guard is None]


    # ---- table --------------------------------------------------------------------------
    def _add(self, path: str, handler: Handler, *params: str, warm: bool = True,
             method: str = "GET", guard: Guard | None = None, prefix: bool = False) -> None:
        table = self._prefixes if prefix else self._routes
        table[path] = _Route(handler, params, warm, method, guard)

    def _warm_request(self, path: str, **values: Any) -> None:
        self._warm.append((path, {k: str(v) for k, v in values.items()}))

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
        routes_apis.search_routes(self)
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
        return routes_apis.employer_routes(self, emp, own)

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
