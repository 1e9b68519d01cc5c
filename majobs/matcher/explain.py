"""Match results and why they scored as they did.

``explanation`` holds each signal's raw value (0..1), its share of the score (the shares
sum to the score), the penalties applied and short reasons a person can read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from majobs.matcher.docs import EMPLOYMENT_TYPES
from majobs.matcher.index import MatchIndex
from majobs.matcher.weights import SIGNALS, Weights

if TYPE_CHECKING:
    from majobs.matcher.query import Query
    from majobs.matcher.rank import Scored

PENALTY_REASONS = {
    "missing_required_cert": "requires a certification you do not hold",
    "equivalent_ma_cert": "names a different national MA certification than yours",
    "pay_below_floor": "pays less than your minimum",
    "type_mismatch": "not an employment type you asked for",
}


@dataclass
class MatchResult:
    posting_id: int
    score: float
    matched: list[str] = field(default_factory=list)    # taxonomy ids both share
    missing: list[str] = field(default_factory=list)    # required, not held
    distance_miles: float | None = None
    remote: bool = False
    pay: dict[str, float | None] = field(default_factory=dict)   # hourly min / max
    employment_type: str | None = None
    explanation: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"posting_id": self.posting_id, "score": self.score, "matched": self.matched,
                "missing": self.missing, "distance_miles": self.distance_miles,
                "remote": self.remote, "pay": self.pay,
                "employment_type": self.employment_type, "explanation": self.explanation}


def _num(value: Any, digits: int = 2) -> float | None:
    value = float(value)
    return None if math.isnan(value) else round(value, digits)


def build_result(index: MatchIndex, query: Query, scored: Scored, pos: int,
                 w: Weights) -> MatchResult:
    """The result for position ``pos`` of ``scored`` (one posting)."""
    row = int(scored.rows[pos])
    weights = w.additive()
    total = sum(weights.values())
    factor = float(scored.factor[pos])
    signals = {name: round(float(scored.signals[name][pos]), 4) for name in SIGNALS}
    shares = {name: round(factor * weights[name] * float(scored.signals[name][pos]) / total, 4)
              for name in SIGNALS}
    applied = {name: getattr(w, name) for name, flags in scored.penalties.items()
               if flags[pos]}
    req = int(index.req_mask[row])
    missing_bits = req & ~int(query.held)
    if req & int(query.ma_bits) & int(query.held):
        missing_bits &= ~int(query.ma_bits)   # "CMA, RMA or CCMA": holding one is enough
    missing = index.cert_names(missing_bits)
    matched = index.cert_names(int(index.any_mask[row] & query.held))
    for group, vec in query.tags.items():
        m = index.tag_matrix[group]   # read the row's columns directly: slicing is slow
        tagged = m.indices[m.indptr[row]:m.indptr[row + 1]]
        matched += [index.tag_ids[group][c] for c in tagged if vec[c] > 0]
    distance = _num(scored.distance[pos], 1)
    pay = {"hourly_min": _num(index.pay_min[row]), "hourly_max": _num(index.pay_max[row])}
    code = int(index.type_code[row])
    result = MatchResult(
        posting_id=int(index.ids[row]), score=round(float(scored.score[pos]), 4),
        matched=matched, missing=missing, distance_miles=distance,
        remote=bool(index.remote[row]), pay=pay,
        employment_type=EMPLOYMENT_TYPES[code] if code >= 0 else None,
    )
    result.explanation = {"signals": signals, "shares": shares, "penalties": applied,
                          "reasons": reasons(result, query, applied)}
    return result


def reasons(result: MatchResult, query: Query, penalties: dict[str, float]) -> list[str]:
    """Short sentences for people: what matched, what is missing, distance, pay."""
    out: list[str] = []
    if result.matched:
        out.append("shares " + ", ".join(result.matched))
    if result.missing:
        out.append("requires " + ", ".join(result.missing) + " (not in your profile)")
    if result.remote:
        out.append("remote")
    elif result.distance_miles is not None:
        out.append(f"{result.distance_miles:g} miles away")
    elif query.lat is not None:
        out.append("place unknown")
    low, high = result.pay.get("hourly_min"), result.pay.get("hourly_max")
    if low is not None or high is not None:
        span = "-".join(f"${v:.2f}" for v in dict.fromkeys(v for v in (low, high)
                                                            if v is not None))
        out.append(f"pays {span}/hour" + (" (up to)" if low is None else ""))
    out += [PENALTY_REASONS[name] for name in penalties]
    return out
