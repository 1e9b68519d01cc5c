"""Generate a deterministic demo MA job market: employers, clinics and postings.

Every random choice comes from a ``random.Random`` seeded with a string made of the market
seed and the record's serial, so a posting does not change when others are added or removed,
and equal seeds give byte-identical markets on any machine (no ``hash()``, no set order).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from majobs.demoboard import federal, search, urls
from majobs.demoboard.employers import EMPLOYER_KINDS, employer_kind_for, employer_name, slugify
from majobs.demoboard.market import Market
from majobs.demoboard.model import (
    ATS_CHANNELS,
    CLASSIC_CHANNELS,
    FEDERAL_CHANNEL,
    LD_SHAPES,
    Clinic,
    Employer,
    Posting,
    Style,
)
from majobs.demoboard.payforms import make_offer
from majobs.demoboard.places import DIRECTIONS, METROS, STREETS
from majobs.demoboard.prose import build_prose
from majobs.demoboard.roles import LOOKALIKE_ROLES, MA_ROLES, ROLES, STAFFING_TYPES, titles_for

DEFAULT_TODAY = date(2026, 11, 20)
MA_SHARE = 0.65
FEED_SHARE = 0.30             # of all postings, re-published by the aggregator
OVERLAP_SHARE = 0.10          # of all postings, on the employer's API AND its JSON-LD site
C1S_SHARE = 0.20              # of all postings, also on CareerOneStop (if its searches match)
EXPIRED_SHARE_JSONLD = 0.12   # of JSON-LD-primary postings (~4% of all)
POSTINGS_PER_EMPLOYER = 25
MIN_EMPLOYERS = 6
METRO_WEIGHTS = (30, 10, 10, 15, 12, 12, 11)
RESERVED = {"v0", "v1", "v2", "feeds", "metrojobs", "robots.txt", "api", "job", "wday",
            "posting-api", urls.NLX}
# Pay as structured data: only these channels can carry it (USAJOBS always does: federal.py).
STRUCTURED_PAY = ("lever", "jsonld", "ashby")


def _make_employer(rng: random.Random, index: int, channel: str,
                   taken: set[str]) -> Employer:
    kind = EMPLOYER_KINDS[employer_kind_for(index)]
    metro = rng.choices(METROS, weights=METRO_WEIGHTS)[0]
    name = employer_name(rng, kind, metro.cities[0].name, taken)
    slug = slugify(name)
    while slug in taken or slug.replace("-", "") in taken | RESERVED:
        slug += "-2"
    taken.update((name, slug, slug.replace("-", "")))
    n_clinics = max(2 if index == 0 else 1, rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0])
    # Distinct ZIPs first; a second clinic in the same ZIP only when the metro runs out.
    cities = rng.sample(metro.cities, min(n_clinics, len(metro.cities)))
    cities += [rng.choice(metro.cities) for _ in range(n_clinics - len(cities))]
    clinics: list[Clinic] = []
    for city in cities:
        label = city.name
        if any(c.city.name == city.name for c in clinics):
            label = f"{rng.choice(DIRECTIONS)} {city.name}"
        suite = f", Suite {rng.randint(1, 4)}{rng.randint(0, 2)}0" if rng.random() < 0.5 else ""
        street = f"{rng.randint(100, 9800)} {rng.choice(STREETS)}{suite}"
        clinics.append(Clinic(label, street, city))
    return Employer(
        index=index, slug=slug, board=slug.replace("-", ""), name=name, kind=kind.id,
        channel=channel, metro=metro, clinics=tuple(clinics), ehr=rng.choice(kind.ehrs),
        years=rng.randint(5, 60), headings=rng.randrange(3), name_space=rng.random() < 0.2,
        source_style=index % 3)


def channel_for(index: int, offset: int) -> str:
    """The first six employers take each API kind once: the three classic ones on even
    indices (rotated by seed; index 0, the same-title pair's employer, always classic), and
    on odd ones the hospital Workday, the staffing agency SmartRecruiters, the dermatology
    group Ashby (employers.KIND_ORDER). After that one employer in four runs a later ATS."""
    if index < 6:
        if index % 2 == 0:
            return CLASSIC_CHANNELS[(index // 2 + offset) % len(CLASSIC_CHANNELS)]
        return ATS_CHANNELS[index // 2]
    if (index - 6) % 4 == 3:
        return ATS_CHANNELS[((index - 6) // 4 + offset) % len(ATS_CHANNELS)]
    return CLASSIC_CHANNELS[(index + offset) % len(CLASSIC_CHANNELS)]


def make_employers(seed: int, count: int) -> tuple[Employer, ...]:
    offset = random.Random(f"{seed}:channels").randrange(len(CLASSIC_CHANNELS))
    taken: set[str] = set()
    made = [_make_employer(random.Random(f"{seed}:employer:{i}"), i, channel_for(i, offset),
                           taken) for i in range(count)]
    # Few employers run Greenhouse now: keep its "company name ends in a space" quirk in
    # every market all the same.
    gh = [e for e in made if e.channel == "greenhouse"]
    if gh and not any(e.name_space for e in gh):
        made[gh[0].index] = replace(gh[0], name_space=True)
    return tuple(made)


def hosts_by_role(employers: tuple[Employer, ...]) -> dict[str, list[int]]:
    """Employers that post each role (VA employers post only their federal roles)."""
    return {role.id: [e.index for e in employers
                      if e.kind in role.hosts and e.channel != FEDERAL_CHANNEL]
            for role in ROLES.values()}


def _style(rng: random.Random) -> Style:
    shape = rng.choice(LD_SHAPES)
    return Style(
        title_space=rng.random() < 0.15, type_form=rng.randrange(12),
        gh_metadata=rng.random() < 0.6, lever_lists=rng.random() < 0.8, ld_shape=shape,
        ld_datetime=rng.random() < 0.3, ld_url=rng.random() < 0.7,
        ld_region_name=rng.random() < 0.3, ld_br=shape == "jazz" or rng.random() < 0.15,
        ld_identifier_text=rng.random() < 0.3,
        # drawn last, so the quirks above stay as they were before these existed
        zip_given=rng.random() < 0.6, place_form=rng.randrange(4),
        upper_title=rng.random() < 0.2)


def build_posting(rng: random.Random, serial: int, is_ma: bool,
                  employers: tuple[Employer, ...], hosts: dict[str, list[int]], today: date,
                  like: Posting | None = None, employer: int | None = None) -> Posting:
    """One posting. ``like``: same employer, role and title at another clinic."""
    if like is not None:
        role, emp = ROLES[like.role], employers[like.employer]
        specialty, title, etype = like.specialty, like.title, like.employment_type
        here = emp.clinics[like.clinic].city.postal_code
        clinic = next(i for i, c in enumerate(emp.clinics) if c.city.postal_code != here)
    else:
        pool = [r for r in (MA_ROLES if is_ma else LOOKALIKE_ROLES) if hosts.get(r.id)]
        if employer is not None:
            pool = [r for r in pool if employer in hosts[r.id]]
        role = rng.choices(pool, weights=[r.weight for r in pool])[0]
        emp = employers[employer if employer is not None else rng.choice(hosts[role.id])]
        specialties = EMPLOYER_KINDS[emp.kind].specialties
        specialty = rng.choice(specialties) if specialties else None
        title = rng.choice(titles_for(role, specialty))
        types = STAFFING_TYPES if emp.kind == "staffing" and len(role.types) > 1 else role.types
        etype = rng.choices([t for t, _ in types], weights=[w for _, w in types])[0]
        if etype == "part_time" and rng.random() < 0.25:
            title += " (Part-Time)"
        elif etype == "contract" and rng.random() < 0.3:
            title += " - Contract"
        clinic = rng.randrange(len(emp.clinics))
    expired = emp.channel == "jsonld" and rng.random() < EXPIRED_SHARE_JSONLD
    days = rng.randint(50, 90) if expired else rng.randint(0, 45)
    posted = datetime.combine(today - timedelta(days=days),
                              time(rng.randint(7, 15), rng.randint(0, 59), rng.randint(0, 59)),
                              tzinfo=ZoneInfo(emp.metro.tz))
    valid_through = None
    if expired:
        valid_through = today - timedelta(days=rng.randint(1, 20))
    elif emp.channel in ("jsonld", "workday") and rng.random() < 0.5:
        # Far enough ahead that the board stays "active" when crawled months after `today`.
        valid_through = posted.date() + timedelta(days=rng.choice((180, 270, 365)))
    structured_ok = emp.channel in STRUCTURED_PAY
    offer = make_offer(rng, role.hourly, role.yearly, structured_ok)
    prose = build_prose(rng, role, specialty, emp, emp.clinics[clinic], title, etype)
    if like is not None:                # the same opening at a second clinic: same text
        old, new = emp.clinics[like.clinic].label, emp.clinics[clinic].label
        offer, posted = like.offer, like.posted + timedelta(minutes=3)
        expired, valid_through = like.expired, like.valid_through
        prose = replace(like.prose, summary=like.prose.summary.replace(old, new))
    return Posting(
        serial=serial, key=f"p{serial:05d}", employer=emp.index, clinic=clinic, role=role.id,
        is_ma=role.is_ma, specialty=specialty, title=title, employment_type=etype,
        offer=offer, prose=prose,
        posted=posted, valid_through=valid_through, expired=expired, in_feed=False,
        on_site=False, gh_id=4_100_000_002 + serial * 7_919,
        lever_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        site_id=str(20_000 + serial), feed_id=700_000 + serial, style=_style(rng),
        slug=urls.words_slug(title))


def build_federal_posting(rng: random.Random, serial: int, is_ma: bool, emp: Employer,
                          today: date) -> Posting:
    """A VA posting on USAJOBS: an open-continuous announcement with a GS salary range."""
    role = ROLES[federal.federal_role(rng, is_ma)]
    title = rng.choice(federal.FEDERAL_ROLES[role.id][0])
    etype = rng.choices(list(federal.SCHEDULES), weights=(80, 10, 10))[0]
    clinic = rng.randrange(len(emp.clinics))
    posted = datetime.combine(today - timedelta(days=rng.randint(0, 45)),
                              time(rng.randint(7, 15), rng.randint(0, 59), rng.randint(0, 59)),
                              tzinfo=ZoneInfo(emp.metro.tz))
    prose = build_prose(rng, role, None, emp, emp.clinics[clinic], title, etype)
    prose = replace(prose, about=federal.ABOUT.format(metro=emp.metro.name))
    return Posting(
        serial=serial, key=f"p{serial:05d}", employer=emp.index, clinic=clinic, role=role.id,
        is_ma=role.is_ma, specialty=None, title=title, employment_type=etype,
        offer=federal.federal_offer(rng, role.hourly), prose=prose, posted=posted,
        valid_through=posted.date() + timedelta(days=rng.choice((180, 270, 365))),
        expired=False, in_feed=False, on_site=False, gh_id=4_100_000_002 + serial * 7_919,
        lever_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        site_id=str(20_000 + serial), feed_id=700_000 + serial, style=_style(rng),
        slug=urls.words_slug(title))


def _ma_flags(rng: random.Random, n: int) -> list[bool]:
    n_ma = round(MA_SHARE * n)
    flags = [True] * n_ma + [False] * (n - n_ma)
    rng.shuffle(flags)
    for i in range(min(2, n)):        # the same-title pair (serials 0 and 1) is MA
        if not flags[i] and True in flags[2:]:
            j = flags.index(True, 2)
            flags[i], flags[j] = True, False
    return flags


def _unambiguous(built: list[Posting], employers: tuple[Employer, ...],
                 serials: list[int]) -> list[int]:
    """Postings no other one resembles by employer, city and title words. A CareerOneStop
    copy is a title, a place and a snippet: of two same-title openings in one city nobody
    could tell which one it copies, so the board re-publishes only unambiguous ones."""
    def key(p: Posting) -> tuple[int, str, frozenset[str]]:
        city = employers[p.employer].clinics[p.clinic].city.name
        return p.employer, city, search.title_words(p.title)

    counts = Counter(key(p) for p in built)
    return [s for s in serials if counts[key(built[s])] == 1]


def generate_market(postings: int = 200, seed: int = 7, today: date = DEFAULT_TODAY) -> Market:
    """A market of ``postings`` postings (~65% MA) at ~1 employer per 25 postings (min 6).

    ``today`` is the board's "now": postings are dated up to 45 days before it and the
    expired ones stopped before it. The fixed default keeps output byte-identical across
    days; pass ``date.today()`` for a board that looks current.
    """
    if postings < 1:
        raise ValueError("postings must be at least 1")
    employers = make_employers(seed, max(MIN_EMPLOYERS, round(postings / POSTINGS_PER_EMPLOYER)))
    hosts = hosts_by_role(employers)
    employers += federal.make_va_employers(seed, employers, federal.va_count(postings))
    va = [e for e in employers if e.channel == FEDERAL_CHANNEL]
    flags = _ma_flags(random.Random(f"{seed}:ma-flags"), postings)
    fed_rng = random.Random(f"{seed}:federal")
    federal_serials = set(fed_rng.sample(range(2, postings), federal.federal_count(postings)))
    built: list[Posting] = []
    for serial in range(postings):
        rng = random.Random(f"{seed}:posting:{serial}")
        if serial in federal_serials:
            built.append(build_federal_posting(rng, serial, flags[serial],
                                               va[serial % len(va)], today))
            continue
        like = built[0] if serial == 1 and flags[1] and built[0].is_ma else None
        built.append(build_posting(rng, serial, flags[serial], employers, hosts, today,
                                   like=like, employer=0 if serial == 0 else None))
    channel = {e.index: e.channel for e in employers}
    # Re-publishers copy employers' own postings; VA announcements stay on USAJOBS.
    live = [p.serial for p in built
            if not p.expired and channel[p.employer] != FEDERAL_CHANNEL]
    rng = random.Random(f"{seed}:spread")
    in_feed = set(rng.sample(live, min(len(live), round(FEED_SHARE * postings))))
    api = [s for s in live if channel[built[s].employer] != "jsonld"]
    on_site = set(rng.sample(api, min(len(api), round(OVERLAP_SHARE * postings))))
    plain = _unambiguous(built, employers, live)
    in_c1s = set(rng.sample(plain, min(len(plain), round(C1S_SHARE * postings))))
    final = tuple(replace(p, in_feed=p.serial in in_feed, on_site=p.serial in on_site,
                          in_c1s=p.serial in in_c1s)
                  for p in built)
    sites = {e.index for e in employers if e.channel == "jsonld"}
    sites.update(built[s].employer for s in on_site)
    return Market(employers=employers, postings=final, seed=seed, today=today,
                  next_serial=postings, lineage=str(seed), sites=frozenset(sites),
                  feeds=-(-postings // urls.FEED_CHUNK))
