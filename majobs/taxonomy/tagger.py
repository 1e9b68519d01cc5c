"""Find taxonomy terms in text with one compiled regex, then apply the context rules."""

from __future__ import annotations

import re
from typing import NamedTuple

from majobs.taxonomy.context import ContextRule
from majobs.taxonomy.model import GROUPS, Taxonomy
from majobs.taxonomy.patterns import (
    atoms,
    case_mask,
    case_ok,
    compile_matcher,
    key_of,
    prepare_text,
    variants,
)

# Word tokens for the TF-IDF index, like scikit-learn's default token_pattern.
_WORD = re.compile(r"\w\w+")
TOKEN_PREFIX = "tx_"
# Match texts already judged, exactly as written ("Vital signs" -> vital_signs, "Cma" ->
# rejected), for terms without context rules; bounded so odd input cannot grow it.
_KNOWN_CACHE_SIZE = 50_000


class TagMatch(NamedTuple):
    id: str
    group: str
    start: int           # offsets into the text given to find()
    end: int
    surface: str         # the text as written there
    note: str | None = None  # set by a context rule ("California context ...")


class Tagger:
    """Finds every taxonomy term in a text: longest synonym first, whole words only."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._owner: dict[str, str] = {}              # lookup key -> term id
        self._masks: dict[str, set[str] | None] = {}  # key -> case masks; None = any case
        sequences: set[tuple[str, ...]] = set()
        # Listed synonyms claim their keys before generated variants do.
        for generated in (False, True):
            for term in taxonomy.terms.values():
                dotted = term.group == "certifications"
                for synonym in term.synonyms:
                    forms = list(variants(synonym, dotted))
                    for form in forms[1:] if generated else forms[:1]:
                        if self._claim(form, term.id):
                            sequences.add(atoms(form))
        self._regex = compile_matcher(sequences)
        self._rules: dict[str, tuple[ContextRule, ...]] = {}
        for rule in taxonomy.rules:
            self._rules[rule.term] = (*self._rules.get(rule.term, ()), rule)
        self._group = {tid: t.group for tid, t in taxonomy.terms.items()}
        self._token = {tid: TOKEN_PREFIX + tid.lower() for tid in taxonomy.terms}
        self._known: dict[str, str] = {}  # surface -> term id, "" = not a term
        # Terms with a case-sensitive name: only their hits need the case check.
        self._cased = {self._owner[k] for k, masks in self._masks.items() if masks is not None}
        # tag(): (group, id) pairs a hit contributes, implied ids included.
        self._tag_pairs = {tid: tuple((self._group[i], i) for i in (tid, *t.implies))
                           for tid, t in taxonomy.terms.items()}

    def _claim(self, form: str, term_id: str) -> bool:
        key = key_of(form)
        if not key or self._owner.setdefault(key, term_id) != term_id:
            return False  # a variant that spells another term's name: leave it to that term
        mask = case_mask(form)
        if key in self._masks and self._masks[key] is None:
            return True
        if mask is None:
            self._masks[key] = None
        else:
            self._masks.setdefault(key, set()).add(mask)  # type: ignore[union-attr]
        return True

    @property
    def pattern(self) -> re.Pattern[str]:
        return self._regex

    def find(self, text: str) -> list[TagMatch]:
        """Every term occurrence, in text order, context rules applied."""
        if not isinstance(text, str) or not text:
            return []
        clean, low = prepare_text(text)
        return self._find(text, clean, low)

    def _find(self, text: str, clean: str, low: str) -> list[TagMatch]:
        out: list[TagMatch] = []
        known = self._known
        group = self._group
        pos = 0
        while True:
            for m in self._regex.finditer(low, pos):
                start, end = m.span()
                surface = clean[start:end]
                term_id = known.get(surface)
                hit: TagMatch | None
                if term_id:  # seen before: same term, no case check, no rule to run
                    hit = TagMatch(term_id, group[term_id], start, end, text[start:end])
                elif term_id is None:
                    hit = self._accept(text, clean, surface, start, end)
                else:
                    hit = None
                if hit is None:
                    pos = start + 1  # a shorter term may still start inside the rejected span
                    break
                out.append(hit)
            else:
                return out

    def _accept(self, text: str, clean: str, surface: str, start: int,
                end: int) -> TagMatch | None:
        """Resolve a regex match to a term, or reject it (None)."""
        key = key_of(surface)
        term_id = self._owner.get(key)
        masks = self._masks.get(key) if term_id in self._cased else None
        if term_id is None or (masks and not any(case_ok(m, surface) for m in masks)):
            self._remember(surface, "")
            return None  # "Cma", "epic", "mac": wrong case for an acronym or a name
        rules = self._rules.get(term_id, ())
        if not rules:
            self._remember(surface, term_id)
        note = None
        for rule in rules:
            if rule.fires(clean, start, end):
                if rule.action == "drop":
                    return None
                if rule.action == "remap" and rule.to:
                    term_id = rule.to
                note = rule.note
                break
        return TagMatch(term_id, self._group[term_id], start, end, text[start:end], note)

    def _remember(self, surface: str, term_id: str) -> None:
        if len(self._known) < _KNOWN_CACHE_SIZE:
            self._known[surface] = term_id

    def tag(self, text: str) -> dict[str, list[str]]:
        """group -> sorted unique ids (with implied ids); only groups with hits."""
        pairs = {pair for hit in self.find(text) for pair in self._tag_pairs[hit.id]}
        found: dict[str, list[str]] = {}
        for group, tid in sorted(pairs):
            found.setdefault(group, []).append(tid)
        return {g: found[g] for g in GROUPS if g in found}

    def index_tokens(self, text: str) -> list[str]:
        """Tokens for a TF-IDF index: each hit one "tx_<id>" token, other words lower-cased.

        Synonyms fold ("ECG" and "EKG" both give "tx_ekg"), and forms a word tokenizer
        would break survive ("MA-C" -> "tx_ma_c", "X-ray" -> "tx_x_ray").
        """
        if not isinstance(text, str) or not text:
            return []
        clean, low = prepare_text(text)
        # Splice each hit's token into the text, then split the whole once: one findall
        # is faster than one per gap between hits.
        pieces: list[str] = []
        pos = 0
        for hit in self._find(text, clean, low):
            pieces += (low[pos:hit.start], self._token[hit.id])
            pos = hit.end
        pieces.append(low[pos:])
        return _WORD.findall(" ".join(pieces))
