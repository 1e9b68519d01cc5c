"""De-duplication keys: canonical URLs, employer|title|place keys, text similarity, hashes.

Pure functions of plain values; the store (``majobs.db.store``) uses them to find the
posting an item belongs to. Nothing here raises on odd input: a value that cannot be
read gives an empty key, and an empty key never matches anything.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from majobs.items import JobPostingItem
    from majobs.normalize.location import Location

# ---------------------------------------------------------------------------------------
# URLs

# Query parameters that say how a visitor arrived, not which posting it is.
TRACKING_PARAMS = frozenset({
    "gh_src", "lever-source", "lever-origin", "ref", "referrer", "source", "src",
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
    "trk", "trackingid", "refid", "sessionid", "jsessionid", "iis", "iisn", "codes",
})
TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def canonical_url(url: str | None) -> str:
    """One spelling per posting URL: tracking parameters, fragments and default ports gone,
    host lower-cased, query sorted (w3lib). Meaningful parameters (``gh_jid``, ``jobId``)
    stay. Not an http(s) URL -> the stripped input; nothing -> ``""``."""
    if not isinstance(url, str) or not url.strip():
        return ""
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            return url
        host = parts.hostname
        netloc = f"[{host}]" if ":" in host else host
        if parts.port is not None and parts.port != DEFAULT_PORTS[scheme]:
            netloc += f":{parts.port}"
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not _is_tracking(k)]
        cleaned = urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
        return canonicalize_url(cleaned, keep_fragments=False)
    except ValueError:  # bad port, bad IPv6 literal, ...
        return url


# ---------------------------------------------------------------------------------------
# employer | title | place

EMPLOYER_NOISE = frozenset({
    "inc", "incorporated", "llc", "pllc", "llp", "lp", "ltd", "limited", "corp",
    "corporation", "co", "company", "pc", "pa", "sc", "the", "health", "healthcare",
    "system", "systems", "group", "services", "dba",
})
# Words a title carries about the job's terms, not the job: "(Full Time)", "PRN".
TITLE_NOISE = frozenset({
    "full", "part", "time", "fulltime", "parttime", "ft", "pt", "prn", "per", "diem",
    "temp", "temporary", "contract", "days", "nights", "evenings", "weekends", "day",
    "night", "shift", "hybrid", "onsite", "on", "site", "remote", "new", "urgent",
    "hiring", "now", "immediate", "opening", "openings", "position", "job", "req",
    "requisition", "id", "bonus", "sign", "hr", "hour", "hourly", "up", "to", "in", "at",
})
TITLE_ABBREVIATIONS = {
    "ma": "medical assistant", "cma": "certified medical assistant",
    "rma": "registered medical assistant", "med": "medical", "asst": "assistant",
    "sr": "senior", "clin": "clinical", "ctr": "center",
}
_STATE_CODES = (
    "al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv "
    "nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr"
)
US_STATES = frozenset(_STATE_CODES.split())
_PAY_RE = re.compile(
    r"(?:up to\s*)?\$\s*\d[\d,.]*\s*k?(?:\s*(?:-|to)\s*\$?\s*\d[\d,.]*\s*k?)?"
    r"(?:\s*(?:/|per|an|a)\s*(?:hr|hour|h|year|yr|annum))?", re.I)
_REQ_RE = re.compile(
    r"(?:\b(?:req(?:uisition)?|job|posting)\s*(?:id|no|number|#)?\s*[:#]?\s*)?"
    r"(?:#\s*|\b[a-z]{0,3}-?)\d{4,}\b", re.I)
_DASHES = re.compile(r"\s+[-\u2010-\u2015|/@]\s+|\s*[\u2013\u2014|]\s*")
_IN_PLACE_RE = re.compile(r"\s+(?:in|at)\s+[a-z .'-]+,\s*[a-z]{2}\b.*$", re.I)
_CITY_STATE_RE = re.compile(r"^[a-z .'-]+,\s*([a-z]{2})(?:\s+\d{5}(?:-\d{4})?)?$", re.I)
_WORD_RE = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    """Lower case, accents and odd unicode folded to ASCII, entities left as words."""
    text = unicodedata.normalize("NFKD", text)
    return text.encode("ascii", "ignore").decode("ascii").lower().replace("&amp;", "&")


def _employer_word_list(employer: str | None) -> list[str]:
    if not isinstance(employer, str):
        return []
    folded = _fold(employer).replace("&", " and ")
    folded = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", folded)  # "P.A." -> "pa", "L.L.C" -> "llc"
    return _WORD_RE.findall(folded.replace(".", ""))


def _employer_words(employer: str | None) -> str:
    return " ".join(_employer_word_list(employer))


def normalize_employer(employer: str | None) -> str:
    """Lower-case words of the name without legal forms and filler ("Inc", "Health")."""
    words = _employer_word_list(employer)
    kept = [w for w in words if w not in EMPLOYER_NOISE]
    return " ".join(kept or words)


def _is_place_segment(segment: str, city: str) -> bool:
    seg = segment.strip(" ()[],")
    if not seg:
        return True
    if seg.lower() in ("remote", "hybrid", "onsite", "on-site") or (city and seg.lower() == city):
        return True
    m = _CITY_STATE_RE.match(seg)
    return bool(m and m.group(1).lower() in US_STATES)


def normalize_title(title: str | None, city: str | None = None) -> str:
    """Words of the job itself: req numbers, pay, schedule words, place suffixes and
    punctuation gone; common abbreviations spelled out ("MA" -> "medical assistant")."""
    if not isinstance(title, str):
        return ""
    text = _fold(title)
    text = _PAY_RE.sub(" ", text)
    text = _REQ_RE.sub(" ", text)
    text = _IN_PLACE_RE.sub(" ", text)
    city_low = _fold(city).strip() if isinstance(city, str) else ""
    # Bracketed asides and " - " suffixes that name a place go; the rest stays as words.
    text = re.sub(r"[(\[]([^)\]]*)[)\]]",
                  lambda m: " " if _is_place_segment(m.group(1), city_low) else f" {m.group(1)} ",
                  text)
    segments = [s for s in _DASHES.split(text) if s.strip()]
    kept = [s for i, s in enumerate(segments) if i == 0 or not _is_place_segment(s, city_low)]
    words: list[str] = []
    for w in _WORD_RE.findall(" ".join(kept).replace("-", " ")):
        if w in TITLE_NOISE or w.isdigit():
            continue
        words.extend(TITLE_ABBREVIATIONS.get(w, w).split())
    return " ".join(words)


def place_key(location: Location | str | None) -> str:
    """``"austin tx"``, a ZIP when there is no city, ``"remote"``, or ``""``."""
    if location is None:
        return ""
    if isinstance(location, str):
        text = _fold(location).strip()
        if "remote" in text:
            return "remote"
        return " ".join(_WORD_RE.findall(re.sub(r"\b\d{5}(?:-\d{4})?\b", " ", text)))
    if getattr(location, "remote", False) and not getattr(location, "city", None):
        return "remote"
    city = getattr(location, "city", None)
    state = getattr(location, "state", None)
    if isinstance(city, str) and city.strip():
        parts = [city, state if isinstance(state, str) else ""]
        return " ".join(_WORD_RE.findall(_fold(" ".join(parts))))
    postal = getattr(location, "postal_code", None)
    if isinstance(postal, str) and postal.strip():
        return postal.strip()[:5]
    return "remote" if getattr(location, "remote", False) else ""


def dedup_key(employer: str | None, title: str | None,
              location: Location | str | None) -> str:
    """``employer|title|place``: the same opening listed by two sources gets one key; the
    same title at two clinics gets two. Without a title the key is ``""`` (never matches)."""
    norm_title = normalize_title(title, getattr(location, "city", None))
    norm_employer = normalize_employer(employer)
    # Re-publishers write "Employer: Title" or "Title - Employer": the name is not the job.
    for name in sorted({norm_employer, _employer_words(employer)}, key=len, reverse=True):
        if name and norm_title.startswith(name + " "):
            norm_title = norm_title[len(name) + 1:]
        elif name and norm_title.endswith(" " + name):
            norm_title = norm_title[:-len(name) - 1]
    if not norm_title:
        return ""
    return f"{norm_employer}|{norm_title}|{place_key(location)}"


# ---------------------------------------------------------------------------------------
# text similarity

# Share of the shorter text's word 3-grams found in the longer one. An aggregator's copy
# (own header, footer, "similar jobs") still holds the whole original: ~1.0. Two openings
# from one employer share its boilerplate (about us, benefits, EEO) but differ in duties,
# schedule and pay: ~0.4-0.75 on the fixtures in tests/test_dedup.py. Threshold between.
SIMILAR_THRESHOLD = 0.85
MAX_TEXT_CHARS = 20_000   # a posting's text past this is repeated boilerplate
MIN_SHINGLES = 5          # below this there is too little text to tell: never similar


@lru_cache(maxsize=4096)  # the store compares one candidate's text with many items
def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _WORD_RE.findall(_fold(text[:MAX_TEXT_CHARS]))
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def containment(a: str | None, b: str | None) -> float:
    """Share of the smaller text's word 3-grams that the other text also holds (0..1)."""
    sa = _shingles(a) if isinstance(a, str) else frozenset()
    sb = _shingles(b) if isinstance(b, str) else frozenset()
    if len(sa) < MIN_SHINGLES or len(sb) < MIN_SHINGLES:
        return 0.0
    small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    return len(small & large) / len(small)


def similar(a: str | None, b: str | None) -> bool:
    """True when two description texts are one posting (see ``SIMILAR_THRESHOLD``)."""
    return containment(a, b) >= SIMILAR_THRESHOLD


# ---------------------------------------------------------------------------------------
# content hash

def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def content_hash(item: JobPostingItem) -> str:
    """sha256 over the normalized fields a reader sees; equal hash = nothing to rewrite."""
    locations = []
    for loc in item.locations or []:
        d = _plain(loc)
        if isinstance(d, dict):
            d.pop("raw", None)  # spelling of the source text, not the place
        locations.append(d)
    fields = {
        "title": item.title, "employer": item.employer, "locations": locations,
        "remote": item.remote, "employment_type": item.employment_type,
        "pay": _plain(item.pay), "date_posted": _plain(item.date_posted),
        "valid_through": _plain(item.valid_through), "text": item.text,
    }
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
