"""Try each pattern only where it can match: an index from word starts to patterns.

Python's ``re`` tries every branch of an alternation at every position, so a few
hundred terms over 3 KB of text cost milliseconds. But a branch that starts with a
literal ("vital\\s+signs?") can only match where a word starts with its first letters.
So each branch is indexed by the first two or three letters of its literal prefix
("vit"), the text is split into words once, and a branch is tried only at the words
that start with its key. Keys are ASCII: the lexicon is English plus a little Spanish.
"""

from __future__ import annotations

import re

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


def literal_prefix(branch: str) -> str:
    """The literal text every match of ``branch`` starts with, lower-cased."""
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
    return "".join(out).lower()


def branch_keys(branch: str) -> frozenset[str] | None:
    """Word starts one of which a match of ``branch`` begins with; None if unknown.

    "vital\\s+signs?" -> {"vit"}; "(?:ekg|ecg)s?" -> {"ekg", "ecg"}.
    """
    branch = _skip_openers(branch)
    if branch.startswith("(?:"):
        end = _group_end(branch, 0)
        if end < 0 or branch[end + 1: end + 2] in _QUANTIFIER:
            return None
        return pattern_keys(branch[3:end])
    key = _KEY.match(literal_prefix(branch))
    return frozenset({key.group()[:3]}) if key else None


def pattern_keys(pattern: str) -> frozenset[str] | None:
    """Word starts one of which a text needs for ``pattern`` to match; None if unknown."""
    keys: set[str] = set()
    for branch in split_alternatives(pattern):
        found = branch_keys(branch)
        if found is None:
            return None
        keys |= found
    return frozenset(keys)


def word_keys(text: str) -> set[str]:
    """Every key a word of ``text`` (lower-cased) can trigger."""
    words = set(_WORD.findall(text))
    return {w[:3] for w in words} | {w[:2] for w in words}


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
            for key in (token[:3], token[:2]) if len(token) > 2 else (token,):
                for category, compiled in by_key.get(key, ()):
                    match = compiled.match(text, start)
                    if match:
                        found.setdefault(category, set()).add(match.group())
        return found
