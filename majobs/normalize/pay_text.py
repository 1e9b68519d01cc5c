"""Find pay quotes in free text ("$18.50 - $22.00 per hour", "Hourly: 21.50").

A number counts as pay only with evidence: a currency mark on a range, a unit after
it ("/hr", "annually"), or pay words right before it ("Pay Range:", "Hourly:").
Numbers next to bonus, tuition, 401(k) or premium words never count, and neither do
bare numbers (phone numbers, ZIP codes, years). Sizes and bands are checked later,
in ``pay.build_pay``; this module only reads what the text says.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from majobs.normalize.pay_quote import (
    CURRENCY_MARK_PATTERN,
    CURRENCY_MARKS,
    PayQuote,
    currency_code,
    unit_from_word,
)

_MAX_TEXT = 200_000  # longer inputs are cut: descriptions are far shorter

# One amount: optional currency mark, the number, an optional "k", "+" or code after.
# The lookahead lets most positions fail on one character test (a 3 KB text has few).
_TOKEN_START = "".join(sorted({re.escape(mark[0]) for mark in CURRENCY_MARKS})) + r"\d"
_TOKEN_RE = re.compile(
    rf"(?=[{_TOKEN_START}])(?<![\w.,/])(?:(?P<cur>{CURRENCY_MARK_PATTERN})\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,7}(?:\.\d{1,2})?)(?!\d|[.,]\d|\s?%)"
    r"(?P<k>\s?[kK](?![a-zA-Z(]))?(?P<plus>\+)?"
    r"(?:\s?(?P<code>USD|CAD|EUR|GBP)\b)?"
)
_UNIT_ADJ = (
    r"hourly|daily|weekly|bi-?weekly|semi-?monthly|monthly|yearly|annually|annual"
    r"|every\s+(?:two|2|other)\s+weeks?|twice\s+a\s+month"
)
_UNIT_NOUN = r"hours?|hrs?|h|days?|weeks?|wks?|months?|mos?|mths?|years?|yrs?|annum"
# A unit right after an amount: "/hr", " per hour", " an hour", " annually", " USD/yr".
_UNIT_AFTER_RE = re.compile(
    rf"\s*(?:(?:USD|CAD)\s*)?(?:(?:/\s*|\bper\s+|\ban?\s+|\beach\s+|\bp/)(?P<noun>{_UNIT_NOUN})\b"
    rf"|\(?(?P<adj>{_UNIT_ADJ})\b\)?)",
    re.IGNORECASE,
)
# What may stand between the two ends of a range (with an optional unit after the low end).
_RANGE_GAP_RE = re.compile(
    rf"\s*(?:(?:/\s*|\bper\s+|\ban?\s+)(?:{_UNIT_NOUN})\b\s*)?(?P<sep>-{{1,2}}|[–—‒~]|\bto\b|\band\b)\s*",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[.;!?|•\n\r](?:\s|$)|[\n\r•|]")
_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")

# Words that say "this number is pay" when they lead up to it.
_PAY_WORDS = frozenset({
    "pay", "salary", "salaries", "wage", "wages", "compensation", "rate", "earn", "earns",
    "earning", "earnings", "income", "pays", "paying", "hourly", "annual", "annually",
    "yearly", "weekly", "bi-weekly", "biweekly", "monthly", "daily", "semi-monthly",
})
# Filler allowed between a pay word and the number ("Pay rate is between $18 ...").
_CONNECTORS = frozenset({
    "range", "ranges", "scale", "is", "of", "at", "from", "between", "up", "to", "starting",
    "starts", "start", "begins", "begin", "beginning", "will", "be", "for", "this", "the",
    "position", "role", "a", "an", "usd", "cad", "per", "hour", "estimated", "expected",
    "base", "target", "our", "min", "minimum", "max", "maximum", "approximately", "approx",
    "around", "about", "as", "low", "high", "offer", "offers", "offering", "we", "with",
    "you", "can", "typical", "hiring", "anticipated", "posted", "band", "level", "and",
    "competitive", "depending", "on", "experience", "doe", "least", "new", "grad", "plus",
})
# Words that make a number something other than pay.
_NOT_PAY_WORDS = frozenset({
    "bonus", "bonuses", "sign-on", "signon", "signing", "referral", "retention",
    "relocation", "differential", "diff", "tuition", "reimbursement", "reimbursed", "401",
    "403", "401k", "403b", "match", "matching", "premium", "premiums", "stipend",
    "allowance", "deductible", "copay", "co-pay", "incentive", "incentives", "commission",
    "loan", "loans", "repayment", "pto", "gift", "card", "discount", "savings", "fee",
})
_NOT_PAY_AFTER_RE = re.compile(
    r"[ \t,:()+-]*(?:[A-Za-z]+[ \t,:()+-]+){0,2}?"  # up to two words, same clause
    r"(?:sign[- ]?on|signing|bonus|referral|retention|relocation|differential|diff|tuition"
    r"|reimburse\w*|stipend|premiums?|deductible|co-?pay|allowance"
    r"|incentive|commission|match|gift|discount|off|credit|loan)\b",
    re.IGNORECASE,
)
_NOT_PAY_RIGHT_AFTER_RE = re.compile(
    r"[ \t]*(?:(?:shift|night|evening|weekend|holiday)\s+)?(?:sign[- ]?on|signing|bonus|referral"
    r"|retention|relocation|differential|diff|stipend|premium|incentive|allowance)\b",
    re.IGNORECASE,
)
_MODIFIERS = frozenset({"up", "starting", "starts", "from", "between", "least", "minimum"})
_WALK_LIMIT = 12  # words looked at before a number
_LEAD_WINDOW = 120  # characters looked at before a number
# Cheap pre-check: any pay word before a bare number? (a superset of _PAY_WORDS)
# Cheap pre-check before reading the words before a bare number: any pay word at all?
# (Substrings, so a superset of _PAY_WORDS.)
_PAY_HINTS = ("pay", "salar", "wage", "compensation", "rate", "earn", "income", "hourly",
              "annual", "yearly", "weekly", "monthly", "daily")
_MAX_GAP = 24  # longest text between the two ends of a range ("/hr - ", " per hour to ")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def find_pay_quotes(text: object) -> Iterator[PayQuote]:
    """Yield the pay quotes a text states, in the order they appear.

    Quotes are unchecked (no size or band test): ``pay.parse_pay_text`` keeps the first
    that passes. Any input that is not a non-empty string yields nothing.
    """
    if not isinstance(text, str) or not text:
        return
    text = text[:_MAX_TEXT]
    lowered = text.lower()
    if len(lowered) != len(text):  # a few non-ASCII letters grow when lowered
        lowered = text.translate(_ASCII_LOWER)
    tokens = (m for m in _TOKEN_RE.finditer(text) if not _is_benefit_number(text, m))
    following = next(tokens, None)
    while following is not None:
        first = last = following
        following = next(tokens, None)
        if following is not None:
            gap = None
            if following.start() - first.end() <= _MAX_GAP:
                gap = _RANGE_GAP_RE.fullmatch(text, first.end(), following.start())
            if gap and (gap["sep"].lower() != "and"
                        or "between" in _lead_context(text, first.start()).words):
                last, following = following, next(tokens, None)
        quote = _quote(text, lowered, first, last)
        if quote is not None:
            yield quote


class _Lead:
    """What the words just before an amount say about it."""

    def __init__(self, words: list[tuple[str, int]], stop: str | None) -> None:
        self.words = {w for w, _ in words}
        self.positions = words
        self.stop = stop  # the first word (walking back) that is no filler

    def start_of(self, kinds: frozenset[str]) -> int | None:
        """Where the earliest of these words starts, if any was seen."""
        return min((pos for word, pos in self.positions if word in kinds), default=None)

    @property
    def says_pay(self) -> bool:
        return bool(self.words & _PAY_WORDS)

    @property
    def not_pay(self) -> bool:
        return self.stop in _NOT_PAY_WORDS

    def unit(self) -> str | None:
        for word in ("hourly", "annual", "annually", "yearly", "weekly", "biweekly",
                     "bi-weekly", "semi-monthly", "monthly", "daily"):
            if word in self.words:
                return unit_from_word(word)
        return None


def _lead_context(text: str, at: int) -> _Lead:
    """Walk back from `at` over filler and pay words, within the same sentence."""
    window = text[max(0, at - _LEAD_WINDOW):at]
    ends = list(_SENTENCE_END_RE.finditer(window))
    offset = at - len(window)
    if ends:
        offset += ends[-1].end()
        window = window[ends[-1].end():]
    found: list[tuple[str, int]] = []
    stop = None
    for match in reversed(list(_WORD_RE.finditer(window))[-_WALK_LIMIT:]):
        word = match.group().lower()
        if word in _PAY_WORDS or word in _CONNECTORS:
            found.append((word, offset + match.start()))
            continue
        stop = word
        break
    return _Lead(found, stop)


def _is_benefit_number(text: str, token: re.Match[str]) -> bool:
    """401(k) / 403(b) plan names are numbers, but never amounts."""
    after = text[token.end():token.end() + 3].lower()
    return token["num"] in {"401", "403", "457"} and (
        bool(token["k"]) or after.startswith(("(k", "(b", "k", "b"))
    )


def _quote(
    text: str, lowered: str, first: re.Match[str], last: re.Match[str]
) -> PayQuote | None:
    unit_match = _UNIT_AFTER_RE.match(text, last.end())
    has_money = any(t["cur"] or t["code"] for t in (first, last))
    window = lowered[max(0, first.start() - _LEAD_WINDOW):first.start()]
    if not (unit_match or has_money or any(hint in window for hint in _PAY_HINTS)):
        return None  # a bare number with no pay word before it: phone, ZIP, year...
    lead = _lead_context(text, first.start())
    low, high = _value(first), _value(last)
    if last is not first and last["k"] and not first["k"] and low < 1000 <= high:
        low *= 1000  # "$40-46K"
    end = unit_match.end() if unit_match else last.end()
    unit = None
    if unit_match:
        unit = unit_from_word(unit_match["noun"] or unit_match["adj"])
    unit = unit or lead.unit()
    is_range = last is not first
    if not (unit or lead.says_pay or (has_money and is_range)):
        return None
    if lead.not_pay:
        return None
    after_re = _NOT_PAY_RIGHT_AFTER_RE if unit_match else _NOT_PAY_AFTER_RE
    if after_re.match(text, end, min(len(text), end + 40)):
        return None
    if not is_range:
        low, high = _one_sided(low, lead, bool(first["plus"]))
    # Show the lead words when they carry meaning: "up to $24", "Hourly: 21.50".
    start = lead.start_of(_MODIFIERS)
    if start is None and not (has_money or unit_match):
        start = lead.start_of(_PAY_WORDS)
    start = first.start() if start is None else start
    return PayQuote(
        low=low,
        high=high,
        unit=unit,
        currency=_currency(first, last),
        text=" ".join(text[start:end].split()),
    )


def _value(token: re.Match[str]) -> float:
    # The token pattern only admits US-style numbers ("40,000.50"), so float() is exact.
    amount = float(token["num"].replace(",", ""))
    return amount * 1000 if token["k"] else amount


def _one_sided(amount: float, lead: _Lead, plus: bool) -> tuple[float | None, float | None]:
    """A single amount: "up to $24" is a maximum, "starting at $20" or "$20+" a minimum."""
    if {"up", "to"} <= lead.words or {"max", "maximum"} & lead.words:
        return None, amount
    if plus or {"starting", "starts", "start", "from", "least", "min", "minimum", "begins",
                "beginning", "begin", "low"} & lead.words:
        return amount, None
    return amount, amount


def _currency(first: re.Match[str], last: re.Match[str]) -> str:
    for mark in (first["cur"], first["code"], last["cur"], last["code"]):
        code = currency_code(mark)
        if code:
            return code
    return "USD"
