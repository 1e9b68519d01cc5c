"""Try each pattern only where it can match: an index from word starts to patterns.

Python's ``re`` tries every branch of an alternation at every position, so a few
hundred terms over 3 KB of text cost milliseconds. But a branch that starts with a
literal ("vital\\s+signs?") can only match where a word starts with its first letters.
So each branch is indexed by the first three letters of its literal prefix ("vit"),
or by a whole two-letter word ("pa" in "pa license"), the text is split into words
once, and a branch is tried only at the words that start with its key. Keys are
ASCII: the lexicon is English plus a little Spanish.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_WORD = re.compile(r"[a-z0-9]+")
_KEY = re.compile(r"[a-z0-9]{2,}")
_QUANTIFIER = frozenset("?*+{")


def split_alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` branches of a regex (groups and classes kept whole)."""
    branches, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


def _skip_openers(branch: str) -> str:
    """Drop what consumes no text at a branch's start: \\b and case-flag groups."""
    while True:
        for opener in (r"\b", "(?-i:", "(?i:"):
            if branch.startswith(opener):
                branch = branch[len(opener):]
                break
        else:
            return branch


def _group_end(pattern: str, start: int) -> int:
    """Index of the ")" closing the group opened at ``start`` (-1 if unbalanced)."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _literal_run(branch: str) -> tuple[str, str]:
    """The literal text every match of ``branch`` starts with, and the pattern after it."""
    branch, out, i = _skip_openers(branch), [], 0
    while i < len(branch):
        c, step = branch[i], 1
        if c == "\\":
            c, step = branch[i + 1: i + 2], 2
            if not c or c.isalnum():          # \s, \w, \d: not a literal
                break
        elif not (c.isalnum() or c in "'-"):
            break
        if branch[i + step: i + step + 1] in _QUANTIFIER:
            break                              # optional or repeated: not certain
        out.append(c)
        i += step
    return "".join(out).lower(), branch[i:]


def literal_prefix(branch: str) -> str:
    """The literal text every match of ``branch`` starts with, lower-cased."""
    return _literal_run(branch)[0]


def branch_keys(branch: str) -> frozenset[str] | None:
    """Word starts one of which a match of ``branch`` begins with; None if unknown.

    "vital\\s+signs?" -> {"vit"}; "(?:ekg|ecg)s?" -> {"ekg", "ecg"}. A two-letter key
    is a whole word ("pa" in "pa\\s+licen"): it is returned only when what follows
    cannot continue the word, so "patient" never has to try it.
    """
    branch = _skip_openers(branch)
    if branch.startswith("(?:"):
        end = _group_end(branch, 0)
        if end < 0 or branch[end + 1: end + 2] in _QUANTIFIER:
            return None
        rest = branch[end + 1:]
        return _union(branch_keys(alt + rest) for alt in split_alternatives(branch[3:end]))
    prefix, rest = _literal_run(branch)
    key = _KEY.match(prefix)
    if not key:
        return None
    word = key.group()
    if len(word) >= 3:
        return frozenset({word[:3]})
    return frozenset({word}) if len(prefix) > 2 or _ends_word(rest) else None


def _ends_word(rest: str) -> bool:
    return not rest or rest.startswith((r"\s", r"\b", ")", "|")) or (
        not rest[0].isalnum() and rest[0] not in "\\([." and rest[1:2] not in _QUANTIFIER)


def _union(key_sets: Iterator[frozenset[str] | None]) -> frozenset[str] | None:
    keys: set[str] = set()
    for found in key_sets:
        if found is None:
            return None
        keys |= found
    return frozenset(keys)


def pattern_keys(pattern: str) -> frozenset[str] | None:
    """Word starts one of which a text needs for ``pattern`` to match; None if unknown."""
    return _union(branch_keys(branch) for branch in split_alternatives(pattern))


def word_keys(text: str) -> set[str]:
    """Every key a word of ``text`` (lower-cased) can trigger: its first 3 letters."""
    return {w[:3] for w in _WORD.findall(text)}


class TriggerIndex:
    """Categories of regex terms, each branch tried only where its key word starts."""

    def __init__(self, patterns: dict[str, str]) -> None:
        self.by_key: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for category, pattern in patterns.items():
            for branch in split_alternatives(pattern):
                keys = branch_keys(branch)
                if not keys:
                    raise ValueError(f"{category}: no literal start in {branch!r}")
                # Tried only at word starts, so the leading \b is already true.
                compiled = re.compile(branch.removeprefix(r"\b"))
                for key in keys:
                    self.by_key.setdefault(key, []).append((category, compiled))

    def find(self, text: str) -> dict[str, set[str]]:
        """Category -> distinct terms found, each starting at a word of ``text``."""
        found: dict[str, set[str]] = {}
        by_key = self.by_key
        for word in _WORD.finditer(text):
            token, start = word.group(), word.start()
            for category, compiled in by_key.get(token[:3], ()):
                match = compiled.match(text, start)
                if match:
                    found.setdefault(category, set()).add(match.group())
        return found
