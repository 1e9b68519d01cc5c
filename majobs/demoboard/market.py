"""A generated market: its postings, ground truth, sources file, and evolution."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from majobs.demoboard import search, urls
from majobs.demoboard.model import FEDERAL_CHANNEL, Changes, Employer, Posting, TruthPosting
from majobs.demoboard.places import METROS, Metro
from majobs.demoboard.render_more_ats import ashby_zip_given

# Where the source names the clinic's ZIP: always on these channels, on SmartRecruiters
# when the posting's style says so, on Ashby for some offices, never on Workday and USAJOBS.
ZIP_CHANNELS = ("greenhouse", "lever", "jsonld")


@dataclass(frozen=True)
class Market:
    employers: tuple[Employer, ...] = field(repr=False)
    postings: tuple[Posting, ...] = field(repr=False)      # ordered by serial
    seed: int
    today: date
    next_serial: int
    lineage: str                          # seeds of this market's history ("7/3/5")
    # Fixed at generation so the sources file stays valid as the market evolves: which
    # employers run a JSON-LD careers site, and how many aggregator feeds there are.
    sites: frozenset[int] = field(repr=False)
    feeds: int = 1

    def employer_of(self, p: Posting) -> Employer:
        return self.employers[p.employer]

    def by_employer(self) -> dict[int, list[Posting]]:
        out: dict[int, list[Posting]] = {e.index: [] for e in self.employers}
        for p in self.postings:
            out[p.employer].append(p)
        return out

    @functools.cached_property
    def _by_key(self) -> dict[str, Posting]:
        return {p.key: p for p in self.postings}

    def posting(self, key: str) -> Posting:
        return self._by_key[key]

    def feed_names(self) -> list[str]:
        return urls.feed_names(self.feeds)

    def site_employers(self) -> list[Employer]:
        """Employers with a JSON-LD careers site: JSON-LD ones, and API ones with overlaps."""
        return [e for e in self.employers if e.index in self.sites]

    def va_employers(self) -> list[Employer]:
        """Federal employers (one per metro): their postings are on USAJOBS only."""
        return [e for e in self.employers if e.channel == FEDERAL_CHANNEL]

    def c1s_metros(self) -> list[Metro]:
        """Metros with a CareerOneStop source: every metro with a non-federal employer."""
        names = {e.metro.name for e in self.employers if e.channel != FEDERAL_CHANNEL}
        return [m for m in METROS if m.name in names]

    def c1s_source(self, p: Posting) -> str | None:
        """The CareerOneStop source whose searches (DEMO_KEYWORD, then the MA O*NET code,
        SEARCH_RADIUS around the metro's center) list ``p``; None when none does."""
        emp = self.employer_of(p)
        if not p.in_c1s or emp.channel == FEDERAL_CHANNEL:
            return None
        center = search.zip_point(search.metro_center(emp.metro))
        if not search.near(center, search.SEARCH_RADIUS, emp.clinics[p.clinic].city):
            return None
        if not any(search.c1s_lists(k, emp, p)
                   for k in (search.DEMO_KEYWORD, search.MA_ONET_CODE)):
            return None
        return urls.c1s_source_name(emp.metro)

    # ---- ground truth -------------------------------------------------------------------
    def truth(self, base_url: str = "") -> list[TruthPosting]:
        """One record per real-world posting. URLs are paths unless ``base_url`` is given."""
        base = base_url.rstrip("/")
        out = []
        for p in self.postings:
            emp = self.employer_of(p)
            clinic = emp.clinics[p.clinic]
            where = urls.served_at(emp, p, self.feeds, self.c1s_source(p))
            zip_stated = emp.channel in ZIP_CHANNELS or (
                emp.channel == "smartrecruiters" and p.style.zip_given) or (
                emp.channel == "ashby" and ashby_zip_given(emp, p))
            out.append(TruthPosting(
                key=p.key, title=p.title, employer=emp.name, is_ma=p.is_ma, role=p.role,
                urls=tuple(base + path for path, _ in where),
                sources=tuple(name for _, name in where),
                city=clinic.city.name, state=clinic.city.state,
                postal_code=clinic.city.postal_code if zip_stated else None,
                pay=p.offer.truth() if p.offer else None, employment_type=p.employment_type,
                date_posted=p.posted.date(), valid_through=p.valid_through, expired=p.expired,
                required_certifications=p.prose.required_certs))
        return out

    # ---- sources file (DESIGN.md) ------------------------------------------------------
    def sources(self, base_url: str) -> list[dict[str, Any]]:
        base = base_url.rstrip("/")
        out: list[dict[str, Any]] = []
        sites = {e.index for e in self.site_employers()}
        for emp in self.employers:
            if emp.channel in ("greenhouse", "lever", "ashby", "smartrecruiters"):
                board = urls.sr_company(emp) if emp.channel == "smartrecruiters" else emp.board
                out.append({"name": emp.slug, "kind": emp.channel, "board": board,
                            "api_url": base, "employer": emp.name, "allow_local": True})
            if emp.channel == "workday":   # the career site as published; api_url: the board
                out.append({"name": emp.slug, "kind": "workday",
                            "url": urls.workday_career_url(emp), "api_url": base,
                            "employer": emp.name, "allow_local": True})
            if emp.index in sites:
                entry: dict[str, Any] = {"name": urls.site_source_name(emp), "kind": "jsonld"}
                if emp.source_style in (0, 2):
                    entry["start_urls"] = [base + urls.careers_path(emp)]
                if emp.source_style in (1, 2):
                    entry["sitemap_urls"] = [base + urls.sitemap_path(emp)]
                entry["allow_local"] = True
                out.append(entry)
        # Keyed APIs: credentials come from the environment (DEMO_CREDENTIALS), never here.
        for emp in self.va_employers():
            out.append({"name": urls.usajobs_source_name(emp.metro), "kind": "usajobs",
                        "keyword": search.DEMO_KEYWORD, "location": search.metro_place(emp.metro),
                        "radius_miles": search.SEARCH_RADIUS, "api_url": base,
                        "allow_local": True})
        for metro in self.c1s_metros():
            out.append({"name": urls.c1s_source_name(metro), "kind": "careeronestop",
                        "keyword": search.DEMO_KEYWORD, "location": search.metro_center(metro),
                        "radius_miles": search.SEARCH_RADIUS, "api_url": base,
                        "allow_local": True})
        for name in self.feed_names():    # last: the aggregator's feeds
            out.append({"name": name, "kind": "feed", "url": base + urls.feed_path(name),
                        "allow_local": True})
        return out

    def sources_yaml(self, base_url: str) -> str:
        head = (f"# majobs demo board: {len(self.postings)} postings, seed {self.lineage}, "
                f"served at {base_url.rstrip('/')}\n")
        return head + yaml.safe_dump({"sources": self.sources(base_url)}, sort_keys=False,
                                     allow_unicode=True)

    # ---- change between crawls ---------------------------------------------------------
    def evolve(self, seed: int) -> tuple[Market, Changes]:
        """A later state of this market: a few postings added, edited and removed."""
        from majobs.demoboard.evolve import evolve_market

        return evolve_market(self, seed)
