"""Turn synonyms into one compiled regex: spelling variants, atoms, a trie, a pattern.

Case convention (from the YAML): a letter written in upper case must be upper case in
the text ("CMA" does not match "Cma"); a lower-case letter matches either case. So
"CMA" and "Epic" are case-sensitive and "vital signs" is not. The regex itself is
compiled case-insensitively; `case_ok()` checks the upper-case letters afterwards.

Sharing prefixes in a trie makes the alternation of ~2,000 synonyms cheap for `re`:
at each text position it follows one branch per character instead of trying every
synonym, and greedy optional tails give the longest synonym at a start position.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

# Atoms: a lower-cased literal character, or one of these separator markers.
_SPACE = "\x01space"        # a space: any run of whitespace or hyphens
_HYPHEN_LOOSE = "\x01hy"    # hyphen in a lower-case phrase: "x-ray", "x ray", "xray"
_HYPHEN_STRICT = "\x01HY"   # hyphen in an acronym: "MA-C", "MA - C", never "MAC"
_SLASH = "\x01slash"        # "BLS/CPR", "BLS / CPR"
_APOS = "\x01apos"          # optional apostrophe: "doctor's", "doctors"

_ATOM_REGEX = {
    _SPACE: r"[\s\-]+",
    _HYPHEN_LOOSE: r"[\s\-]*",
    _HYPHEN_STRICT: r"\s*-\s*",
    _SLASH: r"\s*/\s*",
    _APOS: r"'?",
}

# Length-preserving clean-up applied to text before matching, so offsets stay valid:
# unicode dashes to "-", curly quotes to "'", no-break and odd spaces to " ".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_QUOTES = "\u2018\u2019\u201b\u02bc\uff07\u00b4`"
_SPACES = "\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u205f\u3000"
TEXT_TRANSLATION = str.maketrans(
    {**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_QUOTES, "'"),
     **dict.fromkeys(_SPACES, " ")}
)

_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")
_PLURAL_SKIP_END = ("s", "ss")


def skeleton(text: str) -> str:
    """Letters and digits only, accents folded, case kept: "C.M.A." -> "CMA"."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def key_of(text: str) -> str:
    """Case/space/punctuation-insensitive lookup key: "MA-C" -> "mac", "X-ray" -> "xray"."""
    return skeleton(text).lower()


def is_case_sensitive(synonym: str) -> bool:
    return any(ch.isupper() for ch in synonym)


def case_ok(mask: str, surface_skeleton: str) -> bool:
    """Upper-case letters of the synonym's skeleton must be upper case in the text."""
    if len(mask) != len(surface_skeleton):
        return False
    return all(not m.isupper() or s.isupper() for m, s in zip(mask, surface_skeleton, strict=True))


def _plural(word: str) -> str | None:
    if not word.isalpha() or len(word) < 3 or word.lower().endswith(_PLURAL_SKIP_END):
        return None
    low = word.lower()
    if low.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    if low.endswith("y") and low[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def variants(synonym: str, dotted: bool) -> Iterator[str]:
    """The synonym and the spellings postings use for it.

    Plurals of the last word ("injection" -> "injections", "CMA" -> "CMAs", "CMA's"),
    "and"/"&" swaps, and for credential acronyms the dotted forms ("C.M.A.", "C.M.A").
    """
    yield synonym
    head, _, last = synonym.rpartition(" ")
    if _ACRONYM.fullmatch(last):
        yield f"{synonym}s"
        yield f"{synonym}'s"
    else:
        plural = _plural(last)
        if plural:
            yield f"{head} {plural}" if head else plural
    if " and " in synonym:
        yield synonym.replace(" and ", " & ")
    elif " & " in synonym:
        yield synonym.replace(" & ", " and ")
    if dotted and _ACRONYM.fullmatch(synonym) and synonym.isalpha():
        yield ".".join(synonym) + "."
        yield ".".join(synonym)


def atoms(synonym: str) -> tuple[str, ...]:
    """Split a synonym into trie atoms (lower-cased characters and separator markers)."""
    strict = is_case_sensitive(synonym)
    out: list[str] = []
    for ch in " ".join(synonym.split()):
        if ch == " ":
            atom = _SPACE
        elif ch == "-":
            atom = _HYPHEN_STRICT if strict else _HYPHEN_LOOSE
        elif ch == "/":
            atom = _SLASH
        elif ch == "'":
            atom = _APOS
        else:
            atom = ch.lower()
        # Collapse "a - b" into one separator: the separator regexes absorb spaces.
        if out and out[-1] == _SPACE and atom in _ATOM_REGEX:
            out[-1] = atom
        elif atom == _SPACE and out and out[-1] in (_HYPHEN_STRICT, _HYPHEN_LOOSE, _SLASH):
            continue
        else:
            out.append(atom)
    return tuple(out)


class _Node:
    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terminal = False


def _atom_regex(atom: str) -> str:
    return _ATOM_REGEX.get(atom) or re.escape(atom)


def _node_regex(node: _Node) -> str:
    # Iterative-friendly depth is small (synonyms are short), so plain recursion is fine.
    alts = [_atom_regex(a) + _node_regex(c) for a, c in sorted(node.children.items())]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if node.terminal:
        # Greedy optional tail: prefer the longer synonym, back off if it fails.
        return f"(?:{body})?"
    return body


def trie_regex(atom_seqs: Iterable[tuple[str, ...]]) -> str:
    """One regex alternation for all atom sequences, prefixes shared."""
    root = _Node()
    for seq in atom_seqs:
        if not seq:
            continue
        node = root
        for atom in seq:
            node = node.children.setdefault(atom, _Node())
        node.terminal = True
    return _node_regex(root)


def compile_matcher(atom_seqs: Iterable[tuple[str, ...]]) -> re.Pattern[str]:
    """Whole-word matcher over lower-cased text (see `prepare_text`): no word
    character may touch either end of a hit. Case-sensitive matching of lower-cased
    text is about twice as fast as re.IGNORECASE."""
    return re.compile(r"(?<!\w)" + trie_regex(atom_seqs) + r"(?!\w)")


def prepare_text(text: str) -> tuple[str, str]:
    """(cleaned text, its lower-cased twin), both the length of `text`.

    Offsets found in one are valid in the other and in the original.
    """
    clean = text.translate(TEXT_TRANSLATION)
    low = clean.lower()
    if len(low) != len(clean):  # e.g. "İ" lowers to two characters
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in clean)
    return clean, low
