"""Body evidence: which MA tasks, MA words and contrary signs a posting's text shows."""

from __future__ import annotations

from dataclasses import dataclass

from majobs.classify.lexicon import MA_WORD_TERMS, NEGATIVE_KINDS, TASK_TERMS
from majobs.classify.triggers import TriggerIndex

_WEIGHTS = {name: weight for name, (weight, _) in TASK_TERMS.items()}


def body_patterns() -> dict[str, str]:
    """Every body category and its regex: tasks, MA words, strong/weak negatives."""
    groups = {f"task_{name}": rx for name, (_, rx) in TASK_TERMS.items()}
    groups["ma_words"] = MA_WORD_TERMS
    for kind, (strong, weak, _) in NEGATIVE_KINDS.items():
        if strong:
            groups[f"strong_{kind}"] = strong
        if weak:
            groups[f"weak_{kind}"] = weak
    return groups


BODY_INDEX = TriggerIndex(body_patterns())


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a posting's text shows, summed up for the rules."""

    tasks: float                 # weighted count of distinct MA task categories
    ma_words: int                # distinct MA role words / MA credentials named
    against: frozenset[str]      # negative kinds present (NEGATIVE_KINDS keys)
    terms: dict[str, frozenset[str]]  # category -> distinct terms, for explanations


def scan(text: str) -> Evidence:
    """Evidence in ``text``, which must already be lower-cased."""
    terms = {name: frozenset(words) for name, words in BODY_INDEX.find(text).items()}
    tasks = sum(w for name, w in _WEIGHTS.items() if f"task_{name}" in terms)
    against = frozenset(
        kind for kind, (_, _, weak_needed) in NEGATIVE_KINDS.items()
        # one strong term, or enough distinct weak ones
        if f"strong_{kind}" in terms
        or (weak_needed and len(terms.get(f"weak_{kind}", ())) >= weak_needed))
    return Evidence(tasks, len(terms.get("ma_words", ())), against, terms)
