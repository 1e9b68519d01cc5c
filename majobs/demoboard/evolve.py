"""The market one crawl later: a few postings added, a few edited, a few removed.

Unchanged postings keep every byte (their ids, text and quirks live in the posting record);
edited ones keep their key and URLs and change their title, pay or text.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from majobs.demoboard import prose_pools as pp
from majobs.demoboard.generator import (
    FEED_SHARE,
    MA_SHARE,
    OVERLAP_SHARE,
    build_posting,
    hosts_by_role,
)
from majobs.demoboard.market import Market
from majobs.demoboard.model import Changes, Posting
from majobs.demoboard.payforms import make_offer
from majobs.demoboard.roles import ROLES, titles_for

CHANGE_SHARE = 0.03           # of postings, for each of added / edited / removed
TITLE_SUFFIX = re.compile(r"( \(Part-Time\)| - Contract)$")


def _edit_title(rng: random.Random, p: Posting) -> Posting:
    m = TITLE_SUFFIX.search(p.title)
    suffix = m.group(1) if m else ""
    base = p.title[: len(p.title) - len(suffix)]
    others = [t for t in titles_for(ROLES[p.role], p.specialty) if t != base]
    title = rng.choice(others) + suffix
    prose = replace(p.prose, summary=p.prose.summary.replace(p.title, title))
    return replace(p, title=title, prose=prose)


def _edit_pay(rng: random.Random, p: Posting, structured_ok: bool) -> Posting:
    if p.offer is not None:
        return replace(p, offer=p.offer.bumped())
    role = ROLES[p.role]
    return replace(p, offer=make_offer(rng, role.hourly, role.yearly, structured_ok,
                                       no_pay_share=0.0))


def _edit_text(rng: random.Random, p: Posting, clinic: str) -> Posting:
    extra = rng.choice([s for s in pp.TEXT_EDITS if s.format(clinic=clinic) != p.prose.extra])
    return replace(p, prose=replace(p.prose, extra=extra.format(clinic=clinic)))


def evolve_market(market: Market, seed: int) -> tuple[Market, Changes]:
    lineage = f"{market.lineage}/{seed}"
    rng = random.Random(f"evolve:{lineage}")
    n = len(market.postings)
    k = max(1, round(n * CHANGE_SHARE))
    serials = [p.serial for p in market.postings]
    removed = set(rng.sample(serials, min(k, max(0, n - 1))))
    kept = [p for p in market.postings if p.serial not in removed]
    edited = set(rng.sample([p.serial for p in kept], min(k, len(kept))))
    kinds: dict[str, str] = {}
    postings: list[Posting] = []
    for p in kept:
        if p.serial in edited:
            emp = market.employer_of(p)
            kind = rng.choice(("title", "pay", "text"))
            if kind == "title":
                p = _edit_title(rng, p)
            elif kind == "pay":
                p = _edit_pay(rng, p, emp.channel in ("lever", "jsonld"))
            else:
                p = _edit_text(rng, p, emp.clinics[p.clinic].label)
            p = replace(p, revision=p.revision + 1)
            kinds[p.key] = kind
        postings.append(p)
    hosts = hosts_by_role(market.employers)
    added: list[str] = []
    for serial in range(market.next_serial, market.next_serial + k):
        prng = random.Random(f"{lineage}:posting:{serial}")
        p = build_posting(prng, serial, prng.random() < MA_SHARE, market.employers, hosts,
                          market.today)
        # A second copy only where the employer already runs a careers site.
        site = market.employers[p.employer].channel != "jsonld" and p.employer in market.sites
        p = replace(p, in_feed=not p.expired and prng.random() < FEED_SHARE,
                    on_site=site and prng.random() < OVERLAP_SHARE / 0.4)
        postings.append(p)
        added.append(p.key)
    new = replace(market, postings=tuple(postings), next_serial=market.next_serial + k,
                  lineage=lineage)
    changes = Changes(added=tuple(added), edited=tuple(sorted(kinds)),
                      removed=tuple(p.key for p in market.postings if p.serial in removed),
                      edit_kinds=kinds)
    return new, changes
