"""The posting record every spider yields and every pipeline stage enriches.

Spiders fill only the *raw* fields: values as the source wrote them, uncleaned.
The item pipelines (``majobs.pipeline``) then fill the *normalized* fields, in order:
validate -> normalize -> classify -> tag -> dedup -> store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from majobs.normalize.location import Location
    from majobs.normalize.pay import Pay


@dataclass
class JobPostingItem:
    # --- raw: filled by spiders, as the source wrote it -------------------------------
    source: str                          # source name from the sources file
    url: str | None                      # the page a person opens to read the posting
    title: str | None
    external_id: str | None = None       # the source's own id (Greenhouse id, Lever id, guid)
    apply_url: str | None = None
    employer: str | None = None
    description_html: str | None = None  # untrusted HTML; may be entity-escaped (Greenhouse)
    description_text: str | None = None  # plain text, when the source gives one
    # Each entry a string ("Austin, TX 78701", "Remote") or a schema.org
    # Place / PostalAddress dict, or a dict with city/state/postal_code/lat/lon keys.
    locations_raw: list[Any] = field(default_factory=list)
    remote_raw: Any = None               # bool, "remote", "hybrid", "TELECOMMUTE", ...
    employment_type_raw: Any = None      # "FULL_TIME", "Per Diem", ["PART_TIME", ...]
    # schema.org MonetaryAmount dict, a Lever salaryRange dict, an Ashby compensation
    # dict, or pay text ("$18.50 - $22.00 per hour"). None: look for pay in the text.
    pay_raw: Any = None
    date_posted_raw: Any = None          # ISO 8601, epoch ms, RFC 822, "3 days ago"
    valid_through_raw: Any = None
    department: str | None = None
    crawled_at: datetime | None = None   # UTC, set by the spider when the response came

    # --- normalized: filled by the pipeline -------------------------------------------
    canonical_url: str | None = None
    urls: list[str] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    remote: bool = False
    employment_type: str | None = None   # full_time|part_time|contract|temporary|per_diem
    pay: Pay | None = None
    date_posted: date | None = None
    valid_through: datetime | None = None
    safe_html: str = ""                  # sanitized description HTML (nh3)
    text: str = ""                       # plain text of the description
    content_hash: str | None = None
    is_ma: bool | None = None
    ma_confidence: float | None = None
    ma_rule: str | None = None           # which classifier rule fired (for admins)
    # category -> canonical ids: certifications, skills, specializations, settings, ...
    tags: dict[str, list[str]] = field(default_factory=dict)
    required_certifications: list[str] = field(default_factory=list)
    preferred_certifications: list[str] = field(default_factory=list)
    dedup_key: str | None = None         # employer|title|place key for near-duplicates
