"""Body evidence: which MA tasks, MA words and contrary signs a posting's text shows.

All body patterns are joined into one regex with a named group per category, so a
posting's text is scanned once however many categories there are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from majobs.classify.lexicon import MA_WORD_TERMS, NEGATIVE_KINDS, TASK_TERMS

_WEIGHTS = {name: weight for name, (weight, _) in TASK_TERMS.items()}


def _groups() -> dict[str, str]:
    groups = {f"task_{name}": rx for name, (_, rx) in TASK_TERMS.items()}
    groups["ma_words"] = MA_WORD_TERMS
    for kind, (strong, weak, _) in NEGATIVE_KINDS.items():
        if strong:
            groups[f"strong_{kind}"] = strong
        if weak:
            groups[f"weak_{kind}"] = weak
    return groups


# Negative kinds first: where a word could read both ways ("medication assistant"),
# the contrary reading wins the position.
_GROUPS = dict(sorted(_groups().items(), key=lambda kv: not kv[0].startswith(("strong", "weak"))))
_SCANNER = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _GROUPS.items()))


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a posting's text shows, summed up for the rules."""

    tasks: float                 # weighted count of distinct MA task categories
    ma_words: int                # distinct MA role words / MA credentials named
    against: frozenset[str]      # negative kinds present (NEGATIVE_KINDS keys)
    terms: dict[str, frozenset[str]]  # category -> distinct terms, for explanations


def scan(text: str) -> Evidence:
    """Evidence in ``text``, which must already be lower-cased."""
    found: dict[str, set[str]] = {}
    for match in _SCANNER.finditer(text):
        found.setdefault(match.lastgroup or "", set()).add(match.group())
    terms = {name: frozenset(words) for name, words in found.items()}
    tasks = sum(w for name, w in _WEIGHTS.items() if f"task_{name}" in terms)
    against = frozenset(
        kind for kind, (_, _, weak_needed) in NEGATIVE_KINDS.items()
        # one strong term, or enough distinct weak ones
        if f"strong_{kind}" in terms
        or (weak_needed and len(terms.get(f"weak_{kind}", ())) >= weak_needed))
    return Evidence(tasks, len(terms.get("ma_words", ())), against, terms)
