"""How much each signal counts in a match score, and how hard the penalties bite.

A score is ``factor * sum(weight_i * signal_i) / sum(weights)``: every signal is in
0..1, so the score is too. ``factor`` is the product of the penalties that apply to a
posting (a missing required certification, pay below the candidate's floor, an
employment type the candidate did not ask for). ``majobs.toml`` may override any of
these under ``[matcher.weights]`` (the lead's config loads them through
:meth:`Weights.from_mapping`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from majobs.errors import InputError

SIGNALS = ("text", "certs", "skills", "specialization", "setting", "place", "pay", "type",
           "recency")


@dataclass(frozen=True)
class Weights:
    # Additive signals: what a job seeker weighs, roughly in order of importance.
    text: float = 0.25            # TF-IDF cosine of the profile against the posting
    certs: float = 0.20           # required certs held, mentioned certs held
    skills: float = 0.12          # taxonomy skills shared (binary cosine)
    specialization: float = 0.12  # the candidate's specialty vs the posting's
    setting: float = 0.05         # clinic / hospital / urgent care ...
    place: float = 0.14           # closeness (radius itself is a hard filter)
    pay: float = 0.06             # posting's minimum hourly vs the candidate's floor
    type: float = 0.04            # full time / part time / per diem ...
    recency: float = 0.02         # fresher postings first, all else equal
    # Multiplicative penalties (1.0 = off).
    missing_required_cert: float = 0.3   # posting requires a cert the candidate lacks
    equivalent_ma_cert: float = 0.85     # requires CMA, candidate holds RMA/CCMA/NCMA
    pay_below_floor: float = 0.3         # posting's stated max < candidate's min_pay_hourly
    type_mismatch: float = 0.6           # employment type not among the candidate's
    # Shapes of the signals.
    text_saturation: float = 0.5         # cosine at which the text signal reaches 1
    pay_span_hourly: float = 8.0         # $/h above the floor for full pay signal
    recency_half_life_days: float = 30.0
    place_scale_miles: float = 25.0      # distance decay when no radius is given
    remote_place: float = 0.75           # place signal of a remote posting

    def additive(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in SIGNALS}

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None, file: str = "majobs.toml") -> Weights:
        """Defaults overridden by ``data``; unknown names and bad values are InputErrors."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        out: dict[str, float] = {}
        for key, value in data.items():
            where = f"matcher.weights.{key}"
            if key not in known:
                raise InputError(file, where, f"unknown weight (known: {', '.join(sorted(known))})")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(file, where, "must be a number")
            if value < 0:
                raise InputError(file, where, "must not be negative")
            out[key] = float(value)
        weights = replace(cls(), **out)
        if sum(weights.additive().values()) <= 0:
            raise InputError(file, "matcher.weights", "the signal weights sum to zero")
        for name in ("missing_required_cert", "equivalent_ma_cert", "pay_below_floor",
                     "type_mismatch", "remote_place"):
            if getattr(weights, name) > 1:
                raise InputError(file, f"matcher.weights.{name}", "must be between 0 and 1")
        for name in ("text_saturation", "pay_span_hourly", "recency_half_life_days",
                     "place_scale_miles"):
            if getattr(weights, name) <= 0:
                raise InputError(file, f"matcher.weights.{name}", "must be positive")
        return weights


DEFAULT_WEIGHTS = Weights()
