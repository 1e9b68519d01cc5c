"""The demo market's records: employers, their clinics, postings, and the ground truth.

Everything is frozen and free of the server's address: URLs are made at render time from a
base URL, so one market can be served on any port and still render byte-identically.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from majobs.demoboard.payforms import PayOffer, PayTruth
from majobs.demoboard.places import City, Metro

CLASSIC_CHANNELS = ("greenhouse", "lever", "jsonld")
ATS_CHANNELS = ("workday", "smartrecruiters", "ashby")     # job APIs of the later kinds
FEDERAL_CHANNEL = "usajobs"                                # VA clinics: USAJOBS only
CHANNELS = (*CLASSIC_CHANNELS, *ATS_CHANNELS, FEDERAL_CHANNEL)
LD_SHAPES = ("plain", "graph", "array", "jazz")


@dataclass(frozen=True)
class Clinic:
    label: str                 # "North Austin"
    street: str                # "2400 Medical Pkwy, Suite 110"
    city: City

    @property
    def place(self) -> str:    # "Austin, TX 78758"
        return f"{self.city.name}, {self.city.state} {self.city.postal_code}"


@dataclass(frozen=True)
class Employer:
    index: int
    slug: str                  # JSON-LD career site: /{slug}/careers/
    board: str                 # Greenhouse board token / Lever site: no hyphens
    name: str
    kind: str                  # employers.EMPLOYER_KINDS key
    channel: str               # one of CHANNELS: its ONE primary channel
    metro: Metro
    clinics: tuple[Clinic, ...]
    ehr: str
    years: int                 # "caring for families for over N years"
    headings: int              # which section headings its postings use
    name_space: bool           # Greenhouse company_name with a trailing space (real quirk)
    source_style: int          # JSON-LD source: 0 start_urls, 1 sitemap_urls, 2 both


@dataclass(frozen=True)
class Prose:
    about: str
    summary: str
    duties: tuple[str, ...]
    requirements: tuple[str, ...]   # certification lines included
    skills: tuple[str, ...]
    benefits: tuple[str, ...]
    schedule: str
    contact: str
    eeo: str
    required_certs: tuple[str, ...]
    extra: str = ""                 # a sentence added by an evolve() text edit


@dataclass(frozen=True)
class Style:
    """How one posting's quirks come out on each channel."""

    title_space: bool          # trailing space in the Greenhouse title
    type_form: int             # which spelling of the employment type
    gh_metadata: bool          # Greenhouse metadata as a list (else null)
    lever_lists: bool          # Lever lists[] (else duties inside descriptionBody)
    ld_shape: str              # plain | graph | array | jazz
    ld_datetime: bool          # datePosted with a time (no zone) instead of a date
    ld_url: bool               # JobPosting carries its canonical url
    ld_region_name: bool       # addressRegion "Texas" instead of "TX"
    ld_br: bool                # description with <br> lines (JazzHR-like)
    ld_identifier_text: bool   # identifier as a bare string, not a PropertyValue
    # The later kinds (Ashby, SmartRecruiters, Workday, CareerOneStop):
    zip_given: bool = True     # SmartRecruiters location carries the postal code
    place_form: int = 0        # how CareerOneStop spells the place
    upper_title: bool = False  # CareerOneStop shows the title in capitals


@dataclass(frozen=True)
class Posting:
    serial: int
    key: str
    employer: int              # Employer.index
    clinic: int                # index into the employer's clinics
    role: str                  # roles.ROLES key
    is_ma: bool
    specialty: str | None
    title: str
    employment_type: str       # full_time | part_time | contract | temporary | per_diem
    offer: PayOffer | None
    prose: Prose
    posted: datetime           # aware, employer's local time
    valid_through: date | None
    expired: bool
    in_feed: bool              # re-published by the aggregator feed
    on_site: bool              # API employer's posting also on its JSON-LD careers site
    gh_id: int
    lever_id: str
    site_id: str
    feed_id: int
    style: Style
    revision: int = 0
    slug: str = ""             # URL words of the first title (Workday, SmartRecruiters paths)
    in_c1s: bool = False       # re-published on CareerOneStop (National Labor Exchange)


@dataclass(frozen=True)
class TruthPosting:
    """One real-world posting, as a correct crawl + pipeline should report it."""

    key: str
    title: str
    employer: str
    is_ma: bool
    role: str
    urls: tuple[str, ...]              # canonical first
    sources: tuple[str, ...]           # source names, in the same order as urls
    city: str
    state: str
    postal_code: str | None            # None where the source names no postal code
    pay: PayTruth | None
    employment_type: str
    date_posted: date
    valid_through: date | None
    expired: bool
    required_certifications: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["urls"], d["sources"] = list(self.urls), list(self.sources)
        d["required_certifications"] = list(self.required_certifications)
        d["date_posted"] = self.date_posted.isoformat()
        d["valid_through"] = self.valid_through.isoformat() if self.valid_through else None
        d["pay"] = self.pay.as_dict() if self.pay else None
        return d


@dataclass(frozen=True)
class Changes:
    """What evolve() did, by posting key."""

    added: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    edit_kinds: dict[str, str] = field(default_factory=dict)   # key -> title | pay | text
