"""Context rules: what an ambiguous acronym means, judged from the words around it.

Declared in taxonomy.yaml (``context_rules``), so a new collision is a data change:
"CPT" next to billing words is the code set, "CMA" next to "med pass" is a
medication aide, "NCCT" means NCMA only in a posting about medical assistants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ACTIONS = ("drop", "remap", "note")
_FIELDS = {"name", "term", "surface", "near", "unless_near", "window", "sentence", "action",
           "to", "note"}
# A sentence ends at ".", "!", "?" or ";" before a space, or at a line break. The
# dots of "C.M.A." are followed by letters, so they do not end one.
_SENTENCE_END = re.compile(r"[.!?;](?=\s)|\n")


@dataclass(frozen=True, slots=True)
class ContextRule:
    name: str
    term: str
    action: str                       # drop | remap | note
    surface: re.Pattern[str] | None   # the matched text must fit (case-sensitive)
    near: re.Pattern[str] | None      # fires when found in the window ...
    unless_near: re.Pattern[str] | None  # ... and this is not
    window: int | None                # characters each side; None = whole document
    sentence: bool = False            # clip the window to the match's sentence
    to: str | None = None             # remap target id
    note: str | None = None

    def window_text(self, text: str, start: int, end: int) -> str:
        if self.window is None:
            return text
        lo, hi = max(0, start - self.window), min(len(text), end + self.window)
        before, after = text[lo:start], text[end:hi]
        if self.sentence:
            cuts = [m.end() for m in _SENTENCE_END.finditer(before)]
            before = before[cuts[-1]:] if cuts else before
            cut = _SENTENCE_END.search(after)
            after = after[: cut.start()] if cut else after
        return f"{before}{text[start:end]}{after}"

    def fires(self, text: str, start: int, end: int) -> bool:
        """True when this rule applies to the match text[start:end]."""
        if self.surface is not None and not self.surface.search(text[start:end]):
            return False
        around = self.window_text(text, start, end)
        if self.unless_near is not None and self.unless_near.search(around):
            return False
        return self.near is None or self.near.search(around) is not None


def _regex_list(value: Any, where: str, flags: int) -> re.Pattern[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: must be a regex or a list of regexes")
    try:
        return re.compile("|".join(f"(?:{v})" for v in value), flags)
    except re.error as exc:
        raise ValueError(f"{where}: bad regex: {exc}") from exc


def _parse_rule(raw: Any, index: int) -> ContextRule:
    if not isinstance(raw, dict):
        raise ValueError(f"context_rules[{index}]: must be a mapping")
    name = str(raw.get("name") or f"rule{index}")
    where = f"context rule {name}"
    unknown = set(raw) - _FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
    term, action = raw.get("term"), raw.get("action")
    if not isinstance(term, str) or not term:
        raise ValueError(f"{where}: term is required")
    if action not in ACTIONS:
        raise ValueError(f"{where}: action must be one of {ACTIONS}")
    window = raw.get("window", 100)
    if window == "document":
        window = None
    elif isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise ValueError(f"{where}: window must be a number of characters or 'document'")
    near = _regex_list(raw.get("near"), f"{where}.near", re.IGNORECASE)
    unless = _regex_list(raw.get("unless_near"), f"{where}.unless_near", re.IGNORECASE)
    if near is None and unless is None:
        raise ValueError(f"{where}: needs near or unless_near")
    to, note = raw.get("to"), raw.get("note")
    if action == "remap" and not isinstance(to, str):
        raise ValueError(f"{where}: remap needs 'to'")
    if action == "note" and not isinstance(note, str):
        raise ValueError(f"{where}: note needs 'note'")
    return ContextRule(
        name=name, term=term, action=action,
        surface=_regex_list(raw.get("surface"), f"{where}.surface", 0),
        near=near, unless_near=unless, window=window, sentence=bool(raw.get("sentence")),
        to=to if action == "remap" else None, note=note if isinstance(note, str) else None,
    )


def parse_rules(raw: Any) -> tuple[ContextRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError("context_rules: must be a list")
    return tuple(_parse_rule(item, i) for i, item in enumerate(raw))
