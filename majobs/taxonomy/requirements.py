"""Which certifications a posting requires, and which it only prefers.

Works on plain text with one block per line (the pipeline's html->text output:
headings and list items on their own lines). For each certification the tagger finds:

1. a cue right after it in its clause ("CMA or RMA required", "BLS (preferred)",
   "CMA exam fees reimbursed" does not count: "exam fees" is more than filler);
2. else the nearest cue before it in the clause ("Must obtain BLS within 30 days",
   "Preferred: CCMA", "We pay for your CMA exam");
3. else the section it sits in ("Requirements:" list items are required,
   "Preferred Qualifications" ones preferred), unless the clause talks about paying,
   training or not requiring;
4. else it is only mentioned.

Across the posting, required beats preferred beats mentioned.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from majobs.taxonomy import get_tagger
from majobs.taxonomy.requirement_cues import (
    CUES,
    FILLER,
    HEADING_WORDS,
    NEITHER,
    PREFERRED,
    REQUIRED,
    Kind,
    compile_cues,
    heading_kind,
)
from majobs.taxonomy.tagger import TagMatch

_CUE_REGEX = compile_cues()
_LINE = re.compile(r"[^\n]+")
# A list item's marker ("- ", "• ", "1. "); "**Requirements**" and "## Skills" are not items.
_ITEM = re.compile(r"\s*(?:[-*+>]\s+|[•·▪●○◦]\s*|\d{1,2}[.)]\s+)")
_DECORATION = re.compile(r"[\s#*_=]*")
_LABEL = re.compile(r"([^:\n]{2,60}?)\s*:\s*")
_CLAUSE_END = re.compile(r"[.!?;](?=\s|$)|[•·▪●|]")
_WORD = re.compile(r"[a-z0-9]+")
_COLON = re.compile(r"\s*:")
_PARENTHESES = re.compile(r"\([^()]*\)")
_MAX_HEADING_CHARS = 80


@dataclass(frozen=True)
class CertRequirements:
    required: list[str] = field(default_factory=list)   # cert ids, sorted
    preferred: list[str] = field(default_factory=list)  # not also required
    mentioned: list[str] = field(default_factory=list)  # named, neither required nor preferred


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    kind: Kind
    far: bool
    label: bool  # "Preferred:" speaks of what follows only


def _only_filler(text: str, start: int, end: int, hits: list[TagMatch]) -> bool:
    """True when text[start:end], other certifications cut out, is connecting words only."""
    pieces, pos = [], start
    for hit in hits:
        if hit.end <= start or hit.start >= end:
            continue
        pieces.append(text[pos:hit.start])
        pos = hit.end
    pieces.append(text[pos:end])
    gap = _PARENTHESES.sub(" ", " ".join(pieces))  # "MA-C (Washington) is mandatory"
    return all(word in FILLER for word in _WORD.findall(gap.lower()))


def _cues(text: str, start: int, end: int) -> list[_Cue]:
    out = []
    for m in _CUE_REGEX.finditer(text, start, end):
        cue = CUES[(m.lastindex or 1) - 1]
        label = _COLON.match(text, m.end(), end) is not None
        out.append(_Cue(m.start(), m.end(), cue.kind, cue.far, label))
    return out


def _decide(text: str, hit: TagMatch, hits: list[TagMatch], cues: list[_Cue],
            section: Kind | None) -> Kind:
    after = next((c for c in cues if c.start >= hit.end), None)
    if after is not None and not after.label and _only_filler(text, hit.end, after.start, hits):
        return after.kind
    before = [c for c in cues if c.end <= hit.start]
    # The nearest strong cue decides ("Preferred: current BLS" is preferred); a weak
    # one ("current", "valid") only when it is the sole cue and stands next to the cert.
    strong = next((c for c in reversed(before) if c.far), None)
    if strong is not None:
        return strong.kind
    if before and _only_filler(text, before[-1].end, hit.start, hits):
        return before[-1].kind
    if section is None or any(c.kind == NEITHER for c in cues):
        return NEITHER
    return section


def _heading(text: str, start: int, end: int, has_hits: bool) -> tuple[int, Kind | None, bool]:
    """(where the line's content starts, what a heading/label announces, sets section?)."""
    item = _ITEM.match(text, start, end)
    is_item = item is not None
    body = item.end() if item else _DECORATION.match(text, start, end).end()  # type: ignore[union-attr]
    label = _LABEL.match(text, body, end)
    if label:
        kind = heading_kind(label.group(1))
        if kind is not None:
            # A label on a list item speaks for that item only.
            return label.end(), kind, not is_item
    line = text[body:end].strip().rstrip(":*_ #")
    if is_item or has_hits or not line or len(line) > _MAX_HEADING_CHARS:
        return body, None, False
    words = _WORD.findall(line.lower())
    if words and all(w in HEADING_WORDS for w in words):
        return end, heading_kind(line), True
    return body, None, False


def _clauses(text: str, start: int, end: int, hits: list[TagMatch],
             starts: list[int]) -> list[tuple[int, int]]:
    """Split a line at sentence ends that are not inside a hit ("C.M.A.")."""
    bounds = [start]
    for m in _CLAUSE_END.finditer(text, start, end):
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or hits[i].end <= m.start():
            bounds.append(m.start() + 1)
    bounds.append(end)
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def cert_requirements(text: str) -> CertRequirements:
    """Required and preferred certification ids of a posting's plain text."""
    if not isinstance(text, str) or not text.strip():
        return CertRequirements()
    hits = [h for h in get_tagger().find(text) if h.group == "certifications"]
    if not hits:
        return CertRequirements()
    starts = [h.start for h in hits]  # in text order: find() returns them sorted
    verdicts: dict[str, set[Kind]] = {}
    section: Kind | None = None
    for line in _LINE.finditer(text):
        start, end = line.span()
        line_hits = hits[bisect_left(starts, start):bisect_left(starts, end)]
        body, kind, sets_section = _heading(text, start, end, bool(line_hits))
        if sets_section:
            section = kind
        line_section = kind if kind is not None else section
        for a, b in _clauses(text, body, end, hits, starts):
            clause_hits = hits[bisect_left(starts, a):bisect_left(starts, b)]
            if not clause_hits:
                continue
            cues = _cues(text, a, b)
            for hit in clause_hits:
                verdict = _decide(text, hit, clause_hits, cues, line_section)
                verdicts.setdefault(hit.id, set()).add(verdict)
    required = sorted(c for c, v in verdicts.items() if REQUIRED in v)
    preferred = sorted(c for c, v in verdicts.items() if PREFERRED in v and REQUIRED not in v)
    mentioned = sorted(c for c, v in verdicts.items() if v == {NEITHER})
    return CertRequirements(required, preferred, mentioned)
