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

# Atoms: a lower-cased literal character, or one of these separator markers. Sibling
# branches of the trie must never both match the same text (re takes the first branch
# that succeeds, not the longest), so there is no optional atom: joined spellings such
# as "xray" and "doctors office" are generated as variants instead.
_SEP = "\x01sep"            # a space or a hyphen: any run of whitespace and hyphens
_SLASH = "\x01slash"        # "BLS/CPR", "BLS / CPR"

_ATOM_REGEX = {
    _SEP: r"[\s\-]+",
    _SLASH: r"\s*/\s*",
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

_ASCII_PUNCT = "".join(ch for ch in map(chr, range(128)) if not ch.isalnum())
_ASCII_ALNUM = str.maketrans("", "", _ASCII_PUNCT)
_ASCII_KEEP_HYPHENS = str.maketrans("", "", _ASCII_PUNCT.replace("-", ""))

_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")
_PLURAL_SKIP_END = ("s", "ss")
_LAST_LETTERS = re.compile(r"[^\W\d_]+$")


def skeleton(text: str, hyphens: bool = False) -> str:
    """Letters and digits only (and hyphens if asked), accents folded, case kept:
    "C.M.A." -> "CMA", "MA - C" -> "MAC" or "MA-C"."""
    if text.isascii():  # the common case, ~10x faster than the general one below
        return text.translate(_ASCII_KEEP_HYPHENS if hyphens else _ASCII_ALNUM)
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded
                   if (ch.isalnum() and not unicodedata.combining(ch)) or (hyphens and ch == "-"))


def key_of(text: str) -> str:
    """Case/space/punctuation-insensitive lookup key: "MA-C" -> "mac", "X-ray" -> "xray"."""
    return skeleton(text).lower()


def is_case_sensitive(synonym: str) -> bool:
    return any(ch.isupper() for ch in synonym)


def case_mask(synonym: str) -> str | None:
    """What the text must match beyond the regex, or None when any case will do.

    Upper-case letters must be upper case in the text; an acronym's hyphen must be
    there ("MA-C", "MA - C", never "MA C").
    """
    if not is_case_sensitive(synonym):
        return None
    return skeleton(synonym, hyphens=True)


def case_ok(mask: str, surface: str) -> bool:
    """Does matched text fit a case mask? Lower-case mask letters match any case."""
    shape = skeleton(surface, hyphens="-" in mask)
    if len(mask) != len(shape):
        return False
    return all(not m.isupper() or s.isupper() for m, s in zip(mask, shape, strict=True))


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
    "and"/"&" swaps, joined forms of lower-case hyphenated words ("x-ray" -> "xray"),
    apostrophe-less forms ("doctor's" -> "doctors"), and for credential acronyms the
    dotted forms ("C.M.A.", "C.M.A").
    """
    forms = [synonym]
    letters = _LAST_LETTERS.search(synonym)
    if _ACRONYM.fullmatch(synonym.rpartition(" ")[2]):
        forms += [f"{synonym}s", f"{synonym}'s"]
    elif letters:
        plural = _plural(letters.group())
        if plural:
            forms.append(synonym[: letters.start()] + plural)
    for form in list(forms):
        if " and " in form:
            forms.append(form.replace(" and ", " & "))
        elif " & " in form:
            forms.append(form.replace(" & ", " and "))
    for form in list(forms):
        if "'" in form:
            forms.append(form.replace("'", ""))
    if not is_case_sensitive(synonym):
        forms += [f.replace("-", "") for f in forms if "-" in f]
    if dotted and _ACRONYM.fullmatch(synonym) and synonym.isalpha():
        forms += [".".join(synonym) + ".", ".".join(synonym)]
    seen: set[str] = set()
    for form in forms:
        if form not in seen:
            seen.add(form)
            yield form


def atoms(synonym: str) -> tuple[str, ...]:
    """Split a synonym into trie atoms (lower-cased characters and separator markers)."""
    out: list[str] = []
    for ch in " ".join(synonym.split()):
        atom = _SEP if ch in " -" else _SLASH if ch == "/" else ch.lower()
        if out and atom in _ATOM_REGEX and out[-1] in _ATOM_REGEX:
            # "a - b" and "a / b": one separator; a slash absorbs the spaces around it.
            if atom == _SLASH:
                out[-1] = _SLASH
            continue
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
