"""The taxonomy as data: terms, their groups, name resolution, loading from YAML."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from majobs.taxonomy.context import ContextRule, parse_rules
from majobs.taxonomy.patterns import key_of

DEFAULT_PATH = Path(__file__).with_name("taxonomy.yaml")
# libyaml's safe loader parses the file ~7x faster than the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Group names are a contract with the pipeline, matcher and classifier.
GROUPS = ("certifications", "skills", "specializations", "settings", "ma_types",
          "languages", "role_flags")

_CERT_ID = re.compile(r"[A-Z][A-Z0-9_]*")
_OTHER_ID = re.compile(r"[a-z][a-z0-9_]*")


class TaxonomyError(ValueError):
    """The taxonomy file is malformed (names the term and the reason)."""


@dataclass(frozen=True, slots=True)
class Term:
    id: str
    group: str
    category: str
    label: str
    synonyms: tuple[str, ...]
    implies: tuple[str, ...] = ()


class Taxonomy:
    """All terms, looked up by id, synonym or label."""

    def __init__(self, terms: Mapping[str, Term], rules: tuple[ContextRule, ...] = ()) -> None:
        self.terms: dict[str, Term] = dict(terms)
        self.rules = rules
        self._by_key: dict[str, str] = {}
        for term in self.terms.values():
            for name in (term.id, term.label, *term.synonyms):
                self._add_key(key_of(name), term.id)
        for term in self.terms.values():
            for implied in term.implies:
                if implied not in self.terms:
                    raise TaxonomyError(f"{term.id}: implies unknown id {implied!r}")
        for rule in rules:
            for tid in filter(None, (rule.term, rule.to)):
                if tid not in self.terms:
                    raise TaxonomyError(f"context rule {rule.name}: unknown id {tid!r}")

    def _add_key(self, key: str, term_id: str) -> None:
        if not key:
            raise TaxonomyError(f"{term_id}: a name without letters or digits")
        other = self._by_key.setdefault(key, term_id)
        if other != term_id:
            raise TaxonomyError(f"{term_id}: name {key!r} already belongs to {other}")

    def resolve(self, name: str) -> str | None:
        """The id for an id, label or synonym, ignoring case, spaces and punctuation.

        "Certified Medical Assistant" -> "CMA", "ECG" -> "ekg", "vital signs" -> "vital_signs".
        A plural the file does not list is tried in its singular form.
        """
        if not isinstance(name, str):
            return None
        key = key_of(name)
        if not key:
            return None
        found = self._by_key.get(key)
        if found is None:
            for plural, singular in (("ies", "y"), ("es", ""), ("s", "")):
                if key.endswith(plural) and len(key) > len(plural) + 2:
                    found = self._by_key.get(key[: -len(plural)] + singular)
                    if found:
                        break
        return found

    def group_of(self, term_id: str) -> str:
        """The group of a term id (KeyError for an unknown id)."""
        return self.terms[term_id].group

    def ids(self, group: str) -> list[str]:
        """Sorted ids of one group."""
        return sorted(t.id for t in self.terms.values() if t.group == group)


def _as_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{where}: must be a list of non-empty strings")
    return tuple(" ".join(v.split()) for v in value)


def _parse_term(term_id: Any, body: Any, group: str, category: str) -> Term:
    pattern = _CERT_ID if group == "certifications" else _OTHER_ID
    if not isinstance(term_id, str) or not pattern.fullmatch(term_id):
        raise TaxonomyError(f"{group}.{category}: bad id {term_id!r} (want {pattern.pattern})")
    if not isinstance(body, dict):
        raise TaxonomyError(f"{term_id}: must be a mapping with label and synonyms")
    unknown = set(body) - {"label", "synonyms", "implies"}
    if unknown:
        raise TaxonomyError(f"{term_id}: unknown fields {sorted(unknown)}")
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        raise TaxonomyError(f"{term_id}: label is required")
    synonyms = _as_list(body.get("synonyms"), f"{term_id}.synonyms")
    if not synonyms:
        raise TaxonomyError(f"{term_id}: needs at least one synonym")
    implies = _as_list(body.get("implies"), f"{term_id}.implies")
    return Term(term_id, group, category, label.strip(), synonyms, implies)


def parse_taxonomy(data: Any) -> Taxonomy:
    """Build a Taxonomy from the parsed YAML document."""
    if not isinstance(data, dict) or not isinstance(data.get("groups"), dict):
        raise TaxonomyError("top level must be a mapping with 'groups'")
    groups = data["groups"]
    missing = [g for g in GROUPS if g not in groups]
    extra = [g for g in groups if g not in GROUPS]
    if missing or extra:
        raise TaxonomyError(f"groups must be exactly {GROUPS}; missing {missing}, extra {extra}")
    terms: dict[str, Term] = {}
    for group in GROUPS:
        categories = groups[group]
        if not isinstance(categories, dict) or not categories:
            raise TaxonomyError(f"{group}: must map categories to terms")
        for category, members in categories.items():
            if not isinstance(members, dict) or not members:
                raise TaxonomyError(f"{group}.{category}: must map term ids to terms")
            for term_id, body in members.items():
                term = _parse_term(term_id, body, group, str(category))
                if term.id in terms:
                    raise TaxonomyError(f"{term.id}: defined twice")
                terms[term.id] = term
    try:
        rules = parse_rules(data.get("context_rules"))
    except ValueError as exc:
        raise TaxonomyError(str(exc)) from exc
    return Taxonomy(terms, rules)


def read_taxonomy(path: str | Path = DEFAULT_PATH) -> Taxonomy:
    """Parse a taxonomy file (uncached; see `majobs.taxonomy.load_taxonomy`)."""
    with open(path, encoding="utf-8") as fh:
        return parse_taxonomy(yaml.load(fh, Loader=_SafeLoader))
