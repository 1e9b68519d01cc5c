"""Employment type: source enums and free text -> one of five canonical values.

full_time | part_time | contract | temporary | per_diem. Interns and seasonal jobs are
temporary; PRN, per diem, USAJOBS "Intermittent", casual and on-call work are per_diem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "temporary", "per_diem")

# Whole source values, folded to lower-case letters and digits only.
_EXACT = {
    "fulltime": "full_time", "full": "full_time", "ft": "full_time", "permanent": "full_time",
    "regular": "full_time", "fulltimeregular": "full_time", "regularfulltime": "full_time",
    "parttime": "part_time", "part": "part_time", "pt": "part_time", "jobshare": "part_time",
    "parttimeregular": "part_time", "regularparttime": "part_time",
    "contract": "contract", "contractor": "contract", "contracttohire": "contract",
    "freelance": "contract", "consultant": "contract", "c2h": "contract",
    "temp": "temporary", "temporary": "temporary", "intern": "temporary",
    "internship": "temporary", "seasonal": "temporary", "fixedterm": "temporary",
    "temptohire": "temporary", "temptoperm": "temporary", "term": "temporary",
    "perdiem": "per_diem", "prn": "per_diem", "intermittent": "per_diem",
    "casual": "per_diem", "asneeded": "per_diem", "oncall": "per_diem", "relief": "per_diem",
}
# Phrases inside longer values and in titles; per diem and temporary words first because
# they say more than the hours ("Temporary Full-Time" is temporary).
_PHRASES: tuple[tuple[str, str], ...] = (
    ("per_diem", r"\bper[\s_-]*diem\b|\bintermittent\b|\bon[\s-]call\b"
                 r"|\bprn\b(?!\s+(?:med(?:s|ication)|dos(?:e|ing)|order|pain))"  # not PRN meds
                 r"|\bas[\s-]needed\s+(?:basis|position|role)"),
    ("temporary", r"\btemp(?:orary)?\b(?!\s+disability)|\bintern(?:ship)?\b|\bseasonal\b"
                  r"(?=\s*(?:\)|position|role|job|employment|work|staff|$))|\bfixed[\s-]term\b"),
    ("contract", r"\bcontract(?:or)?\b(?=\s*(?:\)|position|role|job|assignment|basis|"
                 r"opportunity|[\s-]to[\s-]hire|\]|$|,|/|-))|\b1099\b"),
    ("part_time", r"\bpart[\s_-]*time\b|\bparttime\b"),
    ("full_time", r"\bfull[\s_-]*time\b|\bfulltime\b"),
)
_PHRASE_RES = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _PHRASES)
_DICT_KEYS = ("label", "name", "descriptor", "value", "text", "id", "type")
_MAX_DEPTH = 4
_MAX_TEXT = 200_000


def parse_employment_type(raw: object) -> str | None:
    """A source's employment type value -> a canonical type, or None.

    Accepts strings ("FULL_TIME", "Full-Time", "FullTime", "Per Diem", "Part time (24
    hrs/wk)", "Intermittent"), dicts with label/id keys (SmartRecruiters), and lists:
    the first meaningful entry wins, since sources list the main type first.
    """
    return _parse(raw, 0)


def _parse(raw: object, depth: int) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(raw, str):
        return _from_value(raw)
    if isinstance(raw, Mapping):
        for key in _DICT_KEYS:
            found = _parse(raw.get(key), depth + 1)
            if found:
                return found
        return None
    if isinstance(raw, list | tuple):
        for item in raw[:50]:
            found = _parse(item, depth + 1)
            if found:
                return found
    return None


def _from_value(value: str) -> str | None:
    value = value[:500]
    folded = re.sub(r"[^a-z0-9]", "", value.lower())
    if folded in _EXACT:
        return _EXACT[folded]
    # "Part time (24 hrs/wk)", "Regular Full-Time Employee", "Temporary - Seasonal".
    return _first_phrase_by_priority(value) or _EXACT.get(folded.removesuffix("employee"))


def _first_phrase_by_priority(text: str) -> str | None:
    for kind, pattern in _PHRASE_RES:
        if pattern.search(text):
            return kind
    return None


def employment_type_from_text(text: object) -> str | None:
    """The employment type a title or description states ("PRN Medical Assistant",
    "Medical Assistant (Part-Time)"), or None. The earliest mention wins, since a
    description states its own type before it talks about other staff or benefits.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    text = text[:_MAX_TEXT]
    earliest: tuple[int, str] | None = None
    for kind, pattern in _PHRASE_RES:
        match = pattern.search(text)
        if match and (earliest is None or match.start() < earliest[0]):
            earliest = (match.start(), kind)
    return earliest[1] if earliest else None


def resolve_employment_type(raw: object, title: object = None, text: object = None,
                            ) -> str | None:
    """A posting's employment type from the source's field, refined by its own words.

    The source's field wins, except that ATS enums have no per-diem value (Workday's
    "Part time", Ashby's "PartTime"): a PRN job there says "PRN" or "per diem" only in its
    title or text, and that finer word is kept. With no field, the title decides, then the
    start of the text.
    """
    stated = parse_employment_type(raw)
    head = text[:2000] if isinstance(text, str) else None
    written = employment_type_from_text(title) or employment_type_from_text(head)
    if stated is None:
        return written
    if stated == "part_time" and written == "per_diem":
        return "per_diem"
    return stated
