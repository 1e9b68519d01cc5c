"""Read a job title into role mentions: the MA role, look-alike roles, ambiguous roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from majobs.classify.lexicon import (
    AMBIGUOUS_FAMILIES,
    MA_ABBREV,
    MA_CREDENTIAL,
    MA_PHRASE,
    OVERRIDE_FAMILIES,
    REJECT_FAMILIES,
    TITLE_NOISE,
)
from majobs.classify.triggers import pattern_keys, word_keys

# (kind, family, pattern), in the order a tie is resolved.
_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    ("ma_phrase", "medical_assistant", MA_PHRASE),
    ("credential", "", MA_CREDENTIAL),
    ("abbrev", "ma_abbrev", MA_ABBREV),
    *(("override", name, re.compile(rx, re.I)) for name, rx in OVERRIDE_FAMILIES.items()),
    *(("reject", name, re.compile(rx, re.I)) for name, rx in REJECT_FAMILIES.items()),
    *(("ambiguous", name, re.compile(rx, re.I))
      for name, (rx, _, _) in AMBIGUOUS_FAMILIES.items()),
]
# Word starts a title needs before a pattern is worth running (None: always run).
_KEYS = [pattern_keys(pattern.pattern) for _, _, pattern in _PATTERNS]

# What may stand between two roles for the title to offer both ("CNA / Medical
# Assistant", "LPN or MA", "Front Desk & Certified MA").
_JOINER = re.compile(
    r"[\s/\\&+,|]*(?:\b(?:or|and)\b)?[\s/\\&+,|]*(?:\b(?:certified|registered|clinical)\s+)*",
    re.I)


@dataclass(frozen=True, slots=True)
class Span:
    kind: str      # ma_phrase | credential | abbrev | override | reject | ambiguous
    family: str    # "medical_assistant", "cma", "nursing_assistant", ...
    start: int
    end: int

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end and self != other


@dataclass(frozen=True, slots=True)
class TitleReading:
    text: str                 # the title with "Boston, MA"-style noise blanked
    spans: tuple[Span, ...]   # role mentions in title order

    def of(self, *kinds: str) -> list[Span]:
        return [s for s in self.spans if s.kind in kinds]

    def joined(self, first: Span, second: Span) -> bool:
        """True when only a joiner ("/", "or", "&") separates two role mentions."""
        gap = self.text[first.end:second.start]
        return first.end <= second.start and _JOINER.fullmatch(gap) is not None


def read_title(title: str) -> TitleReading:
    # Blank (not delete) noise so the spans still index the same string.
    text = TITLE_NOISE.sub(lambda m: " " * len(m.group()), title)
    title_keys = word_keys(text.lower())
    found = [
        Span(kind, family or m.group().lower(), m.start(), m.end())
        for (kind, family, pattern), keys in zip(_PATTERNS, _KEYS, strict=True)
        if keys is None or not keys.isdisjoint(title_keys)
        for m in pattern.finditer(text)
    ]
    phrases = [s for s in found if s.kind == "ma_phrase"]
    kept = [
        s for s in found
        # longest mention wins ("Home Health Aide" over "Health Aide", "Medical Office
        # Assistant" over "Office Assistant"), but the MA phrase itself always stays
        if s.kind == "ma_phrase"
        or (not any(o.contains(s) and o.end - o.start > s.end - s.start for o in found)
            and not (s.kind == "ambiguous" and any(_overlap(s, p) for p in phrases)))
    ]
    return TitleReading(text, tuple(sorted(kept, key=lambda s: (s.start, -s.end))))


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end
